"""`checkpoint audit verify`: exit codes, stdout and stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.audit import AuditLog, ScreeningContext
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
    assert "Example: checkpoint audit verify" in result.stdout


def test_the_real_root_app_has_audit_verify(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_log(path, 2)
    result = runner.invoke(root_app, ["audit", "verify", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("audit log OK: 2 entries")
