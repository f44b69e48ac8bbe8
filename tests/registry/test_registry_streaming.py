"""The streaming import against the import as it was (`reference_import.py`): the same rows, derived columns,
index and rejects, whatever the batch size, for CSV and Parquet exports and the awkward files they can be."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from checkpoint.registry.derive import blocking_index
from checkpoint.registry.stream import prepare_export
from checkpoint.sources import read_table

from support.reference_import import prepare_registry as reference_prepare

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _rejects_csv(frame: object) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)  # type: ignore[attr-defined]
    return buffer.getvalue()


def assert_same_as_reference(path: Path, today: date, rows: int) -> None:
    """The streamed snapshot of `path` (batches of `rows`) equals the one the old import made."""
    raw = read_table(path, max_bytes=None)
    reference = reference_prepare(raw, today=today)
    streamed = prepare_export(path, today=today, rows=rows)
    assert streamed.table.schema == reference.table.schema
    assert streamed.table.num_rows == reference.table.num_rows
    for name in reference.table.schema.names:
        assert streamed.table.column(name).combine_chunks().equals(reference.table.column(name).combine_chunks()), name
    old_index = blocking_index(reference.table)
    assert streamed.index.hashes.tolist() == old_index.hashes.tolist()
    assert streamed.index.rows.tolist() == old_index.rows.tolist()
    assert _rejects_csv(streamed.rejects) == _rejects_csv(reference.rejects)
    assert list(streamed.notes) == [*raw.notes, *reference.notes]


@pytest.mark.parametrize("name", ["registry.parquet", "registry.csv"])
@pytest.mark.parametrize("rows", [997, 100_000])
def test_the_sample_registry_is_prepared_as_before(name: str, rows: int, today: date) -> None:
    assert_same_as_reference(SAMPLE / name, today, rows)


def test_the_small_export_with_rejects_is_prepared_as_before(registry_csv: Path, today: date) -> None:
    assert_same_as_reference(registry_csv, today, 2)


def _sample_lines(count: int) -> list[str]:
    return (SAMPLE / "registry.csv").read_text(encoding="utf-8").splitlines()[: count + 1]


def _awkward_exports(folder: Path) -> list[Path]:
    """Exports as they arrive: a title, `;`, Windows-1252, blank and short rows, ids repeated across batches,
    rows that fail their checks, a stamped export date, a stray quote, Parquet with numbers, a workbook."""
    import pandas as pd

    header, *rows = _sample_lines(400)
    body = [row.replace(",", ";") for row in rows]
    body[5] = body[5].replace("SP2MI", "SP2MI", 1)
    body[7] = body[3]  # the same record id again, within the first batch
    body[250] = body[10]  # and in a later batch
    body[12] = ";".join(body[12].split(";")[:3])  # short: the date of birth and more are missing
    body[20] = body[20].replace("M;", "X;", 1).replace("F;", "X;", 1)
    body.insert(30, ";;;")
    body.insert(31, "")
    titled = ["DATA PMI SISKOP2MI", "Tanggal: 2026-11-27", "", header.replace(",", ";") + ";exported_at"]
    titled += [f"{row};2026-11-27" if row.strip(";") else row for row in body]
    first = folder / "titled_semicolon.csv"
    first.write_bytes(("\r\n".join(titled) + "\r\n").replace("SITI", "SÎTI").encode("cp1252"))
    quoted = [header, *rows[:50]]
    quoted.insert(10, '""')
    second = folder / "quoted_blank.csv"
    second.write_text("\n".join(quoted) + "\n", encoding="utf-8")
    stray = [header, *rows[:300]]
    stray[200] = stray[200].replace(",", ',"SITI "ANI" AMINAH",', 1).replace(",", "", 1)
    third = folder / "stray_quote.csv"
    third.write_text("\n".join(stray) + "\n", encoding="utf-8")
    frame = pd.read_csv(SAMPLE / "registry.csv", dtype=str, nrows=400)
    frame["nik"] = pd.to_numeric(frame["nik"], errors="coerce").astype("Int64")
    frame.loc[3, "record_id"] = frame.loc[300, "record_id"]
    fourth = folder / "numbers.parquet"
    frame.to_parquet(fourth, index=False)
    fifth = folder / "sheet.xlsx"
    frame.head(120).to_excel(fifth, index=False)
    return [first, second, third, fourth, fifth]


@pytest.mark.parametrize("position", range(5))
def test_awkward_exports_are_prepared_as_before(position: int, tmp_path: Path, today: date) -> None:
    path = _awkward_exports(tmp_path)[position]
    assert_same_as_reference(path, today, 97)


#: Cells each of the registry's cell rules reads in its own way, for the column they are put in.
ODD_CELLS = {
    "record_id": ["SP2MI-9\u00a0", "\u3000SP2MI-8", "SP2MI-7\x1c", " \u00a0 ", "SP2MI-0000001\u2003", "sp2mi-6"],
    "full_name": ["siti  aminah", "\tDEWI", "JOSÉ RIZAL", "HJ. NUR, S.PD", "Ñ", "\u00a0"],
    "sex": ["m", "Laki-laki", "P", "x", "wanita", " "],
    "date_of_birth": ["20/11/1999", "1999-11-20 ", "2099-01-01", "1999-02-30", "19991120", "31-12-1990"],
    "destination_country": ["malaysia", "my", "KUL", "XXX", " twn", "Hong Kong"],
    "nik": ["7307 0320 1199 0943", "'7307032011990943", "7307032011990943.0", "9907032011990943",
            "7300002011990943", "7307039911990943", "٧٣٠٧٠٣٢٠١١٩٩٠٩٤٣", "7307-0320-1199-0943"],
    "passport_number": ["a4925240", "A 492-5240", "<<", "X3688473<", "ä1", "Ａ1234567"],
    "status": ["departed", "Ready ", "ß", "", "verified", "READY"],
    "sector": ["FORMAL", "Domestic", "İ", "x", "", "formal"],
    "bpjs_active": ["ya", "TIDAK", "1.0", "aktif", "maybe", "Tidak Aktif"],
    "planned_departure": ["2027-01-01", "01/02/2027", "soon", "2027-13-01", " ", "2026-12-31T00:00"],
    "departure_port": ["cgk", "Sub ", "DPS", "", "yia", "kno"],
}  # fmt: skip


def _odd_exports(folder: Path) -> list[Path]:
    """The sample's first 60 rows with odd cells put in (`ODD_CELLS`), as CSV and as Parquet text."""
    import pandas as pd

    frame = pd.read_csv(SAMPLE / "registry.csv", dtype=str, nrows=60, keep_default_na=False)
    for name, cells in ODD_CELLS.items():
        for number, cell in enumerate(cells):
            frame.loc[3 + 7 * number, name] = cell
    first, second = folder / "odd.csv", folder / "odd.parquet"
    frame.to_csv(first, index=False)
    frame.to_parquet(second, index=False)
    return [first, second]


