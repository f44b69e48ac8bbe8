"""The hash chain: what links each line to the one before, and the head file that records where it ends.

The head file holds one JSON object, `{"seq": N, "hash": "…", "mac": "…"}`: the seq of the last entry, the
SHA-256 of its line, and an HMAC of both under the installation key (`keys.keyed_digest`, its own label).
Without the key nobody can write a head that matches a log cut short. A head written before heads were
keyed has no `mac`; it is still read (and keyed by the next append). An anchor, the head a supervisor
exported with `checkpoint audit show --head` and kept elsewhere, has the same form.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from checkpoint.audit.keys import keyed_digest
from checkpoint.durable import write_atomically
from checkpoint.errors import AuditError
from checkpoint.i18n import text

#: The `prev` of the first entry.
GENESIS_HASH = "0" * 64

_HEAD_SCHEME = "checkpoint-audit-head-v1"
_HEX = frozenset("0123456789abcdef")


class AuditChainError(AuditError):
    """The log does not verify; `line` is the first bad line (None when no single line is to blame)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Head:
    """Where the chain ends: the last entry's seq and line hash, and their MAC (None if written unkeyed)."""

    seq: int
    hash: str
    mac: str | None = None

    def sealed_by(self, key: bytes) -> bool:
        """Whether the MAC is the one `key` gives this seq and hash (False for an unkeyed head)."""
        return self.mac is not None and hmac.compare_digest(self.mac, head_mac(key, self.seq, self.hash))


def head_mac(key: bytes, seq: int, digest: str) -> str:
    """The MAC of a head: HMAC-SHA256 of its seq and hash under the installation key."""
    return keyed_digest(key, _HEAD_SCHEME, str(seq), digest)


def line_hash(line: bytes) -> str:
    """The `prev` of the entry after this line: the SHA-256 of its exact bytes, without the newline."""
    return hashlib.sha256(line).hexdigest()


def head_path_for(log: Path) -> Path:
    """Where the head file of `log` lives."""
    return log.with_name(log.name + ".head")


def head_line(head: Head) -> bytes:
    """The head as the head file (and an anchor) holds it: one JSON object and a newline."""
    data: dict[str, object] = {"seq": head.seq, "hash": head.hash}
    if head.mac is not None:
        data["mac"] = head.mac
    return json.dumps(data).encode("ascii") + b"\n"


def read_head(path: Path) -> Head | None:
    """The head recorded in the head file, or None when there is none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AuditError(
            text("audit.chain.unreadable", what=text("audit.chain.head_file"), path=path, reason=error.strerror)
        ) from None
    return _parse_head(data, path, text("audit.chain.head_file"), text("audit.chain.fix_head"))


def read_anchor(path: Path) -> Head:
    """An anchor file: a head exported by `checkpoint audit show --head`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AuditError(
            text("audit.chain.unreadable", what=text("audit.chain.anchor"), path=path, reason=error.strerror)
        ) from None
    return _parse_head(data, path, text("audit.chain.anchor"), text("audit.chain.fix_anchor"))


def write_head(path: Path, head: Head) -> None:
    """Replace the head file durably: a reader sees the old head or the new one. An OSError says why not
    (and leaves the old head)."""
    data = head_line(head)
    write_atomically(path, lambda handle: handle.write(data))  # owner-only, as the log beside it


def _parse_head(data: bytes, path: Path, what: str, fix: str) -> Head:
    try:
        fields = json.loads(data)
        seq, digest, mac = fields["seq"], fields["hash"], fields.get("mac")
    except (ValueError, TypeError, KeyError, AttributeError):
        seq = digest = mac = None
    if (
        not isinstance(seq, int)
        or isinstance(seq, bool)
        or seq < 0
        or not _is_digest(digest)
        or not (mac is None or _is_digest(mac))
    ):
        raise AuditChainError(text("audit.chain.damaged", what=what, path=path, fix=fix), None)
    return Head(seq, digest, mac)


def _is_digest(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX
