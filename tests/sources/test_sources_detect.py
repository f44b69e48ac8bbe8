"""Choosing a reader by content before extension, and refusing what is not a table with one clear sentence."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoint.errors import InputDataError
from checkpoint.sources import read_table
from checkpoint.sources.read import READERS

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


def assert_one_sentence_naming(error: InputDataError, name: str) -> None:
    message = str(error)
    assert name in message
    assert "\n" not in message
    assert message.endswith(".")
    assert not re.search(r"[.;:] [A-Z]", message.replace(name, "FILE")), message  # one sentence
    assert "Traceback" not in message and "Error" not in message.replace("InputDataError", "")


GARBAGE = {
    "random": random.Random(7).randbytes(5000),
    "random_without_nul": bytes(b or 1 for b in random.Random(8).randbytes(5000)),
    "png": PNG + random.Random(9).randbytes(300),
    "zip": zip_without_workbook(),
    "ole2": OLE2,
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)),
    "par1": b"PAR1" + random.Random(10).randbytes(200),
}


@pytest.mark.parametrize("kind", GARBAGE)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".json", ".txt", ".bin", ""])
def test_garbage_is_an_input_error_naming_the_file(tmp_path: Path, kind: str, suffix: str) -> None:
    path = tmp_path / f"manifest_{kind}{suffix}"
    path.write_bytes(GARBAGE[kind])
    with pytest.raises(InputDataError) as caught:
        read_table(path)
    assert_one_sentence_naming(caught.value, path.name)


def test_an_old_excel_file_says_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(OLE2)
    with pytest.raises(InputDataError, match=r"^old\.xls is an old-style \(\.xls\) or password-protected workbook"):
        read_table(path)


def test_a_zip_named_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(zip_without_workbook())
    with pytest.raises(InputDataError, match=r"^fake\.xlsx is not an XLSX workbook"):
        read_table(path)


def test_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match=r"does not exist\.$") as caught:
        read_table(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in str(caught.value)


def test_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "manifests.csv"
    folder.mkdir()
    with pytest.raises(InputDataError, match=r"is a folder, not a file\.$"):
        read_table(folder)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.xlsx"
    path.touch()
    with pytest.raises(InputDataError, match=r"^nothing\.xlsx is empty"):
        read_table(path)


class TestExtensionsThatLie:
    def test_csv_named_xlsx(self, tmp_path: Path) -> None:
        path = tmp_path / "list.xlsx"
        path.write_text("Name;Passport No.\nSITI;B1\n", encoding="utf-8")
        assert read_table(path).frame.to_dict("records") == [{"Name": "SITI", "Passport No.": "B1"}]

    def test_csv_named_json(self, tmp_path: Path) -> None:
        path = tmp_path / "list.dat"
        path.write_text("Name,Passport No.\nSITI,B1\n", encoding="utf-8")
        assert read_table(path).frame["Name"].tolist() == ["SITI"]

    def test_json_named_txt_without_suffix(self, tmp_path: Path) -> None:
        path = tmp_path / "export"
        path.write_text('[{"full_name": "SITI"}]', encoding="utf-8")
        assert read_table(path).frame["full_name"].tolist() == ["SITI"]

    def test_parquet_named_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "pax.csv"
        pd.DataFrame({"full_name": ["SITI"]}).to_parquet(path)
        assert read_table(path).frame["full_name"].tolist() == ["SITI"]

    def test_a_csv_whose_first_header_has_a_bracket_stays_a_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "brackets.csv"
        path.write_text("[No],Name\n1,SITI\n", encoding="utf-8")
        assert list(read_table(path).frame.columns) == ["[No]", "Name"]


def test_readers_have_unique_names_and_delimited_text_comes_last() -> None:
    names = [reader.name for reader in READERS]
    assert len(set(names)) == len(names)
    assert {"parquet", "xlsx", "json", "csv"} <= set(names)
    assert names[-1] == "csv"  # the fallback: it claims any text with a delimiter in its first line


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".json", ".parquet", ""]))
def test_any_bytes_give_a_table_or_an_input_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        table = read_table(path)
    except InputDataError as error:
        assert path.name in str(error)
    else:
        assert isinstance(table.frame, pd.DataFrame)
