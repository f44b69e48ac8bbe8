"""Verifying a log: every line chained to the one before, and the last one to the head file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkpoint.audit.chain import GENESIS_HASH, AuditChainError, head_path_for, line_hash, read_head
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS, locked
from checkpoint.errors import AuditError


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of a successful verification."""

    path: Path
    entries: int
    head: str


def verify(path: Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS) -> VerifyReport:
    """Check the chain and the head file; raise AuditChainError naming the first bad line."""
    head_file = head_path_for(path)
    if not path.is_file():
        if head_file.exists():
            raise AuditChainError(
                f"no audit log at {path}, but its head file exists: the log was removed or moved; "
                "restore it from a backup.",
                None,
            )
        raise AuditChainError(f"no audit log at {path}; check the path.", None)
    size, head = _snapshot(path, lock_timeout)
    entries, last_hash = _verify_chain(path, size)
    if head is None:
        if entries:
            raise AuditChainError(
                f"the audit log {path} has {entries} entries but its head file {head_file.name} is missing, "
                "so lines removed from the end would go unnoticed; restore the head file from a backup.",
                None,
            )
    elif head[0] > entries:
        raise AuditChainError(
            f"the audit log {path} ends at line {entries} but its head file records {head[0]} entries: "
            f"line {entries + 1} onwards was removed.",
            entries + 1,
        )
    elif head[0] < entries:
        raise AuditChainError(
            f"the audit log {path} has {entries} entries but its head file records {head[0]}: line "
            f"{head[0] + 1} onwards was added by hand, or the last append was interrupted before it "
            "updated the head.",
            head[0] + 1,
        )
    elif head[1] != last_hash:
        raise AuditChainError(
            f"the audit log {path}: line {entries} does not match its head file: the last line was edited.",
            entries,
        )
    return VerifyReport(path=path, entries=entries, head=last_hash)


def _snapshot(path: Path, lock_timeout: float) -> tuple[int, tuple[int, str] | None]:
    """The log's size and head, read together under the lock so that a running append is not half-seen.

    The log is append-only, so checking its first `size` bytes afterwards needs no lock; a read-only copy
    (where no lock file can be made) is read as it is.
    """
    with locked(path, lock_timeout, optional=True):
        return path.stat().st_size, read_head(head_path_for(path))


def _verify_chain(path: Path, size: int) -> tuple[int, str]:
    """Walk the first `size` bytes line by line; return the number of entries and the last line's hash."""
    expected_prev = GENESIS_HASH
    number = 0
    remaining = size
    try:
        handle = path.open("rb")
    except OSError as error:
        raise AuditError(f"cannot read the audit log {path} ({error.strerror}); check its permissions.") from None
    with handle:
        for raw in handle:
            if remaining <= 0:
                break
            chunk = raw[:remaining]
            remaining -= len(chunk)
            number += 1
            if not chunk.endswith(b"\n"):
                raise AuditChainError(
                    f"the audit log {path}: line {number} is incomplete (no newline): an append was interrupted.",
                    number,
                )
            line = chunk[:-1]
            entry = _parse(path, number, line)
            seq, prev = entry["seq"], entry["prev"]
            if seq != number:
                raise AuditChainError(
                    f"the audit log {path}: line {number} holds entry {seq}, expected {number}: "
                    "lines were removed, reordered or copied here.",
                    number,
                )
            if prev != expected_prev:
                if number == 1:
                    raise AuditChainError(
                        f"the audit log {path}: line 1 does not start the chain (its prev is not zeros): "
                        "the start of the log was removed.",
                        1,
                    )
                # The seqs are in order, so the likeliest cause is an edit of the line before this one.
                raise AuditChainError(
                    f"the audit log {path}: line {number - 1} does not match the prev hash recorded in "
                    f"line {number}: line {number - 1} was edited (or the prev of line {number}).",
                    number - 1,
                )
            expected_prev = line_hash(line)
    return number, expected_prev


def _parse(path: Path, number: int, line: bytes) -> dict[str, Any]:
    """The entry on line `number`, as far as the chain needs it: a JSON object with an int seq and a str prev."""
    try:
        entry = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        # JSONDecodeError's msg names only the problem and position, never the content.
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
        raise AuditChainError(
            f"the audit log {path}: line {number} is not valid JSON ({reason}): it was edited or damaged.",
            number,
        ) from None
    if not isinstance(entry, dict):
        raise AuditChainError(f"the audit log {path}: line {number} is not a JSON object.", number)
    seq, prev = entry.get("seq"), entry.get("prev")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(prev, str):
        raise AuditChainError(
            f"the audit log {path}: line {number} lacks a valid seq or prev field: it was edited.", number
        )
    return entry
