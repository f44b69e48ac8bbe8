"""What a manifest's columns say about the whole file, each said once as a note on the file, never per row.

A header nobody knows is named (with the closest known name, `pasport` → `passport_number`); a date column
written month-first (or year-first, or as DDMMYY) throughout is read that way, and an ambiguous one is read
day-first (SPEC §4) with a note; a date column holding no readable date at all is one note and treated as
absent, not thousands of row warnings. Each column's distinct values are looked at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from checkpoint.columns import closest_field, header_key, is_known_header
from checkpoint.dates import DateKind, DateOrder, column_dates, parse_date, reordered
from checkpoint.i18n import text
from checkpoint.i18n.language import has_text

#: Headers the readers make up for a column without one (`sources/header.py`): nothing to name.
_MADE_UP = re.compile(r"column \d+")
#: SPEC §4.2 columns a manifest may carry that no rule reads yet: known, so never named as unknown.
_SPEC_UNREAD: frozenset[str] = frozenset()


def field_label(name: str) -> str:
    """How a warning names a field (`manifest.field.*`): its SPEC §4.2 name in English, its form name in Bahasa
    Indonesia; a header without an entry keeps its own name."""
    key = f"manifest.field.{name}"
    return text(key) if has_text(key) else name


@dataclass(frozen=True)
class ColumnReading:
    """A manifest's traveller columns as they are to be read (field → cells), and the notes on the file."""

    columns: Mapping[str, Sequence[object]]
    notes: tuple[str, ...]


def read_columns(
    headers: Sequence[str],
    cells: Sequence[Sequence[object]],
    found: Mapping[str, int],
    *,
    wanted: Sequence[str],
    dates: Mapping[str, DateKind],
    source: str,
    today: date,
) -> ColumnReading:
    """The columns of `found` (field → header index), date columns read in their own order, and the notes."""
    notes = list(_unknown_headers(headers, found, wanted, source))
    columns: dict[str, Sequence[object]] = {}
    for field, index in found.items():
        kind = dates.get(field)
        if kind is None:
            columns[field] = cells[index]
            continue
        column, note = _date_column(cells[index], kind, header=headers[index], field=field, source=source, today=today)
        if note:
            notes.append(note)
        if column is not None:
            columns[field] = column
    return ColumnReading(columns, tuple(notes))


def _unknown_headers(headers: Sequence[str], found: Mapping[str, int], wanted: Sequence[str], source: str) -> list[str]:
    used = set(found.values())
    missing = [field for field in wanted if field not in found]
    close: list[str] = []
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if index in used or is_known_header(header) or header_key(header) in _SPEC_UNREAD or _MADE_UP.fullmatch(header):
            continue
        field = closest_field(header, missing)
        if field is None:
            unknown.append(f"'{header}'")
        else:
            close.append(text("manifest.column.unknown_close", file=source, header=header, field=field))
    if unknown:
        close.append(text("manifest.column.unknown", file=source, headers=", ".join(unknown), count=len(unknown)))
    return close


def _date_column(
    cells: Sequence[object], kind: DateKind, *, header: str, field: str, source: str, today: date
) -> tuple[Sequence[object] | None, str | None]:
    """The column's cells, re-read when written other than day-first (None: no readable date at all), and
    the note on it."""
    try:
        distinct = list(dict.fromkeys(cells))
    except TypeError:  # a JSON cell holding a list or an object: read row by row, warned there
        return cells, None
    shape = column_dates(distinct)
    note = None
    if shape.order is not DateOrder.DAY_FIRST:
        read = {}
        for value in distinct:
            if type(value) is str:
                parsed = parse_date(reordered(value, shape.order), kind=kind, today=today)
                if isinstance(parsed, date):
                    read[value] = parsed
        cells = [read.get(cell, cell) if type(cell) is str else cell for cell in cells]
        note = text(f"manifest.column.{shape.order.value}", file=source, header=header, example=shape.example)
        return cells, note
    if shape.ambiguous:
        note = text("manifest.column.ambiguous", file=source, header=header, example=shape.example)
    unreadable: dict[object, None] = {}  # in the file's order, for a stable example
    for value in distinct:  # most columns stop at their first value: it is a date
        parsed = parse_date(value, kind=kind, today=today)
        if isinstance(parsed, date):
            return cells, note
        if parsed is not None:
            unreadable[value] = None
    filled = sum(1 for cell in cells if cell in unreadable)
    if filled > 1:
        example = str(next(iter(unreadable))).strip()
        sentence = text(
            "manifest.column.no_dates",
            file=source,
            header=header,
            field=field_label(field),
            example=example,
            count=filled,
        )
        return None, sentence
    return cells, note
