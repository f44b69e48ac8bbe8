"""Decisions in the chain: what a decision's line holds, what `AuditLog.decide` refuses, how verification and
reading treat them, and the reason codes (checkpoint/audit/reasons.csv)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.audit import (
    DECISION_FIELDS,
    NOTE_MAX_CHARACTERS,
    AuditChainError,
    AuditLog,
    DecisionEntry,
    DecisionError,
    ScreeningContext,
    ScreeningEntry,
    encode_entry,
    entry_line,
    find_screening,
    head_path_for,
    load_key,
    read_entries,
    read_screenings,
    reason_codes,
    reasons,
    verify,
)
from checkpoint.audit.chain import Head, head_mac, line_hash, write_head
from checkpoint.errors import AuditError, UsageError
from checkpoint.i18n import load_catalog
from checkpoint.models import Decision, ScreeningResult

from support.faults import interrupt_append

MakeLog = Callable[..., Path]
MakeResult = Callable[..., ScreeningResult]
REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "audit"  # written before pax ids were keyed
NOTE = "mengaku akan bekerja di kebun sawit, dijemput sponsor"  # an officer's note (synthetic)


def decided_at() -> datetime:
    return datetime(2025, 3, 1, 9, 0, 5, tzinfo=UTC)


def log_of(path: Path) -> AuditLog:
    return AuditLog(path, clock=decided_at)


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


# --- the line --------------------------------------------------------------------------------------------


def test_a_decision_is_an_entry_of_its_own_kind_in_the_same_chain(make_log: MakeLog) -> None:
    path = make_log(3)
    appended = log_of(path).decide(
        2, Decision.POSTPONED, reason="work_papers_missing", note=f"  {NOTE}\n", officer="officer-2", post="TPI Batam"
    )
    assert (appended.count, appended.first, appended.last) == (1, 4, 4)

    raw = path.read_bytes().splitlines()
    line = json.loads(raw[-1])
    assert tuple(line) == DECISION_FIELDS == (
        "seq", "kind", "time", "officer", "post", "answers", "decision", "reason", "note", "tool_version", "prev",
    )  # fmt: skip
    assert line == {
        "seq": 4,
        "kind": "decision",
        "time": "2025-03-01T09:00:05Z",
        "officer": "officer-2",
        "post": "TPI Batam",
        "answers": 2,
        "decision": "postponed",
        "reason": "work_papers_missing",
        "note": NOTE,  # as typed, without the spaces around it
        "tool_version": line["tool_version"],
        "prev": hashlib.sha256(raw[-2]).hexdigest(),
    }
    assert "pax_key" not in line  # the screening it answers holds the traveller's keys
    assert verify(path).entries == 4


def test_a_decision_needs_no_reason_nor_note_nor_officer(make_log: MakeLog) -> None:
    path = make_log(1)
    log_of(path).decide(1, "cleared", note="   ")
    line = lines(path)[-1]
    assert (line["decision"], line["reason"], line["note"], line["officer"], line["post"]) == (
        "cleared", None, None, None, None,
    )  # fmt: skip


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(
    seq=st.integers(min_value=2),
    entry=st.builds(
        DecisionEntry,
        time=TEXT,
        officer=st.none() | TEXT,
        post=st.none() | TEXT,
        answers=st.integers(min_value=1),
        decision=st.sampled_from(list(Decision)).map(str),
        reason=st.none() | st.sampled_from(reason_codes()),
        note=st.none() | TEXT,
        tool_version=TEXT,
    ),
)
def test_a_decision_line_is_compact_json_with_its_kind_after_its_seq(seq: int, entry: DecisionEntry) -> None:
    line = entry_line(seq, encode_entry(entry), "0" * 64)
    members = {"seq": seq, "kind": "decision", **dataclasses.asdict(entry), "prev": "0" * 64}
    assert line == json.dumps(members, ensure_ascii=False, separators=(",", ":")).encode()
    assert b"\n" not in line and b"\r" not in line


def test_the_answered_line_is_found_across_reads_and_in_lines_longer_than_a_read(
    tmp_path: Path, context: ScreeningContext, result: MakeResult
) -> None:
    """The screening is looked for from the end backwards, 64 KiB at a time: the first of 300 entries (150 KB
    back), and entries of lines longer than a read, are found like the last."""
    log = log_of(tmp_path / "audit.jsonl")
    log.record([result(n) for n in range(1, 301)], context)
    long_post = dataclasses.replace(context, post="Pos " + "Ñ" * 100_000)
    log.record([result(n) for n in range(301, 304)], long_post)
    for answers in (1, 150, 300, 301, 302, 303):
        log.decide(answers, Decision.REFERRED)
    decisions = [line for line in lines(log.path) if line.get("kind") == "decision"]
    assert [decision["answers"] for decision in decisions] == [1, 150, 300, 301, 302, 303]
    assert verify(log.path).entries == 309


# --- what decide refuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [0, 4, 99])
def test_a_decision_on_an_entry_the_log_does_not_have_is_refused(make_log: MakeLog, answers: int) -> None:
    path = make_log(3)
    before = path.read_bytes()
    with pytest.raises(DecisionError, match=f"has no entry {answers}") as refused:
        log_of(path).decide(answers, Decision.CLEARED)
    assert refused.value.exit_code == 3
    assert path.read_bytes() == before


def test_a_decision_on_a_decision_is_refused_naming_its_screening(make_log: MakeLog) -> None:
    path = make_log(3)
    log_of(path).decide(2, Decision.REFERRED)
    before = path.read_bytes()
    with pytest.raises(DecisionError, match=r"entry 4 is a decision, not a screening.*entry 2"):
        log_of(path).decide(4, Decision.POSTPONED)
    assert path.read_bytes() == before


def test_a_decision_on_a_log_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(DecisionError, match="has no entry 1"):
        log_of(tmp_path / "audit.jsonl").decide(1, Decision.CLEARED)
    assert list(tmp_path.iterdir()) == []  # neither a log nor a key


@pytest.mark.parametrize(
    ("decision", "reason", "note", "message"),
    [
        ("refused", None, None, "a decision is one of: cleared, referred, postponed"),
        ("cleared", NOTE, None, "--reason is not a known reason code"),
        ("cleared", None, "x" * (NOTE_MAX_CHARACTERS + 1), f"--note has {NOTE_MAX_CHARACTERS + 1} characters"),
    ],
)
def test_an_unknown_decision_or_reason_or_a_note_too_long_is_refused_without_quoting_it(
    make_log: MakeLog, decision: str, reason: str | None, note: str | None, message: str
) -> None:
    path = make_log(1)
    before = path.read_bytes()
    with pytest.raises(UsageError) as refused:
        log_of(path).decide(1, decision, reason=reason, note=note)
    assert message in str(refused.value)
    assert NOTE not in str(refused.value) and "xxxxxxxx" not in str(refused.value)
    assert path.read_bytes() == before


def test_a_note_of_the_longest_length_is_kept(make_log: MakeLog) -> None:
    path = make_log(1)
    log_of(path).decide(1, Decision.CLEARED, note="ü" * NOTE_MAX_CHARACTERS)
    assert lines(path)[-1]["note"] == "ü" * NOTE_MAX_CHARACTERS


def test_a_screening_taken_back_before_the_decision_is_chained_is_refused(make_log: MakeLog) -> None:
    """The answered line is found before the lock; under it, it must still be there. Lines of a screening
    killed while writing them are complete on disk until the next append takes them back: a decision on one of
    them is refused, not chained after a line that is gone."""
    path = make_log(3)
    interrupt_append(path, "in the lines", count=4)  # entries 4–7: half their bytes, entries 4 and 5 whole
    assert json.loads(path.read_bytes().splitlines()[3])["seq"] == 4
    with pytest.raises(AuditError, match="entry 4, which the decision answers, was taken back") as refused:
        log_of(path).decide(4, Decision.CLEARED)
    assert refused.value.exit_code == 5
    assert verify(path).entries == 3  # the interrupted entries were taken back, nothing added


# --- verification and reading ----------------------------------------------------------------------------


def rechain(path: Path, edit: Callable[[dict[str, object]], None], number: int) -> None:
    """What someone holding audit.key can do: edit line `number`, then rebuild every prev, the head and its MAC."""
    key = load_key(path.parent / "audit.key")
    entries = lines(path)
    edit(entries[number - 1])
    prev, out = "0" * 64, []
    for entry in entries:
        entry["prev"] = prev
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        prev = line_hash(line)
        out.append(line + b"\n")
    path.write_bytes(b"".join(out))
    write_head(head_path_for(path), Head(len(entries), prev, head_mac(key, len(entries), prev)))


@pytest.mark.parametrize("answers", [0, 5, 6, 4, "2"])
def test_a_decision_that_answers_no_earlier_screening_fails_verification(make_log: MakeLog, answers: object) -> None:
    path = make_log(3)
    log_of(path).decide(2, Decision.REFERRED)  # entry 4
    log_of(path).decide(1, Decision.CLEARED)  # entry 5
    assert verify(path).entries == 5

    def edit(entry: dict[str, object]) -> None:
        entry["answers"] = answers  # nothing, itself, a later entry, a decision, not a number

    rechain(path, edit, 5)
    with pytest.raises(AuditChainError, match="line 5 is a decision that does not answer an earlier screening") as bad:
        verify(path)
    assert bad.value.line == 5


def test_an_unkeyed_head_put_back_after_a_decision_is_a_downgrade(tmp_path: Path) -> None:
    """A decision, like a pax key, is only written by a checkpoint that keys its head: an unkeyed head after one
    was put back by hand (on a log whose screenings all predate keyed heads)."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder, ignore=shutil.ignore_patterns("keyed", "*.py"))
    path = folder / "audit.jsonl"
    log_of(path).decide(2, Decision.POSTPONED)
    head = json.loads(head_path_for(path).read_bytes())
    write_head(head_path_for(path), Head(head["seq"], head["hash"]))  # the MAC dropped
    with pytest.raises(AuditChainError, match="entries from line 8 on were written by a checkpoint that keys"):
        verify(path)


