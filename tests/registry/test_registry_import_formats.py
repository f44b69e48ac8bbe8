"""One registry export written as CSV, XLSX and Parquet imports to the same snapshot and the same rejects.

The XLSX and Parquet copies hold typed cells, as spreadsheet programs and database exports write them (real
dates, booleans, a NIK as a number), so the test also proves that typed and text cells are read alike.
All records are synthetic.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa

from checkpoint.registry import import_registry

DATES = ("date_of_birth", "planned_departure")
BOOLS = ("bpjs_active", "opp_completed")


def records(registry_csv: Path) -> list[dict[str, str]]:
    with registry_csv.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def typed(column: str, text: str) -> object:
    """A CSV cell as a spreadsheet would type it; text that is not a valid value stays text."""
    if not text:
        return None
    if column in DATES:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return text  # 31/02/1990: no spreadsheet turns that into a date
    if column in BOOLS:
        return text == "true"
    if column == "nik":
        return int(text)  # Excel keeps 16 digits exactly only below 2**53, as these are
    return text


def write_xlsx(rows: list[dict[str, str]], path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SISKOP2MI"
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append([typed(column, text) for column, text in row.items()])
    book.save(path)
    return path


def write_parquet(rows: list[dict[str, str]], path: Path) -> Path:
    """Booleans and the planned departure typed; the birth date stays text (one cell is not a date)."""
    frame = pd.DataFrame(rows, dtype=object).replace({"": None})
    for column in BOOLS:
        frame[column] = frame[column].map({"true": True, "false": False}).astype("boolean")
    frame["planned_departure"] = pd.to_datetime(frame["planned_departure"]).dt.date
    frame.to_parquet(path, index=False)
    return path


def imported(export: Path, store: Path, today: date) -> tuple[list[dict[str, object]], list[tuple[int, str]]]:
    """The snapshot's rows and the rejects as (source row, reason)."""
    report = import_registry(export, store, today=today)
    assert report.rejects_path is not None
    rejects = pd.read_csv(report.rejects_path, dtype=str, keep_default_na=False)
    return (
        pa.ipc.open_file(report.snapshot_path).read_all().to_pylist(),
        list(zip(rejects["source_row"].astype(int), rejects["reason"], strict=True)),
    )


def test_csv_xlsx_and_parquet_exports_give_the_same_snapshot_and_rejects(
    registry_csv: Path, tmp_path: Path, today: date
) -> None:
    rows = records(registry_csv)
    exports = {
        "csv": registry_csv,
        "xlsx": write_xlsx(rows, tmp_path / "export.xlsx"),
        "parquet": write_parquet(rows, tmp_path / "export.parquet"),
    }
    results = {kind: imported(path, tmp_path / kind, today) for kind, path in exports.items()}
    snapshot, rejects = results["csv"]
    assert len(snapshot) == 7
    assert rejects == [
        (9, "record_id appears earlier in the file"),
        (10, "full_name is missing"),
        (11, "date_of_birth is missing or not a date"),
    ]
    for kind in ("xlsx", "parquet"):
        assert results[kind][0] == snapshot, kind
        assert results[kind][1] == rejects, kind


def test_rejects_name_the_real_line_of_a_csv_and_the_real_row_of_a_sheet(
    registry_csv: Path, tmp_path: Path, today: date
) -> None:
    # A title line and a blank line above the header, a blank line among the records.
    lines = registry_csv.read_text(encoding="utf-8").splitlines()
    text = "\n".join(["EKSPOR SISKOP2MI 28/11/2026", "", lines[0], *lines[1:5], "", *lines[5:]]) + "\n"
    export = tmp_path / "titled.csv"
    export.write_text(text, encoding="utf-8")
    _, rejects = imported(export, tmp_path / "csv", today)
    assert [line for line, _ in rejects] == [12, 13, 14]
    assert [text.splitlines()[line - 1].split(",")[0] for line, _ in rejects] == [
        "SP2MI-0000007",
        "SP2MI-0000009",
        "SP2MI-0000010",
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["EKSPOR SISKOP2MI"])
    sheet.append([])
    for row in csv.reader(lines):
        sheet.append(row)
    book.save(tmp_path / "titled.xlsx")
    _, sheet_rejects = imported(tmp_path / "titled.xlsx", tmp_path / "xlsx", today)
    assert [row for row, _ in sheet_rejects] == [11, 12, 13]  # header on row 3, records from row 4
