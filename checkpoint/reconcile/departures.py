"""A period's departures read file by file into one typed Arrow table shape (`DEPARTURE_SCHEMA`).

Every file is read by the same readers and the same `build_traveller` as `checkpoint screen --manifest` (so a
date, a name in airline form or a PAXLST message means the same here), then turned into Arrow columns and
dropped: one file's travellers are the most ever held as Python objects. Departures dated outside the period are
counted, not kept; departures without a date are kept (the files were given for this period) and counted. A file
that cannot be read is set aside with the reason its reader gave, and the others are read: a month of ferry lists
is not lost to one broken file, and the run says which files it left out (`Tally.unreadable`).
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.manifests import open_manifest
from checkpoint.models import TRAVELLER_FIELDS, Traveller

#: The file kinds a folder of departures is searched for (the manifest readers' own: `sources/read.py`).
DEPARTURE_SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".json", ".jsonl", ".ndjson", ".edi", ".edifact"}
)
_DATES = ("date_of_birth", "passport_expiry", "passport_issue_date", "departure_date", "return_date")
_TEXTS = tuple(name for name in TRAVELLER_FIELDS if name not in _DATES)  # SPEC §4.2 order, the journey too

#: One departure: where it was read (`file`, the 1-based `row`), the traveller's fields as `build_traveller`
#: read them, the journey's transit and end when the file says them, and the row's reading warnings.
DEPARTURE_SCHEMA = pa.schema(
    [
        pa.field("departure_id", pa.string(), nullable=False),
        pa.field("file", pa.string(), nullable=False),
        pa.field("row", pa.int32(), nullable=False),
        *(pa.field(name, pa.date32()) for name in _DATES),
        *(pa.field(name, pa.string()) for name in _TEXTS),
        pa.field("warnings", pa.list_(pa.string())),
    ]
)


@dataclass(frozen=True)
class Period:
    """The days reconciled, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass
class Tally:
    """What reading the departures found, said once at the end of a run."""

    files: int = 0
    read: int = 0
    kept: int = 0
    outside: int = 0
    undated: int = 0
    notes: list[str] = field(default_factory=list)
    #: Why each file that could not be read was set aside (the reader's sentence, which names the file).
    unreadable: list[str] = field(default_factory=list)


def departure_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named by `paths`: files as given, folders searched (with their sub-folders) for the manifest
    kinds `checkpoint screen` reads, and patterns (`manifests/2026-11-*.csv`, quoted so that the shell leaves
    them) expanded; each file once, in the order given, a folder's files sorted. InputDataError for a path
    that names nothing."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            files = sorted(
                child
                for child in path.rglob("*")
                if child.is_file() and child.suffix.lower() in DEPARTURE_SUFFIXES and not child.name.startswith(".")
            )
        elif path.exists():
            files = [path]
        elif glob.has_magic(str(given)):
            files = sorted(Path(name) for name in glob.glob(str(path), recursive=True) if Path(name).is_file())
        else:
            raise InputDataError(text("reconcile.no_such_path", path=given))
        if not files:
            raise InputDataError(text("reconcile.nothing_at", path=given))
        found.update(dict.fromkeys(files))
    return list(found)


def read_departures(files: Iterable[Path], period: Period, tally: Tally) -> Iterator[pa.Table]:
    """One table (`DEPARTURE_SCHEMA`) per file, holding its departures in the period (or undated), in file
    order; `tally` counts what was read and set aside, the files that could not be read among them."""
    for path in files:
        try:
            rows = open_manifest(path, today=period.end, label=str(path))  # as the `file` column names it
            travellers = rows.travellers(range(len(rows)))
        except InputDataError as error:
            tally.unreadable.append(str(error))
            continue
        tally.files += 1
        tally.read += len(travellers)
        keep = [
            at
            for at, traveller in enumerate(travellers)
            if traveller.departure_date is None or traveller.departure_date in period
        ]
        tally.outside += len(travellers) - len(keep)
        tally.undated += sum(1 for at in keep if travellers[at].departure_date is None)
        tally.kept += len(keep)
        tally.notes.extend(rows.notes)
        if keep:
            yield departures_table(str(path), [travellers[at] for at in keep])


def departures_table(file: str, travellers: Sequence[Traveller]) -> pa.Table:
    """Travellers read from `file` as a `DEPARTURE_SCHEMA` table."""
    count = len(travellers)
    columns: dict[str, list[object]] = {
        "departure_id": [f"{file}:{t.row}" for t in travellers],
        "file": [file] * count,
        "row": [t.row for t in travellers],
    }
    for name in (*_DATES, *_TEXTS):
        columns[name] = [getattr(t, name) for t in travellers]
    columns["warnings"] = [list(t.warnings) for t in travellers]
    return pa.Table.from_pydict(columns, schema=DEPARTURE_SCHEMA)
