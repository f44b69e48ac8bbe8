"""Pick the reader for a file by its content first, then its extension, and read it.

Size limits: every reader holds the whole table in memory as Python objects, and a delimited file costs
about ten times its size while read (benchmarks/README.md). `read_table` therefore refuses, with one
sentence and before reading anything, a file whose data exceeds `max_bytes`. The data is measured as a
reader would unpack it: the file's size for text (CSV, JSON, PAXLST), the uncompressed size of all parts of
an XLSX workbook (a ZIP archive; this also stops a "ZIP bomb"), and for Parquet, which compresses many
times over, its rows × columns × 12 bytes (what the same cells take as CSV).

- `MANIFEST_MAX_BYTES`, 200 MiB, the default: a flight's manifest is kilobytes and a day of PAXLST
  messages a few megabytes; 200 MiB of CSV is about a million passengers and 2 GB of memory.
- `REGISTRY_MAX_BYTES`, 1 GiB, for what is read whole for the registry: files of passport recommendations,
  registry exports in XLSX (a sheet holds at most 1,048,576 rows; the limit stops a "ZIP bomb") and CSV
  exports the strict reading refuses. A registry export in CSV or Parquet has no limit: it is read a slice
  of rows at a time (`batches.py`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.i18n.language import has_text
from checkpoint.sources.binary import JsonReader, ParquetReader, XlsxReader, parquet_cells, zip_unpacked_bytes
from checkpoint.sources.delimited import DelimitedReader
from checkpoint.sources.interface import RawTable, TableReader
from checkpoint.sources.paxlst import PaxlstReader

#: Content-recognisable formats first; delimited text last, as the fallback.
READERS: tuple[TableReader, ...] = (ParquetReader(), XlsxReader(), JsonReader(), PaxlstReader(), DelimitedReader())

_MIB = 1024**2
#: Largest manifest read (the default limit of `read_table`); see the module docstring.
MANIFEST_MAX_BYTES = 200 * _MIB
#: Largest registry export read; see the module docstring.
REGISTRY_MAX_BYTES = 1024 * _MIB
#: What one Parquet cell is counted as: the average size of a cell in a CSV registry export, delimiter included.
PARQUET_CELL_BYTES = 12

#: Old Excel `.xls` and password-protected workbooks are OLE2 compound files.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Which readers a file's extension promises; another reader taking the file is worth a note.
_PROMISED = {
    ".csv": {"csv"},
    ".tsv": {"csv"},
    ".txt": {"csv", "paxlst"},
    ".xlsx": {"xlsx"},
    ".xlsm": {"xlsx"},
    ".parquet": {"parquet"},
    ".json": {"json"},
    ".jsonl": {"json"},
    ".ndjson": {"json"},
    ".edi": {"paxlst"},
    ".edifact": {"paxlst"},
}


def read_table(
    path: Path, readers: tuple[TableReader, ...] = READERS, *, max_bytes: int | None = MANIFEST_MAX_BYTES
) -> RawTable:
    """Read a tabular file with the first reader that recognises it.

    `max_bytes` is the most data read at once (None: no limit, for a caller that has reasons to read a large
    file whole); a larger file is an InputDataError before anything is read.
    """
    head = check_readable(path)
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputDataError(_too_large(path, size, max_bytes, unpacked=False))
        unpacked = _unpacked_bytes(path, head)
        if unpacked is not None and unpacked > max_bytes:
            raise InputDataError(_too_large(path, unpacked, max_bytes, unpacked=True))
    for reader in readers:
        if reader.detect(path, head):
            try:
                raw = reader.read(path)
            except OSError as error:
                raise InputDataError(text("source.unreadable", path=path, reason=error.strerror)) from None
            return note_misnamed(raw, path, reader.name)
    raise InputDataError(text("source.unknown_format", file=path.name))


def check_readable(path: Path) -> bytes:
    """The first bytes of a file that a reader may read (a file, not empty, not an old Excel workbook); else
    an InputDataError that says what is wrong."""
    try:
        if path.is_dir():
            raise InputDataError(text("source.folder", path=path))
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputDataError(text("source.missing", path=path)) from None
    except OSError as error:
        raise InputDataError(text("source.unreadable", path=path, reason=error.strerror)) from None
    if size == 0:
        raise InputDataError(text("source.empty", file=path.name))
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as error:
        raise InputDataError(text("source.unreadable", path=path, reason=error.strerror)) from None
    if head.startswith(_OLE2_MAGIC):
        raise InputDataError(text("source.old_workbook", file=path.name))
    return head


def _unpacked_bytes(path: Path, head: bytes) -> int | None:
    """The data a compressed format unpacks to (Parquet, XLSX), None for text (its size is the file's)."""
    if head.startswith(b"PAR1"):
        cells = parquet_cells(path)
        return None if cells is None else cells * PARQUET_CELL_BYTES
    if head.startswith(b"PK\x03\x04"):
        return zip_unpacked_bytes(path)
    return None


def _size(count: int) -> str:
    return (
        text("source.size.mb", count=round(count / _MIB)) if count >= _MIB else text("source.size.bytes", count=count)
    )


def _too_large(path: Path, size: int, limit: int, *, unpacked: bool) -> str:
    key = "source.too_large_unpacked" if unpacked else "source.too_large"
    return text(key, file=path.name, size=_size(size), limit=_size(limit))


def note_misnamed(raw: RawTable, path: Path, reader: str) -> RawTable:
    """Say so when the content is not what the extension promises (a CSV saved as `.xlsx`, …)."""
    note = misnamed_note(path, reader)
    return raw if note is None else replace(raw, notes=(note, *raw.notes))


def misnamed_note(path: Path, reader: str) -> str | None:
    """The note `note_misnamed` adds, or None when the content is what the extension promises."""
    suffix = path.suffix.lower()
    promised = _PROMISED.get(suffix)
    if promised is None or reader in promised:
        return None
    content = text(f"source.content.{reader}") if has_text(f"source.content.{reader}") else reader
    return text("source.misnamed", file=path.name, suffix=suffix, content=content)
