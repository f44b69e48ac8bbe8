"""A day's changes to the registry (`registry import --changes FILE`): a new snapshot made from the current one.

A change file has the registry's columns (SPEC §4.1) and an `op` column, `upsert` or `delete`:
- `upsert`: the record as it now is, checked like a row of a full export; it replaces the record with the
  same `record_id` (counted as upserted), or is added (counted as new);
- `delete`: only `record_id` is needed (the other cells are not read); the record leaves the registry.

Rows that cannot be applied are set aside with a reason, as an export's are: an `op` that is neither, a
missing `record_id`, a `record_id` given more than once in the file (which of its changes is meant cannot
be known: none is applied), a delete of a record the current snapshot does not hold, an upsert that fails a
record's checks.

The work grows with the change, not with the registry: the current snapshot's prepared rows are kept as they
are (an Arrow filter) and its index entries too (the rows kept, renumbered; their hashes stay sorted), and
only the changed records are normalised and keyed, then appended (a changed record moves to the end) and their
keys merged into the index. Only `_token_counts`, how many records carry each name key, is counted again over
the whole registry, with Arrow. The result is the snapshot a full import of the same records in that order
makes (`tests/registry/test_registry_changes.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checkpoint.columns import header_key
from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.registry.batch import NameCache, TokenCounts, derive_batch
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.prepare import ExportState, prepare_batch, registry_columns
from checkpoint.registry.snapshot import Registry
from checkpoint.sources.interface import RawTable
from checkpoint.values import clean_text

if TYPE_CHECKING:
    import pandas as pd

#: Column names (compared as `columns.header_key` compares them) that hold a change's operation.
OP_COLUMNS = ("op", "operation", "operasi")
UPSERT, DELETE = "upsert", "delete"


@dataclass(frozen=True)
class ChangeCounts:
    """What a change file did: records replaced, added, deleted, and change rows set aside."""

    upserted: int
    new: int
    deleted: int
    rejected: int


@dataclass(frozen=True)
class AppliedChanges:
    """The current snapshot's records with a change file applied, the index, the rows set aside and the counts."""

    table: pa.Table
    index: BlockingIndex
    rejects: pd.DataFrame  # original cells + `source_row` + `reason`
    counts: ChangeCounts
    notes: tuple[str, ...]


def apply_changes(current: Registry, raw: RawTable, *, today: date) -> AppliedChanges:
    """Apply the changes in `raw` (a change file read whole) to the records of `current`."""
    import pandas as pd

    op_at = next((at for at, name in enumerate(raw.headers) if header_key(name) in OP_COLUMNS), None)
    if op_at is None:
        raise InputDataError(text("registry.changes.no_op_column", file=raw.source))
    frame = raw.frame
    ops = [_op(value) for value in raw.columns[op_at]]
    upserting = [position for position, op in enumerate(ops) if op == UPSERT]
    found = registry_columns(raw.headers, raw.source) if upserting else _id_column(raw)
    ids = [clean_text(value) for value in raw.columns[found["record_id"]]]
    reasons: list[str | None] = [None] * raw.height
    given: dict[str, int] = {}
    for record_id in ids:
        if record_id is not None:
            given[record_id] = given.get(record_id, 0) + 1
    for position, (op, record_id) in enumerate(zip(ops, ids, strict=True)):
        if op is None:
            reasons[position] = "op is missing or not upsert/delete"
        elif record_id is None:
            reasons[position] = "record_id is missing"
        elif given[record_id] > 1:
            reasons[position] = "record_id has more than one change in the file"
    held = _held(
        current.table, [record_id for record_id, reason in zip(ids, reasons, strict=True) if record_id and not reason]
    )
    for position, (op, record_id) in enumerate(zip(ops, ids, strict=True)):
        if reasons[position] is None and op == DELETE and record_id not in held:
            reasons[position] = "record_id is not in the current snapshot"
    upserts = [position for position in upserting if reasons[position] is None]
    prepared = prepare_batch(_rows(raw, upserts), found, today=today, state=ExportState())
    for position, reason in zip(prepared.rejects.index.tolist(), prepared.rejects["reason"].tolist(), strict=True):
        reasons[upserts[position]] = reason
    applied = {ids[position] for position in range(raw.height) if reasons[position] is None}
    deleted = sum(1 for position, op in enumerate(ops) if op == DELETE and reasons[position] is None)
    replaced = sum(1 for record_id in prepared.table.column("record_id").to_pylist() if record_id in held)
    table, index = _changed(current, [held[record_id] for record_id in applied if record_id in held], prepared.table)
    set_aside = [position for position, reason in enumerate(reasons) if reason is not None]
    rejects = frame.iloc[set_aside].copy()
    rejects.insert(0, "source_row", pd.Series(list(raw.row_lines()), index=frame.index).iloc[set_aside])
    rejects["reason"] = [reasons[position] for position in set_aside]
    counts = ChangeCounts(replaced, prepared.table.num_rows - replaced, deleted, len(set_aside))
    notes = (text("registry.prepare.bad_nik", count=prepared.bad_nik),) if prepared.bad_nik else ()
    return AppliedChanges(table, index, rejects, counts, (*raw.notes, *notes))


