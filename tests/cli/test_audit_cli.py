"""`checkpoint audit verify` and `audit show`: exit codes, stdout and stderr."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.audit import SCREENING_FIELDS, AuditLog, ScreeningContext, load_key, pax_key
from checkpoint.cli.app import app as root_app
from checkpoint.models import ScreeningResult, Traveller, Verdict

PASSPORT = "X7654321"  # synthetic


runner = CliRunner()


def write_log(path: Path, entries: int) -> None:
    context = ScreeningContext("officer-1", "CGK", "snap", "2025.1", "ab" * 32, "0.1.0")
    results = [
        ScreeningResult(Traveller(pax_id=str(n), row=n, passport_number=PASSPORT, nationality="IDN"), Verdict.CLEAR, 0)
        for n in range(1, entries + 1)
    ]
    AuditLog(path).record(results, context)


def test_verify_ok_prints_one_line_and_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_log(path, 3)
    result = runner.invoke(root_app, ["audit", "verify", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("audit log OK: 3 entries, chain head ")
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_verify_accepts_the_audit_log_option(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_log(path, 1)
    result = runner.invoke(root_app, ["audit", "verify", "--audit-log", str(path)])
    assert result.exit_code == 0
    assert "audit log OK: 1 entry," in result.stdout


def test_verify_defaults_to_the_log_under_checkpoint_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKPOINT_HOME", str(tmp_path))
    write_log(tmp_path / "audit" / "audit.jsonl", 2)
    result = runner.invoke(root_app, ["audit", "verify"])
    assert result.exit_code == 0
    assert "audit log OK: 2 entries" in result.stdout


def test_a_tampered_log_exits_5_naming_the_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_log(path, 4)
    lines = path.read_bytes().splitlines(keepends=True)
    del lines[1]
    path.write_bytes(b"".join(lines))
    result = runner.invoke(root_app, ["audit", "verify", str(path)])
    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr.startswith("checkpoint: ")
    assert "line 2" in result.stderr
    assert "Traceback" not in result.stderr and PASSPORT not in result.stderr


def test_a_missing_log_exits_5(tmp_path: Path) -> None:
    result = runner.invoke(root_app, ["audit", "verify", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 5
    assert "no audit log at" in result.stderr


def test_two_different_paths_are_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(root_app, ["audit", "verify", str(tmp_path / "a"), "--audit-log", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "not two different ones" in result.stderr


def test_help_ends_with_an_example() -> None:
    result = runner.invoke(root_app, ["audit", "verify", "--help"])
    assert result.exit_code == 0
    assert "checkpoint audit verify ~/.checkpoint/audit/audit.jsonl --anchor" in result.stdout  # in any language


def test_the_real_root_app_has_audit_verify(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_log(path, 2)
    result = runner.invoke(root_app, ["audit", "verify", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("audit log OK: 2 entries")


# --- audit show ------------------------------------------------------------------------------------------


def write_days(path: Path) -> None:
    """Three screenings on three days, by two officers at two posts, with all three verdicts."""
    days = [
        (datetime(2026, 11, 27, 23, 0, tzinfo=UTC), "officer-1", "CGK", [Verdict.CLEAR, Verdict.HOLD]),
        (datetime(2026, 11, 28, 6, 0, tzinfo=UTC), "officer-2", "DPS", [Verdict.REFER]),
        (datetime(2026, 11, 29, 1, 0, tzinfo=UTC), "officer-1", "DPS", [Verdict.CLEAR]),
    ]
    for moment, officer, post, verdicts in days:
        context = ScreeningContext(officer, post, "snap", "2025.1", "ab" * 32, "0.1.0")
        results = [
            ScreeningResult(Traveller(pax_id=f"PAX-{n}", row=n, passport_number=PASSPORT), verdict, 0)
            for n, verdict in enumerate(verdicts, start=1)
        ]
        AuditLog(path, clock=lambda moment=moment: moment).record(results, context)


def shown_seqs(*args: str) -> list[int]:
    result = runner.invoke(root_app, ["audit", "show", *args, "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    return [json.loads(line)["seq"] for line in result.stdout.splitlines()]


def test_show_lists_the_entries_oldest_first_as_a_table(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_days(path)
    result = runner.invoke(root_app, ["audit", "show", str(path)])
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["seq", "time", "officer", "post", "verdict", "score", "rules", "record"]
    assert [row.split()[0] for row in rows] == ["1", "2", "3", "4"]
    assert rows[1].split()[1:5] == ["2026-11-27T23:00:00Z", "officer-1", "CGK", "hold"]
    assert result.stderr == f"4 screenings shown ({path})\n"


def test_show_filters_by_date_officer_post_and_verdict(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_days(path)
    log = ["--audit-log", str(path)]
    assert shown_seqs(*log) == [1, 2, 3, 4]
    assert shown_seqs(*log, "--from", "2026-11-28") == [3, 4]  # the entries' UTC dates
    assert shown_seqs(*log, "--to", "2026-11-28") == [1, 2, 3]
    assert shown_seqs(*log, "--from", "2026-11-28", "--to", "2026-11-28") == [3]
    assert shown_seqs(*log, "--officer", "officer-1") == [1, 2, 4]
    assert shown_seqs(*log, "--post", "DPS") == [3, 4]
    assert shown_seqs(*log, "--verdict", "clear") == [1, 4]
    assert shown_seqs(*log, "--officer", "officer-1", "--post", "DPS", "--verdict", "clear") == [4]
    assert shown_seqs(*log, "--officer", "nobody") == []


def test_show_jsonl_gives_each_entry_with_its_keys_never_a_pax_id(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_days(path)
    result = runner.invoke(root_app, ["audit", "show", str(path), "--format", "jsonl", "--verdict", "hold"])
    (entry,) = (json.loads(line) for line in result.stdout.splitlines())
    assert list(entry) == [*(name for name in SCREENING_FIELDS if name != "prev"), "decision", "superseded"]
    assert entry["decision"] is None and entry["superseded"] == []
    assert entry["pax_key"] == pax_key(load_key(tmp_path / "audit.key"), "PAX-2")
    assert "PAX-" not in result.stdout and PASSPORT not in result.stdout


def test_show_gives_entries_written_with_a_pax_id_a_pax_key(tmp_path: Path) -> None:
    """In a log written before pax ids were keyed, the pax key is computed from the pax_id, never shown."""
    folder = tmp_path / "reference"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "audit", folder)
    result = runner.invoke(root_app, ["audit", "show", str(folder / "audit.jsonl"), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    key = (folder / "audit.key").read_bytes()
    assert [entry["pax_key"] for entry in entries][:2] == [pax_key(key, "P-001"), pax_key(key, "P-002")]
    assert '"P-001"' not in result.stdout and "pax_id" not in result.stdout


def test_show_refuses_bad_options(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_days(path)
    bad_date = runner.invoke(root_app, ["audit", "show", str(path), "--from", "28/11/2026"])
    assert bad_date.exit_code == 2 and "--from '28/11/2026' is not a date" in bad_date.stderr
    head_and_filter = runner.invoke(root_app, ["audit", "show", str(path), "--head", "--verdict", "hold"])
    assert head_and_filter.exit_code == 2 and "--head prints the head of the whole log" in head_and_filter.stderr
    missing = runner.invoke(root_app, ["audit", "show", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 5 and "no audit log at" in missing.stderr


def test_show_head_refuses_a_log_that_does_not_verify(tmp_path: Path) -> None:
    """An anchor exported from a damaged log would vouch for the damage."""
    path = tmp_path / "audit.jsonl"
    write_days(path)
    path.write_bytes(path.read_bytes().replace(b'"verdict":"hold"', b'"verdict":"clear"'))
    result = runner.invoke(root_app, ["audit", "show", "--head", str(path)])
    assert result.exit_code == 5 and "line 2" in result.stderr and result.stdout == ""
