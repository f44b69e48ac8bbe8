"""Parquet, XLSX and JSON tables."""

from __future__ import annotations

import json
import math
import re
import zipfile
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from checkpoint import i18n
from checkpoint.errors import InputDataError
from checkpoint.sources.header import HEADER_SEARCH_ROWS, column_names, find_header_row, is_blank_cell, known_columns
from checkpoint.sources.interface import RawTable

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# Third-party parsers given arbitrary bytes raise more than their documented errors (zlib, struct, XML,
# KeyError from a ZIP without the expected member…); each reader turns whatever they raise into one sentence.
# pandas and pyarrow are imported by the readers that need them, when they read: JSON needs neither.


def _as_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Blanks to None; everything else kept as the file typed it (dates stay dates)."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


class ParquetReader:
    """Reads Parquet files (`PAR1` magic)."""

    name = "parquet"

    def detect(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"PAR1")

    def read(self, path: Path) -> RawTable:
        import pyarrow.parquet as pq

        try:
            table = _trimmed(pq.read_table(path))
            # Integers stay integers even beside nulls: a 16-digit NIK must not pass through a float.
            frame = table.to_pandas(integer_object_nulls=True, date_as_object=True)
        except Exception:  # see the module note
            raise InputDataError(i18n.text("source.parquet.unreadable", file=path.name)) from None
        frame.columns = column_names(list(frame.columns))
        return RawTable.from_frame(_as_cells(frame), path.name, unit="row")  # numbered as if exported to CSV


def _trimmed(table: pa.Table) -> pa.Table:
    """Text columns stripped and empty text made null, as the other readers leave text cells (in Arrow, fast).

    Exports often write a blank as `""`; left as it is, it would be read as a value (a date that is not one).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    for index, column in enumerate(table.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            stripped = pc.utf8_trim_whitespace(column)
            blank = pa.scalar(None, type=column.type)
            table = table.set_column(index, table.field(index), pc.if_else(pc.equal(stripped, ""), blank, stripped))
    return table


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.startswith("xl/workbook") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


@dataclass(frozen=True)
class _Sheet:
    """The table found on one sheet."""

    score: int  # known columns in its header
    above: int  # non-blank rows above the header
    table: pd.DataFrame
    rows: tuple[int, ...]  # the spreadsheet row number of each table row


def _sheet_table(sheet: pd.DataFrame) -> _Sheet | None:
    """A sheet read without a header (index 0 = spreadsheet row 1) as its table, or None if empty."""
    sheet = sheet.dropna(how="all").dropna(axis=1, how="all")
    if sheet.empty:
        return None
    rows = sheet.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()
    at = find_header_row(rows)
    score = known_columns(rows[at])
    table = sheet.iloc[at + 1 :]
    numbers = [int(index) + 1 for index in table.index]
    table = table.reset_index(drop=True)
    table.columns = column_names(rows[at])
    table = table.map(lambda v: (v.strip() or None) if isinstance(v, str) else v)
    keep = ~table.map(is_blank_cell).all(axis=1)
    return _Sheet(score, at, table[keep].reset_index(drop=True), tuple(compress(numbers, keep.to_numpy())))


class XlsxReader:
    """Reads the sheet of an `.xlsx` workbook whose header names the most known columns."""

    name = "xlsx"

    def detect(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04") and (path.suffix.lower() in {".xlsx", ".xlsm"} or _is_workbook(path))

    def read(self, path: Path) -> RawTable:
        if not _is_workbook(path):
            raise InputDataError(i18n.text("source.xlsx.not_zip", file=path.name))
        import pandas as pd

        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
        except Exception:  # see the module note
            raise InputDataError(i18n.text("source.xlsx.unreadable", file=path.name)) from None
        tables = {name: found for name, sheet in sheets.items() if (found := _sheet_table(sheet)) is not None}
        if not tables:
            raise InputDataError(i18n.text("source.xlsx.no_sheet", file=path.name))
        chosen = max(tables, key=lambda name: tables[name].score)  # the first of equals, in workbook order
        found = tables[chosen]
        notes = [i18n.text("source.xlsx.sheet_read", file=path.name, sheet=repr(chosen))]
        if found.above:
            notes.append(i18n.text("source.xlsx.rows_skipped", file=path.name, count=found.above))
        if len(tables) > 1:
            others = ", ".join(repr(name) for name in tables if name != chosen)
            notes.append(i18n.text("source.xlsx.other_sheets", file=path.name, sheets=others))
        return RawTable.from_frame(_as_cells(found.table), path.name, tuple(notes), found.rows, unit="row")


#: Where JSON Lines break; not `str.splitlines`, which also breaks at U+2028 and other characters a JSON
#: string may hold as they are.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _json_cell(value: object) -> object:
    """A JSON value as a cell: text as text, numbers as their digits, nested values as JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _json_rows(text: str, source: str) -> tuple[list[object], tuple[int, ...], str]:
    """Rows of a JSON array, of an object holding one array, of a single object, or of JSON Lines.

    Also where each row is: its 1-based item number in the array (unit `item`), or its line (unit `line`).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole:
        if text.lstrip().startswith("["):
            raise InputDataError(i18n.text("source.json.invalid", file=source, line=whole.lineno)) from None
        rows: list[object] = []
        lines: list[int] = []
        for number, line in enumerate(_LINE_BREAK.split(text), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise InputDataError(i18n.text("source.json.invalid_lines", file=source, line=number)) from None
                lines.append(number)
        return rows, tuple(lines), "line"
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        data = lists[0] if len(lists) == 1 else [data]  # {"passengers": [...]} or one row
    elif not isinstance(data, list):
        data = [data]
    return data, tuple(range(1, len(data) + 1)), "item"


class JsonReader:
    """Reads a JSON array of objects or JSON Lines."""

    name = "json"

    def detect(self, path: Path, head: bytes) -> bool:
        """True when the content opens like JSON, whatever the extension (a CSV saved as `.json` is a CSV)."""
        if path.suffix.lower() in {".csv", ".tsv", ".txt"}:  # a header such as `[No],Name` is still a CSV
            return False
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").startswith(("[", "{"))
        return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith((b"[", b"{"))

    def read(self, path: Path) -> RawTable:
        from checkpoint.sources.delimited import decode

        text, _ = decode(path.read_bytes(), path.name)
        rows, lines, unit = _json_rows(text, path.name)
        objects = [row for row in rows if isinstance(row, dict)]
        if len(objects) != len(rows):
            raise InputDataError(i18n.text("source.json.not_a_list", file=path.name))
        if not objects:
            raise InputDataError(i18n.text("source.json.no_rows", file=path.name))
        columns = list(dict.fromkeys(key for row in objects for key in row))
        if not columns:
            raise InputDataError(i18n.text("source.json.empty_objects", file=path.name))
        cells = tuple([_json_cell(row.get(column)) for row in objects] for column in columns)
        return RawTable(tuple(column_names(columns)), cells, path.name, lines=lines, unit=unit)


def parquet_cells(path: Path) -> int | None:
    """Rows × columns of a Parquet file, from its footer alone; None when the footer is unreadable."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_metadata(path)
    except Exception:  # see the module note; the reader then says the file is unreadable
        return None
    return int(metadata.num_rows) * int(metadata.num_columns)


def zip_unpacked_bytes(path: Path) -> int | None:
    """The total uncompressed size a ZIP archive (an XLSX workbook) declares; None when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
