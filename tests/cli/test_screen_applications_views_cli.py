"""`checkpoint screen --applications`: the views for people speak of applicants and applications (issue 17) — the
table and its summary in both languages, the HTML report and the spreadsheet — with the application id as each
row's id and the NIK where a passport number would be; the machine formats keep their keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
APPLICATIONS = Path(__file__).parents[1] / "fixtures" / "applications_small.csv"


def screen(*args: str | Path) -> object:
    return runner.invoke(app, ["screen", *map(str, args), "--today", "2026-11-28"])


def test_the_table_names_applications_and_shows_the_nik_in_bahasa_indonesia(registry_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--applications", APPLICATIONS, "--lang", "id")
    assert result.exit_code == 1, result.stderr
    table = result.stdout
    assert "│ Pemohon " in table and "Penumpang" not in table
    assert "permohonan KANIM-0002" in table and "pax " not in table
    assert "NIK 3201011203880002" in table  # BUDI SANTOSO, held: his NIK, not "tanpa nomor paspor"
    assert "tanpa nomor paspor" not in table
    assert "7 permohonan: tunda 2, rujuk 3, lolos 2" in table
    assert "PO-001 " in table and ": 1 permohonan" in table  # the rules most hit count applications


def test_the_table_names_applications_in_english(registry_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--applications", APPLICATIONS, "--lang", "en", "--all")
    assert result.exit_code == 1, result.stderr
    table = result.stdout
    assert "│ Applicant " in table and "Traveller" not in table and "traveller" not in table
    assert "application KANIM-0001" in table and "NIK 3201015705900001" in table
    assert "application KANIM-0005" in table and "no NIK" in table  # AGUS SALIM gave no NIK
    assert "no passport number" not in table
    assert "7 applications: hold 2, refer 3, clear 2" in table


def test_one_application_is_a_panel_that_recommends_postponing_the_passport(registry_csv: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("\n".join(APPLICATIONS.read_text().splitlines()[:3:2]) + "\n")  # the header and BUDI SANTOSO
    result = screen("--registry", registry_csv, "--applications", one, "--lang", "id")
    assert result.exit_code == 1, result.stderr
    assert "permohonan KANIM-0002" in result.stdout
    assert "penundaan penerbitan paspor" in result.stdout and "keberangkatan" not in result.stdout
    assert "NIK 3201011203880002" in result.stdout


def test_the_html_report_is_about_applications(registry_csv: Path, tmp_path: Path) -> None:
    for language, expected, absent in [
        ("id", ["Laporan pemeriksaan permohonan paspor", "Permohonan yang perlu tindakan (5)", "<th>Pemohon</th>",
                "Permohonan yang LOLOS (2)", "Pertanyaan untuk pemohon", "7 permohonan: "], ["enumpang"]),
        ("en", ["Passport application screening report", "Applications needing action (5)", "<th>Applicant</th>",
                "Applications cleared (2)", "7 applications: "], ["raveller"]),
    ]:  # fmt: skip
        report = tmp_path / f"applications.{language}.html"
        args = ("--registry", registry_csv, "--applications", APPLICATIONS, "--format", "html", "--output", report)
        result = screen(*args, "--lang", language)
        assert result.exit_code == 1, result.stderr
        page = report.read_text(encoding="utf-8")
        for said in expected:
            assert said in page, said
        for word in absent:
            assert word not in page, word
        assert "KANIM-0002" in page and "NIK 3201011203880002" in page
        assert "applications screened on 2026-11-28" in result.stderr or "permohonan diperiksa pada" in result.stderr


def test_the_spreadsheet_heads_its_id_column_as_the_application(registry_csv: Path, tmp_path: Path) -> None:
    book_path = tmp_path / "applications.xlsx"
    args = ("--registry", registry_csv, "--applications", APPLICATIONS, "--format", "xlsx", "--output", book_path)
    result = screen(*args, "--lang", "id")
    assert result.exit_code == 1, result.stderr
    book = load_workbook(io.BytesIO(book_path.read_bytes()), read_only=True)
    results, summary = (list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    assert results[0][0] == "No. permohonan" and results[1][0] == "KANIM-0001"
    assert summary[0][0] == "Laporan pemeriksaan permohonan paspor"


def test_the_machine_formats_keep_their_keys(registry_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--applications", APPLICATIONS, "--format", "jsonl")
    first = json.loads(result.stdout.splitlines()[0])
    assert first["pax_id"] == "KANIM-0001"  # SPEC §5: pax_id holds the application id


def test_a_manifest_still_speaks_of_travellers(registry_csv: Path, manifest_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--manifest", manifest_csv, "--lang", "id")
    assert "│ Penumpang " in result.stdout and "pax " in result.stdout and "Pemohon" not in result.stdout
