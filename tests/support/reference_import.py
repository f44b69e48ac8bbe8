"""The registry import as it was before it streamed (checkpoint/registry/prepare.py at e013885), kept as the
reference the streaming import is checked against (`test_registry_streaming.py`): the whole export read by
`read_table`, prepared in one pandas frame, derived by `with_derived` and indexed by `blocking_index`.

From a raw registry export to a validated, normalised columnar snapshot (plus the rows rejected).

Done once per snapshot: names are normalised and blocking keys built here, so that screening only joins
and scores a small candidate set. Rows that cannot be used are returned with one reason each, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from checkpoint.columns import resolve_headers
from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.errors import InputDataError
from checkpoint.geo import country_code
from checkpoint.i18n import text
from checkpoint.models import RECORD_BOOLEANS, RECORD_COLUMNS, RECORD_DATES, RECORD_REQUIRED, RECORD_TEXTS
from checkpoint.nik import NikProblem, parse_nik
from checkpoint.registry import schema
from checkpoint.registry.derive import with_derived
from checkpoint.sources import RawTable
from checkpoint.values import clean_text, document_number, nik_digits, read_bool, read_sex

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PreparedRegistry:
    """A validated registry table and what was set aside."""

    table: pa.Table
    rejects: pd.DataFrame  # original cells + `source_row` + `reason`
    notes: tuple[str, ...] = ()


def prepare_registry(raw: RawTable, *, today: date) -> PreparedRegistry:
    """Validate and normalise a raw registry table; raise if required columns are absent."""
    import pandas as pd  # here, not at the top: screening imports this module for its blocking keys

    found = resolve_headers(list(raw.headers), RECORD_COLUMNS)
    missing = [name for name in RECORD_REQUIRED if name not in found]
    if missing:
        raise InputDataError(
            text("registry.prepare.missing_columns", source=raw.source, columns=", ".join(missing), count=len(missing))
        )
    source = raw.frame
    frame = pd.DataFrame({name: source.iloc[:, index] for name, index in found.items()})
    frame = frame.reindex(columns=list(RECORD_COLUMNS))
    # Where each row is in the export (file line, sheet row…), so that a supervisor finds a reject.
    source_row = pd.Series(raw.row_lines(), index=frame.index)
    reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)

    def reject(mask: pd.Series, reason: str) -> None:
        reasons[mask & reasons.isna()] = reason

    out = pd.DataFrame(index=frame.index)
    out["record_id"] = _map(frame["record_id"], clean_text)
    reject(out["record_id"].isna(), "record_id is missing")
    duplicated = out["record_id"].notna() & out["record_id"].duplicated(keep="first")
    reject(duplicated, "record_id appears earlier in the file")

    out["full_name"] = _map(frame["full_name"], clean_text)
    reject(out["full_name"].isna(), "full_name is missing")
    out["sex"] = _map(frame["sex"], read_sex)
    reject(out["sex"].isna(), "sex is missing or not M/F")
    out["date_of_birth"] = _dates(frame["date_of_birth"], DateKind.PAST, today)
    reject(out["date_of_birth"].isna(), "date_of_birth is missing or not a date")
    reject(_map(out["date_of_birth"], lambda d: d is not None and d > today), "date_of_birth is in the future")
    out["destination_country"] = _map(frame["destination_country"], lambda v: country_code(clean_text(v)))
    reject(out["destination_country"].isna(), "destination_country is missing or not a country code")

    for name in RECORD_TEXTS:
        out[name] = _map(frame[name], clean_text)
    out["nik"] = _map(frame["nik"], lambda value: _valid_nik(value, today))
    out["passport_number"] = _map(frame["passport_number"], document_number)
    for name in ("status", "scheme"):
        out[name] = _map(out[name], lambda v: v.upper() if v else None)
    out["sector"] = _map(out["sector"], lambda v: v.lower() if v else None)
    out["departure_port"] = _map(out["departure_port"], lambda v: v.upper() if v else None)
    for name in RECORD_BOOLEANS:
        out[name] = _map(frame[name], read_bool)
    for name in RECORD_DATES:
        out[name] = _dates(frame[name], DateKind.NEAR, today)

    notes: list[str] = []
    bad_nik = _map(frame["nik"], clean_text).notna() & out["nik"].isna()
    if bad_nik.any():
        notes.append(text("registry.prepare.bad_nik", count=int(bad_nik.sum())))

    keep = reasons.isna()
    rejects = source.loc[~keep].copy()
    rejects.insert(0, "source_row", source_row[~keep])
    rejects["reason"] = reasons[~keep]
    good = out.loc[keep].reset_index(drop=True)
    return PreparedRegistry(table=_with_derived(good), rejects=rejects, notes=tuple(notes))


def _valid_nik(value: object, today: date) -> str | None:
    """The NIK when it has a valid structure (province, birth date, serial), else None."""
    digits = nik_digits(value)
    if digits is None or isinstance(parse_nik(digits, today=today), NikProblem):
        return None
    return digits


def _map(column: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """Apply a cell function once per distinct value, keeping Python objects and None (not NaN).

    Registries repeat values massively (statuses, countries, very common names), so each distinct
    value is worked out once.
    """
    import pandas as pd

    cache: dict[Any, Any] = {}
    results = []
    for value in column.tolist():
        try:
            result = cache[value]
        except KeyError:
            result = cache[value] = function(value)
        results.append(result)
    return pd.Series(results, index=column.index, dtype=object)


def _dates(column: pd.Series, kind: DateKind, today: date) -> pd.Series:
    """Parse a date column; ISO strings on the fast path, everything else through `parse_date`."""
    import pandas as pd

    iso = pd.to_datetime(column.where(column.map(lambda v: isinstance(v, str))), format="%Y-%m-%d", errors="coerce")
    parsed = iso.dt.date.astype(object).where(iso.notna(), None)
    slow = parsed.isna() & column.notna()
    for index in column.index[slow]:
        value = parse_date(column[index], kind=kind, today=today)
        parsed[index] = None if isinstance(value, DateProblem) else value
    return parsed


def _with_derived(frame: pd.DataFrame) -> pa.Table:
    """Convert to the snapshot schema with the normalised name columns added."""
    if frame.empty:
        return schema.SCHEMA.empty_table()
    spec = pa.Table.from_pandas(frame, schema=schema.SPEC_SCHEMA, preserve_index=False)
    return with_derived(spec)
