"""Appending: a preflight, refusing a damaged log, failures as audit errors, and two processes at once."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from checkpoint.audit import AuditLog, ScreeningContext, head_path_for, load_key, pax_key, pending_path_for, verify
from checkpoint.errors import AuditError
from checkpoint.filelocks import exclusive
from checkpoint.models import ScreeningResult, Traveller, Verdict

from support.faults import interrupt_append

PASSPORT = "X7654321"  # synthetic

# The builders tests/audit/conftest.py provides as fixtures.
MakeResult = Callable[..., ScreeningResult]
MakeLog = Callable[..., Path]


def test_no_results_is_a_preflight_that_writes_nothing(tmp_path: Path, context: ScreeningContext) -> None:
    log = AuditLog(tmp_path / "new" / "audit.jsonl")
    assert log.record([], context).count == 0
    assert log.path.read_bytes() == b""
    assert log.key_path.stat().st_size == 32
    assert verify(log.path).entries == 0


# --- appending to a damaged log --------------------------------------------------------------------


def test_append_after_a_partial_last_line_is_refused(
    context: ScreeningContext, result: MakeResult, make_log: MakeLog
) -> None:
    path = make_log(entries=3)
    with path.open("ab") as handle:
        handle.write(b'{"seq":4,"time":')
    before = path.read_bytes()
    with pytest.raises(AuditError, match=r"incomplete line.*checkpoint audit verify"):
        AuditLog(path).record([result(9)], context)
    assert path.read_bytes() == before


def test_append_after_truncation_is_refused(context: ScreeningContext, result: MakeResult, make_log: MakeLog) -> None:
    """Otherwise the next head would silently cover the removed lines."""
    path = make_log(entries=4)
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:-1]))
    with pytest.raises(AuditError, match="no longer matches its head file"):
        AuditLog(path).record([result(9)], context)


def test_append_after_an_edited_last_line_is_refused(
    context: ScreeningContext, result: MakeResult, make_log: MakeLog
) -> None:
    path = make_log(entries=4)
    path.write_bytes(path.read_bytes().replace(b'"seq":4,"time":"2025', b'"seq":4,"time":"2024'))
    with pytest.raises(AuditError, match="no longer matches its head file"):
        AuditLog(path).record([result(9)], context)


def test_append_without_head_is_refused(context: ScreeningContext, result: MakeResult, make_log: MakeLog) -> None:
    path = make_log(entries=2)
    head_path_for(path).unlink()
    with pytest.raises(AuditError, match="lost its head file"):
        AuditLog(path).record([result(9)], context)


def test_append_never_covers_lines_its_head_does_not_record(
    context: ScreeningContext, result: MakeResult, make_log: MakeLog
) -> None:
    """A head behind the log, with no pending record sealing the lines after it, is what lines appended by hand
    leave (a valid chain is easy to compute): the next append refuses rather than vouch for them."""
    path = make_log(entries=3, batches=1)
    old_head = head_path_for(path).read_bytes()
    AuditLog(path).record([result(4)], context)
    head_path_for(path).write_bytes(old_head)
    before = path.read_bytes()
    with pytest.raises(AuditError, match=r"entries after entry 3, .* that no pending record seals.*audit verify"):
        AuditLog(path).record([result(5)], context)
    assert path.read_bytes() == before and head_path_for(path).read_bytes() == old_head


@pytest.mark.parametrize("where", ["before the head", "in the lines"])
def test_an_interrupted_first_append_is_settled_by_the_next(
    tmp_path: Path, context: ScreeningContext, result: MakeResult, where: str
) -> None:
    """The very first append of a log, killed: there is no head yet, and the next append still settles it."""
    path = tmp_path / "audit.jsonl"
    interrupt_append(path, where, count=2)
    appended = AuditLog(path).record([result(1)], context)
    completed = where == "before the head"
    assert (appended.first, appended.last) == ((3, 3) if completed else (1, 1))
    assert appended.notes and ("now recorded" if completed else "taken back") in appended.notes[0]
    assert verify(path).entries == appended.last
    assert not pending_path_for(path).exists()


def test_a_lost_key_is_not_replaced_while_the_log_has_entries(
    context: ScreeningContext, result: MakeResult, make_log: MakeLog
) -> None:
    """A new key would not match the head's MAC, nor link travellers to the entries before."""
    path = make_log(entries=2)
    (path.parent / "audit.key").unlink()
    with pytest.raises(AuditError, match=r"audit key .* is missing but the log beside it has entries"):
        AuditLog(path).record([result(3)], context)
    assert not (path.parent / "audit.key").exists()


