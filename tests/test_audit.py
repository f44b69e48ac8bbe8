"""The audit log: entries, hash chain, head file, tamper detection, concurrency and the traveller key."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import multiprocessing
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.audit import (
    ENTRY_FIELDS,
    GENESIS_HASH,
    AuditChainError,
    AuditEntry,
    AuditLog,
    ScreeningContext,
    entry_line,
    head_path_for,
    load_key,
    traveller_key,
    verify,
)
from checkpoint.errors import AuditError
from checkpoint.filelocks import exclusive
from checkpoint.models import Hit, Match, MatchOutcome, ScreeningResult, Traveller, Verdict

# Synthetic identities only (SPEC §8).
PASSPORT = "X7654321"
NAME = "SRI WAHYUNI BINTI SUPARMAN"

CONTEXT = ScreeningContext(
    officer="Petugas Ñoman",  # non-ASCII on purpose: written as is (ensure_ascii=False)
    post="TPI Soekarno-Hatta",
    registry_snapshot="snap-2025-01-01",
    rule_pack_version="2025.1",
    rule_pack_hash="ab" * 32,
    tool_version="0.1.0",
)


def fixed_clock() -> datetime:
    return datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def result(number: int, *, passport: str | None = None, matched: bool = True) -> ScreeningResult:
    traveller = Traveller(
        pax_id=str(number),
        row=number,
        full_name=NAME,
        sex="F",
        date_of_birth=date(1995, 5, 17),
        nationality="IDN",
        passport_number=passport if passport is not None else f"X{number:07d}",
        destination="SAU",
    )
    match = Match("SP2MI-000123", 0.97, "name_dob", {"name": 0.97}) if matched else None
    return ScreeningResult(
        traveller=traveller,
        verdict=Verdict.HOLD,
        risk_score=70,
        outcome=MatchOutcome(match=match),
        hits=(
            Hit("NP-002", "Umrah visa to a moratorium country", "high", 45, "…"),
            Hit("NP-007", "One-way ticket", "medium", 25, "…"),
        ),
    )


def make_log(tmp_path: Path, entries: int, batches: int = 3) -> Path:
    """A log with `entries` entries written in `batches` appends."""
    log = AuditLog(tmp_path / "audit" / "audit.jsonl", clock=fixed_clock)
    numbers = list(range(1, entries + 1))
    for index in range(batches):
        log.record([result(n) for n in numbers[index::batches]], CONTEXT)
    return log.path


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def expect_bad_line(path: Path, line: int | None) -> AuditChainError:
    with pytest.raises(AuditChainError) as caught:
        verify(path)
    assert caught.value.line == line
    if line is not None:
        assert f"line {line}" in str(caught.value)
    return caught.value


# --- entries ---------------------------------------------------------------------------------------


# Any text but lone surrogates, which cannot be written as UTF-8.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
OPTIONAL_TEXT = st.none() | TEXT
ENTRIES = st.builds(
    AuditEntry,
    seq=st.integers(min_value=1),
    time=TEXT,
    officer=OPTIONAL_TEXT,
    post=OPTIONAL_TEXT,
    pax_id=TEXT,
    traveller_key=OPTIONAL_TEXT,
    verdict=st.sampled_from([verdict.value for verdict in Verdict]),
    risk_score=st.integers(min_value=0, max_value=100),
    rules=st.lists(TEXT, max_size=3).map(tuple),
    record_id=OPTIONAL_TEXT,
    registry_snapshot=TEXT,
    rule_pack_version=TEXT,
    rule_pack_hash=TEXT,
    tool_version=TEXT,
    prev=TEXT,
)


@given(entry=ENTRIES)
def test_a_line_is_the_entry_as_compact_json_in_utf8(entry: AuditEntry) -> None:
    line = entry_line(entry)
    # SPEC §7: one compact JSON object, UTF-8 (not \u-escaped), the fields in order; nothing breaks the line.
    assert line == json.dumps(dataclasses.asdict(entry), ensure_ascii=False, separators=(",", ":")).encode()
    assert b"\n" not in line and b"\r" not in line
    assert list(json.loads(line)) == list(ENTRY_FIELDS)


def test_entries_hold_the_documented_fields_in_order(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", clock=fixed_clock)
    assert log.record([result(1), result(2, matched=False)], CONTEXT) == 2

    raw = log.path.read_bytes()
    first, second = (json.loads(line) for line in raw.splitlines())
    assert tuple(first) == ENTRY_FIELDS == (
        "seq", "time", "officer", "post", "pax_id", "traveller_key", "verdict", "risk_score", "rules",
        "record_id", "registry_snapshot", "rule_pack_version", "rule_pack_hash", "tool_version", "prev",
    )  # fmt: skip
    assert first["seq"] == 1 and second["seq"] == 2
    assert first["time"] == "2025-03-01T08:30:15Z"
    assert first["officer"] == "Petugas Ñoman" and "Ñoman".encode() in raw  # not \u-escaped
    assert first["verdict"] == "hold" and first["risk_score"] == 70
    assert first["rules"] == ["NP-002", "NP-007"]
    assert first["record_id"] == "SP2MI-000123" and second["record_id"] is None
    assert first["prev"] == GENESIS_HASH
    assert second["prev"] == hashlib.sha256(raw.splitlines()[0]).hexdigest()
    assert b", " not in raw and b'": ' not in raw  # compact


def test_officer_and_post_may_be_missing(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    anonymous = ScreeningContext(None, None, "snap", "1", "00" * 32, "0.1.0")
    log.record([result(1)], anonymous)
    entry = json.loads(log.path.read_bytes())
    assert entry["officer"] is None and entry["post"] is None


def test_log_never_holds_names_or_passport_numbers(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record([result(1, passport=PASSPORT), result(2, passport="")], CONTEXT)
    raw = log.path.read_bytes().decode()
    assert PASSPORT not in raw.upper()
    for part in NAME.split():
        assert part not in raw.upper()


def test_no_results_is_a_preflight_that_writes_nothing(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "new" / "audit.jsonl")
    assert log.record([], CONTEXT) == 0
    assert log.path.read_bytes() == b""
    assert log.key_path.stat().st_size == 32
    assert verify(log.path).entries == 0


# --- chain and head --------------------------------------------------------------------------------


def test_chain_verifies_after_several_appends(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=7)
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


def test_a_removed_log_whose_head_remains_is_reported(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=3)
    path.unlink()
    with pytest.raises(AuditChainError, match="was removed"):
        verify(path)


def test_an_edited_field_names_the_edited_line(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=6)
    lines = lines_of(path)
    lines[2] = lines[2].replace(b'"verdict":"hold"', b'"verdict":"clear"')
    path.write_bytes(b"".join(lines))
    error = expect_bad_line(path, 3)
    assert "edited" in str(error)


def test_an_edited_last_line_is_caught_by_the_head(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=6)
    path.write_bytes(path.read_bytes().replace(b'"seq":6,"time":"2025', b'"seq":6,"time":"2024'))
    expect_bad_line(path, 6)


def test_a_deleted_middle_line_is_named(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=6)
    lines = lines_of(path)
    del lines[2]
    path.write_bytes(b"".join(lines))
    expect_bad_line(path, 3)


def test_a_deleted_first_line_is_named(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=4)
    path.write_bytes(b"".join(lines_of(path)[1:]))
    expect_bad_line(path, 1)


def test_swapped_lines_are_named(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=6)
    lines = lines_of(path)
    lines[1], lines[2] = lines[2], lines[1]
    path.write_bytes(b"".join(lines))
    expect_bad_line(path, 2)


def test_a_renumbered_chain_still_breaks(tmp_path: Path) -> None:
    """Deleting a line and fixing the seqs by hand leaves the prev hashes wrong."""
    path = make_log(tmp_path, entries=5)
    entries = [json.loads(line) for line in path.read_bytes().splitlines()]
    del entries[1]
    for number, entry in enumerate(entries, start=1):
        entry["seq"] = number
    path.write_bytes(
        b"".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for e in entries)
    )
    expect_bad_line(path, 1)  # the line before the gap no longer matches the prev of the next one


def test_a_truncated_last_line_is_detected_through_the_head(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=6)
    path.write_bytes(b"".join(lines_of(path)[:-1]))
    error = expect_bad_line(path, 6)
    assert "removed" in str(error)


def test_a_removed_head_is_reported(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=3)
    head_path_for(path).unlink()
    error = expect_bad_line(path, None)
    assert "head file" in str(error)


def test_a_damaged_head_is_reported(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=3)
    head_path_for(path).write_text("{not json")
    with pytest.raises(AuditChainError, match=r"head file .* is damaged"):
        verify(path)


def test_an_unparseable_line_is_named(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=4)
    lines = lines_of(path)
    lines[1] = lines[1][:20] + b"\n"
    path.write_bytes(b"".join(lines))
    error = expect_bad_line(path, 2)
    assert "not valid JSON" in str(error)


def test_a_partial_last_line_fails_verify(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=3)
    with path.open("ab") as handle:
        handle.write(b'{"seq":4,"time":')
    error = expect_bad_line(path, 4)
    assert "incomplete" in str(error)


def test_a_lagging_head_fails_verify(tmp_path: Path) -> None:
    """A crash between the log's fsync and the head's replace leaves the head one append behind."""
    path = make_log(tmp_path, entries=3, batches=1)
    old_head = head_path_for(path).read_bytes()
    AuditLog(path).record([result(4)], CONTEXT)
    head_path_for(path).write_bytes(old_head)
    expect_bad_line(path, 4)


# --- appending to a damaged log --------------------------------------------------------------------


def test_append_after_a_partial_last_line_is_refused(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=3)
    with path.open("ab") as handle:
        handle.write(b'{"seq":4,"time":')
    before = path.read_bytes()
    with pytest.raises(AuditError, match=r"incomplete line.*checkpoint audit verify"):
        AuditLog(path).record([result(9)], CONTEXT)
    assert path.read_bytes() == before


def test_append_after_truncation_is_refused(tmp_path: Path) -> None:
    """Otherwise the next head would silently cover the removed lines."""
    path = make_log(tmp_path, entries=4)
    path.write_bytes(b"".join(lines_of(path)[:-1]))
    with pytest.raises(AuditError, match="no longer matches its head file"):
        AuditLog(path).record([result(9)], CONTEXT)


def test_append_after_an_edited_last_line_is_refused(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=4)
    path.write_bytes(path.read_bytes().replace(b'"seq":4,"time":"2025', b'"seq":4,"time":"2024'))
    with pytest.raises(AuditError, match="no longer matches its head file"):
        AuditLog(path).record([result(9)], CONTEXT)


def test_append_without_head_is_refused(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=2)
    head_path_for(path).unlink()
    with pytest.raises(AuditError, match="lost its head file"):
        AuditLog(path).record([result(9)], CONTEXT)


def test_append_heals_a_lagging_head(tmp_path: Path) -> None:
    path = make_log(tmp_path, entries=3, batches=1)
    old_head = head_path_for(path).read_bytes()
    AuditLog(path).record([result(4)], CONTEXT)
    head_path_for(path).write_bytes(old_head)
    AuditLog(path).record([result(5)], CONTEXT)
    assert verify(path).entries == 5


def test_the_tail_is_found_when_the_last_line_is_longer_than_a_read(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    big = ScreeningContext("o" * 70_000, None, "snap", "1", "00" * 32, "0.1.0")
    log.record([result(1)], big)
    log.record([result(2)], big)
    log.record([result(3)], CONTEXT)
    assert verify(log.path).entries == 3


# --- failures --------------------------------------------------------------------------------------


def test_an_uncreatable_folder_is_an_audit_error(tmp_path: Path) -> None:
    # A file where the folder should be fails even for root, unlike permission bits.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(AuditError, match="cannot create the audit log folder") as caught:
        AuditLog(blocker / "audit" / "audit.jsonl").record([result(1, passport=PASSPORT)], CONTEXT)
    assert str(blocker) in str(caught.value)
    assert PASSPORT not in str(caught.value) and "SRI" not in str(caught.value)


def test_an_unwritable_log_is_an_audit_error(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.mkdir()  # a folder where the log should be: cannot be opened for appending
    with pytest.raises(AuditError, match="cannot append to the audit log"):
        AuditLog(path).record([result(1)], CONTEXT)


def test_a_lock_held_too_long_is_an_audit_error(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", lock_timeout=0.05)
    with exclusive(log.lock_path, 1.0), pytest.raises(AuditError, match="stayed locked"):
        log.record([result(1)], CONTEXT)
    assert not log.path.exists()


def test_a_head_that_cannot_be_written_is_an_audit_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_failure(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    log = AuditLog(tmp_path / "audit.jsonl")
    log.record([result(1)], CONTEXT)
    head = log.head_path.read_bytes()
    monkeypatch.setattr(os, "replace", disk_failure)  # the head is replaced last
    with pytest.raises(AuditError, match=r"appended to the audit log but its head file .* could not be written"):
        log.record([result(2)], CONTEXT)
    assert log.head_path.read_bytes() == head  # the old head, whole: `audit verify` reports the lag
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "audit.jsonl",
        "audit.jsonl.head",
        "audit.jsonl.lock",
        "audit.key",
    ]


def test_a_damaged_key_is_an_audit_error(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.key_path.write_bytes(b"short")
    with pytest.raises(AuditError, match=r"audit key .* is damaged"):
        log.record([result(1)], CONTEXT)


# --- concurrency -----------------------------------------------------------------------------------


def append_many(path: str, worker: int, count: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Child process: append `count` single-entry batches, the worst case for interleaving."""
    log = AuditLog(Path(path))
    barrier.wait()
    for number in range(count):
        log.record([result(worker * 1000 + number)], CONTEXT)