def test_reading_gives_each_screening_its_decisions_the_latest_standing(make_log: MakeLog) -> None:
    path = make_log(3)
    log = log_of(path)
    log.decide(2, Decision.REFERRED, officer="officer-2")
    log.decide(3, Decision.CLEARED, reason="documents_complete")
    log.decide(2, Decision.POSTPONED, reason="cannot_explain_trip", note=NOTE)

    kinds = [type(logged.entry) for logged in read_entries(path)]
    assert kinds == [ScreeningEntry] * 3 + [DecisionEntry] * 3
    first, second, third = read_screenings(path)
    assert (first.seq, first.decisions, first.latest) == (1, (), None)
    assert [decision.seq for decision in second.decisions] == [4, 6]
    assert second.latest is not None and second.latest.entry.decision == "postponed"
    assert second.latest.entry.note == NOTE
    assert third.latest is not None and third.latest.entry.reason == "documents_complete"


def test_a_line_of_a_kind_this_checkpoint_does_not_know_stops_the_reader(make_log: MakeLog) -> None:
    path = make_log(2)
    rechain(path, lambda entry: entry.update(kind="transfer"), 2)
    assert verify(path).entries == 2  # the chain holds: a newer checkpoint may have written it
    with pytest.raises(Exception, match="line 2 is an entry of a kind this checkpoint does not know"):
        list(read_entries(path))