@pytest.mark.parametrize("position", range(2))
def test_odd_cells_are_read_as_before(position: int, tmp_path: Path, today: date) -> None:
    assert_same_as_reference(_odd_exports(tmp_path)[position], today, 17)


def test_a_workbook_is_read_in_batches_as_the_same_rows_written_as_csv(tmp_path: Path, today: date) -> None:
    import pandas as pd

    frame = pd.read_csv(SAMPLE / "registry.csv", dtype=str, nrows=300, keep_default_na=False)
    frame.loc[[5, 150], "sex"] = "X"  # set aside, in two batches
    frame.loc[200, "record_id"] = frame.loc[20, "record_id"]  # an id repeated in a later batch
    csv, workbook = tmp_path / "registry.csv", tmp_path / "registry.xlsx"
    frame.to_csv(csv, index=False)
    frame.to_excel(workbook, index=False)
    from_csv = prepare_export(csv, today=today, rows=100_000)
    from_workbook = prepare_export(workbook, today=today, rows=40)  # eight batches
    assert from_workbook.table.equals(from_csv.table)
    assert from_workbook.index.hashes.tolist() == from_csv.index.hashes.tolist()
    assert from_workbook.index.rows.tolist() == from_csv.index.rows.tolist()
    assert _rejects_csv(from_workbook.rejects) == _rejects_csv(from_csv.rejects)
    assert len(from_workbook.rejects) == 3


def test_an_awkward_workbook_is_read_in_batches_as_before(tmp_path: Path, today: date) -> None:
    """A title above the header, an empty column, text pandas reads as missing, an Excel error value, blank
    and whitespace rows, numbers and dates typed as such, and a second sheet with fewer known columns."""
    import openpyxl

    header, *rows = _sample_lines(60)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data PMI"
    sheet.append(["DATA PMI SISKOP2MI"])
    sheet.append([])
    sheet.append([*header.split(","), None, "catatan"])
    for number, line in enumerate(rows):
        cells: list[object] = list(line.split(","))
        cells[5] = int(cells[5]) if number % 3 == 0 else cells[5]  # a NIK typed as a number
        cells[3] = date.fromisoformat(cells[3]) if number % 4 == 0 else cells[3]
        cells += [None, ["NA", "#N/A", "  ", "None", "ok"][number % 5]]
        if number == 10:
            cells[1] = "n/a"
        sheet.append(cells)
        if number in (20, 21):
            sheet.append([None, "   "])
    sheet["D30"] = "=1/0"
    other = book.create_sheet("Ringkasan")
    other.append(["nama", "jumlah"])
    other.append(["PT A", 3])
    path = tmp_path / "awkward.xlsx"
    book.save(path)
    assert_same_as_reference(path, today, 7)


def test_a_stray_quote_after_the_first_batch_reads_the_file_whole(tmp_path: Path, today: date) -> None:
    path = _awkward_exports(tmp_path)[2]
    streamed = prepare_export(path, today=today, rows=50)  # the quote is met in the fifth batch
    assert streamed.table.num_rows + len(streamed.rejects) == 300


def test_an_export_date_column_is_read_across_batches(tmp_path: Path, today: date) -> None:
    streamed = prepare_export(_awkward_exports(tmp_path)[0], today=today, rows=50)
    assert streamed.exported.day == date(2026, 11, 27)
    assert streamed.exported.source.value == "column"
