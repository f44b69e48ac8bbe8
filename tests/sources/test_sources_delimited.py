"""CSV and other delimited text: delimiters, encodings, quoting, title lines, ragged rows; every cell stays text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checkpoint.errors import InputDataError
from checkpoint.sources import RawTable, read_table
from checkpoint.sources.delimited import sniff_delimiter

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "manifests"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def records(table: RawTable) -> list[dict[str, object]]:
    return table.frame.to_dict("records")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_common_delimiter(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["Name", "Passport No.", "DOB"]) + "\n"
    text += delimiter.join(["AMINAH/SITI MRS", "B1234567", "17/05/1990"]) + "\n"
    text += delimiter.join(["SANTOSO/BUDI MR", "A2223334", "11/11/1988"]) + "\n"
    table = read_table(write(tmp_path, "list.csv", text))
    assert list(table.frame.columns) == ["Name", "Passport No.", "DOB"]
    assert records(table)[1] == {"Name": "SANTOSO/BUDI MR", "Passport No.": "A2223334", "DOB": "11/11/1988"}
    assert table.notes == ()


def test_text_that_looks_like_numbers_or_booleans_stays_text(tmp_path: Path) -> None:
    text = "Nationality,Passport No.,NIK,Flag,Score\nNO,012345,3201015705900001,TRUE,1.50\nNA,000001,,FALSE,NaN\n"
    rows = records(read_table(write(tmp_path, "texty.csv", text)))
    assert rows[0] == {"Nationality": "NO", "Passport No.": "012345", "NIK": "3201015705900001", "Flag": "TRUE",
                       "Score": "1.50"}  # fmt: skip
    assert rows[1] == {"Nationality": "NA", "Passport No.": "000001", "NIK": None, "Flag": "FALSE", "Score": "NaN"}


def test_cells_are_stripped_and_blanks_become_none(tmp_path: Path) -> None:
    rows = records(read_table(write(tmp_path, "blanks.csv", " Name , Sex \n  SITI  ,   \n")))
    assert rows == [{"Name": "SITI", "Sex": None}]


class TestEncodings:
    def test_utf8_with_bom(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "bom.csv", b"\xef\xbb\xbfName,DOB\nJOS\xc3\x89,1990-05-17\n"))
        assert list(table.frame.columns) == ["Name", "DOB"]  # no BOM glued to the first header
        assert records(table) == [{"Name": "JOSÉ", "DOB": "1990-05-17"}]
        assert table.notes == ()

    def test_utf8_without_bom(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "plain.csv", "Name\nNGUYỄN THỊ\n".encode()))
        assert records(table) == [{"Name": "NGUYỄN THỊ"}]

    def test_cp1252_accent_and_curly_apostrophe(self, tmp_path: Path) -> None:
        data = "Name,Passport No.\nANDRÉ O’NEIL,X1\n".encode("cp1252")
        assert b"\x92" in data and b"\xc9" in data
        table = read_table(write(tmp_path, "cp.csv", data))
        assert records(table) == [{"Name": "ANDRÉ O’NEIL", "Passport No.": "X1"}]
        assert table.notes == ("cp.csv read as cp1252",)

    def test_latin1(self, tmp_path: Path) -> None:
        data = "Name,Nationality\nJOSÉ MUÑOZ,ESP\nFRANÇOIS,FRA\n".encode("latin-1")
        table = read_table(write(tmp_path, "latin.csv", data))
        assert table.frame["Name"].tolist() == ["JOSÉ MUÑOZ", "FRANÇOIS"]

    def test_bytes_cp1252_leaves_undefined_are_read_as_latin1(self, tmp_path: Path) -> None:
        data = "Name,Nationality\nJOSÉ MUÑOZ,ESP\nFRANÇOIS,FRA\nX\x81Y,IDN\n".encode("latin-1")
        table = read_table(write(tmp_path, "latin1.csv", data))
        assert table.frame["Name"].tolist() == ["JOSÉ MUÑOZ", "FRANÇOIS", "X\x81Y"]
        assert table.notes == ("latin1.csv read as latin-1",)

    def test_utf16_with_bom(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "wide.csv", "Name\tDOB\nSITI\t900517\n".encode("utf-16")))
        assert records(table) == [{"Name": "SITI", "DOB": "900517"}]


class TestQuoting:
    def test_embedded_delimiter_quote_and_newline(self, tmp_path: Path) -> None:
        text = 'Name,Passport No.,Remarks\n"AMINAH, SITI",B1234567,"line one\nline two"\n"SAY ""HI""",C1,\n'
        rows = records(read_table(write(tmp_path, "quoted.csv", text)))
        assert rows == [
            {"Name": "AMINAH, SITI", "Passport No.": "B1234567", "Remarks": "line one\nline two"},
            {"Name": 'SAY "HI"', "Passport No.": "C1", "Remarks": None},
        ]

    def test_quoted_semicolon_in_a_semicolon_file(self, tmp_path: Path) -> None:
        rows = records(read_table(write(tmp_path, "semi.csv", 'Name;PNR\n"A;B";X1\nC;X2\n')))
        assert rows == [{"Name": "A;B", "PNR": "X1"}, {"Name": "C", "PNR": "X2"}]

    def test_unclosed_quote_is_an_error_naming_the_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "open.csv", 'Name,PNR\nA,X1\n"B,X2\nC,X3\n')
        with pytest.raises(InputDataError, match=r"^open\.csv .*line \d") as caught:
            read_table(path)
        assert "\n" not in str(caught.value)

    def test_a_stray_quote_inside_a_quoted_cell_stays_text(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "nick.csv", 'Name,PNR\n"SITI "ANI" AMINAH",X1\nBUDI,X2\n'))
        assert table.columns == (['SITI ANI" AMINAH"', "BUDI"], ["X1", "X2"])
        assert tuple(table.lines) == (2, 3)

    @pytest.mark.parametrize(
        "text",
        ['Name,PNR\n"SITI "ANI",X1\nBUDI,X2,EXTRA\n', 'Name,PNR\n"SITI "ANI",X1\nBUDI,X2\n"C,X3\n'],
    )
    def test_a_stray_quote_in_a_ragged_or_unclosed_file_is_an_error_naming_its_line(
        self, tmp_path: Path, text: str
    ) -> None:
        with pytest.raises(InputDataError, match=r"^bad\.csv is not a well-formed delimited table near line 2;"):
            read_table(write(tmp_path, "bad.csv", text))

    def test_a_record_of_one_quoted_blank_cell_is_an_empty_row(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "quoted_blank.csv", 'Name,PNR\nA,X1\n""\nB,X2\n'))
        assert table.columns == (["A", "B"], ["X1", "X2"]) and tuple(table.lines) == (2, 4)
        assert table.notes == ("quoted_blank.csv: 1 empty row(s) skipped",)

    def test_an_empty_first_cell_after_a_blank_line_stays_in_its_column(self, tmp_path: Path) -> None:
        # Old Mac line ends (CR): pandas' parser dropped the delimiter after a blank line, shifting the row left.
        table = read_table(write(tmp_path, "mac.csv", "Name;PNR;DOB\rSITI;X1;\r  \r;X2;1990-05-17\r"))
        assert table.columns == (["SITI", None], ["X1", "X2"], [None, "1990-05-17"])


