"""CSV and other delimited text: encoding, delimiter and header row are found, every cell stays text."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd

from checkpoint.errors import InputDataError
from checkpoint.sources.header import column_names, find_header_row
from checkpoint.sources.interface import RawTable

_DELIMITERS = ",;\t|"
#: Lines looked at to choose the delimiter and find the header.
_SAMPLE_LINES = 50
#: Share of control characters above which decoded "text" is really a binary file.
_BINARY_SHARE = 0.05
_TEXT_CONTROLS = frozenset("\t\n\r\f\x1a")  # tab, line ends, form feed, DOS end-of-file


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 with BOM, else CP1252, else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputDataError(f"{source} is not readable UTF-16 text; export it again as CSV.") from None
    if b"\x00" in data[:4096]:
        raise InputDataError(f"{source} is a binary file, not a text table; export it as CSV or XLSX.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        encoding, text = "latin-1", data.decode("latin-1")  # every byte is a Latin-1 character
    if _looks_binary(text[:4096]):
        raise InputDataError(f"{source} is a binary file, not a text table; export it as CSV or XLSX.")
    return text, "utf-8" if encoding == "utf-8-sig" else encoding


def _looks_binary(sample: str) -> bool:
    controls = sum(1 for ch in sample if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _TEXT_CONTROLS)
    return bool(sample) and controls / len(sample) > _BINARY_SHARE


def _first_lines(text: str, count: int) -> str:
    handle = io.StringIO(text, newline="")
    return "".join(handle.readline() for _ in range(count))


def _rows(sample: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows of a sample, each with the number of physical lines before it (for skipping)."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    before = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((before, row))
            before = reader.line_num
    except csv.Error:  # a sample cut inside a quoted field, or worse: what was read is enough
        pass
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter whose most common row width (≥ 2) covers the most cells in the sample; comma if none.

    Counting cells rather than rows keeps a wide header with its rows ahead of a delimiter that happens
    to split a few quoted cells consistently.
    """
    sample = _first_lines(text, _SAMPLE_LINES)
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths = Counter(len(row) for _, row in _rows(sample, delimiter))
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if width >= 2 and (count * width, width) > best_score:
            best, best_score = delimiter, (count * width, width)
    return best


def _title_lines(text: str, delimiter: str) -> int:
    """How many physical lines (a title, a date, blank lines) come before the header row."""
    rows = _rows(_first_lines(text, _SAMPLE_LINES), delimiter)
    if not rows:
        return 0
    return rows[find_header_row([row for _, row in rows])][0]


def _drop_lines(text: str, count: int) -> str:
    handle = io.StringIO(text, newline="")
    for _ in range(count):
        handle.readline()
    return handle.read()


class DelimitedReader:
    """Reads `.csv`, `.tsv`, `.txt` tables."""

    name = "csv"

    def detect(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".csv", ".tsv", ".txt"} or (
            b"\x00" not in head and any(d.encode() in head.split(b"\n", 1)[0] for d in _DELIMITERS)
        )

    def read(self, path: Path) -> RawTable:
        source = path.name
        text, encoding = decode(path.read_bytes(), source)
        if not text.strip():
            raise InputDataError(f"{source} is empty; expected a header row and at least one traveller.")
        delimiter = sniff_delimiter(text)
        skipped = _title_lines(text, delimiter)
        cells = _parse(_drop_lines(text, skipped), delimiter, source, skipped)
        if cells.empty:
            raise InputDataError(f"{source} is empty; expected a header row and at least one traveller.")
        frame = cells.iloc[1:].reset_index(drop=True)
        frame.columns = column_names(cells.iloc[0].tolist())
        for column in range(frame.shape[1]):  # all cells are text here: strip, and blanks become None
            stripped = frame.iloc[:, column].str.strip()
            frame.isetitem(column, stripped.where(stripped != "", None))
        blank = frame.isna().all(axis=1)
        frame = frame[~blank].reset_index(drop=True)
        notes = [] if encoding == "utf-8" else [f"{source} read as {encoding}"]
        if skipped:
            notes.append(f"{source}: {skipped} line(s) above the header skipped")
        if blank.any():
            notes.append(f"{source}: {int(blank.sum())} empty row(s) skipped")
        return RawTable(frame=frame, source=source, notes=tuple(notes))


def _parse(body: str, delimiter: str, source: str, offset: int) -> pd.DataFrame:
    """All rows as text cells, header row first; rows shorter than the header are padded, longer ones refused."""
    try:
        return pd.read_csv(
            io.StringIO(body),
            sep=delimiter,
            header=None,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, csv.Error, ValueError):
        pass  # malformed somewhere: the strict reader below finds where, or tolerates what is harmless
    return pd.DataFrame(_parse_strictly(body, delimiter, source, offset), dtype=object)


def _parse_strictly(body: str, delimiter: str, source: str, offset: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    width = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if not rows:
                width = len(row)
            elif len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    raise InputDataError(
                        f"{source} line {offset + reader.line_num} has {len(row)} cells but the header has "
                        f"{width}; check the delimiter and the quoting on that line."
                    )
                row = row[:width]  # trailing delimiters: harmless
            rows.append(row + [""] * (width - len(row)))
    except csv.Error:
        raise InputDataError(
            f"{source} is not a well-formed delimited table near line {offset + reader.line_num}; "
            "check the quoting on that line."
        ) from None
    return rows
