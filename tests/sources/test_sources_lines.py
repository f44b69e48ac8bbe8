"""Where each row is in its file (`RawTable.lines`): the line, sheet row, JSON item or passenger a person sees."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoint.sources import RawTable, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def placed(table: RawTable, column: str = "Name") -> list[tuple[str, object]]:
    """Each row as (where, a cell), e.g. ("line 4", "SITI")."""
    return [(table.where(i), cell) for i, cell in enumerate(table.frame[column])]


class TestRawTable:
    def test_without_lines_the_header_is_line_one(self) -> None:
        table = RawTable(("Name",), (["A", "B"],), source="x.csv")
        assert list(table.row_lines()) == [2, 3]
        assert table.where(1) == "line 3"

    def test_lines_must_match_the_rows(self) -> None:
        with pytest.raises(ValueError, match="3 line numbers for 2 rows"):
            RawTable(("Name",), (["A", "B"],), source="x.csv", lines=(2, 3, 4))


class TestDelimited:
    def test_one_row_per_line(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "plain.csv", "Name,Passport No.\nSITI,B1\nBUDI,B2\n"))
        assert tuple(table.lines) == (2, 3)
        assert placed(table) == [("line 2", "SITI"), ("line 3", "BUDI")]

    def test_title_and_blank_lines_are_counted(self, tmp_path: Path) -> None:
        text = "DAFTAR PENUMPANG\n\nName,Passport No.\nSITI,B1\n\n   \nBUDI,B2\n,\nAGUS,B3\n\n"
        table = read_table(write(tmp_path, "titled.csv", text))
        assert placed(table) == [("line 4", "SITI"), ("line 7", "BUDI"), ("line 9", "AGUS")]
        assert table.notes == ("titled.csv: 2 line(s) above the header skipped", "titled.csv: 1 empty row(s) skipped")

    def test_a_row_with_a_line_break_inside_quotes_is_named_by_its_first_line(self, tmp_path: Path) -> None:
        text = 'Name,Remarks\r\nSITI,"wheel\r\nchair"\r\nBUDI,"a\nb\rc"\r\nAGUS,\r\n'
        table = read_table(write(tmp_path, "quoted.csv", text))
        assert placed(table) == [("line 2", "SITI"), ("line 4", "BUDI"), ("line 7", "AGUS")]

    def test_the_strict_reader_keeps_lines_too(self, tmp_path: Path) -> None:
        # A trailing delimiter (a third, empty cell) makes pandas give up; the csv module reads on, with lines.
        text = 'Name,Passport No.\n\nSITI,B1\n"AMINAH\nSITI",B2\nBUDI,B3,\n'
        table = read_table(write(tmp_path, "odd.csv", text))
        assert placed(table) == [("line 3", "SITI"), ("line 4", "AMINAH\nSITI"), ("line 6", "BUDI")]

    def test_cp1252_and_utf16_files_count_lines_alike(self, tmp_path: Path) -> None:
        text = "MANIFEST\r\nName;Passport No.\r\nLÉGER;B1\r\n\r\nO’NEIL;B2\r\n"
        for name, data in {"a.csv": text.encode("cp1252"), "b.csv": text.encode("utf-16")}.items():
            table = read_table(write(tmp_path, name, data))
            assert placed(table) == [("line 3", "LÉGER"), ("line 5", "O’NEIL")], name

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        rows=st.lists(
            st.tuples(
                st.from_regex(r"[A-Z][A-Z ,'\"\n\r]{0,12}", fullmatch=True),
                st.from_regex(r"[A-Z0-9 ;\"\n]{0,8}", fullmatch=True),
                st.lists(st.sampled_from(["", "   ", "\t", "DELIMITERS"]), max_size=2),  # lines before the row
            ),
            min_size=1,
            max_size=12,
        ),
        delimiter=st.sampled_from([",", ";", "\t"]),
        title=st.booleans(),
    )
    def test_every_row_is_named_by_the_line_it_starts_on(
        self, tmp_path: Path, rows: list[tuple[str, str, list[str]]], delimiter: str, title: bool
    ) -> None:
        buffer = io.StringIO(newline="")
        # With CRLF as line end the writer quotes a cell holding a lone CR too (with LF it would not).
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        if title:
            buffer.write("MANIFEST GA820\r\n\r\n")
        writer.writerow(["Name", "Passport No."])
        expected = []
        for name, passport, fillers in rows:  # blank lines, whitespace, rows of empty cells: never rows
            buffer.write("".join(f"{filler}\n".replace("DELIMITERS", delimiter * 2) for filler in fillers))
            expected.append((f"line {len(LINE_BREAK.findall(buffer.getvalue())) + 1}", name.strip()))
            writer.writerow([name, passport])
        table = read_table(write(tmp_path, "pax.csv", buffer.getvalue()))
        assert placed(table) == expected


class TestOtherFormats:
    def test_sheet_rows_count_the_rows_above_and_between(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        book.active.title = "Kosong"
        sheet = book.create_sheet("Penumpang")
        sheet["B3"] = "DAFTAR PENUMPANG"
        sheet.append([None, "Name", "Passport No."])  # row 4
        sheet.append([None, "SITI", "B1"])
        sheet.append([])
        sheet.append([None, None, None])
        sheet.append([None, "BUDI", "B2"])  # row 8
        book.save(tmp_path / "agent.xlsx")
        table = read_table(tmp_path / "agent.xlsx")
        assert placed(table) == [("row 5", "SITI"), ("row 8", "BUDI")]

    def test_json_items_and_json_lines(self, tmp_path: Path) -> None:
        items = [{"full_name": "SITI"}, {"full_name": "BUDI"}]
        array = read_table(write(tmp_path, "api.json", json.dumps({"passengers": items}, indent=2)))
        assert placed(array, "full_name") == [("item 1", "SITI"), ("item 2", "BUDI")]
        text = '{"full_name": "SITI"}\r\n\n{"full_name": "BUDI", "note": "a\\u2028b"}\n\n'
        lines = read_table(write(tmp_path, "api.jsonl", text))
        assert placed(lines, "full_name") == [("line 1", "SITI"), ("line 3", "BUDI")]
        single = read_table(write(tmp_path, "one.json", '{"full_name": "SITI"}'))
        assert placed(single, "full_name") == [("item 1", "SITI")]

    def test_a_json_line_holding_a_raw_line_separator_stays_one_line(self, tmp_path: Path) -> None:
        text = '{"full_name": "SITI\u2028AMINAH"}\n{"full_name": "BUDI"}\n'
        table = read_table(write(tmp_path, "api.jsonl", text))
        assert placed(table, "full_name") == [("line 1", "SITI\u2028AMINAH"), ("line 2", "BUDI")]

    def test_paxlst_passengers_are_counted_across_messages(self) -> None:
        table = read_table(FIXTURES / "paxlst" / "two_flights.edi")
        assert [table.where(i) for i in range(len(table.frame))] == [
            f"passenger {n}" for n in range(1, len(table.frame) + 1)
        ]

    def test_parquet_rows_are_numbered_as_the_same_table_in_csv(self, tmp_path: Path) -> None:
        pd.DataFrame({"Name": ["SITI", "BUDI"]}).to_parquet(tmp_path / "pax.parquet")
        table = read_table(tmp_path / "pax.parquet")
        assert placed(table) == [("row 2", "SITI"), ("row 3", "BUDI")]