class TestShapes:
    def test_header_only_gives_no_rows(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "header.csv", "Name;Passport No.\n"))
        assert list(table.frame.columns) == ["Name", "Passport No."]
        assert table.frame.empty

    @pytest.mark.parametrize("content", ["", "\n\n", "  \r\n \n"])
    def test_empty_file(self, tmp_path: Path, content: str) -> None:
        with pytest.raises(InputDataError, match=r"^empty\.csv is empty"):
            read_table(write(tmp_path, "empty.csv", content))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Name\nSITI AMINAH\nBUDI SANTOSO\n", ["SITI AMINAH", "BUDI SANTOSO"]),
            ("Passport No.\nB1234567\nC7654321\n", ["B1234567", "C7654321"]),
            ("Name\nO'NEIL; MARY\nSITI\n", ["O'NEIL; MARY", "SITI"]),
        ],
    )
    def test_one_column_file(self, tmp_path: Path, text: str, expected: list[str]) -> None:
        table = read_table(write(tmp_path, "single.csv", text))
        assert table.frame.shape[1] == 1
        assert table.frame.iloc[:, 0].tolist() == expected

    def test_a_row_with_more_cells_than_the_header_is_refused_with_its_line(self, tmp_path: Path) -> None:
        # pandas would silently take the first cell as an index and shift every value one column left.
        path = write(tmp_path, "ragged.csv", "Name,Passport No.\nSITI,B1234567\nBUDI,A2223334,EXTRA\n")
        with pytest.raises(InputDataError, match=r"^ragged\.csv line 3 has 3 cells but the header has 2"):
            read_table(path)

    def test_a_wide_first_data_row_is_not_taken_as_an_index(self, tmp_path: Path) -> None:
        path = write(tmp_path, "shifted.csv", "Name,Passport No.\nSITI,B1234567,EXTRA\n")
        with pytest.raises(InputDataError, match="line 2"):
            read_table(path)

    def test_line_numbers_count_the_title_above_the_header(self, tmp_path: Path) -> None:
        path = write(tmp_path, "titled.csv", "MANIFEST GA820\nName,Passport No.\nSITI,B1\nBUDI,A2,EXTRA\n")
        with pytest.raises(InputDataError, match="line 4"):
            read_table(path)

    def test_trailing_delimiters_are_harmless(self, tmp_path: Path) -> None:
        rows = records(read_table(write(tmp_path, "trailing.csv", "Name,Passport No.\nSITI,B1,\nBUDI,A2,,\n")))
        assert rows == [{"Name": "SITI", "Passport No.": "B1"}, {"Name": "BUDI", "Passport No.": "A2"}]

    def test_short_rows_are_padded_with_blanks(self, tmp_path: Path) -> None:
        rows = records(read_table(write(tmp_path, "short.csv", "Name,Passport No.,DOB\nSITI,B1\n")))
        assert rows == [{"Name": "SITI", "Passport No.": "B1", "DOB": None}]

    def test_rows_of_only_delimiters_are_skipped_with_a_note(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "excel.csv", "Name,Passport No.\nSITI,B1\n,\nBUDI,A2\n,\n,\n"))
        assert [row["Name"] for row in records(table)] == ["SITI", "BUDI"]
        assert table.notes == ("excel.csv: 3 empty row(s) skipped",)

    @pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
    def test_any_line_ending(self, tmp_path: Path, newline: str) -> None:
        table = read_table(write(tmp_path, "ends.csv", newline.join(["Name,PNR", "SITI,X1", "BUDI,X2", ""])))
        assert records(table) == [{"Name": "SITI", "PNR": "X1"}, {"Name": "BUDI", "PNR": "X2"}]

    def test_repeated_and_blank_headers_get_unique_names(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "dup.csv", "Name,Name,,PNR\nA,B,C,D\n"))
        assert list(table.frame.columns) == ["Name", "Name.1", "column 3", "PNR"]


