"""Verification: every edited, removed, reordered or added line is found and named, through the chain and the head."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from checkpoint.audit import (
    GENESIS_HASH,
    AuditChainError,
    AuditLog,
    Head,
    ScreeningContext,
    head_path_for,
    load_key,
    pending_path_for,
    verify,
)
from checkpoint.audit.chain import head_mac
from checkpoint.errors import AuditError
from checkpoint.models import ScreeningResult

from support.faults import interrupt_append

# The builders tests/audit/conftest.py provides as fixtures.
MakeResult = Callable[..., ScreeningResult]
MakeLog = Callable[..., Path]


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def expect_bad_line(path: Path, line: int | None) -> AuditChainError:
    with pytest.raises(AuditChainError) as caught:
        verify(path)
    assert caught.value.line == line
    if line is not None:
        assert f"line {line}" in str(caught.value)
    return caught.value


def test_chain_verifies_after_several_appends(make_log: MakeLog) -> None:
    path = make_log(entries=7)
    report = verify(path)
    lines = path.read_bytes().splitlines()
    assert report.entries == 7
    assert report.head == hashlib.sha256(lines[-1]).hexdigest()
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, 8))
    mac = head_mac(load_key(path.parent / "audit.key"), 7, report.head)
    assert json.loads(head_path_for(path).read_bytes()) == {"seq": 7, "hash": report.head, "mac": mac}
    assert report.notes == ()


def test_an_empty_log_without_head_verifies(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.touch()
    assert verify(path).entries == 0
    assert verify(path).head == GENESIS_HASH


def test_a_missing_log_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AuditChainError, match="no audit log at"):
        verify(tmp_path / "audit.jsonl")


def test_a_removed_log_whose_head_remains_is_reported(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    path.unlink()
    with pytest.raises(AuditChainError, match="was removed"):
        verify(path)


def test_an_edited_field_names_the_edited_line(make_log: MakeLog) -> None:
    path = make_log(entries=6)
    lines = lines_of(path)
    lines[2] = lines[2].replace(b'"verdict":"hold"', b'"verdict":"clear"')
    path.write_bytes(b"".join(lines))
    error = expect_bad_line(path, 3)
    assert "edited" in str(error)


def test_an_edited_last_line_is_caught_by_the_head(make_log: MakeLog) -> None:
    path = make_log(entries=6)
    path.write_bytes(path.read_bytes().replace(b'"seq":6,"time":"2025', b'"seq":6,"time":"2024'))
    expect_bad_line(path, 6)


def test_a_deleted_middle_line_is_named(make_log: MakeLog) -> None:
    path = make_log(entries=6)
    lines = lines_of(path)
    del lines[2]
    path.write_bytes(b"".join(lines))
    expect_bad_line(path, 3)


def test_a_deleted_first_line_is_named(make_log: MakeLog) -> None:
    path = make_log(entries=4)
    path.write_bytes(b"".join(lines_of(path)[1:]))
    expect_bad_line(path, 1)


def test_swapped_lines_are_named(make_log: MakeLog) -> None:
    path = make_log(entries=6)
    lines = lines_of(path)
    lines[1], lines[2] = lines[2], lines[1]
    path.write_bytes(b"".join(lines))
    expect_bad_line(path, 2)


def test_a_renumbered_chain_still_breaks(make_log: MakeLog) -> None:
    """Deleting a line and fixing the seqs by hand leaves the prev hashes wrong."""
    path = make_log(entries=5)
    entries = [json.loads(line) for line in path.read_bytes().splitlines()]
    del entries[1]
    for number, entry in enumerate(entries, start=1):
        entry["seq"] = number
    path.write_bytes(
        b"".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for e in entries)
    )
    expect_bad_line(path, 1)  # the line before the gap no longer matches the prev of the next one


def test_a_truncated_last_line_is_detected_through_the_head(make_log: MakeLog) -> None:
    path = make_log(entries=6)
    path.write_bytes(b"".join(lines_of(path)[:-1]))
    error = expect_bad_line(path, 6)
    assert "removed" in str(error)


def test_a_removed_head_is_reported(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    head_path_for(path).unlink()
    error = expect_bad_line(path, None)
    assert "head file" in str(error)


def test_a_damaged_head_is_reported(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    head_path_for(path).write_text("{not json")
    with pytest.raises(AuditChainError, match=r"head file .* is damaged"):
        verify(path)


def test_an_unparseable_line_is_named(make_log: MakeLog) -> None:
    path = make_log(entries=4)
    lines = lines_of(path)
    lines[1] = lines[1][:20] + b"\n"
    path.write_bytes(b"".join(lines))
    error = expect_bad_line(path, 2)
    assert "not valid JSON" in str(error)


def test_a_partial_last_line_fails_verify(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    with path.open("ab") as handle:
        handle.write(b'{"seq":4,"time":')
    error = expect_bad_line(path, 4)
    assert "incomplete" in str(error)


def test_a_lagging_head_fails_verify(context: ScreeningContext, result: MakeResult, make_log: MakeLog) -> None:
    """A crash between the log's fsync and the head's replace leaves the head one append behind."""
    path = make_log(entries=3, batches=1)
    old_head = head_path_for(path).read_bytes()
    AuditLog(path).record([result(4)], context)
    head_path_for(path).write_bytes(old_head)
    expect_bad_line(path, 4)


# --- the keyed head, anchors and pending records ---------------------------------------------------------


def test_a_keyed_head_without_its_key_cannot_be_checked(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    (path.parent / "audit.key").unlink()
    with pytest.raises(AuditChainError, match=r"head file is keyed but there is no audit.key beside the log"):
        verify(path)


def test_a_head_keyed_with_another_key_is_reported(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    (path.parent / "audit.key").write_bytes(bytes(32))  # audit.key replaced
    with pytest.raises(AuditChainError, match=r"MAC does not match audit\.key"):
        verify(path)


def test_an_anchor_with_another_installations_mac_is_refused(make_log: MakeLog) -> None:
    path = make_log(entries=3)
    report = verify(path)
    forged = Head(3, report.head, head_mac(bytes(32), 3, report.head))
    with pytest.raises(AuditChainError, match="not exported from this log's installation"):
        verify(path, anchor=forged)
    assert verify(path, anchor=Head(3, report.head)).anchored == 3  # an unkeyed anchor is compared as it is


def test_an_anchor_of_an_edited_entry_names_its_line(make_log: MakeLog) -> None:
    path = make_log(entries=5)
    anchor = Head(2, "ab" * 32)
    expect = pytest.raises(AuditChainError, match="line 2 is not the entry the anchor records")
    with expect as caught:
        verify(path, anchor=anchor)
    assert caught.value.line == 2


def test_a_damaged_or_forged_pending_record_is_reported_and_refused(
    make_log: MakeLog, context: ScreeningContext, result: MakeResult
) -> None:
    path = make_log(entries=3)
    pending = pending_path_for(path)
    for content, reason in ((b"{not json", "is damaged"), (_forged_pending(), "not written with this installation")):
        pending.write_bytes(content)
        with pytest.raises(AuditChainError, match=reason):
            verify(path)
        with pytest.raises(AuditError, match=rf"{reason}.*ask a supervisor"):
            AuditLog(path).record([result(9)], context)


def _forged_pending() -> bytes:
    fields = {"from_seq": 4, "to_seq": 4, "start": 0, "length": 1, "prev": "0" * 64, "hash": "0" * 64}
    return json.dumps({**fields, "sha256": "0" * 64, "mac": "0" * 64}).encode()


def test_lines_that_are_not_the_sealed_ones_are_refused(
    make_log: MakeLog, context: ScreeningContext, result: MakeResult
) -> None:
    """An interrupted append's record seals its exact bytes: other lines in their place are not accepted."""
    path = make_log(entries=3)
    interrupt_append(path, "before the head", count=2)
    lines = lines_of(path)
    lines[-1] = lines[-1].replace(b'"verdict":"clear"', b'"verdict":"hold!"')  # same length, other bytes
    path.write_bytes(b"".join(lines))
    with pytest.raises(AuditChainError, match="that are not the entries 4–5 its pending record"):
        verify(path)
    with pytest.raises(AuditError, match=r"cannot settle an interrupted append.*ask a supervisor"):
        AuditLog(path).record([result(9)], context)


def test_a_pending_record_of_another_state_of_the_log_is_refused(
    make_log: MakeLog, context: ScreeningContext, result: MakeResult
) -> None:
    """A record kept from an earlier interrupted append, put back later, matches neither head nor log."""
    path = make_log(entries=3)
    interrupt_append(path, "in the lines", count=2)
    stale = pending_path_for(path).read_bytes()
    AuditLog(path).record([result(4)], context)  # takes the part back, appends entry 4
    pending_path_for(path).write_bytes(stale)
    with pytest.raises(AuditChainError, match="does not match the log and its head file"):
        verify(path)
    with pytest.raises(AuditError, match="does not match the log and its head file"):
        AuditLog(path).record([result(5)], context)
