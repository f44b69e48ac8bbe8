"""A large table read a slice of rows at a time: what a registry import of millions of records needs.

`read_batches` gives the same cells, headers, row places and notes as `read.read_table` gives for the whole
file, as `RawTable`s of at most `rows` rows each, so that the rows read never sit in memory all at once:

- Parquet: `ParquetFile.iter_batches`, each batch trimmed and converted as `ParquetReader` converts the file;
- CSV and other delimited text: the file decoded as a stream (its encoding found by one pass of the
  incremental decoders over its bytes, as `delimited.decode` finds it) and read by the csv module row by
  row, with the delimiter and the title lines found on the first lines as `DelimitedReader` finds them. A file
  the strict reading refuses (a stray quote) is read whole by `DelimitedReader`, which knows how lenient
  readers read it, and handed out in slices;
- XLSX: read twice by openpyxl's read-only mode, a row at a time (`sources.xlsx`): the header and the sheet
  first, then the rows in batches; no size limit applies (a worksheet holds at most 1,048,576 rows);
- JSON and PAXLST: read whole by their reader and handed out in slices, within `REGISTRY_MAX_BYTES` (JSON or
  PAXLST registries are not exported).

The notes (encoding guessed, lines skipped, empty rows) are complete once every batch has been read.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import overload

import pyarrow as pa

from checkpoint import i18n
from checkpoint.errors import InputDataError
from checkpoint.sources import delimited
from checkpoint.sources.binary import ParquetReader, XlsxReader, _as_cells, _trimmed
from checkpoint.sources.header import column_names
from checkpoint.sources.interface import RawTable
from checkpoint.sources.read import READERS, REGISTRY_MAX_BYTES, check_readable, misnamed_note, read_table
from checkpoint.sources.xlsx import read_xlsx_batches

#: Rows per batch: ~50 MB of Python cells for a registry's 20 columns.
BATCH_ROWS = 50_000
_BLOCK = 1 << 20


@dataclass
class Batches:
    """A table read in slices: its headers, its batches (an iterator, read once) and its notes."""

    headers: tuple[str, ...]
    source: str
    batches: Iterator[RawTable]
    unit: str = "line"
    #: File-level notes; complete once `batches` is exhausted.
    notes: list[str] = field(default_factory=list)


class ArrowCells(Sequence[object]):
    """A column of a Parquet batch: its Arrow array (what the registry preparer reads), and its cells as Python
    objects, as `ParquetReader` gives them, made only when a cell is asked for."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    @overload
    def __getitem__(self, index: int) -> object: ...

    @overload
    def __getitem__(self, index: slice) -> list[object]: ...

    def __getitem__(self, index: int | slice) -> object:
        return self.objects[index]

    @cached_property
    def objects(self) -> list[object]:
        """The cells as `ParquetReader` converts them (integers stay integers beside nulls, dates as dates)."""
        frame = pa.table({"cells": self.array}).to_pandas(integer_object_nulls=True, date_as_object=True)
        return list(_as_cells(frame).iloc[:, 0].tolist())


class ReadWhole(Exception):
    """The strict reading of a delimited file met a quote it cannot place, after batches were handed out: the
    caller starts again with `read_batches(path, whole=True)`."""


def read_batches(path: Path, *, rows: int = BATCH_ROWS, whole: bool = False) -> Batches:
    """The table in `path`, `rows` rows at a time (see the module docstring). Raises InputDataError as
    `read_table` does for a file that cannot be read; no size limit applies. `whole`: read the file whole
    and hand it out in slices (after `ReadWhole`)."""
    head = check_readable(path)
    for reader in READERS:
        if reader.detect(path, head):
            streamed = None
            if not whole and isinstance(reader, ParquetReader):
                streamed = _parquet(path, rows)
            elif not whole and isinstance(reader, delimited.DelimitedReader):
                streamed = _delimited(path, head, rows)
            elif isinstance(reader, XlsxReader):
                streamed = read_xlsx_batches(path, rows)
            if streamed is None:
                return _sliced(read_table(path, max_bytes=REGISTRY_MAX_BYTES), rows)
            note = misnamed_note(path, reader.name)
            if note is not None:
                streamed.notes.insert(0, note)
            return streamed
    raise InputDataError(i18n.text("source.unknown_format", file=path.name))


def _sliced(raw: RawTable, rows: int) -> Batches:
    """A table already read whole, handed out in slices."""
    lines = list(raw.row_lines())

    def batches() -> Iterator[RawTable]:
        for start in range(0, max(raw.height, 1), rows):
            end = min(start + rows, raw.height)
            columns = tuple(list(column[start:end]) for column in raw.columns)
            yield RawTable(raw.headers, columns, raw.source, (), lines[start:end], raw.unit)

    return Batches(raw.headers, raw.source, batches(), raw.unit, list(raw.notes))


def _parquet(path: Path, rows: int) -> Batches:
    import pyarrow.parquet as pq

    def unreadable() -> InputDataError:
        return InputDataError(i18n.text("source.parquet.unreadable", file=path.name))

    try:
        # Pages read as they are decoded (a buffered stream), not whole column chunks: an export written as one
        # row group would otherwise be held whole while it is read.
        parquet = pq.ParquetFile(path, buffer_size=1 << 20, pre_buffer=False)
        names = column_names(list(parquet.schema_arrow.names))
    except Exception:  # third-party parsers raise more than they document (binary.py)
        raise unreadable() from None

    def batches() -> Iterator[RawTable]:
        start = 0
        try:
            parts = parquet.iter_batches(batch_size=rows)
            for batch in parts:
                table = _trimmed(pa.Table.from_batches([batch]))
                lines = range(start + 2, start + 2 + table.num_rows)
                start += table.num_rows
                columns = tuple(ArrowCells(column.combine_chunks()) for column in table.columns)
                yield RawTable(tuple(names), columns, path.name, (), lines, "row")
        except InputDataError:
            raise
        except Exception:
            raise unreadable() from None
        if start == 0:  # no rows: one empty batch, so that the columns are still checked
            yield RawTable(tuple(names), tuple([] for _ in names), path.name, unit="row")

    return Batches(tuple(names), path.name, batches(), "row", [])


