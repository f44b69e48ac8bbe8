"""Pick the reader for a file by its content first, then its extension, and read it."""

from __future__ import annotations

from pathlib import Path

from checkpoint.errors import InputDataError
from checkpoint.sources.binary import JsonReader, ParquetReader, XlsxReader
from checkpoint.sources.delimited import DelimitedReader
from checkpoint.sources.interface import RawTable, TableReader
from checkpoint.sources.paxlst import PaxlstReader

#: Content-recognisable formats first; delimited text last, as the fallback.
READERS: tuple[TableReader, ...] = (ParquetReader(), XlsxReader(), JsonReader(), PaxlstReader(), DelimitedReader())

#: Larger inputs are refused rather than risk exhausting memory at a desk machine.
MAX_BYTES = 2 * 1024**3
#: Old Excel `.xls` and password-protected workbooks are OLE2 compound files.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(path: Path, readers: tuple[TableReader, ...] = READERS) -> RawTable:
    """Read a tabular file with the first reader that recognises it."""
    try:
        if path.is_dir():
            raise InputDataError(f"{path} is a folder, not a file.")
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputDataError(f"{path} does not exist.") from None
    except OSError as error:
        raise InputDataError(f"{path} cannot be read ({error.strerror}).") from None
    if size == 0:
        raise InputDataError(f"{path.name} is empty; expected a header row and data rows.")
    if size > MAX_BYTES:
        raise InputDataError(f"{path.name} is larger than {MAX_BYTES // 1024**3} GB; split it before screening.")
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as error:
        raise InputDataError(f"{path} cannot be read ({error.strerror}).") from None
    if head.startswith(_OLE2_MAGIC):
        raise InputDataError(
            f"{path.name} is an old-style (.xls) or password-protected workbook; save it as .xlsx without a "
            "password, or as CSV."
        )
    for reader in readers:
        if reader.detect(path, head):
            try:
                return reader.read(path)
            except OSError as error:
                raise InputDataError(f"{path} cannot be read ({error.strerror}).") from None
    raise InputDataError(f"{path.name} is not a format checkpoint reads (CSV, XLSX, Parquet, JSON, PAXLST).")
