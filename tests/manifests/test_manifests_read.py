"""Whole manifest files, every format, read into travellers: every row once, in order, with its warnings."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from checkpoint.errors import InputDataError
from checkpoint.manifests import Manifest, open_manifest, read_manifest

TODAY = date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "manifests"


def summary(manifest: Manifest) -> list[tuple[object, ...]]:
    return [(t.pax_id, t.full_name, t.date_of_birth, t.passport_number, t.destination) for t in manifest.travellers]


def test_the_airline_list_in_cp1252_with_a_title() -> None:
    manifest = read_manifest(FIXTURES / "airline_cp1252_semicolon.csv", today=TODAY)
    assert manifest.source == "airline_cp1252_semicolon.csv"
    assert manifest.notes == (
        "airline_cp1252_semicolon.csv read as cp1252",
        "airline_cp1252_semicolon.csv: 2 line(s) above the header skipped",
    )
    assert summary(manifest) == [
        ("1", "SITI AMINAH", date(1990, 5, 17), "B1234567", "MYS"),
        ("2", "ANDRÉ LÉGER", date(1985, 2, 1), "12AB34567", "MYS"),
        ("3", "MARY O’NEIL", date(1985, 1, 1), "PX123456", "MYS"),
        ("4", "HARYANTI", None, "C7654321", "MYS"),
        ("5", None, None, None, "MYS"),
        ("6", "HARYANTI", date(1995, 5, 17), "E1111111", None),
    ]
    first, _, _, fourth, fifth, sixth = manifest.travellers
    assert (first.sex, first.nationality, first.passport_expiry) == ("F", "IDN", date(2032, 4, 1))
    assert (first.ticket, first.flight, first.group_code, first.booking_ref) == ("ow", "GA820", "UMR-77", "ABC123")
    assert fourth.passport_expiry == date(2030, 12, 17)  # 17DES30: Indonesian month, expiry near today
    # Warnings name the file line: a title line and a blank line come before the header (line 3).
    assert fourth.warnings == ("line 7: date_of_birth '31/02/1990' is not a real calendar date; treated as missing",)
    assert fifth.warnings == (
        "line 8: row has neither a name nor a passport number; it cannot be looked up in the registry",
    )
    assert sixth.warnings == ("line 9: destination 'XYZ' is not a known country or airport code; treated as missing",)
    assert [t.row for t in manifest.travellers] == [1, 2, 3, 4, 5, 6]


def test_surname_and_given_names_in_a_tsv_with_bom() -> None:
    manifest = read_manifest(FIXTURES / "surname_given_bom.tsv", today=TODAY)
    assert summary(manifest) == [
        ("1", "BUDI SANTOSO", date(1988, 11, 11), "A2223334", "SAU"),
        ("2", "DEWI WATI", date(1992, 3, 4), "A5556667", "ARE"),
        ("3", "SUSILAWATI", date(1990, 5, 17), None, "TWN"),
    ]
    assert manifest.travellers[0].return_date == date(2026, 12, 10)
    assert manifest.travellers[1].warnings == (
        "line 3: return_date is before departure_date; return_date treated as missing",
    )


def test_json_lines_with_a_repeated_pax_id() -> None:
    manifest = read_manifest(FIXTURES / "passengers.jsonl", today=TODAY)
    assert summary(manifest) == [
        ("P-1", "NURHAYATI SITI", date(1990, 5, 17), "B1234567", "MYS"),
        ("P-2", "RIZKY PRATAMA", date(1990, 5, 17), None, "KHM"),
        ("P-1", "AGUS SALIM", date(1990, 5, 17), None, "HKG"),
    ]
    assert [t.warnings for t in manifest.travellers] == [
        ("line 1: pax_id P-1 appears more than once",),
        (),
        ("line 3: pax_id P-1 appears more than once",),
    ]
    assert manifest.travellers[2].nik == "3201015705900001"
    assert manifest.travellers[0].visa_type == "visit"


def test_an_xlsx_manifest_with_real_dates_and_numeric_passports(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Kosong"
    sheet = book.create_sheet("Penumpang")
    sheet.append(["DAFTAR PENUMPANG"])
    sheet.append(["No.", "Nama", "JK", "Tgl Lahir", "No. Paspor", "Tujuan", "Expiry"])
    sheet.append([1, "AMINAH/SITI MRS", "P", datetime(1990, 5, 17), 1234567, "KUL", datetime(2032, 4, 1)])
    sheet.append([2, "SANTOSO/BUDI MR", "L", 881111, "A2223334", "JED", "01APR32"])
    sheet.append([3, None, None, None, None, "JED", None])
    path = tmp_path / "agent.xlsx"
    book.save(path)
    manifest = read_manifest(path, today=TODAY)
    assert summary(manifest) == [
        ("1", "SITI AMINAH", date(1990, 5, 17), "1234567", "MYS"),
        ("2", "BUDI SANTOSO", date(1988, 11, 11), "A2223334", "SAU"),
        ("3", None, None, None, "SAU"),
    ]
    assert [t.sex for t in manifest.travellers] == ["F", "M", None]
    assert manifest.travellers[0].passport_expiry == date(2032, 4, 1)
    assert "agent.xlsx: sheet 'Penumpang' read" in manifest.notes
    assert manifest.travellers[2].warnings[-1].startswith("row 5: row has neither a name nor a passport number")


def test_a_parquet_manifest(tmp_path: Path) -> None:
    path = tmp_path / "pax.parquet"
    frame = pd.DataFrame(
        {
            "full_name": ["SITI AMINAH", "BUDI"],
            "date_of_birth": pd.to_datetime(["1990-05-17", None]),
            "passport_number": ["B1234567", None],
            "destination": ["KUL", "SIN"],
        }
    )
    frame.to_parquet(path)
    manifest = read_manifest(path, today=TODAY)
    assert summary(manifest) == [
        ("1", "SITI AMINAH", date(1990, 5, 17), "B1234567", "MYS"),
        ("2", "BUDI", None, None, "SGP"),
    ]
    assert all(t.warnings == () for t in manifest.travellers)


def test_a_header_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty_flight.csv"
    path.write_text("Name,Passport No.\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"^empty_flight\.csv has a header but no traveller rows\.$"):
        read_manifest(path, today=TODAY)


def test_a_file_without_a_name_or_passport_column(tmp_path: Path) -> None:
    path = tmp_path / "seats.csv"
    path.write_text("Seat,Sex,DOB\n12A,F,17MAY90\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"^seats\.csv has no name or passport column"):
        read_manifest(path, today=TODAY)


def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputDataError, match=r"^photo\.csv is a binary file"):
        read_manifest(path, today=TODAY)


def test_error_messages_never_carry_names_or_document_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Name,Passport No.\nAMINAH/SITI MRS,B1234567\nSANTOSO/BUDI MR,A2223334,EXTRA\n", encoding="utf-8")
    with pytest.raises(InputDataError) as caught:
        read_manifest(path, today=TODAY)
    message = str(caught.value)
    assert "ragged.csv" in message and "line 3" in message
    assert not any(secret in message for secret in ("AMINAH", "SANTOSO", "B1234567", "A2223334", "EXTRA"))


def test_a_manifest_read_in_runs_of_rows_is_the_manifest_read_whole(tmp_path: Path) -> None:
    """Every row, warning and duplicate note the same, in the same order, however the rows are cut (the
    pipeline shares runs of rows among processes)."""
    rows = [
        {"pax_id": str(n % 190), "name": f"PUTRI/SITI NUR {n} MRS", "dob": "1990-02-30" if n % 7 else "17MAY90"}
        for n in range(400)
    ]
    path = tmp_path / "big.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    whole = read_manifest(path, today=TODAY)
    assert len(whole.travellers) == 400 and any(t.warnings for t in whole.travellers)
    assert any("appears more than once" in w for t in whole.travellers for w in t.warnings)
    opened = open_manifest(path, today=TODAY)
    for cuts in ([0, 400], [0, 1, 399, 400], [0, 150, 151, 300, 400]):
        runs = [opened.travellers(range(start, stop)) for start, stop in itertools.pairwise(cuts)]
        assert tuple(opened.flag_repeats([t for run in runs for t in run])) == whole.travellers