def _encoding(path: Path, head: bytes) -> str:
    """The encoding `delimited.decode` reads the file in, found by incremental decoders over its bytes (the
    file is never held whole), with the same checks and sentences."""
    source = path.name
    utf16 = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else delimited.utf16_without_bom(head[:4096])
    if utf16:
        if not _decodes(path, utf16):
            raise InputDataError(i18n.text("source.text.utf16", file=source))
        return utf16
    if b"\x00" in head[:4096]:
        raise InputDataError(i18n.text("source.text.binary", file=source))
    found = next((encoding for encoding in ("utf-8-sig", "cp1252") if _decodes(path, encoding)), "latin-1")
    with _text(path, found) as text:
        if delimited.looks_binary(text.read(4096)):
            raise InputDataError(i18n.text("source.text.binary", file=source))
    return found


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _delimited(path: Path, head: bytes, rows: int) -> Batches | None:
    """A delimited text file read as a stream, or None when it must be read whole (see the module docstring)."""
    source = path.name
    encoding = _encoding(path, head)
    with _text(path, encoding) as text:
        first = "".join(text.readline() for _ in range(delimited.SAMPLE_LINES))
    delimiter = delimited.sniff_delimiter(first)
    skipped = delimited.title_lines(first, delimiter)
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    notes = [] if shown == "utf-8" else [i18n.text("source.text.encoding", file=source, encoding=shown)]
    if skipped:
        notes.append(i18n.text("source.text.lines_skipped", file=source, count=skipped))
    try:
        headers = _header(path, encoding, delimiter, skipped)
    except csv.Error:
        return None
    if headers is None:
        raise InputDataError(i18n.text("source.empty", file=source))
    found = Batches(tuple(headers), source, iter(()), "line", notes)
    found.batches = _rows(path, encoding, delimiter, skipped, rows, found)
    return found


def _text(path: Path, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")


def _header(path: Path, encoding: str, delimiter: str, skipped: int) -> list[str] | None:
    """The header row (the first non-blank record after the title lines)."""
    with delimited.long_fields(), _text(path, encoding) as text:
        for _ in range(skipped):
            text.readline()
        for row in csv.reader(text, delimiter=delimiter, strict=True):
            if not delimited.skipped_as_blank(row):
                return column_names(row)
    return None


def _rows(path: Path, encoding: str, delimiter: str, skipped: int, size: int, found: Batches) -> Iterator[RawTable]:
    """The data rows as `delimited._parse` reads them strictly (blank records skipped, short rows padded, wide
    rows trimmed or refused, rows of blank cells counted and dropped), `size` at a time. A quote the strict
    reading cannot place raises `ReadWhole`."""
    source = path.name
    counted = [0]  # physical lines read after the title lines
    latest = [""]  # the last of them

    def lines(text: io.TextIOWrapper) -> Iterator[str]:
        for line in text:
            counted[0] += 1
            latest[0] = line
            yield line

    width = len(found.headers)
    header_seen = False
    quoted_blanks = wide = empty = records = emitted = 0
    cells: list[list[str | None]] = [[] for _ in range(width)]
    places: list[int] = []
    start = last = 0
    with delimited.long_fields(), _text(path, encoding) as text:
        for _ in range(skipped):
            text.readline()
        reader = csv.reader(lines(text), delimiter=delimiter, strict=True)
        try:
            for row in reader:
                last, start = start, reader.line_num
                line = skipped + last + 1
                if delimited.skipped_as_blank(row):
                    if row and (start - last > 1 or '"' in latest[0]):
                        quoted_blanks += 1  # a cell spanning lines is quoted
                    continue
                records += 1
                if not header_seen:
                    header_seen = True
                    continue
                if len(row) > width:
                    wide += 1
                    if any(cell.strip() for cell in row[width:]):
                        said = i18n.text("source.text.wide_row", file=source, line=line, cells=len(row), width=width)
                        raise InputDataError(said)
                    row = row[:width]  # trailing delimiters: harmless
                elif len(row) < width:
                    row += [""] * (width - len(row))
                if not "".join(row).strip():
                    empty += 1
                    continue
                for column, cell in zip(cells, row, strict=True):
                    column.append(cell.strip() or None)
                places.append(line)
                if len(places) >= size:
                    yield RawTable(found.headers, tuple(cells), source, (), places)
                    emitted += len(places)
                    cells, places = [[] for _ in range(width)], []
        except csv.Error:
            raise ReadWhole from None
    if places or not emitted:
        yield RawTable(found.headers, tuple(cells), source, (), places)
    # Records of one quoted blank cell count as empty rows only where a lenient reader would agree (`_parse`).
    if quoted_blanks and not (wide == 0 and records + quoted_blanks == counted[0]):
        quoted_blanks = 0
    if empty + quoted_blanks:
        found.notes.append(i18n.text("source.text.empty_rows", file=source, count=empty + quoted_blanks))