def test_the_latest_screening_of_a_pax_id_is_found_by_its_key(
    tmp_path: Path, context: ScreeningContext, result: MakeResult
) -> None:
    log = log_of(tmp_path / "audit.jsonl")
    log.record([result(1), result(2), result(3)], context)  # pax ids "1", "2", "3"
    log.record([result(2), result(4)], context)  # "2" again, on another flight: entry 4
    log.decide(4, Decision.REFERRED)  # entry 6

    found = find_screening(log.path, pax_id=" 2 ")  # spaces around ignored, as when the key was made
    assert (found.screening.seq, found.earlier) == (4, 1)
    assert [decision.seq for decision in found.screening.decisions] == [6]
    assert find_screening(log.path, pax_id="2", seq=2).screening.seq == 2
    assert find_screening(log.path, seq=5).screening.seq == 5

    with pytest.raises(DecisionError, match=r"no screening in the audit log .* has this pax_id") as never:
        find_screening(log.path, pax_id="77")
    assert never.value.exit_code == 3 and "77" not in str(never.value).replace(str(tmp_path), "")
    with pytest.raises(DecisionError, match="entry 3 is not a screening of the traveller with this pax_id"):
        find_screening(log.path, pax_id="2", seq=3)
    with pytest.raises(DecisionError, match="entry 6 is a decision, not a screening"):
        find_screening(log.path, seq=6)
    with pytest.raises(DecisionError, match="has no entry 9"):
        find_screening(log.path, seq=9)


def test_a_pax_id_in_clear_in_an_old_log_is_found_and_decided_on(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder, ignore=shutil.ignore_patterns("keyed", "*.py"))
    path = folder / "audit.jsonl"
    found = find_screening(path, pax_id="P-002")
    assert found.screening.seq == 2 and found.screening.entry.verdict == "hold"
    appended = log_of(path).decide(found.screening.seq, Decision.POSTPONED, reason="escorted_group")
    assert appended.last == 8 and any("keyed from now on" in note for note in appended.notes)
    report = verify(path)
    assert report.entries == 8 and report.notes == ()
    assert b"P-002" not in path.read_bytes().splitlines()[-1]


# --- reason codes ----------------------------------------------------------------------------------------


def test_the_reason_codes_cover_what_officers_record_in_both_languages() -> None:
    codes = reason_codes()
    assert codes == (
        "documents_complete",
        "returning_worker",
        "no_work_intent",
        "work_papers_missing",
        "escorted_group",
        "cannot_explain_trip",
        "documents_disagree",
        "other",
    )  # fmt: skip: logged codes are never renamed
    for reason in reasons():
        assert reason.label("id") and reason.label("en") and reason.label("id") != reason.label("en")
    assert next(r for r in reasons() if r.code == "work_papers_missing").label("id") == (
        "tidak memiliki visa kerja atau E-PMI"
    )


def test_every_decision_has_its_words_in_the_catalog() -> None:
    entries = load_catalog().entries
    for decision in Decision:
        assert f"audit.decision.{decision}" in entries and f"audit.summary.{decision}" in entries
