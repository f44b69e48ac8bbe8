"""From a raw registry export to a validated, normalised columnar snapshot (plus the rows rejected).

Done once per snapshot: names are normalised and blocking keys built here, so that screening only joins
and scores a small candidate set. Rows that cannot be used are returned with one reason each, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


class RecordIds:
    """The record ids read so far, held compactly (a million ids in ~30 MB, not a Python set's ~100 MB and
    the heap it leaves behind): each batch's distinct ids as Arrow text, with their 64-bit hashes sorted. A
    batch's ids are looked up by hash, and an id whose hash is found is compared as text (hashes may collide)."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray, pa.Array]] = []  # sorted hashes, their ids' places, ids

    def repeated(self, ids: pa.Array) -> np.ndarray:
        """Rows whose id is held by an earlier row (of this batch or of one before); takes this batch's ids."""
        from checkpoint.registry.keys import key_hashes

        encoded = pc.dictionary_encode(ids)
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        distinct = encoded.dictionary
        present = np.flatnonzero(codes >= 0)
        _, at = np.unique(codes[present], return_index=True)
        first = present[at]  # the first row holding each distinct id (each is held by some row)
        flags = codes >= 0
        flags[first] = False  # within the batch, only the later rows of an id repeat it
        hashes = key_hashes(distinct) if len(distinct) else np.zeros(0, np.uint64)
        earlier = np.zeros(len(distinct), dtype=bool)
        for run_hashes, places, run_ids in self.runs:
            low = np.searchsorted(run_hashes, hashes, side="left")
            high = np.searchsorted(run_hashes, hashes, side="right")
            found = np.flatnonzero(high > low)  # an id repeated, or a collision: compared as text
            if not len(found):
                continue
            same = _flags(pc.equal(distinct.take(found), run_ids.take(places[low[found]])))
            earlier[found[same]] = True
            for number in found[~same & (high[found] - low[found] > 1)].tolist():  # hashes shared by several ids
                held = run_ids.take(pa.array(places[low[number] : high[number]])).to_pylist()
                earlier[number] |= distinct[number].as_py() in held
        flags[first[earlier]] = True
        order = np.argsort(hashes, kind="stable")
        self.runs.append((hashes[order], order, distinct))
        return flags


@dataclass
class ExportState:
    """What the batches of one export share: the record ids of the rows read so far (any row, kept or not: a row
    whose id appeared earlier in the file is set aside, as in a file read whole), and the NIK structures checked."""

    seen: RecordIds = field(default_factory=RecordIds)
    structures: dict[tuple[bool, str], bool] = field(default_factory=dict)
    shapes: NikShapes = field(default_factory=lambda: NikShapes())


def prepare_batch(raw: RawTable, found: Mapping[str, int], *, today: date, state: ExportState) -> PreparedBatch:
    """Validate and normalise one batch of an export (`found`: `registry_columns` of its headers); `state` is
    the export's so far, and takes this batch's record ids.

    Whole columns at a time in Arrow: a cell that is already what its check gives (a plain code, a NIK of 16
    digits, a passport number of letters and digits) is recognised by one regular expression over the column;
    every other cell goes through the cell functions of `values`, once per distinct value (`_distinct`)."""
    height = raw.height
    blank = pa.nulls(height, pa.string())
    cells = {name: _cells(raw.columns[found[name]]) if name in found else blank for name in RECORD_COLUMNS}
    reasons = np.full(height, None, dtype=object)

    def reject(mask: pa.Array | np.ndarray, reason: str) -> None:
        flags = np.asarray(mask, dtype=bool) if isinstance(mask, np.ndarray) else _flags(mask)
        reasons[flags & (reasons == None)] = reason  # noqa: E711 (element-wise, not identity)

    out: dict[str, pa.Array] = {}
    out["record_id"] = _cleaned(cells["record_id"])
    reject(out["record_id"].is_null(), "record_id is missing")
    reject(state.seen.repeated(out["record_id"]), "record_id appears earlier in the file")
    out["full_name"] = _cleaned(cells["full_name"])
    reject(out["full_name"].is_null(), "full_name is missing")
    out["sex"] = _distinct(cells["sex"], _each(read_sex), pa.string())
    reject(out["sex"].is_null(), "sex is missing or not M/F")
    out["date_of_birth"] = _distinct(cells["date_of_birth"], _each_date(DateKind.PAST, today), pa.date32())
    reject(out["date_of_birth"].is_null(), "date_of_birth is missing or not a date")
    reject(pc.greater(out["date_of_birth"], pa.scalar(today, pa.date32())), "date_of_birth is in the future")
    out["destination_country"] = _distinct(
        cells["destination_country"], _each(lambda v: country_code(clean_text(v))), pa.string()
    )
    reject(out["destination_country"].is_null(), "destination_country is missing or not a country code")

    for name in RECORD_TEXTS:
        out[name] = _cleaned(cells[name])
    out["nik"] = _niks(cells["nik"], today, state.structures, state.shapes)
    out["passport_number"] = _regular(cells["passport_number"], _PASSPORT, document_number)
    for name in ("status", "scheme", "departure_port"):
        out[name] = _distinct(out[name], _each(lambda v: v.upper() if v else None), pa.string())
    out["sector"] = _distinct(out["sector"], _each(lambda v: v.lower() if v else None), pa.string())
    for name in RECORD_BOOLEANS:
        column = cells[name]
        is_bool = isinstance(column, pa.Array) and pa.types.is_boolean(column.type)
        out[name] = column if is_bool else _distinct(column, _each(read_bool), pa.bool_())
    for name in RECORD_DATES:
        out[name] = _distinct(cells[name], _each_date(DateKind.NEAR, today), pa.date32())

    bad_nik = pc.sum(pc.and_(_cleaned(cells["nik"]).is_valid(), out["nik"].is_null())).as_py() or 0
    keep = reasons == None  # noqa: E711
    set_aside = np.flatnonzero(~keep)
    rejects = _rows_of(raw, set_aside)
    lines = raw.row_lines()
    rejects.insert(0, "source_row", [lines[int(position)] for position in set_aside])
    rejects["reason"] = reasons[set_aside].tolist()
    if not keep.any():
        table = schema.SPEC_SCHEMA.empty_table()
    else:
        table = pa.Table.from_arrays([out[name] for name in schema.SPEC_SCHEMA.names], schema=schema.SPEC_SCHEMA)
        if not keep.all():
            table = table.filter(pa.array(keep))
    return PreparedBatch(table=table, rejects=rejects, bad_nik=int(bad_nik))


