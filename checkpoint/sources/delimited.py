"""CSV and other delimited text: encoding, delimiter and header row are found, every cell stays text.

Each row keeps the file line it starts on (title lines, blank lines and line breaks inside quoted cells
counted), so that a warning or a reject names the line a person sees in a text editor.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from checkpoint import i18n
from checkpoint.errors import InputDataError
from checkpoint.gcpause import cycle_collection_paused
from checkpoint.sources.header import column_names, find_header_row
from checkpoint.sources.interface import RawTable

_DELIMITERS = ",;\t|"
#: Lines looked at to choose the delimiter and find the header.
SAMPLE_LINES = 50
#: Share of control characters above which decoded "text" is really a binary file.
_BINARY_SHARE = 0.05
_TEXT_CONTROLS = frozenset("\t\n\r\f\x1a")  # tab, line ends, form feed, DOS end-of-file
#: UTF-16 without BOM: share of NUL high bytes (ASCII text) and the most NULs tolerated in the other half.
_UTF16_NULS, _UTF16_STRAY_NULS = 0.9, 0.01
#: The csv module refuses fields above 128 KiB by default; a long cell is data to report, not a parse error.
_FIELD_LIMIT = 1 << 30


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 (BOM or not), else CP1252, else Latin-1."""
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data[:4096])
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            raise InputDataError(i18n.text("source.text.utf16", file=source)) from None
    if b"\x00" in data[:4096]:
        raise InputDataError(i18n.text("source.text.binary", file=source))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        encoding, text = "latin-1", data.decode("latin-1")  # every byte is a Latin-1 character
    if looks_binary(text[:4096]):
        raise InputDataError(i18n.text("source.text.binary", file=source))
    return text, "utf-8" if encoding == "utf-8-sig" else encoding


def utf16_without_bom(sample: bytes) -> str | None:
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


def looks_binary(sample: str) -> bool:
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
    sample = _first_lines(text, SAMPLE_LINES)
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


def title_lines(text: str, delimiter: str) -> int:
    """How many physical lines (a title, a date, blank lines) come before the header row."""
    rows = _rows(_first_lines(text, SAMPLE_LINES), delimiter)
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
            raise InputDataError(i18n.text("source.empty", file=source))
        with long_fields(), cycle_collection_paused():
            delimiter = sniff_delimiter(text)
            skipped = title_lines(text, delimiter)
            headers, columns, data_lines, blank = _columns(_drop_lines(text, skipped), delimiter, source, skipped)
        notes = [] if encoding == "utf-8" else [i18n.text("source.text.encoding", file=source, encoding=encoding)]
        if skipped:
            notes.append(i18n.text("source.text.lines_skipped", file=source, count=skipped))
        if blank:
            notes.append(i18n.text("source.text.empty_rows", file=source, count=blank))
        return RawTable(tuple(headers), columns, source, tuple(notes), data_lines)


def _columns(
    body: str, delimiter: str, source: str, offset: int
) -> tuple[list[str], tuple[list[str | None], ...], list[int], int]:
    """Headers, the cells of each column (stripped, blanks None), each row's line, and the empty rows skipped.

    Rows of blank cells (only delimiters) are skipped. The rows read are freed on return, before the cycle
    collector runs again.
    """
    rows, lines, quoted_blanks = _parse(body, delimiter, source, offset)
    if not rows:
        raise InputDataError(i18n.text("source.empty", file=source))
    headers = column_names(rows[0])
    data, data_lines = rows[1:], lines[1:]
    empty = [position for position, row in enumerate(data) if not "".join(row).strip()]
    if empty:
        kept = sorted(set(range(len(data))).difference(empty))
        data, data_lines = [data[i] for i in kept], [data_lines[i] for i in kept]
    columns = tuple(map(_cells, zip(*data, strict=True))) if data else tuple([] for _ in headers)
    return headers, columns, data_lines, len(empty) + quoted_blanks


def _cells(column: tuple[str, ...]) -> list[str | None]:
    """A column's cells stripped, and blanks as None."""
    return [cell or None for cell in map(str.strip, column)]