def _op(value: object) -> str | None:
    cleaned = clean_text(value)
    op = cleaned.lower() if cleaned else None
    return op if op in (UPSERT, DELETE) else None


def _id_column(raw: RawTable) -> dict[str, int]:
    """Where `record_id` is in a change file of deletes only (the other columns are not needed)."""
    from checkpoint.columns import resolve_headers
    from checkpoint.models import RECORD_COLUMNS

    found = resolve_headers(list(raw.headers), RECORD_COLUMNS)
    missing = [name for name in RECORD_COLUMNS[:1] if name not in found]
    if missing:
        columns = ", ".join(missing)
        raise InputDataError(text("registry.prepare.missing_columns", source=raw.source, columns=columns, count=1))
    return found


def _held(table: pa.Table, wanted: list[str]) -> dict[str, int]:
    """The row of each of these record ids that the snapshot holds (ids are unique in a snapshot)."""
    if not wanted:
        return {}
    column = table.column("record_id")
    rows = np.flatnonzero(np.asarray(pc.is_in(column, value_set=pa.array(wanted, pa.string())), dtype=bool))
    found = pc.take(column, pa.array(rows)).to_pylist()
    return dict(zip(found, rows.tolist(), strict=True))


def _rows(raw: RawTable, positions: list[int]) -> RawTable:
    """The rows of a table at these positions, as a table of their own (their places kept)."""
    lines = list(raw.row_lines())
    columns = tuple([column[position] for position in positions] for column in raw.columns)
    return RawTable(raw.headers, columns, raw.source, (), [lines[position] for position in positions], raw.unit)


def _changed(current: Registry, dropped: list[int], added: pa.Table) -> tuple[pa.Table, BlockingIndex]:
    """The current records without the rows `dropped`, the `added` ones (SPEC columns) after them, and the
    index of the result: the kept rows' entries renumbered, the added rows' merged in."""
    size = current.size
    keep = np.ones(size, dtype=bool)
    keep[np.asarray(dropped, dtype=np.int64)] = False
    counts = TokenCounts.of(current.table)
    old = current.table
    if dropped:
        counts.add_records(old.column("_name_keys").take(pa.array(np.flatnonzero(~keep))), sign=-1)
        old = old.filter(pa.array(keep))
    index = current.index
    if added.num_rows:
        new, hashes, rows = derive_batch(added, NameCache(), TokenCounts())
        counts.add_records(new.column("_name_keys"))
        table = pa.concat_tables([old.replace_schema_metadata(None), new])
        fresh = BlockingIndex.from_pairs(hashes, (rows.astype(np.int64) + old.num_rows).astype(np.uint32))
    else:
        table = old
        fresh = BlockingIndex(np.zeros(0, np.uint64), np.zeros(0, np.uint32))
    if dropped:
        renumbered = np.cumsum(keep, dtype=np.int64) - 1
        kept = keep[index.rows]
        hashes, rows = index.hashes[kept], renumbered[index.rows[kept]].astype(np.uint32)
    else:
        hashes, rows = index.hashes, index.rows
    # New rows come after every kept row: after the kept entries of an equal hash, (hash, row) stays sorted.
    at = np.searchsorted(hashes, fresh.hashes, side="right")
    merged = BlockingIndex(np.insert(hashes, at, fresh.hashes), np.insert(rows, at, fresh.rows))
    return counts.fill(table.combine_chunks()), merged