class TestTitleAboveHeader:
    def test_a_title_line_is_skipped(self, tmp_path: Path) -> None:
        text = "DAFTAR PENUMPANG GA820 28/11/2026\nNo.,Name,Passport No.\n1,SITI,B1\n"
        table = read_table(write(tmp_path, "title.csv", text))
        assert list(table.frame.columns) == ["No.", "Name", "Passport No."]
        assert records(table) == [{"No.": "1", "Name": "SITI", "Passport No.": "B1"}]
        assert table.notes == ("title.csv: 1 line(s) above the header skipped",)

    def test_a_title_with_delimiters_and_a_blank_line_are_skipped(self, tmp_path: Path) -> None:
        text = "Manifest;GA820;28/11/2026\n\nName;Sex;DOB;Passport No.\nSITI;F;17MAY90;B1\n"
        table = read_table(write(tmp_path, "title2.csv", text))
        assert list(table.frame.columns) == ["Name", "Sex", "DOB", "Passport No."]
        assert len(table.frame) == 1

    def test_a_first_row_of_unknown_headers_is_still_the_header(self, tmp_path: Path) -> None:
        table = read_table(write(tmp_path, "odd.csv", "Kolom A,Kolom B\nx,y\n"))
        assert list(table.frame.columns) == ["Kolom A", "Kolom B"]

    def test_a_data_value_that_is_also_a_header_word_does_not_move_the_header(self, tmp_path: Path) -> None:
        text = "Name,Nationality,Remarks\nSITI,NO,No\nBUDI,NAT,Passport\n"
        table = read_table(write(tmp_path, "words.csv", text))
        assert list(table.frame.columns) == ["Name", "Nationality", "Remarks"]
        assert len(table.frame) == 2


