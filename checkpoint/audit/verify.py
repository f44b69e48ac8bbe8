"""Verifying a log: every line chained to the one before, the last one to the keyed head file, and, given an
anchor exported earlier, the anchored entry still in the log. Each decision must answer an earlier screening
entry: no checkpoint writes another, so one that does not was edited (and re-chained by a key holder).

An append interrupted by a power cut or a full disk leaves a pending record (`pending.py`); verification
reports what the next screening will do with it rather than calling the log damaged, as long as the record
seals exactly what the log holds after its head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkpoint.audit.chain import GENESIS_HASH, AuditChainError, Head, head_path_for, line_hash, read_head
from checkpoint.audit.entries import DecisionEntry, entry_kind, written_keyed
from checkpoint.audit.keys import KEY_FILE_NAME, read_key
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS, locked
from checkpoint.audit.pending import Pending, Settlement, assess, pending_path_for, read_pending
from checkpoint.errors import AuditError
from checkpoint.i18n import text


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of a successful verification: entries checked, the last one's hash, notes for the reader,
    the anchored entry's seq when an anchor was given, and the head file as it was read (None if none)."""

    path: Path
    entries: int
    head: str
    notes: tuple[str, ...] = ()
    anchored: int | None = None
    head_file: Head | None = None


@dataclass(frozen=True, slots=True)
class _Chain:
    """What walking the chain found: entries, the last hash, the first entry written with a keyed head (its
    pax key shows it), and the hash of the line an anchor names."""

    entries: int
    last_hash: str
    first_keyed: int | None
    anchored_hash: str | None


def verify(
    path: Path,
    *,
    anchor: Head | None = None,
    anchor_name: str = "",
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    on_wait: Callable[[float], object] | None = None,
) -> VerifyReport:
    """Check the chain, the head file and its MAC, an interrupted append, and `anchor` if given; raise
    AuditChainError naming the first bad line (or what else is wrong)."""
    if not path.is_file():
        if anchor is not None:
            raise AuditChainError(text("audit.verify.log_removed_anchored", path=path, seq=anchor.seq), None)
        if head_path_for(path).exists():
            raise AuditChainError(text("audit.verify.log_removed", path=path), None)
        raise AuditChainError(text("audit.verify.no_log", path=path), None)
    key = read_key(path.parent / KEY_FILE_NAME)
    size, head, pending = _snapshot(path, key, lock_timeout, on_wait)
    notes: list[str] = []
    end, expected = size, head
    if pending is not None:
        end, expected = _settlement(path, size, head, pending, notes)
    chain = _verify_chain(path, end, anchor.seq if anchor is not None else None)
    if anchor is not None:
        _check_anchor(path, anchor, anchor_name, chain, key, notes)
    _check_head(path, expected, chain)
    if head is not None:
        _check_key(path, head, chain, key, notes)
    anchored = anchor.seq if anchor is not None else None
    return VerifyReport(path, chain.entries, chain.last_hash, tuple(notes), anchored, head)


def _snapshot(
    path: Path, key: bytes | None, lock_timeout: float, on_wait: Callable[[float], object] | None
) -> tuple[int, Head | None, Pending | None]:
    """The log's size, head and pending record, read together under the lock so that a running append is not
    half-seen.

    The log is append-only, so checking its first `size` bytes afterwards needs no lock; a read-only copy
    (where no lock file can be made) is read as it is.
    """
    with locked(path, lock_timeout, optional=True, on_wait=on_wait):
        size = path.stat().st_size
        head = read_head(head_path_for(path))
        try:
            pending = read_pending(pending_path_for(path), key)
        except AuditChainError as error:
            raise AuditChainError(text("audit.verify.pending", path=path, reason=error), None) from None
    return size, head, pending


def _settlement(
    path: Path, size: int, head: Head | None, pending: Pending, notes: list[str]
) -> tuple[int, Head | None]:
    """How far to check the log, and the head it must end with, given what the next append will settle."""
    whole = None
    if size == pending.start + pending.length:
        with path.open("rb") as handle:
            handle.seek(pending.start)
            whole = hashlib.file_digest(handle, "sha256").hexdigest()
    try:
        settlement = assess(pending, pending_path_for(path), size, head, whole)
    except AuditChainError as error:
        raise AuditChainError(text("audit.verify.pending", path=path, reason=error), None) from None
    span = {"first": pending.from_seq, "last": pending.to_seq, "base": pending.base.seq}
    if settlement is Settlement.WRITTEN_IN_PART:
        notes.append(text("audit.verify.part_note", **span))
        return pending.start, head
    if settlement is Settlement.WRITTEN_WHOLE:
        notes.append(text("audit.verify.whole_note", **span))
        return size, pending.end
    return size, head


