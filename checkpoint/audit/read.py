"""Reading the log for people: its entries, filtered, and its current head (the anchor a supervisor keeps).

Reading does not verify the chain (`verify.py` does); it reads the lines that were complete when it started,
so an append running meanwhile is not half-seen. Entries written before the log keyed `pax_id`s show the
pax key computed from their `pax_id` (with the installation key), never the id itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from checkpoint.audit.chain import AuditChainError, Head
from checkpoint.audit.entries import AuditEntry
from checkpoint.audit.keys import KEY_FILE_NAME, pax_key, read_key
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS, locked
from checkpoint.audit.verify import verify
from checkpoint.errors import AuditError

_TEXTS = {
    "no log": "no audit log at {path}; check the path.",
    "unreadable": "cannot read the audit log {path} ({reason}); check its permissions.",
    "bad line": "the audit log {path}: line {number} is not an entry (it was edited or damaged); run "
    "`checkpoint audit verify {path}`.",
    "no head": "the audit log {path} has no head file yet (nothing was logged); screen once, then export the head.",
}

_ENTRY_FIELDS = tuple(f.name for f in fields(AuditEntry))


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries to show: each given condition must hold (dates are the entries' UTC dates, inclusive)."""

    first_day: date | None = None
    last_day: date | None = None
    officer: str | None = None
    post: str | None = None
    verdict: str | None = None

    def admits(self, entry: AuditEntry) -> bool:
        """Whether `entry` meets every condition given."""
        day = entry.time[:10]
        return (
            (self.first_day is None or day >= self.first_day.isoformat())
            and (self.last_day is None or day <= self.last_day.isoformat())
            and (self.officer is None or entry.officer == self.officer)
            and (self.post is None or entry.post == self.post)
            and (self.verdict is None or entry.verdict == self.verdict)
        )


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """An entry as the log holds it: its place in the chain (`seq`) and what it says."""

    seq: int
    entry: AuditEntry


def read_entries(
    path: Path,
    wanted: EntryFilter | None = None,
    *,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    on_wait: Callable[[float], object] | None = None,
) -> Iterator[LoggedEntry]:
    """The entries of the log that `wanted` admits, oldest first."""
    wanted = wanted or EntryFilter()
    if not path.is_file():
        raise AuditError(_TEXTS["no log"].format(path=path))
    key = read_key(path.parent / KEY_FILE_NAME)
    with locked(path, lock_timeout, optional=True, on_wait=on_wait):
        size = path.stat().st_size
    try:
        handle = path.open("rb")
    except OSError as error:
        raise AuditError(_TEXTS["unreadable"].format(path=path, reason=error.strerror)) from None
    with handle:
        remaining = size
        for number, raw in enumerate(handle, start=1):
            if remaining < len(raw) or not raw.endswith(b"\n"):
                return  # a line still being written when reading began
            remaining -= len(raw)
            logged = _entry(path, number, raw, key)
            if wanted.admits(logged.entry):
                yield logged


def current_head(
    path: Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS, on_wait: Callable[[float], object] | None = None
) -> Head:
    """The log's head, once the whole log has verified against it: what a supervisor exports as an anchor.

    (An anchor taken from a head that does not match its log would vouch for the wrong thing.)
    """
    head = verify(path, lock_timeout=lock_timeout, on_wait=on_wait).head_file
    if head is None:
        raise AuditError(_TEXTS["no head"].format(path=path))
    return head


def _entry(path: Path, number: int, raw: bytes, key: bytes | None) -> LoggedEntry:
    try:
        data: dict[str, Any] = json.loads(raw)
        if "pax_key" not in data:  # written before pax ids were keyed
            pax_id = data.pop("pax_id")
            data["pax_key"] = pax_key(key, str(pax_id)) if key is not None else None
        data["rules"] = tuple(data["rules"])  # a JSON array; the entry holds a tuple
        entry = AuditEntry(**{name: data[name] for name in _ENTRY_FIELDS})
        seq = data["seq"]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise AuditChainError(_TEXTS["bad line"].format(path=path, number=number), number) from None
    if not isinstance(seq, int):
        raise AuditChainError(_TEXTS["bad line"].format(path=path, number=number), number)
    return LoggedEntry(seq, entry)
