"""`--lang id` through the real CLI: an error case of each command converted in issue 15 is said in the catalog's
Bahasa Indonesia, word for word, and nothing of the English sentence is left."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.audit import AuditLog, ScreeningContext
from checkpoint.cli.app import app
from checkpoint.i18n import text_in
from checkpoint.models import ScreeningResult, Traveller, Verdict

runner = CliRunner()
LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _said(key: str, **params: object) -> str:
    """The sentence `key` as the root command writes an error: on stderr, after the program's name."""
    return f"checkpoint: {text_in('id', key, **params)}\n"


def _write_log(path: Path, entries: int) -> None:
    context = ScreeningContext("officer-1", "TPI-CGK", "snap", "2025.1", "ab" * 32, "0.1.0")
    results = [
        ScreeningResult(Traveller(pax_id=str(n), row=n, passport_number="X7654321"), Verdict.CLEAR, 0)
        for n in range(1, entries + 1)
    ]
    AuditLog(path).record(results, context)


def test_an_mrz_line_of_the_wrong_length() -> None:
    result = runner.invoke(app, ["mrz", LINE1, LINE2[:40], "--lang", "id"])
    assert result.exit_code == 3
    assert result.stderr == _said("mrz.layout.wrong_length", number=2, count=40, expected=44)


def test_an_mrz_whose_check_digit_fails_names_the_field_and_the_repair() -> None:
    misread = LINE2.replace("L898902C3", "L898902CB")  # '3' read as 'B' is no OCR confusion: nothing to repair
    result = runner.invoke(app, ["mrz", LINE1, misread, "--lang", "id", "--today", "2010-01-01"])
    assert result.exit_code == 3
    assert text_in("id", "mrz.not_valid") in result.stdout
    assert text_in("id", "mrz.label.document_number") in result.stdout
    failure = text_in("id", "mrz.problem.fails", field=text_in("id", "mrz.field.document_number"))
    sentence = text_in("id", "mrz.problem.unexplained", failure=failure)
    assert sentence[:1].upper() + sentence[1:] in result.stdout
    assert result.stderr == f"{text_in('id', 'mrz.not_valid_summary', count=2)}\n"
    assert "check digit does not hold" not in result.stdout + result.stderr


def test_the_real_entry_point_speaks_the_language_of_the_option() -> None:
    """Through `python -m checkpoint`, as an officer runs it (main() chooses the language before typer runs)."""
    done = subprocess.run(
        [sys.executable, "-m", "checkpoint", "mrz", LINE2, LINE1, "--lang", "id"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr == _said("mrz.layout.swapped")


def test_a_missing_audit_log(tmp_path: Path) -> None:
    missing = tmp_path / "audit.jsonl"
    shown = runner.invoke(app, ["audit", "show", str(missing), "--lang", "id"])
    assert shown.exit_code == 5
    assert shown.stderr == _said("audit.read.no_log", path=missing)
    verified = runner.invoke(app, ["audit", "verify", str(missing), "--lang", "id"])
    assert verified.exit_code == 5
    assert verified.stderr == _said("audit.verify.no_log", path=missing)


def test_audit_verify_of_a_tampered_log(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    _write_log(path, 4)
    lines = path.read_bytes().splitlines(keepends=True)
    del lines[1]
    path.write_bytes(b"".join(lines))
    result = runner.invoke(app, ["audit", "verify", str(path), "--lang", "id"])
    assert result.exit_code == 5
    assert result.stderr == _said("audit.verify.seq", path=path, number=2, seq=3)


def test_the_desk_with_a_bad_configuration(checkpoint_home: Path) -> None:
    config = checkpoint_home / "desk.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("officer = 198705152010011001\npost = 'TPI-CGK'\n", encoding="utf-8")  # a number, not text
    result = runner.invoke(app, ["desk", "--lang", "id"], input="")
    assert result.exit_code == 4
    assert result.stderr == _said("desk.config.not_text", path=config)