@contextmanager
def long_fields() -> Iterator[None]:
    """Let the csv module read cells of any length (its default limit is 128 KiB) while a file is read."""
    previous = csv.field_size_limit(_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def skipped_as_blank(row: list[str]) -> bool:
    """A record that is no row at all: nothing, or only whitespace and no delimiter."""
    return not row or (len(row) == 1 and not row[0].strip())


@dataclass
class _Parsed:
    """Rows as the csv module reads them, and what a lenient reader (such as pandas' C parser) makes of the
    same text: a file that lenient readers accept is read as they read it."""

    rows: list[list[str]]
    lines: list[int]
    #: Rows wider than the header (trailing delimiters; lenient readers refuse them all).
    wide: int = 0
    #: Records of one quoted blank cell (`""`): lenient readers keep them as (empty) rows.
    quoted_blanks: int = 0
    #: The last record opens a quote it never closes (a lenient reader takes the rest of the file as its cell).
    open_quote: bool = False


class _Malformed(Exception):
    """The strict reader met a quote it cannot place (`"ab"cd`); the message says where."""


def _parse(body: str, delimiter: str, source: str, offset: int) -> tuple[list[list[str]], list[int], int]:
    """All rows as text cells, header row first, and the line each starts on; short rows padded, long refused.

    Also how many empty rows a lenient reading holds besides (records of one quoted blank cell, which the
    file's note counts when the whole file is read that way). Read strictly first. A stray quote after a
    quoted part (`"SITI "ANI" AMINAH"`) is then read as lenient CSV readers read it, as text, unless the
    file is also ragged or ends inside quotes: then the strict reader's sentence names the line to fix.
    """
    try:
        parsed = _parse_rows(body, delimiter, source, offset, strict=True)
    except _Malformed as strict_error:
        parsed = _parse_rows(body, delimiter, source, offset, strict=False)
        if not _lenient_reading_holds(parsed, body):
            raise InputDataError(str(strict_error)) from None
        return parsed.rows, parsed.lines, parsed.quoted_blanks
    blanks = parsed.quoted_blanks if parsed.quoted_blanks and _lenient_reading_holds(parsed, body) else 0
    return parsed.rows, parsed.lines, blanks


def _lenient_reading_holds(parsed: _Parsed, body: str) -> bool:
    """Whether the lenient reading is taken: no wide row, no open quote, and no quoted blank record
    unless every line is a row (only then do the strict and the lenient reading agree on the rows)."""
    if parsed.wide or parsed.open_quote:
        return False
    return not parsed.quoted_blanks or len(parsed.rows) + parsed.quoted_blanks == _count_lines(body)


def _count_lines(text: str) -> int:
    """Physical lines, ended by LF, CRLF or a lone CR (as the csv module ends them)."""
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends + (1 if text and not text.endswith(("\n", "\r")) else 0)


def _parse_rows(body: str, delimiter: str, source: str, offset: int, *, strict: bool) -> _Parsed:
    if strict:
        try:
            records = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True))
        except csv.Error:
            records = []  # the careful reading below says where
        widths = set(map(len, records))
        if len(widths) == 1 and min(widths) > 1 and len(records) == _count_lines(body):
            # One record per line, all as wide as the header: no blank, ragged or multi-line row to look at.
            return _Parsed(records, list(range(offset + 1, offset + 1 + len(records))))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=strict)
    parsed = _Parsed([], [])
    rows, lines = parsed.rows, parsed.lines
    physical: list[str] | None = None  # the body's lines, split only if a record of one blank cell needs them
    width = 0
    start = last = 0  # physical lines before the next record, and before the last one read
    try:
        for row in reader:
            last, start = start, reader.line_num
            line = offset + last + 1
            if skipped_as_blank(row):
                if row and (start - last > 1 or '"' in (physical := physical or _split_lines(body))[last]):
                    parsed.quoted_blanks += 1  # a cell spanning lines is quoted
                continue
            if not rows:
                width = len(row)
            elif len(row) > width:
                parsed.wide += 1
                if strict and any(cell.strip() for cell in row[width:]):
                    said = i18n.text("source.text.wide_row", file=source, line=line, cells=len(row), width=width)
                    raise InputDataError(said)
                row = row[:width]  # trailing delimiters: harmless
            elif len(row) < width:
                row += [""] * (width - len(row))
            rows.append(row)
            lines.append(line)
    except csv.Error:  # named by the line the broken row starts on: where an unclosed quote opens
        raise _Malformed(i18n.text("source.text.malformed", file=source, line=offset + start + 1)) from None
    if not strict:
        parsed.open_quote = _ends_inside_quotes(body, delimiter, last)
    return parsed


def _split_lines(text: str) -> list[str]:
    return io.StringIO(text, newline="").readlines()


def _ends_inside_quotes(body: str, delimiter: str, before: int) -> bool:
    """True when the last record, after `before` lines, never closes its quotes (as the csv module reads
    quotes; a lenient reader then takes the rest of the file as one cell)."""
    handle = io.StringIO(body, newline="")
    for _ in range(before):
        handle.readline()
    quoted, after_quote, field_start = False, False, True
    for char in handle.read():
        if quoted:
            if char == '"':
                quoted, after_quote = False, True
            continue
        if char == '"' and (field_start or after_quote):
            quoted, after_quote, field_start = True, False, False  # after_quote: a doubled quote ("")
            continue
        after_quote = False
        field_start = char in (delimiter, "\r", "\n")
    return quoted
