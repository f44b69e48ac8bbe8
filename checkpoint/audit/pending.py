"""The pending record: what an append is about to write, sealed before the lines and removed after the head.

`audit.jsonl.pending` holds one JSON object, written (durably) before an append writes its lines and removed
once the head file records them:

    {"from_seq": 8, "to_seq": 9, "start": 3258, "length": 912, "prev": "…", "hash": "…", "sha256": "…", "mac": "…"}

the entries the append numbers, the log's size before it (`start`, where its bytes begin) and their length,
the hash of the line before them (`prev`, what the head recorded) and of their last line (`hash`, what the
head will record), the SHA-256 of all their bytes, and an HMAC of all that under the installation key.

An append interrupted between its lines and its head (a power cut, a kill, a head that could not be
written) leaves the record behind. The next append, or `audit verify`, compares it with the log
(`assess`): lines that are exactly the sealed bytes are completed (the head is written for them); a part of
them, which that screening never reported, is taken back; anything else is refused. Lines that no pending
record seals (appended by hand, say) are never accepted.
"""

from __future__ import annotations

import contextlib
import enum
import hmac
import json
import os
from dataclasses import astuple, dataclass, fields, replace
from pathlib import Path

from checkpoint.audit.chain import GENESIS_HASH, AuditChainError, Head
from checkpoint.audit.keys import keyed_digest
from checkpoint.durable import sync_folder, write_atomically
from checkpoint.errors import AuditError
from checkpoint.i18n import text

_PENDING_SCHEME = "checkpoint-audit-pending-v1"


@dataclass(frozen=True, slots=True)
class Pending:
    """An append in progress: entries `from_seq`..`to_seq`, `length` bytes from byte `start` of the log."""

    from_seq: int
    to_seq: int
    start: int
    length: int
    prev: str
    hash: str
    sha256: str
    mac: str = ""

    def sealed(self, key: bytes) -> Pending:
        """The same record with its MAC under `key`."""
        return replace(self, mac=_mac(key, self))

    @property
    def base(self) -> Head:
        """The head before the append (unkeyed: only seq and hash are compared)."""
        return Head(self.from_seq - 1, self.prev)

    @property
    def end(self) -> Head:
        """The head once the append is complete (unkeyed)."""
        return Head(self.to_seq, self.hash)


class Settlement(enum.Enum):
    """What the log shows of the append a pending record describes, and so what to do with it."""

    NOTHING_WRITTEN = "nothing written"  # remove the record
    WRITTEN_WHOLE = "written whole"  # write the head for the entries, then remove the record
    WRITTEN_IN_PART = "written in part"  # truncate the log to `start`, then remove the record
    FINISHED = "finished"  # the head already records the entries: remove the record


def pending_path_for(log: Path) -> Path:
    """Where the pending record of `log` lives."""
    return log.with_name(log.name + ".pending")


def write_pending(path: Path, pending: Pending) -> None:
    """Write the (sealed) record durably; an OSError says why not."""
    data = json.dumps({field.name: getattr(pending, field.name) for field in fields(Pending)}).encode("ascii") + b"\n"
    write_atomically(path, lambda handle: handle.write(data))


def remove_pending(path: Path) -> None:
    """Remove the record durably; an OSError says why not (a missing record is no error)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    sync_folder(path.parent)


def read_pending(path: Path, key: bytes | None) -> Pending | None:
    """The pending record at `path`, checked against `key`; None when there is none.

    AuditChainError when it is damaged, or when its MAC is not `key`'s (or there is no key to check it with).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AuditError(text("audit.pending.unreadable", path=path, reason=error.strerror)) from None
    try:
        pending = Pending(**json.loads(data))
    except (ValueError, TypeError):
        raise AuditChainError(text("audit.pending.damaged", path=path), None) from None
    numbers = (pending.from_seq, pending.to_seq, pending.start, pending.length)
    texts = (pending.prev, pending.hash, pending.sha256, pending.mac)
    if not all(type(n) is int and n >= 0 for n in numbers) or not all(type(t) is str for t in texts):
        raise AuditChainError(text("audit.pending.damaged", path=path), None)
    if key is None or not hmac.compare_digest(pending.mac, _mac(key, pending)):
        raise AuditChainError(text("audit.pending.forged", path=path), None)
    return pending


def assess(pending: Pending, path: Path, size: int, head: Head | None, appended_sha256: str | None) -> Settlement:
    """What the log (`size` bytes) and its head show of the append `pending` describes.

    `appended_sha256` is the SHA-256 of the log's bytes from `pending.start` to its end, when there are
    exactly `pending.length` of them (None otherwise). AuditChainError (without a line) when the log, the
    head and the record do not fit together: the caller adds what to do.
    """
    at = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)  # no head yet: an empty log's
    span = {"path": path, "first": pending.from_seq, "last": pending.to_seq}
    if at == (pending.to_seq, pending.hash) and size == pending.start + pending.length:
        return Settlement.FINISHED
    if at != (pending.base.seq, pending.base.hash) or size < pending.start:
        raise AuditChainError(text("audit.pending.stale", **span), None)
    if size == pending.start:
        return Settlement.NOTHING_WRITTEN
    if size < pending.start + pending.length:
        return Settlement.WRITTEN_IN_PART
    if size == pending.start + pending.length and appended_sha256 == pending.sha256:
        return Settlement.WRITTEN_WHOLE
    extra = size - pending.start
    raise AuditChainError(text("audit.pending.other_bytes", extra=extra, base=pending.base.seq, **span), None)


def _mac(key: bytes, pending: Pending) -> str:
    parts = astuple(pending)[:-1]
    return keyed_digest(key, _PENDING_SCHEME, *(str(part) for part in parts))