def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "audit" / "audit.jsonl"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=append_many, args=(str(path), w, 200, barrier)) for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0, 0]

    report = verify(path)
    entries = [json.loads(line) for line in path.read_bytes().splitlines()]
    assert report.entries == 400
    assert [entry["seq"] for entry in entries] == list(range(1, 401))
    assert sorted(int(entry["pax_id"]) for entry in entries) == sorted(w * 1000 + n for w in (1, 2) for n in range(200))


# --- traveller key ---------------------------------------------------------------------------------


def key_of(key: bytes, passport: str | None = PASSPORT, name: str | None = NAME) -> str | None:
    return traveller_key(
        key, passport_number=passport, nationality="IDN", date_of_birth=date(1995, 5, 17), full_name=name
    )


def test_the_key_file_is_created_once_with_owner_only_access(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    key = load_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no temporary file left behind


def load_key_when_released(
    path: str, barrier: multiprocessing.synchronize.Barrier, keys: multiprocessing.Queue[str]
) -> None:
    """Child process: read (or create) the key at the same moment as another process."""
    barrier.wait()
    keys.put(load_key(Path(path)).hex())


def test_two_processes_creating_the_key_at_once_share_it(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, keys = context.Barrier(2), context.Queue()
    path = tmp_path / "audit.key"
    workers = [context.Process(target=load_key_when_released, args=(str(path), barrier, keys)) for _ in (1, 2)]
    for process in workers:
        process.start()
    found = {keys.get(timeout=120) for _ in workers}
    for process in workers:
        process.join(timeout=120)
    assert found == {path.read_bytes().hex()}
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]


def test_the_key_is_created_where_files_cannot_be_linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_hard_links(*args: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)  # as on FAT and some network shares
    path = tmp_path / "audit.key"
    key = load_key(path)
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]