class TestDelimiterSniffing:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a,b\n1,2\n", ","),
            ("a;b\n1;2\n", ";"),
            ("a\tb\n1\t2\n", "\t"),
            ("a|b\n1|2\n", "|"),
            ("only\none\n", ","),
            ("Name;DOB\nAMINAH, SITI;1990\nBUDI;1988\n", ";"),  # a comma inside unquoted cells
            ('Name,DOB\n"A;B;C",1990\n"D;E",1988\n', ","),  # semicolons inside quoted cells
            ("Title line\nName|DOB|Sex\nA|1|F\nB|2|M\n", "|"),
        ],
    )
    def test_sniff_delimiter(self, text: str, expected: str) -> None:
        assert sniff_delimiter(text) == expected


def test_the_checked_in_airline_list(tmp_path: Path) -> None:
    table = read_table(FIXTURES / "airline_cp1252_semicolon.csv")
    assert table.notes == (
        "airline_cp1252_semicolon.csv read as cp1252",
        "airline_cp1252_semicolon.csv: 2 line(s) above the header skipped",
    )
    assert table.frame.shape == (6, 13)
    assert table.frame["Name"].tolist()[:3] == ["AMINAH/SITI MRS", "LÉGER/ANDRÉ MR", "O’NEIL/MARY MS"]
    assert table.frame.iloc[4].tolist() == [
        "5", None, None, None, None, None, None, None, None, "GA820", "KUL", None, None,
    ]  # fmt: skip


# --- property: any table written by the csv module reads back cell for cell ------------------------------------

#: Letters, digits, every delimiter, quotes, spaces, a line break and CP1252 specials (é, ’): the hard cases.
cell_text = st.text(alphabet="AZaz09 ,;|\t\"'\nÉé’ñ.-/", max_size=10)
headers = st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,10}[A-Za-z0-9]", fullmatch=True), min_size=2, max_size=5,
                   unique_by=str.lower)  # fmt: skip


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    header=headers,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_a_written_table_reads_back(
    tmp_path: Path, data: st.DataObject, header: list[str], delimiter: str, encoding: str
) -> None:
    width = len(header)
    rows = data.draw(st.lists(st.lists(cell_text, min_size=width, max_size=width), min_size=1, max_size=6))
    rows = [row for row in rows if any(cell.strip() for cell in row)] or [["x"] * width]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / "roundtrip.csv"  # one file, overwritten by each example
    data_bytes = buffer.getvalue().encode(encoding)
    # CP1252 text that is also valid UTF-8 (`É’` is the bytes of `ɒ`) is read as UTF-8: no reader can tell.
    assume(encoding != "cp1252" or not _valid_utf8(data_bytes) or data_bytes.isascii())
    path.write_bytes(data_bytes)
    table = read_table(path)
    assert list(table.frame.columns) == header
    assert table.frame.to_numpy().tolist() == [[cell.strip() or None for cell in row] for row in rows]
