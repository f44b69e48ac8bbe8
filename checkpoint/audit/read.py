"""Reading the log for people: its entries of both kinds, and its current head (the anchor a supervisor keeps).

Reading does not verify the chain (`verify.py` does); it reads the lines that were complete when it started,
so an append running meanwhile is not half-seen. Entries written before the log keyed `pax_id`s show the
pax key computed from their `pax_id` (with the installation key), never the id itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from checkpoint.audit.chain import AuditChainError, Head
from checkpoint.audit.entries import AuditEntry, DecisionEntry, ScreeningEntry, entry_kind
from checkpoint.audit.keys import KEY_FILE_NAME, pax_key, read_key
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS, locked
from checkpoint.audit.verify import verify
from checkpoint.errors import AuditError
from checkpoint.i18n import text

# Lines are UTF-8 (`entry_line`): decoded first, so that json does not detect the encoding of every line.
_DECODER = json.JSONDecoder()

_SCREENING_FIELDS = tuple(f.name for f in fields(ScreeningEntry))
_DECISION_FIELDS = tuple(f.name for f in fields(DecisionEntry))


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """An entry as the log holds it: its place in the chain (`seq`) and what it says."""

    seq: int
    entry: AuditEntry


def read_entries(
    path: Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS, on_wait: Callable[[float], object] | None = None
) -> Iterator[LoggedEntry]:
    """Every entry of the log, screenings and decisions, oldest first."""
    key = read_key(path.parent / KEY_FILE_NAME)
    for number, raw in log_lines(path, lock_timeout=lock_timeout, on_wait=on_wait):
        yield parse_line(path, number, raw, key)


def log_lines(
    path: Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS, on_wait: Callable[[float], object] | None = None
) -> Iterator[tuple[int, bytes]]:
    """The log's lines complete when reading began, numbered from 1, as bytes (for readers that parse only
    the lines they need)."""
    if not path.is_file():
        raise AuditError(text("audit.read.no_log", path=path))
    with locked(path, lock_timeout, optional=True, on_wait=on_wait):
        size = path.stat().st_size
    try:
        handle = path.open("rb")
    except OSError as error:
        raise AuditError(text("audit.read.unreadable", path=path, reason=error.strerror)) from None
    with handle:
        remaining = size
        for number, raw in enumerate(handle, start=1):
            if remaining < len(raw) or not raw.endswith(b"\n"):
                return  # a line still being written when reading began
            remaining -= len(raw)
            yield number, raw


def parse_line(path: Path, number: int, raw: bytes, key: bytes | None) -> LoggedEntry:
    """Line `number` of the log as an entry of its kind; `key` (the installation key) gives entries written
    with a pax_id in clear their pax key. AuditChainError when it is not an entry."""
    try:
        line = raw.decode("utf-8")
        data: dict[str, Any]
        data, end = _DECODER.raw_decode(line)  # a line starts with `{`; only its newline may follow the object
        if line[end:].strip():
            raise ValueError("more than one object")
        kind = entry_kind(data)
        entry: AuditEntry
        if kind == "screening":
            if "pax_key" not in data:  # written before pax ids were keyed
                pax_id = data.pop("pax_id")
                data["pax_key"] = pax_key(key, str(pax_id)) if key is not None else None
            data["rules"] = tuple(data["rules"])  # a JSON array; the entry holds a tuple
            entry = ScreeningEntry(**{name: data[name] for name in _SCREENING_FIELDS})
        elif kind == DecisionEntry.KIND:
            entry = DecisionEntry(**{name: data[name] for name in _DECISION_FIELDS})
        else:
            raise AuditError(text("audit.read.unknown_kind", path=path, number=number))
        seq = data["seq"]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise AuditChainError(text("audit.read.bad_line", path=path, number=number), number) from None
    if not isinstance(seq, int) or (isinstance(entry, DecisionEntry) and not isinstance(entry.answers, int)):
        raise AuditChainError(text("audit.read.bad_line", path=path, number=number), number)
    return LoggedEntry(seq, entry)


def current_head(
    path: Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS, on_wait: Callable[[float], object] | None = None
) -> Head:
    """The log's head, once the whole log has verified against it: what a supervisor exports as an anchor.

    (An anchor taken from a head that does not match its log would vouch for the wrong thing.)
    """
    head = verify(path, lock_timeout=lock_timeout, on_wait=on_wait).head_file
    if head is None:
        raise AuditError(text("audit.read.no_head", path=path))
    return head
