"""XLSX and Parquet tables: sheets, title rows, typed cells (real dates, numbers) and unreadable workbooks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checkpoint.errors import InputDataError
from checkpoint.sources import read_table

HEADER = ["No.", "Name", "Sex", "Date of Birth", "Passport No.", "Destination"]


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


class TestXlsx:
    def test_passengers_on_the_second_sheet_after_an_empty_one(self, tmp_path: Path) -> None:
        path = workbook(
            tmp_path / "ga820.xlsx",
            {
                "Sheet1": [],
                "Passengers": [
                    HEADER,
                    [1, "AMINAH/SITI MRS", "F", datetime(1990, 5, 17), 1234567, "KUL"],
                    [2, "SANTOSO/BUDI MR", "M", "11/11/1988", "A2223334", "JED"],
                ],
            },
        )
        table = read_table(path)
        assert list(table.frame.columns) == HEADER
        first, second = table.frame.to_dict("records")
        assert first["Date of Birth"] == datetime(1990, 5, 17)  # a real date stays a date
        assert first["Passport No."] == 1234567  # a numeric column arrives as a number
        assert first["No."] == 1
        assert second == {"No.": 2, "Name": "SANTOSO/BUDI MR", "Sex": "M", "Date of Birth": "11/11/1988",
                          "Passport No.": "A2223334", "Destination": "JED"}  # fmt: skip
        assert table.notes == (f"{path.name}: sheet 'Passengers' read",)

    def test_title_rows_blank_cells_and_empty_rows(self, tmp_path: Path) -> None:
        path = workbook(
            tmp_path / "agent.xlsx",
            {
                "Daftar": [
                    ["DAFTAR PENUMPANG UMROH"],
                    ["PT CONTOH TRAVEL", None, None, "28/11/2026"],
                    [],
                    [*HEADER, None],
                    [1, "  AMINAH/SITI MRS ", None, datetime(1990, 5, 17), "B1234567", "JED", None],
                    [None, None, None, None, None, None, None],
                    [2, "HARYANTI/FNU", "P", "   ", "C7654321", "JED", None],
                ]
            },
        )
        table = read_table(path)
        assert list(table.frame.columns) == HEADER
        assert table.frame["Name"].tolist() == ["AMINAH/SITI MRS", "HARYANTI/FNU"]
        assert table.frame["Sex"].tolist() == [None, "P"]
        assert table.frame["Date of Birth"].tolist()[1] is None
        assert "agent.xlsx: 2 row(s) above the header skipped" in table.notes

    def test_the_sheet_naming_most_known_columns_wins(self, tmp_path: Path) -> None:
        path = workbook(
            tmp_path / "multi.xlsx",
            {
                "Cover": [["Flight", "GA820"], ["Date", "28/11/2026"]],
                "Pax": [HEADER, [1, "AMINAH/SITI MRS", "F", "17MAY90", "B1234567", "KUL"]],
            },
        )
        table = read_table(path)
        assert list(table.frame.columns) == HEADER
        assert table.notes == ("multi.xlsx: sheet 'Pax' read", "multi.xlsx: other sheet(s) with data not read: 'Cover'")

    def test_a_single_column_sheet_is_read(self, tmp_path: Path) -> None:
        table = read_table(workbook(tmp_path / "one.xlsx", {"List": [["Passport No."], ["B1234567"], ["C7654321"]]}))
        assert table.frame["Passport No."].tolist() == ["B1234567", "C7654321"]

    def test_a_workbook_of_empty_sheets(self, tmp_path: Path) -> None:
        with pytest.raises(InputDataError, match=r"^blank\.xlsx has no sheet with a header row and data\.$"):
            read_table(workbook(tmp_path / "blank.xlsx", {"A": [], "B": [[None, None]]}))

    def test_an_xlsx_named_csv_is_read_as_a_workbook(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "export.csv", {"Pax": [HEADER, [1, "A/B", "F", "17MAY90", "B1", "KUL"]]})
        assert read_table(path).frame["Name"].tolist() == ["A/B"]

    def test_a_truncated_workbook(self, tmp_path: Path) -> None:
        good = workbook(tmp_path / "good.xlsx", {"Pax": [HEADER, [1, "A/B", "F", "17MAY90", "B1", "KUL"]]})
        broken = tmp_path / "broken.xlsx"
        broken.write_bytes(good.read_bytes()[:600])
        with pytest.raises(InputDataError, match=r"^broken\.xlsx is not"):
            read_table(broken)


class TestParquet:
    def test_types_survive_and_nulls_become_none(self, tmp_path: Path) -> None:
        table = pa.table(
            {
                "full_name": ["SITI AMINAH", None],
                "date_of_birth": pa.array([date(1990, 5, 17), None], pa.date32()),
                "departure": pa.array([datetime(2026, 11, 28, 9, 30), None], pa.timestamp("us")),
                "nik": pa.array([9101015705900001, None], pa.int64()),
                "passport_number": ["012345", "NO"],
            }
        )
        path = tmp_path / "pax.parquet"
        pq.write_table(table, path)
        rows = read_table(path).frame.to_dict("records")
        assert rows[0]["full_name"] == "SITI AMINAH"
        assert rows[0]["date_of_birth"] == date(1990, 5, 17)
        assert pd.Timestamp(rows[0]["departure"]) == pd.Timestamp("2026-11-28 09:30")
        assert rows[0]["nik"] == 9101015705900001  # not rounded through a float by the null beside it
        assert rows[0]["passport_number"] == "012345"
        assert rows[1] == {"full_name": None, "date_of_birth": None, "departure": None, "nik": None,
                           "passport_number": "NO"}  # fmt: skip

    def test_a_parquet_named_csv_is_read_as_parquet(self, tmp_path: Path) -> None:
        path = tmp_path / "pax.csv"
        pd.DataFrame({"full_name": ["SITI AMINAH"], "passport_number": ["B1234567"]}).to_parquet(path)
        assert read_table(path).frame.to_dict("records") == [
            {"full_name": "SITI AMINAH", "passport_number": "B1234567"}
        ]

    def test_a_truncated_parquet_file(self, tmp_path: Path) -> None:
        good = tmp_path / "good.parquet"
        pd.DataFrame({"full_name": ["SITI AMINAH"] * 50}).to_parquet(good)
        broken = tmp_path / "broken.parquet"
        broken.write_bytes(good.read_bytes()[:100])
        with pytest.raises(InputDataError, match=r"^broken\.parquet is not a readable Parquet file"):
            read_table(broken)