def _check_head(path: Path, head: Head | None, chain: _Chain) -> None:
    entries = chain.entries
    if head is None:
        if entries:
            name = head_path_for(path).name
            raise AuditChainError(text("audit.verify.head_missing", path=path, entries=entries, head=name), None)
        return
    values = {"path": path, "entries": entries, "seq": head.seq, "next": min(head.seq, entries) + 1}
    if head.seq > entries:
        raise AuditChainError(text("audit.verify.cut", **values), entries + 1)
    if head.seq < entries:
        raise AuditChainError(text("audit.verify.added", **values), head.seq + 1)
    if head.hash != chain.last_hash:
        raise AuditChainError(text("audit.verify.last_edited", **values), entries)


def _check_key(path: Path, head: Head, chain: _Chain, key: bytes | None, notes: list[str]) -> None:
    """A keyed head must carry the MAC of this installation's key; an unkeyed one is only accepted on a log
    that no keying checkpoint has written to."""
    if head.mac is None:
        if chain.first_keyed is not None:
            raise AuditChainError(text("audit.verify.head_downgraded", path=path, line=chain.first_keyed), None)
        notes.append(text("audit.verify.unkeyed_note"))
    elif key is None:
        raise AuditChainError(text("audit.verify.no_key", path=path, key=KEY_FILE_NAME), None)
    elif not head.sealed_by(key):
        raise AuditChainError(text("audit.verify.head_forged", path=path), None)


def _check_anchor(path: Path, anchor: Head, name: str, chain: _Chain, key: bytes | None, notes: list[str]) -> None:
    """The anchored entry must still be in the log, unchanged (the head cannot then be behind it)."""
    if anchor.mac is not None:
        if key is None:
            notes.append(text("audit.verify.anchor_unchecked"))
        elif not anchor.sealed_by(key):
            raise AuditChainError(
                text("audit.verify.anchor_forged", anchor=name or text("audit.verify.anchor_given")), None
            )
    if chain.entries < anchor.seq:
        raise AuditChainError(
            text("audit.verify.anchor_cut", path=path, entries=chain.entries, seq=anchor.seq), chain.entries + 1
        )
    if anchor.seq > 0 and chain.anchored_hash != anchor.hash:
        raise AuditChainError(text("audit.verify.anchor_rewritten", path=path, seq=anchor.seq), anchor.seq)


def _verify_chain(path: Path, size: int, anchored: int | None) -> _Chain:
    """Walk the first `size` bytes line by line."""
    expected_prev = GENESIS_HASH
    number = 0
    remaining = size
    first_keyed = anchored_hash = None
    decisions: set[int] = set()
    try:
        handle = path.open("rb")
    except OSError as error:
        raise AuditError(text("audit.verify.unreadable", path=path, reason=error.strerror)) from None
    with handle:
        for raw in handle:
            if remaining <= 0:
                break
            chunk = raw[:remaining]
            remaining -= len(chunk)
            number += 1
            values = {"path": path, "number": number, "before": number - 1}
            if not chunk.endswith(b"\n"):
                raise AuditChainError(text("audit.verify.incomplete", **values), number)
            line = chunk[:-1]
            entry = _parse(path, number, line)
            seq, prev = entry["seq"], entry["prev"]
            if seq != number:
                raise AuditChainError(text("audit.verify.seq", seq=seq, **values), number)
            if prev != expected_prev:
                if number == 1:
                    raise AuditChainError(text("audit.verify.start", **values), 1)
                # The seqs are in order, so the likeliest cause is an edit of the line before this one.
                raise AuditChainError(text("audit.verify.prev", **values), number - 1)
            expected_prev = line_hash(line)
            if first_keyed is None and written_keyed(entry):
                first_keyed = number
            if entry_kind(entry) == DecisionEntry.KIND:
                answers = entry.get("answers")
                if type(answers) is not int or not 0 < answers < number or answers in decisions:
                    raise AuditChainError(text("audit.verify.answers", **values), number)
                decisions.add(number)
            if number == anchored:
                anchored_hash = expected_prev
    return _Chain(number, expected_prev, first_keyed, anchored_hash)


def _parse(path: Path, number: int, line: bytes) -> dict[str, Any]:
    """The entry on line `number`, as far as the chain needs it: a JSON object with an int seq and a str prev."""
    try:
        entry = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        # JSONDecodeError's msg names only the problem and position, never the content.
        reason = error.msg if isinstance(error, json.JSONDecodeError) else text("audit.verify.not_utf8")
        raise AuditChainError(text("audit.verify.not_json", path=path, number=number, reason=reason), number) from None
    if not isinstance(entry, dict):
        raise AuditChainError(text("audit.verify.not_object", path=path, number=number), number)
    seq, prev = entry.get("seq"), entry.get("prev")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(prev, str):
        raise AuditChainError(text("audit.verify.no_seq", path=path, number=number), number)
    return entry
