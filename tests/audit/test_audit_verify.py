"""Verification: every edited, removed, reordered or added line is found and named, through the chain and the head."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from checkpoint.audit import GENESIS_HASH, AuditChainError, AuditLog, ScreeningContext, head_path_for, verify
from checkpoint.models import ScreeningResult

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
    assert json.loads(head_path_for(path).read_bytes()) == {"seq": 7, "hash": report.head}


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
