"""Passport recommendations (Disnaker letters for prospective workers, SPEC §4.1) kept in the registry store.

`registry import --kind recommendations FILE` reads an export (any tabular format, `checkpoint.sources`), keeps
the rows with a recommendation id and a valid NIK (the rest counted as rejected), and writes them, each with its
source file and export date, to `<store>/recommendations.parquet` in one atomic write (`durable`), under the
store's writers lock: the store holds placement records and recommendations side by side, each replaced whole
by its own import. A screening of applications looks a presented recommendation up by its id
(`RecommendationBook.facts`): whether it is known, still valid on the day, the applicant's (same NIK), and for
the destination applied for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from checkpoint.columns import resolve_headers
from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.durable import make_private_folder, write_atomically
from checkpoint.errors import InputDataError
from checkpoint.geo import country_code
from checkpoint.i18n import text
from checkpoint.nik import NikProblem, parse_nik
from checkpoint.registry.exported import export_date
from checkpoint.registry.leftovers import writing
from checkpoint.sources import read_table
from checkpoint.sources.read import REGISTRY_MAX_BYTES
from checkpoint.values import clean_text, nik_digits, read_sex

#: The columns of a recommendations export (SPEC §4.1), the required first.
COLUMNS = (
    "recommendation_id",
    "nik",
    "full_name",
    "date_of_birth",
    "sex",
    "destination_country",
    "issued_on",
    "valid_until",
    "issuing_office",
    "record_id",
)
REQUIRED = ("recommendation_id", "nik")
#: The file under the store that holds them.
FILE_NAME = "recommendations.parquet"
_DATES = {"date_of_birth": DateKind.PAST, "issued_on": DateKind.PAST, "valid_until": DateKind.NEAR}


@dataclass(frozen=True)
class RecommendationImport:
    """What an import kept: how many recommendations, how many rows were set aside, from which file and day."""

    count: int
    rejected: int
    source: str
    exported_at: date
    path: Path


def import_recommendations(
    path: Path, store: Path, *, today: date, exported_at: date | None = None
) -> RecommendationImport:
    """Replace the store's recommendations with those of the export at `path`; InputDataError when the file
    cannot be read, lacks a required column or holds no usable recommendation."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw = read_table(path, max_bytes=REGISTRY_MAX_BYTES)
    found = resolve_headers(list(raw.headers), COLUMNS)
    lacking = [name for name in REQUIRED if name not in found]
    if lacking:
        raise InputDataError(
            text("registry.recommendations.missing_columns", file=path.name, columns=", ".join(lacking))
        )
    exported = export_date(raw, path.name, given=exported_at, today=today).day
    cells = {name: raw.columns[index] for name, index in found.items()}
    rows: dict[str, dict[str, Any]] = {}
    rejected: Counter[str] = Counter()
    for position in range(raw.height):
        row = _row({name: column[position] for name, column in cells.items()}, today)
        if isinstance(row, str):
            rejected[row] += 1
            continue
        row.update(source=path.name, exported_at=exported)
        rows[row["recommendation_id"]] = row  # a repeated id: the later row is the export's last word
    if not rows:
        raise InputDataError(text("registry.recommendations.none_usable", file=path.name))
    table = pa.Table.from_pylist(list(rows.values()))
    make_private_folder(store)
    target = store / FILE_NAME
    with writing(store):
        write_atomically(target, lambda handle: pq.write_table(table, handle))
    return RecommendationImport(len(rows), sum(rejected.values()), path.name, exported, target)


def _row(cells: Mapping[str, object], today: date) -> dict[str, Any] | str:
    """One recommendation as stored, or why the row cannot be used (a reason code)."""
    identifier = clean_text(cells.get("recommendation_id"))
    if identifier is None:
        return "no_id"
    nik = nik_digits(cells.get("nik"))
    if nik is None or isinstance(parse_nik(nik, today=today), NikProblem):
        return "bad_nik"
    row: dict[str, Any] = {"recommendation_id": identifier, "nik": nik}
    row["full_name"] = clean_text(cells.get("full_name"))
    row["sex"] = read_sex(cells.get("sex"))
    for name, kind in _DATES.items():
        parsed = parse_date(cells.get(name), kind=kind, today=today)
        row[name] = None if isinstance(parsed, DateProblem) else parsed
    row["destination_country"] = country_code(clean_text(cells.get("destination_country")))
    row["issuing_office"] = clean_text(cells.get("issuing_office"))
    row["record_id"] = clean_text(cells.get("record_id"))
    return row


class RecommendationBook:
    """The store's recommendations, by id, for looking up what an applicant presents."""

    def __init__(self, rows: Mapping[str, Mapping[str, Any]]) -> None:
        self._rows = dict(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def facts(
        self, recommendation_id: str | None, *, nik: str | None, destination: str | None, on: date
    ) -> dict[str, bool]:
        """What the book says of a recommendation presented: `recommendation_valid` (known, the applicant's NIK,
        issued by `on` and not expired) and `recommendation_agrees` (for the destination applied
        for; left out when either is unknown). Nothing when no id was presented."""
        if recommendation_id is None:
            return {}
        found = self._rows.get(recommendation_id.strip())
        if found is None:
            return {"recommendation_valid": False}
        issued, until = found.get("issued_on"), found.get("valid_until")
        valid = (
            found.get("nik") == nik and (issued is None or _day(issued) <= on) and (until is None or on <= _day(until))
        )
        facts = {"recommendation_valid": bool(valid)}
        country = found.get("destination_country")
        if country and destination:
            facts["recommendation_agrees"] = country == destination
        return facts


def _day(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


@dataclass(frozen=True)
class RecommendationsHeld:
    """What `registry info` says of the store's recommendations: how many, from which file, exported when."""

    count: int
    source: str
    exported_at: date | None


def recommendations_held(store: Path) -> RecommendationsHeld | None:
    """How many recommendations the store holds and where they came from, or None when none were imported."""
    import pyarrow.parquet as pq

    path = _book_path(store)
    if path is None:
        return None
    table = pq.read_table(path, columns=["source", "exported_at"])
    if table.num_rows == 0:
        return None
    first = table.slice(0, 1).to_pylist()[0]
    return RecommendationsHeld(table.num_rows, str(first["source"]), _day(first["exported_at"]))


def _book_path(store: Path) -> Path | None:
    return next((p for p in (store / FILE_NAME, store / "registry" / FILE_NAME) if p.is_file()), None)


def open_recommendations(store: Path) -> RecommendationBook | None:
    """The store's recommendations (`store` may be a $CHECKPOINT_HOME holding the store, as `--registry` may
    name), or None when none were imported into it."""
    import pyarrow.parquet as pq

    path = _book_path(store)
    if path is None:
        return None
    table = pq.read_table(path)
    return RecommendationBook({row["recommendation_id"]: row for row in table.to_pylist()})
