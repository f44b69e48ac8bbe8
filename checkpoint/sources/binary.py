"""Parquet, XLSX and JSON tables."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import pandas as pd

from checkpoint.errors import InputDataError
from checkpoint.sources.header import HEADER_SEARCH_ROWS, column_names, find_header_row, is_blank_cell, known_columns
from checkpoint.sources.interface import RawTable

# Third-party parsers given arbitrary bytes raise more than their documented errors (zlib, struct, XML,
# KeyError from a ZIP without the expected member…); each reader turns whatever they raise into one sentence.


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
            # Integers stay integers even beside nulls: a 16-digit NIK must not pass through a float.
            frame = pq.read_table(path).to_pandas(integer_object_nulls=True, date_as_object=True)
        except Exception:  # see the module note
            raise InputDataError(f"{path.name} is not a readable Parquet file; export it again.") from None
        frame.columns = column_names(list(frame.columns))
        return RawTable(frame=_as_cells(frame), source=path.name)


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.startswith("xl/workbook") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _sheet_table(sheet: pd.DataFrame) -> tuple[int, int, pd.DataFrame] | None:
    """A sheet read without a header as (known columns, rows above the header, table), or None if empty."""
    sheet = sheet.dropna(how="all").dropna(axis=1, how="all")
    if sheet.empty:
        return None
    rows = sheet.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()
    at = find_header_row(rows)
    score = known_columns(rows[at])
    table = sheet.iloc[at + 1 :].reset_index(drop=True)
    table.columns = column_names(rows[at])
    table = table.map(lambda v: (v.strip() or None) if isinstance(v, str) else v)
    table = table[~table.map(is_blank_cell).all(axis=1)].reset_index(drop=True)
    return score, at, table


class XlsxReader:
    """Reads the sheet of an `.xlsx` workbook whose header names the most known columns."""

    name = "xlsx"

    def detect(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04") and (path.suffix.lower() in {".xlsx", ".xlsm"} or _is_workbook(path))

    def read(self, path: Path) -> RawTable:
        if not _is_workbook(path):
            raise InputDataError(f"{path.name} is not an XLSX workbook (a ZIP archive without one); export it again.")
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
        except Exception:  # see the module note
            raise InputDataError(
                f"{path.name} is not a readable XLSX workbook; save it again from a spreadsheet program."
            ) from None
        tables = {name: found for name, sheet in sheets.items() if (found := _sheet_table(sheet)) is not None}
        if not tables:
            raise InputDataError(f"{path.name} has no sheet with a header row and data.")
        chosen = max(tables, key=lambda name: tables[name][0])  # the first of equals, in workbook order
        _, above, table = tables[chosen]
        notes = [f"{path.name}: sheet {chosen!r} read"]
        if above:
            notes.append(f"{path.name}: {above} row(s) above the header skipped")
        if len(tables) > 1:
            others = ", ".join(repr(name) for name in tables if name != chosen)
            notes.append(f"{path.name}: other sheet(s) with data not read: {others}")
        return RawTable(frame=_as_cells(table), source=path.name, notes=tuple(notes))


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


def _json_rows(text: str, source: str) -> list[object]:
    """The rows of a JSON array, of an object holding one array, of a single object, or of JSON Lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole:
        if text.lstrip().startswith("["):
            raise InputDataError(f"{source} is not valid JSON (line {whole.lineno}).") from None
        rows: list[object] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise InputDataError(f"{source} is not valid JSON Lines (line {number}).") from None
        return rows
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        return lists[0] if len(lists) == 1 else [data]  # {"passengers": [...]} or one row
    return data if isinstance(data, list) else [data]


class JsonReader:
    """Reads a JSON array of objects or JSON Lines."""

    name = "json"

    def detect(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix in {".csv", ".tsv", ".txt"}:  # a header such as `[No],Name` is still a CSV
            return False
        return suffix in {".json", ".jsonl", ".ndjson"} or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{"))

    def read(self, path: Path) -> RawTable:
        from checkpoint.sources.delimited import decode

        text, _ = decode(path.read_bytes(), path.name)
        rows = _json_rows(text, path.name)
        objects = [row for row in rows if isinstance(row, dict)]
        if len(objects) != len(rows):
            raise InputDataError(f"{path.name} must hold a list of objects, one per row.")
        if not objects:
            raise InputDataError(f"{path.name} holds no rows.")
        columns = list(dict.fromkeys(key for row in objects for key in row))
        cells = {column: [_json_cell(row.get(column)) for row in objects] for column in columns}
        frame = pd.DataFrame(cells, columns=columns, dtype=object)
        frame.columns = column_names(columns)
        return RawTable(frame=frame, source=path.name)
