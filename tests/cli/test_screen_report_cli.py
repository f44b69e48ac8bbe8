"""`checkpoint screen` on the sample flight through the real CLI: the table for people (flagged first, the
clear counted, the summary), `--all`, and the HTML and xlsx reports written with --output."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pexpect
from openpyxl import load_workbook
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FLIGHT = ["--registry", str(SAMPLE / "registry.parquet"), "--manifest", str(SAMPLE / "flight_cgk_kul.csv")]
TODAY = ["--today", "2026-11-28"]


def screen(*args: str) -> object:
    return runner.invoke(app, ["screen", *FLIGHT, *args, *TODAY])


def test_the_table_lists_who_needs_action_then_counts_the_clear_and_summarises() -> None:
    result = screen()
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert out.count("│  HOLD ") == 8 and out.count("│  REFER ") == 14 and "│  CLEAR " not in out
    assert out.rindex("│  HOLD ") < out.index("│  REFER ")  # hold first
    lines = out.splitlines()
    assert "276 more travellers are clear with nothing to note (--all lists them too)." in lines
    assert "298 travellers: hold 8, refer 14, clear 276" in lines
    assert "Rules most hit" in lines and "Groups flagged" in lines
    assert "• booking 5TJZ9N: 5 travellers (NP-013, NP-024) — pax 271, 272, 273, 274, 275" in lines
    assert len(lines) < 400  # was one block per traveller: 1,650 lines


def test_all_lists_the_clear_travellers_too() -> None:
    result = screen("--all")
    assert result.exit_code == 1, result.stderr
    assert result.stdout.count("│  CLEAR ") == 276
    assert "more travellers are clear" not in result.stdout


def test_machine_formats_keep_manifest_order_and_carry_the_traveller() -> None:
    objects = json.loads(screen("--format", "json").stdout)
    with (SAMPLE / "flight_cgk_kul.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    assert [item["pax_id"] for item in objects] == [row["pax_id"] for row in manifest]
    assert objects[0]["traveller"] == {
        "full_name": "YOGA HAKIM",  # as read: the airline form SURNAME/GIVEN MR, title dropped
        "sex": "M",
        "date_of_birth": "1986-02-19",
        "nationality": "IDN",
        "passport_number": manifest[0]["passport_number"],
        "destination": "MYS",
        "flight": "GA820",
        "port": "CGK",
        "booking_ref": "5UYCRS",
        "group_code": None,
    }
    rows = list(csv.DictReader(io.StringIO(screen("--format", "csv").stdout)))
    assert [row["pax_id"] for row in rows] == [item["pax_id"] for item in objects]
    assert rows[0]["traveller_full_name"] == objects[0]["traveller"]["full_name"]


def test_html_report_written_with_output(tmp_path: Path) -> None:
    target = tmp_path / "flight.html"
    result = screen("--format", "html", "--output", str(target))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert f"results in {target}" in result.stderr
    # and the summary under it, for the officer at the terminal
    said = result.stderr.splitlines()
    assert (
        said[said.index("Groups flagged") + 1]
        == "  • booking 5TJZ9N: 5 travellers (NP-013, NP-024) — pax 271, 272, 273, 274, 275"
    )
    assert "Rules most hit" in said
    html = target.read_text(encoding="utf-8")
    assert "Travellers needing action (22)" in html and "booking 5TJZ9N — NP-013" in html
    assert html.count('<svg class="chart"') == 3 and "<script" not in html


def test_html_report_in_bahasa_indonesia(tmp_path: Path) -> None:
    target = tmp_path / "flight.html"
    result = screen("--format", "html", "--output", str(target), "--lang", "id")
    assert result.exit_code == 1, result.stderr
    html = target.read_text(encoding="utf-8")
    assert '<html lang="id">' in html and "Penumpang yang perlu tindakan (22)" in html


def test_xlsx_report_written_with_output(tmp_path: Path) -> None:
    target = tmp_path / "flight.xlsx"
    result = screen("--format", "xlsx", "--output", str(target))
    assert result.exit_code == 1, result.stderr
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["Results", "Summary"]
    rows = list(book["Results"].iter_rows(values_only=True))
    assert len(rows) == 1 + 298 and rows[0][3] == "name"
    verdicts = [row[1] for row in rows[1:]]
    assert (verdicts.count("HOLD"), verdicts.count("REFER"), verdicts.count("CLEAR")) == (8, 14, 276)


def test_xlsx_to_a_pipe_is_the_workbook_itself() -> None:
    result = screen("--format", "xlsx")
    assert result.exit_code == 1, result.stderr
    assert result.stdout_bytes.startswith(b"PK\x03\x04")  # a zip: the workbook


def test_xlsx_to_a_terminal_is_refused_before_screening(tmp_path: Path) -> None:
    env = {**os.environ, "CHECKPOINT_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    env.pop("CHECKPOINT_LANG", None)
    log = tmp_path / "audit.log"
    command = ["-m", "checkpoint", "screen", *FLIGHT, *TODAY, "--format", "xlsx", "--audit-log", str(log)]
    terminal = pexpect.spawn(sys.executable, command, env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
    said = terminal.read()
    terminal.close()
    assert terminal.exitstatus == 2, said
    assert "the xlsx format cannot be shown on a terminal; write it to a file with --output." in said
    assert not log.exists()  # refused before anything was screened and logged