def test_the_tail_is_found_when_the_last_line_is_longer_than_a_read(
    tmp_path: Path, context: ScreeningContext, result: MakeResult
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    big = ScreeningContext("o" * 70_000, None, "snap", "1", "00" * 32, "0.1.0")
    log.record([result(1)], big)
    log.record([result(2)], big)
    log.record([result(3)], context)
    assert verify(log.path).entries == 3


# --- failures --------------------------------------------------------------------------------------


def test_an_uncreatable_folder_is_an_audit_error(tmp_path: Path, context: ScreeningContext, result: MakeResult) -> None:
    # A file where the folder should be fails even for root, unlike permission bits.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(AuditError, match="cannot create the audit log folder") as caught:
        AuditLog(blocker / "audit" / "audit.jsonl").record([result(1, passport=PASSPORT)], context)
    assert str(blocker) in str(caught.value)
    assert PASSPORT not in str(caught.value) and "SRI" not in str(caught.value)


def test_an_unwritable_log_is_an_audit_error(tmp_path: Path, context: ScreeningContext, result: MakeResult) -> None:
    path = tmp_path / "audit.jsonl"
    path.mkdir()  # a folder where the log should be: cannot be opened for appending
    with pytest.raises(AuditError, match="cannot open the audit log"):
        AuditLog(path).record([result(1)], context)


def test_a_lock_held_too_long_is_an_audit_error(tmp_path: Path, context: ScreeningContext, result: MakeResult) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", lock_timeout=0.05)
    with exclusive(log.lock_path, 1.0), pytest.raises(AuditError, match="stayed locked"):
        log.record([result(1)], context)
    assert not log.path.exists()


def test_a_head_that_cannot_be_written_takes_the_entries_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, context: ScreeningContext, result: MakeResult
) -> None:
    """(tests/cli/test_audit_faults.py does this on a real full disk.)"""
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record([result(1)], context)
    before = log.path.read_bytes(), log.head_path.read_bytes()
    replace = os.replace

    def head_failure(source: Path, target: Path) -> None:
        if Path(target) == log.head_path:
            raise OSError(errno.EIO, "Input/output error")
        replace(source, target)

    monkeypatch.setattr(os, "replace", head_failure)
    with pytest.raises(AuditError, match=r"head file .* \(Input/output error\): the entries written were taken back"):
        log.record([result(2)], context)
    assert (log.path.read_bytes(), log.head_path.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "audit.jsonl",
        "audit.jsonl.head",
        "audit.jsonl.lock",
        "audit.key",
    ]


def test_entries_that_cannot_be_taken_back_are_settled_by_the_next_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, context: ScreeningContext, result: MakeResult
) -> None:
    """The head cannot be written and the log cannot be truncated either: the sentence says so, and the
    pending record lets the next append complete the entries."""
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record([result(1)], context)
    replace = os.replace

    def head_failure(source: Path, target: Path) -> None:
        if Path(target) == log.head_path:
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(source, target)

    def no_truncate(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", head_failure)
        patched.setattr(os, "ftruncate", no_truncate)
        with pytest.raises(AuditError, match=r"could not be taken back \(Input/output error\): the next screening"):
            log.record([result(2), result(3)], context)
    assert log.pending_path.exists()
    appended = log.record([result(4)], context)
    assert "entries 2–3" in appended.notes[0] and "now recorded" in appended.notes[0]
    assert verify(log.path).entries == 4


def test_a_damaged_key_is_an_audit_error(tmp_path: Path, context: ScreeningContext, result: MakeResult) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.key_path.write_bytes(b"short")
    with pytest.raises(AuditError, match=r"audit key .* is damaged"):
        log.record([result(1)], context)


# --- concurrency -----------------------------------------------------------------------------------


def append_many(path: str, worker: int, count: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Child process: append `count` single-entry batches, the worst case for interleaving."""
    log = AuditLog(Path(path))
    context = ScreeningContext(None, None, "snap", "1", "00" * 32, "0.1.0")
    barrier.wait()
    for number in range(count):
        traveller = Traveller(pax_id=str(worker * 1000 + number), row=number + 1, passport_number=f"X{number:07d}")
        log.record([ScreeningResult(traveller, Verdict.CLEAR, 0)], context)


def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "audit" / "audit.jsonl"
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    workers = [spawn.Process(target=append_many, args=(str(path), w, 200, barrier)) for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0, 0]

    report = verify(path)
    entries = [json.loads(line) for line in path.read_bytes().splitlines()]
    assert report.entries == 400
    assert [entry["seq"] for entry in entries] == list(range(1, 401))
    key = load_key(tmp_path / "audit" / "audit.key")
    expected = {pax_key(key, str(w * 1000 + n)) for w in (1, 2) for n in range(200)}
    assert sorted(entry["pax_key"] for entry in entries) == sorted(expected)
