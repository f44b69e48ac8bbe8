"""Size limits, encodings told by content, and content that does not match its file name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from checkpoint.errors import InputDataError
from checkpoint.sources import MANIFEST_MAX_BYTES, REGISTRY_MAX_BYTES, read_table
from checkpoint.sources.read import PARQUET_CELL_BYTES

CSV = "Name,Passport No.\nSITI,B1\nBUDI,B2\n"


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk (a hole): the limits measure a text file by its size."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


class TestSizeLimits:
    def test_the_limits_fit_a_desk_machine(self) -> None:
        assert MANIFEST_MAX_BYTES == 200 * 1024**2
        assert REGISTRY_MAX_BYTES == 1024**3

    def test_a_file_above_max_bytes_is_refused_with_one_sentence(self, tmp_path: Path) -> None:
        path = write(tmp_path, "ga820.csv", CSV)
        assert len(read_table(path, max_bytes=len(CSV)).frame) == 2  # at the limit: read
        with pytest.raises(InputDataError) as caught:
            read_table(path, max_bytes=len(CSV) - 1)
        assert str(caught.value) == (
            f"ga820.csv is {len(CSV)} bytes, more than the {len(CSV) - 1} bytes checkpoint reads into memory at "
            "once; split it into smaller files."
        )

    def test_by_default_a_file_above_the_manifest_limit_is_refused_unread(self, tmp_path: Path) -> None:
        path = sparse(tmp_path / "big.csv", 3 * 1024**3)
        with pytest.raises(InputDataError) as caught:
            read_table(path)
        assert str(caught.value) == (
            "big.csv is 3,072 MB, more than the 200 MB checkpoint reads into memory at once; split it into smaller "
            "files."
        )

    def test_a_workbook_is_measured_unpacked(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        book.active.append(["Name", "Passport No."])
        for number in range(300):
            book.active.append(["SITI AMINAH", f"B{number:07d}"])
        book.save(tmp_path / "agent.xlsx")
        size = (tmp_path / "agent.xlsx").stat().st_size
        with pytest.raises(InputDataError, match=r"^agent\.xlsx holds [\d,]+ bytes of data once unpacked, more than"):
            read_table(tmp_path / "agent.xlsx", max_bytes=size)

    def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_opened(self, tmp_path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", " " * 20_000_000)
        path = write(tmp_path, "bomb.xlsx", buffer.getvalue())
        assert path.stat().st_size < 100_000
        with pytest.raises(InputDataError, match=r"^bomb\.xlsx holds 19 MB of data once unpacked"):
            read_table(path, max_bytes=10 * 1024**2)

    def test_parquet_is_measured_by_its_cells(self, tmp_path: Path) -> None:
        pd.DataFrame({"Name": ["SITI"] * 1000, "Passport No.": ["B1"] * 1000}).to_parquet(tmp_path / "pax.parquet")
        size = (tmp_path / "pax.parquet").stat().st_size
        assert size < 2000 * PARQUET_CELL_BYTES  # compressed far below what it unpacks to
        with pytest.raises(InputDataError, match=r"^pax\.parquet holds 24,000 bytes of data once unpacked"):
            read_table(tmp_path / "pax.parquet", max_bytes=23_999)
        assert len(read_table(tmp_path / "pax.parquet", max_bytes=24_000).frame) == 1000


class TestEncodings:
    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_a_bom_is_told_by_its_nuls(self, tmp_path: Path, codec: str) -> None:
        table = read_table(write(tmp_path, "pax.csv", "Name\tPassport No.\nLÉGER\tB1\n".encode(codec)))
        assert table.frame.to_dict("records") == [{"Name": "LÉGER", "Passport No.": "B1"}]
        assert table.notes == (f"pax.csv read as {codec}",)

    def test_nuls_in_both_halves_are_still_a_binary_file(self, tmp_path: Path) -> None:
        with pytest.raises(InputDataError, match=r"^pax\.csv is a binary file"):
            read_table(write(tmp_path, "pax.csv", b"A\x00\x00\x00" * 1000))

    def test_cells_of_any_length_are_read(self, tmp_path: Path) -> None:
        long = "A" * 300_000  # above the csv module's default field limit of 128 KiB
        text = f'Name,Passport No.\n\n"{long}",B1\nBUDI,B2\n'  # the blank line makes the csv module count lines
        table = read_table(write(tmp_path, "long.csv", text))
        assert table.frame["Name"].tolist() == [long, "BUDI"]
        assert [table.where(i) for i in range(2)] == ["line 3", "line 4"]


class TestMisnamed:
    @pytest.mark.parametrize(
        ("name", "content", "note"),
        [
            ("pax.xlsx", CSV, "pax.xlsx is named .xlsx but holds delimited text; read as such"),
            ("pax.parquet", '[{"Name": "SITI"}]', "pax.parquet is named .parquet but holds JSON; read as such"),
            ("pax.json", CSV, "pax.json is named .json but holds delimited text; read as such"),
            ("pax.txt", CSV, None),
            ("pax.dat", CSV, None),  # an extension that promises nothing
        ],
    )
    def test_content_other_than_the_name_says_is_read_and_noted(
        self, tmp_path: Path, name: str, content: str, note: str | None
    ) -> None:
        table = read_table(write(tmp_path, name, content))
        assert not table.frame.empty
        assert (table.notes[:1] == (note,)) if note else not any("is named" in n for n in table.notes)

    def test_a_paxlst_saved_as_csv_is_noted(self, tmp_path: Path) -> None:
        text = (Path(__file__).resolve().parents[1] / "fixtures" / "paxlst" / "two_flights.edi").read_bytes()
        table = read_table(write(tmp_path, "flight.csv", text))
        assert table.notes[0] == "flight.csv is named .csv but holds a PAXLST message; read as such"
