"""The spreadsheet, read back with openpyxl: a results sheet in manifest order with the traveller's fields, a
summary sheet, formula-like text escaped as in the CSV, characters XML cannot hold replaced."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from checkpoint.i18n import Language, set_language
from checkpoint.models import ScreeningResult
from checkpoint.report import Batch, OutputFormat, write_report
from checkpoint.report.xlsx import XlsxWriter


def workbook(results: list[ScreeningResult], **more: object) -> dict[str, list[tuple[object, ...]]]:
    stream = io.BytesIO()
    XlsxWriter().write_bytes(Batch(results, **more), stream)  # type: ignore[arg-type]
    book = load_workbook(io.BytesIO(stream.getvalue()), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def padded(row: tuple[object, ...], header: tuple[object, ...]) -> tuple[object, ...]:
    """A row as long as the header (a sheet read back leaves off trailing empty cells)."""
    return row + (None,) * (len(header) - len(row))


def test_results_in_manifest_order_with_the_travellers_fields(sample_results: list[ScreeningResult]) -> None:
    sheets = workbook(sample_results)
    assert list(sheets) == ["Results", "Summary"]
    header, *rows = sheets["Results"]
    assert header[:6] == ("Pax", "Verdict", "Risk score", "name", "sex", "date of birth")
    escaped = ["'" + pax if pax[0] in "=+" else pax for pax in (result.pax_id for result in sample_results)]
    assert [row[0] for row in rows] == escaped
    first = dict(zip(header, padded(rows[0], header), strict=True))
    assert first["Verdict"] == "CLEAR" and first["name"] == "SITI AMINAH" and first["passport number"] == "C1234567"
    assert first["date of birth"] == datetime(1991, 3, 14)  # a date cell, not text
    refer = dict(zip(header, padded(rows[1], header), strict=True))
    assert refer["Matched record"] == "SP2MI-000123" and refer["Match confidence"] == 0.967
    assert refer["Rules"] == "NP-002" and refer["Near misses"] == "SP2MI-004411 (0.41)"


def test_formula_like_text_is_escaped_and_control_characters_replaced(sample_results: list[ScreeningResult]) -> None:
    odd = replace(sample_results[0], traveller=replace(sample_results[0].traveller, full_name="A\x01B", pax_id="9"))
    header, *rows = workbook([*sample_results, odd])["Results"]
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    named = {row[0]: dict(zip(header, padded(row, header), strict=True)) for row in rows}
    assert named['\'=HYPERLINK("http://example.invalid","x")']["name"] == "'=SUM(A1:A9)"
    assert named["9"]["name"] == "A\ufffdB"


def test_the_summary_sheet_in_the_runs_language(sample_results: list[ScreeningResult]) -> None:
    set_language(Language.ID)
    sheets = workbook(sample_results, notes=("kolom 'Pasport' tidak dikenali",), screening_date=date(2026, 11, 28))
    assert list(sheets) == ["Hasil", "Ringkasan"]
    lines = [row[0] for row in sheets["Ringkasan"] if row and row[0] is not None]
    counts = {row[0]: row[1] for row in sheets["Ringkasan"] if len(row) > 1 and row[1] is not None}
    assert lines[0] == "Laporan pemeriksaan penumpang"
    assert counts == {"TUNDA": 1, "RUJUK": 3, "LOLOS": 4}
    assert "Aturan yang paling sering terpenuhi" in lines and "Catatan kualitas data" in lines
    assert "kolom 'Pasport' tidak dikenali" in lines


def test_written_to_a_file_whole(sample_results: list[ScreeningResult], tmp_path: Path) -> None:
    target = tmp_path / "results.xlsx"
    write_report(sample_results, OutputFormat.XLSX, target)
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["Results", "Summary"]
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]  # no temporary left behind
