"""CSV and other delimited text: encoding, delimiter and header row are found, every cell stays text.

Each row keeps the file line it starts on (title lines, blank lines and line breaks inside quoted cells
counted), so that a warning or a reject names the line a person sees in a text editor.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import compress
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
#: UTF-16 without BOM: share of NUL high bytes (ASCII text) and the most NULs tolerated in the other half.
_UTF16_NULS, _UTF16_STRAY_NULS = 0.9, 0.01
#: The csv module refuses fields above 128 KiB by default; a long cell is data to report, not a parse error.
_FIELD_LIMIT = 1 << 30


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 (BOM or not), else CP1252, else Latin-1."""
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(data[:4096])
    if utf16:
        try:
            return data.decode(utf16), utf16
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


def _utf16_without_bom(sample: bytes) -> str | None:
    """`utf-16-le`/`utf-16-be` for text that is mostly ASCII written as UTF-16 without a BOM, else None.

    Such text has a NUL in (nearly) every other byte and nowhere else; a binary file has NULs at random.
    """
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nuls >= _UTF16_NULS and even_nuls <= _UTF16_STRAY_NULS:
        return "utf-16-le"
    if even_nuls >= _UTF16_NULS and odd_nuls <= _UTF16_STRAY_NULS:
        return "utf-16-be"
    return None


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
    """The delimiter under which the header is as wide as the rows, and whose most common row width (≥ 2)
    covers the most cells in the sample; comma if none.

    Counting cells rather than rows keeps a wide header with its rows ahead of a delimiter that happens
    to split a few quoted cells consistently; asking the header row (`find_header_row`) to be at least as
    wide as the rows keeps a delimiter that only splits cell contents (`A,B` over rows `|,|`: two columns
    of `|`, not five of nothing) out. Then more rows of that width win, then the wider.
    """
    sample = _first_lines(text, _SAMPLE_LINES)
    best, best_score = ",", (False, 0, 0, 0)
    for delimiter in _DELIMITERS:
        rows = [row for _, row in _rows(sample, delimiter)]
        widths = Counter(len(row) for row in rows)
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        score = (len(rows[find_header_row(rows)]) >= width, count * width, count, width)
        if score > best_score:
            best, best_score = delimiter, score
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
            raise InputDataError(f"{source} is empty; expected a header row and data rows.")
        with _long_fields():
            delimiter = sniff_delimiter(text)
            skipped = _title_lines(text, delimiter)
            cells, lines = _parse(_drop_lines(text, skipped), delimiter, source, skipped)
        if cells.empty:
            raise InputDataError(f"{source} is empty; expected a header row and data rows.")
        frame = cells.iloc[1:].reset_index(drop=True)
        frame.columns = column_names(cells.iloc[0].tolist())
        for column in range(frame.shape[1]):  # all cells are text here: strip, and blanks become None
            stripped = frame.iloc[:, column].str.strip()
            frame.isetitem(column, stripped.where(stripped != "", None))
        blank = frame.isna().all(axis=1)
        frame = frame[~blank].reset_index(drop=True)
        data_lines = lines[1:]
        if blank.any():
            data_lines = tuple(compress(data_lines, ~blank.to_numpy()))
        notes = [] if encoding == "utf-8" else [f"{source} read as {encoding}"]
        if skipped:
            notes.append(f"{source}: {skipped} line(s) above the header skipped")
        if blank.any():
            notes.append(f"{source}: {int(blank.sum())} empty row(s) skipped")
        return RawTable(frame=frame, source=source, notes=tuple(notes), lines=data_lines)


@contextmanager
def _long_fields() -> Iterator[None]:
    """Let the csv module read cells of any length (its default limit is 128 KiB) while a file is read."""
    previous = csv.field_size_limit(_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _count_lines(text: str) -> int:
    """Physical lines, ended by LF, CRLF or a lone CR (as pandas and the csv module end them)."""
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends + (1 if text and not text.endswith(("\n", "\r")) else 0)


def _skipped_as_blank(row: list[str]) -> bool:
    """A record pandas skips as a blank line: nothing, or only whitespace and no delimiter."""
    return not row or (len(row) == 1 and not row[0].strip())


def _record_lines(body: str, delimiter: str, offset: int) -> tuple[int, ...]:
    """The file line on which each non-blank record of `body` starts (the body starts after `offset` lines)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    lines: list[int] = []
    start = 0
    try:
        for row in reader:
            if not _skipped_as_blank(row):
                lines.append(offset + start + 1)
            start = reader.line_num
    except csv.Error:
        return ()  # the caller falls back to the strict reader, which says where the problem is
    return tuple(lines)


def _parse(body: str, delimiter: str, source: str, offset: int) -> tuple[pd.DataFrame, Sequence[int]]:
    """All rows as text cells, header row first, and the line each starts on; short rows padded, long refused."""
    try:
        cells = pd.read_csv(
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
    else:
        if len(cells) == _count_lines(body):  # one row per line: nothing to count but the offset (fast path)
            return cells, range(offset + 1, offset + 1 + len(cells))
        lines = _record_lines(body, delimiter, offset)  # blank lines, or line breaks inside quoted cells
        if len(lines) == len(cells):
            return cells, lines
    rows, lines = _parse_strictly(body, delimiter, source, offset)
    return pd.DataFrame(rows, dtype=object), lines


def _parse_strictly(body: str, delimiter: str, source: str, offset: int) -> tuple[list[list[str]], tuple[int, ...]]:
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    width = 0
    start = 0
    try:
        for row in reader:
            line, start = offset + start + 1, reader.line_num
            if _skipped_as_blank(row):
                continue
            if not rows:
                width = len(row)
            elif len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    raise InputDataError(
                        f"{source} line {line} has {len(row)} cells but the header has "
                        f"{width}; check the delimiter and the quoting on that line."
                    )
                row = row[:width]  # trailing delimiters: harmless
            rows.append(row + [""] * (width - len(row)))
            lines.append(line)
    except csv.Error:  # named by the line the broken row starts on: where an unclosed quote opens
        raise InputDataError(
            f"{source} is not a well-formed delimited table near line {offset + start + 1}; "
            "check the quoting on that line."
        ) from None
    return rows, tuple(lines)
