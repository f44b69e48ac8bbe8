"""Parquet and XLSX tables."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from checkpoint.errors import InputDataError
from checkpoint.sources.interface import RawTable


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
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as error:
            raise InputDataError(f"{path.name} is not a readable Parquet file ({type(error).__name__}).") from None
        return RawTable(frame=_as_cells(table.to_pandas()), source=path.name)


class XlsxReader:
    """Reads the first sheet of an `.xlsx` workbook that has a header row."""

    name = "xlsx"

    def detect(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"PK") and path.suffix.lower() in {".xlsx", ".xlsm", ""}

    def read(self, path: Path) -> RawTable:
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
        except (zipfile.BadZipFile, ValueError, KeyError, OSError) as error:
            raise InputDataError(f"{path.name} is not a readable XLSX workbook ({type(error).__name__}).") from None
        for sheet_name, frame in sheets.items():
            frame = frame.dropna(how="all")
            if not frame.empty and len(frame.columns) > 1:
                frame = frame.map(lambda v: v.strip() or None if isinstance(v, str) else v)
                return RawTable(frame=_as_cells(frame), source=path.name, notes=(f"sheet {sheet_name!r}",))
        raise InputDataError(f"{path.name} has no sheet with a header row and data.")


class JsonReader:
    """Reads a JSON array of objects or JSON Lines."""

    name = "json"

    def detect(self, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{"))

    def read(self, path: Path) -> RawTable:
        import json

        from checkpoint.sources.delimited import decode

        text, _ = decode(path.read_bytes(), path.name)
        stripped = text.strip()
        try:
            if stripped.startswith("["):
                rows = json.loads(stripped)
            else:
                rows = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise InputDataError(f"{path.name} is not valid JSON (line {error.lineno}).") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise InputDataError(f"{path.name} must hold a list of objects, one per row.")
        frame = pd.DataFrame.from_records(rows, coerce_float=False).astype(object)
        frame = frame.map(lambda v: None if v is None or v == "" else str(v) if isinstance(v, int | float) else v)
        return RawTable(frame=_as_cells(frame), source=path.name)
