"""The hash chain: what links each line to the one before, and the head file that records where it ends."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from checkpoint.durable import write_atomically
from checkpoint.errors import AuditError

#: The `prev` of the first entry.
GENESIS_HASH = "0" * 64


class AuditChainError(AuditError):
    """The log does not verify; `line` is the first bad line (None when no single line is to blame)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def line_hash(line: bytes) -> str:
    """The `prev` of the entry after this line: the SHA-256 of its exact bytes, without the newline."""
    return hashlib.sha256(line).hexdigest()


def head_path_for(log: Path) -> Path:
    """Where the head file of `log` lives."""
    return log.with_name(log.name + ".head")


def read_head(path: Path) -> tuple[int, str] | None:
    """The (seq, hash) recorded in the head file, or None when there is none."""
    try:
        data = json.loads(path.read_bytes())
        seq, digest = data["seq"], data["hash"]
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AuditError(f"cannot read the audit head file {path} ({error.strerror}); check its permissions.") from None
    except (ValueError, TypeError, KeyError):
        seq = digest = None
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(digest, str):
        raise AuditChainError(
            f"the audit head file {path} is damaged; restore it from a backup, then run `checkpoint audit verify`.",
            None,
        )
    return seq, digest


def write_head(path: Path, seq: int, digest: str) -> None:
    """Replace the head file durably: a reader sees the old head or the new one."""
    data = json.dumps({"seq": seq, "hash": digest}).encode("ascii") + b"\n"
    try:
        write_atomically(path, lambda handle: handle.write(data))  # owner-only, as the log beside it
    except OSError as error:
        raise AuditError(
            f"the entries were appended to the audit log but its head file {path} could not be written "
            f"({error.strerror}); fix the folder's permissions or free disk space, then screen again."
        ) from None
