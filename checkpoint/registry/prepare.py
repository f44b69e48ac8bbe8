"""From a raw registry export to a validated, normalised columnar snapshot (plus the rows rejected).

Done once per snapshot: names are normalised and blocking keys built here, so that screening only joins
and scores a small candidate set. Rows that cannot be used are returned with one reason each, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from checkpoint.columns import resolve_headers
from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.errors import InputDataError
from checkpoint.geo import country_code
from checkpoint.i18n import text
from checkpoint.models import RECORD_BOOLEANS, RECORD_COLUMNS, RECORD_DATES, RECORD_REQUIRED, RECORD_TEXTS
from checkpoint.nik import NikProblem, parse_nik, province_names
from checkpoint.registry import schema
from checkpoint.sources import RawTable
from checkpoint.values import clean_text, document_number, nik_digits, read_bool, read_sex

if TYPE_CHECKING:
    import pandas as pd

#: Bump when the derived columns change, so cached and stored snapshots are rebuilt.
PREPARE_VERSION = 3


@dataclass(frozen=True)
class PreparedRegistry:
    """A validated registry table and what was set aside."""

    table: pa.Table
    rejects: pd.DataFrame  # original cells + `source_row` + `reason`
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreparedBatch:
    """The rows of one batch of an export: those kept (SPEC columns, `schema.SPEC_SCHEMA`) and those set aside."""

    table: pa.Table
    rejects: pd.DataFrame  # original cells + `source_row` + `reason`
    bad_nik: int  # NIKs given but not valid (kept as missing)


def prepare_registry(raw: RawTable, *, today: date) -> PreparedRegistry:
    """Validate and normalise a raw registry table read whole; raise if required columns are absent."""
    from checkpoint.registry.derive import with_derived  # derive imports this module's neighbours

    batch = prepare_batch(raw, registry_columns(raw.headers, raw.source), today=today, state=ExportState())
    notes = (text("registry.prepare.bad_nik", count=batch.bad_nik),) if batch.bad_nik else ()
    table = with_derived(batch.table) if batch.table.num_rows else schema.SCHEMA.empty_table()
    return PreparedRegistry(table=table, rejects=batch.rejects, notes=notes)


def registry_columns(headers: Sequence[str], source: str) -> dict[str, int]:
    """Where each SPEC §4.1 column is among an export's headers; InputDataError naming the required ones absent."""
    found = resolve_headers(list(headers), RECORD_COLUMNS)
    missing = [name for name in RECORD_REQUIRED if name not in found]
    if missing:
        raise InputDataError(
            text("registry.prepare.missing_columns", source=source, columns=", ".join(missing), count=len(missing))
        )
    return found


@dataclass
class ExportState:
    """What the batches of one export share: the record ids of the rows read so far (any row, kept or not: a row
    whose id appeared earlier in the file is set aside, as in a file read whole), and the NIK structures checked."""

    seen: set[str] = field(default_factory=set)
    structures: dict[tuple[bool, str], bool] = field(default_factory=dict)


def prepare_batch(raw: RawTable, found: Mapping[str, int], *, today: date, state: ExportState) -> PreparedBatch:
    """Validate and normalise one batch of an export (`found`: `registry_columns` of its headers); `state` is
    the export's so far, and takes this batch's record ids."""
    import pandas as pd  # here, not at the top: screening imports this module for its blocking keys

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
    reject(_repeated(out["record_id"], state.seen), "record_id appears earlier in the file")

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
    provinces = province_names()
    out["nik"] = _map(frame["nik"], lambda value: _valid_nik(value, today, provinces, state.structures))
    out["passport_number"] = _map(frame["passport_number"], document_number)
    for name in ("status", "scheme"):
        out[name] = _map(out[name], lambda v: v.upper() if v else None)
    out["sector"] = _map(out["sector"], lambda v: v.lower() if v else None)
    out["departure_port"] = _map(out["departure_port"], lambda v: v.upper() if v else None)
    for name in RECORD_BOOLEANS:
        out[name] = _map(frame[name], read_bool)
    for name in RECORD_DATES:
        out[name] = _dates(frame[name], DateKind.NEAR, today)

    bad_nik = _map(frame["nik"], clean_text).notna() & out["nik"].isna()
    keep = reasons.isna()
    rejects = source.loc[~keep].copy()
    rejects.insert(0, "source_row", source_row[~keep])
    rejects["reason"] = reasons[~keep]
    good = out.loc[keep].reset_index(drop=True)
    if good.empty:
        table = schema.SPEC_SCHEMA.empty_table()
    else:
        table = pa.Table.from_pandas(good, schema=schema.SPEC_SCHEMA, preserve_index=False)
    return PreparedBatch(table=table, rejects=rejects, bad_nik=int(bad_nik.sum()))


def _repeated(ids: pd.Series, seen: set[str]) -> pd.Series:
    """Rows whose id is held by an earlier row (of this batch or of `seen`); `seen` takes this batch's ids."""
    import pandas as pd

    flags = []
    for value in ids.tolist():
        if value is None:
            flags.append(False)
        elif value in seen:
            flags.append(True)
        else:
            seen.add(value)
            flags.append(False)
    return pd.Series(flags, index=ids.index, dtype=bool)


def _valid_nik(
    value: object, today: date, provinces: Mapping[str, str], structures: dict[tuple[bool, str], bool]
) -> str | None:
    """The NIK when it has a valid structure (province, birth date, serial), else None.

    What `parse_nik` checks of 16 ASCII digits depends only on whether the province is known, whether regency,
    district or serial are zeros, and the birth date digits: each such combination is checked once (`structures`,
    kept across the batches of an export).
    """
    digits = nik_digits(value)
    if digits is None or not digits.isascii() or digits[:2] not in provinces:
        return None
    zeros = digits[2:4] == "00" or digits[4:6] == "00" or digits[12:16] == "0000"
    shape = (zeros, digits[6:12])
    valid = structures.get(shape)
    if valid is None:
        probe = f"{digits[:2]}{'00' if zeros else '01'}01{digits[6:12]}0001"
        valid = structures[shape] = not isinstance(parse_nik(probe, today=today), NikProblem)
    return digits if valid else None


def _map(column: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """Apply a cell function once per distinct value, keeping Python objects and None (not NaN).

    Registries repeat values massively (statuses, countries, very common names), so each distinct value is
    worked out once: pandas finds them (by Python equality, as a dict would: the first of equal values is the
    one worked out), and a blank cell (None, NaN) gives what the function gives for None.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(column.to_numpy(dtype=object))
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [function(value) for value in uniques.tolist()] if len(uniques) else []
    results[-1] = function(None)  # code -1: a blank cell
    return pd.Series(results[codes], index=column.index, dtype=object)


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
