"""`checkpoint audit decide`, and `audit show` with decisions and `--summary`: through the CLI, on real files; the
screen → decide → verify path and the lock in real processes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from checkpoint.audit import AuditLog, ScreeningContext, lock_path_for, verify
from checkpoint.cli.app import app
from checkpoint.filelocks import exclusive
from checkpoint.i18n import load_catalog, text_in
from checkpoint.models import Decision, Hit, ScreeningResult, Traveller, Verdict

from support.faults import run_checkpoint

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "tests" / "fixtures" / "registry_small.csv"
MANIFEST = REPO / "tests" / "fixtures" / "manifest_small.csv"  # 6 synthetic travellers; pax 2 hold, 4 refer
REFERENCE = REPO / "tests" / "fixtures" / "audit"  # a log written before pax ids were keyed
NOTE = "mengaku akan bekerja di kebun sawit"  # an officer's note (synthetic)


def invoke(*args: object, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], env=env)


def refused(result: Result, code: int, *phrases: str) -> None:
    """One sentence on stderr, nothing on stdout, no traceback, never the note."""
    assert result.exit_code == code, result.stdout + result.stderr
    stderr = result.stderr
    assert result.stdout == "" and stderr.startswith("checkpoint: ") and stderr.count("\n") == 1
    assert "Traceback" not in stderr and NOTE not in stderr
    for phrase in phrases:
        assert phrase in stderr, stderr


def last_line(path: Path) -> dict[str, object]:
    return json.loads(path.read_bytes().splitlines()[-1])


# --- after a batch screening, in real processes ----------------------------------------------------------


def test_a_decision_after_a_batch_screening_answers_its_entry_and_the_chain_verifies(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "audit" / "audit.jsonl"
    screened = run_checkpoint(
        "screen", "--registry", REGISTRY, "--manifest", MANIFEST, "--today", "2026-11-28", "--audit-log", log,
        "--officer", "officer-1", "--post", "TPI Soekarno-Hatta", "--format", "jsonl", home=home,
    )  # fmt: skip
    assert screened.returncode == 1, screened.stderr
    anchor = tmp_path / "anchor.json"
    exported = run_checkpoint("audit", "show", "--head", "--audit-log", log, home=home)
    anchor.write_text(exported.stdout)

    decided = run_checkpoint(
        "audit", "decide", "2", "--decision", "postponed", "--reason", "work_papers_missing", "--note", NOTE,
        "--officer", "officer-2", "--post", "TPI Soekarno-Hatta", "--audit-log", log, home=home,
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    assert decided.stdout.startswith(
        "decision recorded as entry 7: departure postponed, on the screening of entry 2 (hold"
    )
    assert decided.stderr == ""
    line = last_line(log)
    assert (line["kind"], line["answers"], line["decision"], line["reason"], line["note"]) == (
        "decision", 2, "postponed", "work_papers_missing", NOTE,
    )  # fmt: skip

    verified = run_checkpoint("audit", "verify", "--audit-log", log, "--anchor", anchor, home=home)
    assert verified.returncode == 0, verified.stderr
    assert "audit log OK: 7 entries" in verified.stdout and "the anchored entry 6 is in the log" in verified.stdout
    again = run_checkpoint("audit", "show", "--head", "--audit-log", log, home=home)
    anchor.write_text(again.stdout)  # an anchor taken on the decision itself
    assert run_checkpoint("audit", "verify", "--audit-log", log, "--anchor", anchor, home=home).returncode == 0


def test_a_traveller_never_screened_is_refused_with_exit_3(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "audit" / "audit.jsonl"
    run_checkpoint("screen", "--registry", REGISTRY, "--manifest", MANIFEST, "--audit-log", log, home=home)
    before = log.read_bytes()
    done = run_checkpoint("audit", "decide", "PAX-4711", "--decision", "cleared", "--audit-log", log, home=home)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.startswith("checkpoint: no screening in the audit log ") and done.stderr.count("\n") == 1
    assert "PAX-4711" not in done.stderr and "4711" not in done.stderr
    assert log.read_bytes() == before


def test_a_decision_waits_for_a_batch_holding_the_lock_then_chains_after_it(tmp_path: Path) -> None:
    """While a batch is being written its append holds the log's lock; a decision from another process waits
    for it (and says so), then chains after whatever the batch wrote."""
    log = tmp_path / "audit" / "audit.jsonl"
    write_small_log(log)
    before = log.read_bytes()
    command = [sys.executable, "-m", "checkpoint", "audit", "decide", "--entry", "2", "--decision", "referred"]
    with exclusive(lock_path_for(log), 10):
        process = subprocess.Popen(
            [*command, "--audit-log", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(2)
        waiting = process.poll() is None
        unchanged = log.read_bytes() == before
    stdout, stderr = process.communicate(timeout=60)
    assert waiting and unchanged
    assert process.returncode == 0, stderr
    assert "waiting for another screening to finish writing the audit log" in stderr
    assert "decision recorded as entry 9" in stdout
    assert verify(log).entries == 9 and last_line(log)["answers"] == 2


def append_batches(path: str, batches: int) -> None:
    """Child process: append `batches` screenings of 300 travellers, one after another."""
    context = ScreeningContext("officer-1", "TPI Batam", "snap", "1", "00" * 32, "0.1.0")
    for batch in range(batches):
        travellers = [Traveller(pax_id=f"B{batch}-{n}", row=n, passport_number=f"B{n:07d}") for n in range(300)]
        AuditLog(Path(path)).record([ScreeningResult(t, Verdict.CLEAR, 0) for t in travellers], context)


def test_decisions_from_another_process_while_batches_are_written_all_chain(tmp_path: Path) -> None:
    import multiprocessing

    log = tmp_path / "audit" / "audit.jsonl"
    write_small_log(log)
    writer = multiprocessing.get_context("spawn").Process(target=append_batches, args=(str(log), 20))
    writer.start()
    decided = [
        run_checkpoint("audit", "decide", "--entry", "1", "--decision", "cleared", "--audit-log", log, home=tmp_path)
        for _ in range(4)
    ]
    writer.join(timeout=120)
    assert writer.exitcode == 0 and [done.returncode for done in decided] == [0] * 4, [d.stderr for d in decided]
    report = verify(log)
    assert report.entries == 8 + 20 * 300 + 4
    decisions = [json.loads(line) for line in log.read_bytes().splitlines() if b'"kind":"decision"' in line]
    assert len(decisions) == 2 + 4 and all(d["answers"] == 1 for d in decisions[2:])


# --- decide's choices and refusals -----------------------------------------------------------------------

SCREENED = [
    # (time, officer, post, [(pax_id, verdict, rules)])
    (
        datetime(2026, 11, 27, 22, 0, tzinfo=UTC),
        "officer-1",
        "CGK",
        [("A1", Verdict.HOLD, ("NP-001", "NP-002")), ("A2", Verdict.REFER, ("NP-001",)),
         ("A3", Verdict.CLEAR, ("NP-002",)), ("A4", Verdict.CLEAR, ())],
    ),
    (
        datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
        "officer-2",
        "DPS",
        [("B1", Verdict.HOLD, ("NP-002", "NP-007")), ("B2", Verdict.REFER, ("NP-007",))],
    ),
]  # fmt: skip
DECIDED = [
    # (answers, decision, reason, note): entries 7–11
    (1, Decision.REFERRED, None, None),
    (2, Decision.CLEARED, "documents_complete", None),
    (5, Decision.POSTPONED, "work_papers_missing", NOTE),
    (3, Decision.CLEARED, None, None),
    (1, Decision.POSTPONED, "escorted_group", None),  # supersedes entry 7
]


def write_small_log(path: Path, *, decisions: int = 2) -> None:
    """Six screenings on two days at two posts (entries 1–6), then the first `decisions` of DECIDED."""
    for moment, officer, post, travellers in SCREENED:
        context = ScreeningContext(officer, post, "snap", "2026.1", "ab" * 32, "0.1.0")
        results = [
            ScreeningResult(
                Traveller(pax_id=pax_id, row=1, passport_number=f"X{pax_id}000"),
                verdict,
                45 * len(rules),
                hits=tuple(Hit(rule, "…", "high", 45, "…") for rule in rules),
            )
            for pax_id, verdict, rules in travellers
        ]
        AuditLog(path, clock=lambda moment=moment: moment).record(results, context)
    log = AuditLog(path, clock=lambda: datetime(2026, 11, 28, 9, 30, tzinfo=UTC))
    for answers, decision, reason, note in DECIDED[:decisions]:
        log.decide(answers, decision, reason=reason, note=note, officer="officer-3", post="CGK")


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    path = tmp_path / "audit" / "audit.jsonl"
    write_small_log(path, decisions=len(DECIDED))
    return path


def test_officer_and_post_come_from_the_environment(small_log: Path) -> None:
    env = {"CHECKPOINT_OFFICER": "officer-9", "CHECKPOINT_POST": "TPI Nunukan"}
    result = invoke("audit", "decide", "B2", "--decision", "referred", "--audit-log", small_log, env=env)
    assert result.exit_code == 0, result.stderr
    line = last_line(small_log)
    assert (line["answers"], line["officer"], line["post"]) == (6, "officer-9", "TPI Nunukan")
    given = invoke(
        "audit", "decide", "B2", "--decision", "referred", "--officer", "o-1", "--audit-log", small_log, env=env
    )
    assert given.exit_code == 0 and last_line(small_log)["officer"] == "o-1"


def test_a_second_decision_says_which_it_supersedes(small_log: Path) -> None:
    result = invoke(
        "audit", "decide", "A1", "--decision", "cleared", "--reason", "returning_worker", "--audit-log", small_log
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "decision recorded as entry 12: cleared, on the screening of entry 1 (hold, 2026-11-27T22:00:00Z). "
        "It supersedes the decision of entry 11 (departure postponed).\n"
    )


def test_the_latest_screening_of_a_pax_id_is_decided_and_earlier_ones_are_mentioned(small_log: Path) -> None:
    AuditLog(small_log).record(
        [ScreeningResult(Traveller(pax_id="A2", row=1), Verdict.CLEAR, 0)],
        ScreeningContext("officer-1", "CGK", "snap", "2026.1", "ab" * 32, "0.1.0"),
    )  # entry 12: A2 on a later flight
    result = invoke("audit", "decide", "A2", "--decision", "cleared", "--audit-log", small_log)
    assert result.exit_code == 0, result.stderr
    assert "on the screening of entry 12" in result.stdout
    assert result.stderr.startswith("note: 1 earlier screening has the same pax_id; this decision is on the latest")
    chosen = invoke("audit", "decide", "A2", "--entry", "2", "--decision", "postponed", "--audit-log", small_log)
    assert chosen.exit_code == 0 and "on the screening of entry 2 " in chosen.stdout and chosen.stderr == ""


@pytest.mark.parametrize(
    ("args", "code", "phrase"),
    [
        (
            ["--entry", "7"],
            3,
            "entry 7 is a decision, not a screening; give the seq of the screening it is about (entry 1)",
        ),
        (["--entry", "40"], 3, "has no entry 40"),
        (["B1", "--entry", "1"], 3, "entry 1 is not a screening of the traveller with this pax_id"),
        (["ZZ"], 3, "no screening in the audit log"),
        ([], 2, "give the traveller's PAX_ID, or --entry SEQ of their screening"),
        (["A1", "--reason", NOTE], 2, "--reason is not a known reason code; the codes are: documents_complete, "),
        (["A1", "--note", "y" * 501], 2, "--note has 501 characters; 500 at most"),
    ],
)
def test_decide_refuses_in_one_sentence(small_log: Path, args: list[str], code: int, phrase: str) -> None:
    before = small_log.read_bytes()
    result = invoke("audit", "decide", *args, "--decision", "cleared", "--audit-log", small_log)
    refused(result, code, phrase)
    assert "yyyy" not in result.stderr and "ZZ" not in result.stderr.replace(str(small_log), "")
    assert small_log.read_bytes() == before


def test_decide_needs_a_decision(small_log: Path) -> None:
    refused(
        invoke("audit", "decide", "A1", "--audit-log", small_log), 2, "give --decision: cleared, referred, postponed"
    )
    wrong = invoke("audit", "decide", "A1", "--decision", "maybe", "--audit-log", small_log)
    assert wrong.exit_code == 2 and "maybe" in wrong.stderr  # typer's own message names the choices


def test_decide_finds_a_pax_id_in_clear_in_a_log_written_before_ids_were_keyed(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder, ignore=shutil.ignore_patterns("keyed", "*.py"))
    result = invoke("audit", "decide", "P-003", "--decision", "referred", "--audit-log", folder / "audit.jsonl")
    assert result.exit_code == 0, result.stderr
    assert "entry 8: referred to secondary inspection, on the screening of entry 3 (refer" in result.stdout
    assert "note: the audit log's head file was unkeyed" in result.stderr
    assert verify(folder / "audit.jsonl").entries == 8


def test_decide_speaks_indonesian(small_log: Path) -> None:
    result = invoke("audit", "decide", "B2", "--decision", "postponed", "--lang", "id", "--audit-log", small_log)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "keputusan dicatat sebagai entri 12: penundaan keberangkatan, atas pemeriksaan entri 6 "
        "(rujuk, 2026-11-28T03:00:00Z).\n"
    )
    never = invoke("audit", "decide", "ZZ", "--decision", "cleared", "--lang", "id", "--audit-log", small_log)
    refused(never, 3, "tidak ada pemeriksaan dengan pax_id ini di log audit")


# --- show ------------------------------------------------------------------------------------------------


def test_show_lists_each_screening_with_its_decisions_under_it(small_log: Path) -> None:
    result = invoke("audit", "show", small_log)
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert [row.split()[0] for row in rows] == ["1", "7", "11", "2", "8", "3", "10", "4", "5", "9", "6"]
    assert rows[1].split(maxsplit=4)[1:] == [
        "2026-11-28T09:30:00Z", "officer-3", "CGK", "→ referred to secondary inspection (superseded by entry 11)",
    ]  # fmt: skip
    assert rows[2].endswith("→ departure postponed: escorted group: sponsor or recruiter")
    assert rows[9].endswith("→ departure postponed: work visa or E-PMI missing; note: " + NOTE)
    assert result.stderr == f"6 screenings and 5 decisions shown ({small_log})\n"


def test_show_speaks_indonesian(small_log: Path) -> None:
    result = invoke("audit", "show", small_log, "--lang", "id", "--post", "DPS")
    assert result.exit_code == 0, result.stderr
    header, first, decision, second = result.stdout.splitlines()
    assert header.split() == ["no", "waktu", "petugas", "pos", "hasil", "skor", "aturan", "data", "penempatan"]
    assert first.split()[4] == "tunda" and second.split()[4] == "rujuk"
    assert decision.endswith("→ penundaan keberangkatan: tidak memiliki visa kerja atau E-PMI; catatan: " + NOTE)
    assert result.stderr == f"2 pemeriksaan dan 1 keputusan ditampilkan ({small_log})\n"


def test_show_jsonl_gives_the_decision_that_stands_and_those_it_superseded(small_log: Path) -> None:
    result = invoke("audit", "show", small_log, "--format", "jsonl", "--decision", "postponed")
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (first["seq"], first["decision"]["seq"], first["decision"]["decision"]) == (1, 11, "postponed")
    assert [earlier["seq"] for earlier in first["superseded"]] == [7]
    assert first["superseded"][0] == {
        "seq": 7, "time": "2026-11-28T09:30:00Z", "officer": "officer-3", "post": "CGK", "answers": 1,
        "decision": "referred", "reason": None, "note": None, "tool_version": first["tool_version"],
    }  # fmt: skip
    assert (second["seq"], second["decision"]["note"], second["superseded"]) == (5, NOTE, [])


@pytest.mark.parametrize(
    ("args", "seqs"),
    [
        (["--decision", "cleared"], [2, 3]),
        (["--decision", "none"], [4, 6]),
        (["--decision", "referred"], []),  # entry 7 was superseded
        (["--verdict", "refer", "--decision", "none"], [6]),  # the referrals still waiting for a decision
        (["--pax-id", "B1"], [5]),
        (["--pax-id", "nobody"], []),
        (["--from", "2026-11-28", "--officer", "officer-2"], [5, 6]),
    ],
)
def test_show_filters_by_decision_and_pax_id(small_log: Path, args: list[str], seqs: list[int]) -> None:
    result = invoke("audit", "show", small_log, "--format", "jsonl", *args)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["seq"] for line in result.stdout.splitlines()] == seqs
    assert "B1" not in result.stdout


# --- the summary -----------------------------------------------------------------------------------------


def test_the_summary_counts_per_rule_what_became_of_its_referrals(small_log: Path) -> None:
    result = invoke("audit", "show", small_log, "--summary")
    assert result.exit_code == 0, result.stderr
    verdicts, decisions, blank, header, *rules = result.stdout.splitlines()
    assert verdicts == "6 screenings: hold 2, refer 2, clear 2"
    assert decisions == "latest decisions: postponed 2, referred 0, cleared 2; not decided 2; decisions superseded 1"
    assert blank == "" and header.split() == [
        "rule", "fired", "refer/hold", "decided", "cleared", "referred", "postponed", "postponed", "%",
    ]  # fmt: skip
    assert [row.split() for row in rules] == [
        ["NP-002", "3", "2", "2", "0", "0", "2", "100", "%"],  # fired on a clear too, not counted as a referral
        ["NP-001", "2", "2", "2", "1", "0", "1", "50", "%"],
        ["NP-007", "2", "2", "1", "0", "0", "1", "100", "%"],
    ]
    assert result.stderr == ""


def test_the_summary_as_json_and_in_indonesian(small_log: Path) -> None:
    result = invoke("audit", "show", small_log, "--summary", "--format", "jsonl", "--post", "DPS")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "screenings": 2,
        "verdicts": {"hold": 1, "refer": 1, "clear": 0},
        "decisions": {"postponed": 1, "referred": 0, "cleared": 0},
        "undecided": 1,
        "superseded": 0,
        "rules": [
            {"rule": "NP-007", "fired": 2, "flagged": 2, "decided": 1, "cleared": 0, "referred": 0, "postponed": 1},
            {"rule": "NP-002", "fired": 1, "flagged": 1, "decided": 1, "cleared": 0, "referred": 0, "postponed": 1},
        ],
    }
    indonesian = invoke("audit", "show", small_log, "--summary", "--lang", "id", "--decision", "none")
    assert indonesian.stdout.splitlines()[:2] == [
        "2 pemeriksaan: tunda 0, rujuk 1, lolos 1",
        "keputusan terakhir: ditunda 0, dirujuk 0, diizinkan 0; belum diputuskan 2; keputusan yang digantikan 0",
    ]
    assert indonesian.stdout.splitlines()[3].split()[:3] == ["aturan", "terpicu", "rujuk/tunda"]


def test_the_summary_of_nothing_says_no_rule_fired(small_log: Path) -> None:
    result = invoke("audit", "show", small_log, "--summary", "--officer", "nobody")
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "0 screenings: hold 0, refer 0, clear 0"
    assert result.stdout.splitlines()[-1] == "(no rule fired)"


def test_head_refuses_the_summary_and_the_new_filters(small_log: Path) -> None:
    for extra in (["--summary"], ["--decision", "none"], ["--pax-id", "A1"]):
        refused(invoke("audit", "show", small_log, "--head", *extra), 2, "--head prints the head of the whole log")


# --- help and reasons ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["verify", "show", "decide", "reasons"])
def test_every_audit_command_has_help_ending_with_an_example(command: str) -> None:
    """Help texts are built before --lang is read, in the language of the environment (here, the machine's)."""
    result = invoke("audit", command, "--help")
    assert result.exit_code == 0
    assert re.search(rf"(Example|Contoh): checkpoint audit {command}", result.stdout)


def test_help_texts_exist_in_both_languages() -> None:
    catalog = load_catalog().entries
    helps = [key for key in catalog if key.startswith("audit.help.")]
    assert len(helps) > 20
    for command in ("verify", "show", "decide", "reasons"):
        assert f"Contoh: checkpoint audit {command}" in text_in("id", f"audit.help.{command}")
        assert f"Example: checkpoint audit {command}" in text_in("en", f"audit.help.{command}")


def test_reasons_lists_every_code_with_its_label(tmp_path: Path) -> None:
    english = invoke("audit", "reasons")
    indonesian = invoke("audit", "reasons", "--lang", "id")
    assert english.exit_code == indonesian.exit_code == 0
    assert english.stdout.splitlines()[3].split(maxsplit=1) == ["work_papers_missing", "work visa or E-PMI missing"]
    assert indonesian.stdout.splitlines()[0].split(maxsplit=1) == ["documents_complete", "dokumen lengkap dan sesuai"]
    assert len(english.stdout.splitlines()) == 8


def test_verify_speaks_indonesian(small_log: Path) -> None:
    result = invoke("audit", "verify", small_log, "--lang", "id")
    assert result.exit_code == 0 and result.stdout.startswith("log audit OK: 11 entri, head rantai ")
