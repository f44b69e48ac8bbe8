"""The day a registry export was taken from SISKOP2MI: what the age of a snapshot is counted from.

Where it is read, first found wins:
1. `--exported-at YYYY-MM-DD`, given by whoever ran the export;
2. a column of the export holding it (`exported_at`, `export_date`, `tanggal_ekspor`; the latest date in it),
   as a scheduled export that stamps every row carries;
3. a date in the file's name (`siskop2mi_2026-11-27.csv`, `registry-20261127.parquet`), as exports are named
   when they are saved day by day;
4. else the import itself, said in a note: the snapshot's age is then counted from the day it was imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from checkpoint.columns import header_key
from checkpoint.dates import DateKind, parse_date
from checkpoint.sources import RawTable

#: Column names (compared as `columns.header_key` compares them) that hold the export date.
EXPORT_DATE_COLUMNS = frozenset({"exportedat", "exportdate", "exported", "tanggalekspor", "tglekspor"})
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?(\d\d)-?(\d\d)(?!\d)")


class ExportedFrom(StrEnum):
    """Where the export date was read (stored in the snapshot's description)."""

    OPTION = "option"
    COLUMN = "column"
    FILE_NAME = "file name"
    IMPORT = "import"


@dataclass(frozen=True)
class ExportDate:
    """The export date and where it was read."""

    day: date
    source: ExportedFrom


def export_date(raw: RawTable, file_name: str, *, given: date | None, today: date) -> ExportDate:
    """The export date of `raw` (read from the file `file_name`), by the order in the module docstring.

    A date in a column or a name that lies after `today` is not taken as the export date (it is some other
    date); one given with the option is the caller's to check.
    """
    if given is not None:
        return ExportDate(given, ExportedFrom.OPTION)
    in_column = _from_column(raw, today)
    if in_column is not None:
        return ExportDate(in_column, ExportedFrom.COLUMN)
    in_name = date_in_name(file_name, today)
    if in_name is not None:
        return ExportDate(in_name, ExportedFrom.FILE_NAME)
    return ExportDate(today, ExportedFrom.IMPORT)


def _from_column(raw: RawTable, today: date) -> date | None:
    for header, cells in zip(raw.headers, raw.columns, strict=True):
        if header_key(header) in EXPORT_DATE_COLUMNS:
            days = set()
            for cell in dict.fromkeys(cells):  # an export stamps every row alike: each distinct value once
                parsed = parse_date(cell, kind=DateKind.PAST, today=today)
                if isinstance(parsed, date) and parsed <= today:
                    days.add(parsed)
            return max(days) if days else None
    return None


def date_in_name(file_name: str, today: date) -> date | None:
    """A date written YYYY-MM-DD or YYYYMMDD in a file's name, if it is a real day not after `today`."""
    for found in _NAME_DATE.finditer(file_name):
        try:
            day = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            continue
        if day <= today:
            return day
    return None