def test_the_same_traveller_gets_the_same_key_across_screenings(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    AuditLog(path).record([result(1, passport=PASSPORT)], CONTEXT)
    AuditLog(path).record([result(2, passport=PASSPORT)], CONTEXT)
    first, second = (json.loads(line)["traveller_key"] for line in path.read_bytes().splitlines())
    assert first == second == key_of(load_key(tmp_path / "audit.key"))


def test_traveller_key_hides_the_passport_number_and_is_stable() -> None:
    key = bytes(range(32))
    value = key_of(key)
    assert value is not None and len(value) == 32
    assert PASSPORT.lower() not in value and PASSPORT not in value
    assert key_of(key) == value
    assert key_of(bytes(32)) != value  # another installation cannot link entries
    assert key_of(key, passport="X7654322") != value


def test_traveller_key_falls_back_to_name_and_birth_date() -> None:
    key = bytes(range(32))
    by_name = key_of(key, passport=None)
    assert by_name is not None
    assert key_of(key, passport="", name="Sri  Wahyuni binti Suparman") == by_name
    assert by_name != key_of(key)
    assert key_of(key, passport=None, name=None) is None


@given(
    passport=st.from_regex(r"[A-Z]{1,2}[0-9]{6,7}", fullmatch=True),
    spacer=st.sampled_from(["", " ", "-", "<<"]),
)
def test_traveller_key_ignores_case_and_separators(passport: str, spacer: str) -> None:
    key = bytes(range(32))
    typed = f"{passport[:3].lower()}{spacer}{passport[3:]}"
    assert key_of(key, passport=typed) == key_of(key, passport=passport)