#: The cells `clean_text` leaves as they are: a first and last character that is printable ASCII, not a space.
_SETTLED = r"^[!-~](?s:.*[!-~])?$"
#: The passport numbers `document_number` leaves as they are.
_PASSPORT = r"^[A-Z0-9]+$"
#: The NIKs `nik_digits` leaves as they are.
_NIK = r"^[0-9]{16}$"

#: A column's cells: an Arrow array (text as `pa.string()`, or a Parquet boolean column), or Python objects
#: (any other cells, as the file's reader gives them).
Cells: TypeAlias = pa.Array | list[object]


def _cells(column: Sequence[object]) -> Cells:
    """A column of a batch as Arrow when it is text (or a Parquet boolean column), else its Python cells."""
    from checkpoint.sources.batches import ArrowCells

    if isinstance(column, ArrowCells):
        array = column.array
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            return array.cast(pa.string())
        if pa.types.is_boolean(array.type):
            return array
        return list(column)
    try:  # a delimited file's cells: text or None
        return pa.array(column, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return list(column)


def _flags(mask: pa.Array) -> np.ndarray:
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _each(function: Callable[[Any], Any]) -> Callable[[list[object]], list[object]]:
    return lambda values: [function(value) for value in values]


def _each_date(kind: DateKind, today: date) -> Callable[[list[object]], list[object]]:
    import pandas as pd

    return lambda values: _dates(pd.Series(values, dtype=object), kind, today).tolist()


def _distinct(cells: Cells, work: Callable[[list[object]], list[object]], kind: pa.DataType) -> pa.Array:
    """`work` done once per distinct cell (and once for a blank: None), its results spread over the rows.

    Registries repeat values massively (statuses, countries, dates); Arrow finds the distinct values of a
    column. Python cells are told apart by pandas as a dict would (by Python equality: the first of equal
    values is the one worked out), and a blank cell (None, NaN) gives what the work gives for None.
    """
    if isinstance(cells, pa.Array):
        encoded = pc.dictionary_encode(cells)
        uniques = encoded.dictionary.to_pylist()
        codes = encoded.indices.fill_null(len(uniques))
    else:
        import pandas as pd

        found, distinct = pd.factorize(np.array(cells, dtype=object))
        uniques = distinct.tolist()
        codes = pa.array(np.where(found < 0, len(uniques), found))
    return pa.array(work([*uniques, None]), type=kind).take(codes)


def _regular(cells: Cells, settled: str, function: Callable[[Any], Any]) -> pa.Array:
    """`function` over a text column: the cells matching the regular expression `settled` are what `function`
    gives of them, the others (and Python cells) go through it once per distinct value."""
    if not isinstance(cells, pa.Array) or not pa.types.is_string(cells.type):
        return _distinct(cells, _each(function), pa.string())
    odd = pc.invert(pc.match_substring_regex(cells, settled).fill_null(True))
    if not pc.any(odd).as_py():
        return cells
    return pc.replace_with_mask(cells, odd, _distinct(cells.filter(odd), _each(function), pa.string()))


def _cleaned(cells: Cells) -> pa.Array:
    """`clean_text` of every cell."""
    return _regular(cells, _SETTLED, clean_text)


class NikShapes:
    """The NIK shapes met so far (zeros or not, then the birth date digits: `_niks`) and whether each is valid,
    as Arrow text and booleans: a batch looks its shapes up in one pass."""

    def __init__(self) -> None:
        self.keys: pa.Array = pa.array([], type=pa.string())
        self.verdicts = np.zeros(0, dtype=bool)

    def add(self, keys: pa.Array, verdicts: np.ndarray) -> None:
        self.keys = pa.concat_arrays([self.keys, keys.cast(pa.string())])
        self.verdicts = np.concatenate([self.verdicts, verdicts])


def _niks(cells: Cells, today: date, structures: dict[tuple[bool, str], bool], met: NikShapes) -> pa.Array:
    """The valid NIKs of a column (`_valid_nik`); those of 16 plain digits checked in Arrow, by structure."""
    provinces = province_names()

    def checked_nik(value: object) -> str | None:
        return _valid_nik(value, today, provinces, structures)

    if not isinstance(cells, pa.Array) or not pa.types.is_string(cells.type):
        return _distinct(cells, _each(checked_nik), pa.string())
    plain = _flags(pc.match_substring_regex(cells, _NIK))
    odd = pa.array(~plain & _flags(cells.is_valid()))
    known = _flags(pc.is_in(pc.utf8_slice_codeunits(cells, 0, 2), value_set=pa.array(sorted(provinces)))) & plain
    niks = cells.filter(pa.array(known))

    def part(start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(niks, start, stop)

    zeros = pc.or_(pc.or_(pc.equal(part(2, 4), "00"), pc.equal(part(4, 6), "00")), pc.equal(part(12, 16), "0000"))
    shapes = pc.binary_join_element_wise(pc.if_else(zeros, "1", "0"), part(6, 12), "")
    # What `parse_nik` checks of such a NIK depends only on its shape: each shape once (see `_valid_nik`).
    encoded = pc.dictionary_encode(shapes)
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    verdicts = np.zeros(len(encoded.dictionary), dtype=bool)
    at = pc.index_in(encoded.dictionary, value_set=met.keys)  # the shapes met in earlier batches
    seen = _flags(at.is_valid())
    verdicts[seen] = met.verdicts[np.asarray(at.filter(at.is_valid()).to_numpy(zero_copy_only=False))]
    if not seen.all():
        new = np.flatnonzero(~seen)
        _, first = np.unique(codes, return_index=True)
        examples = pc.utf8_slice_codeunits(niks.take(pa.array(first[new])), 0, 2).to_pylist()
        found = [
            _structure(province, shape[0] == "1", shape[1:], today, structures)
            for province, shape in zip(examples, encoded.dictionary.take(pa.array(new)).to_pylist(), strict=True)
        ]
        verdicts[new] = found
        met.add(encoded.dictionary.take(pa.array(new)), np.array(found, dtype=bool))
    valid = np.zeros(len(cells), dtype=bool)
    valid[np.flatnonzero(known)] = verdicts[codes] if len(codes) else False
    result = pc.if_else(pa.array(valid), cells, pa.nulls(len(cells), pa.string()))
    if not pc.any(odd).as_py():
        return result
    checked = _distinct(cells.filter(odd), _each(checked_nik), pa.string())
    return pc.replace_with_mask(result, odd, checked)


def _rows_of(raw: RawTable, positions: np.ndarray) -> pd.DataFrame:
    """The cells of these rows as read (the file's headers; the rows' positions in the batch as index)."""
    import pandas as pd

    from checkpoint.sources.batches import ArrowCells

    taken = pa.array(positions.astype(np.int64))
    columns: dict[int, list[object]] = {}
    for number, column in enumerate(raw.columns):
        if not len(positions):
            columns[number] = []
        elif isinstance(column, ArrowCells):
            columns[number] = ArrowCells(column.array.take(taken)).objects
        else:
            columns[number] = [column[int(position)] for position in positions]
    frame = pd.DataFrame(columns, index=pd.Index(positions.tolist(), dtype=np.int64), dtype=object)
    frame.columns = list(raw.headers)
    return frame


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
    return digits if _structure(digits[:2], zeros, digits[6:12], today, structures) else None


def _structure(province: str, zeros: bool, birth: str, today: date, structures: dict[tuple[bool, str], bool]) -> bool:
    """Whether a NIK of a known province, with zeros or not, and these birth date digits is valid (`_valid_nik`)."""
    valid = structures.get((zeros, birth))
    if valid is None:
        probe = f"{province}{'00' if zeros else '01'}01{birth}0001"
        valid = structures[(zeros, birth)] = not isinstance(parse_nik(probe, today=today), NikProblem)
    return valid


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
