"""One person listed twice in a manifest, through `checkpoint screen`: a warning on each of those rows naming
the other by its line, and the person counted once by group rules (NP-013: four or more unregistered
one-way travellers on one booking)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
TODAY = ["--today", "2026-11-28"]
HEADER = "pax_id,full_name,sex,date_of_birth,passport_number,destination,ticket,visa_type,booking_ref,departure_date\n"
ROW = "{pax},{name},F,{born},{passport},KUL,one_way,tourist,{booking},2026-11-28\n"
#: Booking, pax_id, name, date of birth, passport number (line = pax_id + 1: the header is line 1).
ROWS = [
    # Four people on one booking: the rule fires.
    ("FOUR01", "1", "RATNA SARI", "1998-01-02", "P1000001"),
    ("FOUR01", "2", "WULAN DARI", "1999-03-04", "P1000002"),
    ("FOUR01", "3", "INDAH PERMATA", "2000-05-06", "P1000003"),
    ("FOUR01", "4", "YULI ASTUTI", "2001-07-08", "P1000004"),
    # Three people, one listed twice with one passport (the name typed differently): not four.
    ("PASS02", "5", "SRI RAHAYU", "1997-01-02", "P2000001"),
    ("PASS02", "6", "ENDANG LESTARI", "1996-03-04", "P2000002"),
    ("PASS02", "7", "TRI WAHYUNI", "1995-05-06", "P2000003"),
    ("PASS02", "8", "ENDANG LESTARY", "1996-03-04", "P2000002"),
    # Three people, one listed twice without a passport: the same name (in airline order) and birth date.
    ("NAME03", "9", "KARTINI", "1994-01-02", ""),
    ("NAME03", "10", "SITI MAEMUNAH", "1993-03-04", ""),
    ("NAME03", "11", "DWI JAYANTI", "1992-05-06", ""),
    ("NAME03", "12", "MAEMUNAH SITI", "1993-03-04", ""),
]
ONE_PERSON = "one person listed twice? Group rules count them once"


def write_manifest(folder: Path) -> Path:
    manifest = folder / "manifest.csv"
    lines = [ROW.format(pax=pax, name=name, born=born, passport=passport, booking=booking) for booking, pax, name, born,
             passport in ROWS]  # fmt: skip
    manifest.write_text(HEADER + "".join(lines), encoding="utf-8")
    return manifest


def screened(manifest: Path, registry_csv: Path, output_format: str, *more: str) -> str:
    result = runner.invoke(
        app,
        [
            "screen",
            "--registry",
            str(registry_csv),
            "--manifest",
            str(manifest),
            "--format",
            output_format,
            *TODAY,
            *more,
        ],
    )
    assert result.exit_code == 1, result.stderr
    return result.stdout


def test_one_person_listed_twice_is_warned_on_both_rows_and_counted_once(tmp_path: Path, registry_csv: Path) -> None:
    manifest = write_manifest(tmp_path)
    results = {item["pax_id"]: item for item in json.loads(screened(manifest, registry_csv, "json"))}
    assert list(results) == [pax for _, pax, *_ in ROWS]

    def rules(pax: str) -> set[str]:
        return {hit["rule"] for hit in results[pax]["hits"]}

    assert all("NP-013" in rules(pax) for pax in ("1", "2", "3", "4"))
    assert not any("NP-013" in rules(pax) for pax in map(str, range(5, 13)))  # three people each, not four
    warned = {pax: item["warnings"] for pax, item in results.items() if item["warnings"]}
    assert warned == {
        "6": [f"line 7: the same passport number as line 9; {ONE_PERSON}"],
        "8": [f"line 9: the same passport number as line 7; {ONE_PERSON}"],
        "10": [f"line 11: the same name and date of birth as line 13; {ONE_PERSON}"],
        "12": [f"line 13: the same name and date of birth as line 11; {ONE_PERSON}"],
    }


def test_the_warning_reaches_every_format_without_a_name_or_a_number(tmp_path: Path, registry_csv: Path) -> None:
    manifest = write_manifest(tmp_path)
    rows = list(csv.DictReader(io.StringIO(screened(manifest, registry_csv, "csv"))))
    warnings = {row["pax_id"]: row["warnings"] for row in rows if row["warnings"]}
    assert set(warnings) == {"6", "8", "10", "12"}
    table = screened(manifest, registry_csv, "table", "--all")  # the warned travellers are clear: listed with --all
    assert "the same passport number as line 9" in table
    for text in warnings.values():
        assert not any(name in text for _, _, name, _, _ in ROWS) and "P2000002" not in text
