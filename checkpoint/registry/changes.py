"""A day's changes to the registry (`registry import --changes FILE`): a new snapshot made from the current one.

A change file has the registry's columns (SPEC §4.1) and an `op` column, `upsert` or `delete`:
- `upsert`: the record as it now is, checked like a row of a full export; it replaces the record with the
  same `record_id` (counted as upserted), or is added (counted as new);
- `delete`: only `record_id` is needed (the other cells are not read); the record leaves the registry.

Rows that cannot be applied are set aside with a reason, as an export's are: an `op` that is neither, a
missing `record_id`, a `record_id` given more than once in the file (which of its changes is meant cannot
be known: none is applied), a delete of a record the current snapshot does not hold, an upsert that fails a
record's checks.

The work grows with the changes since the last full import, not with the registry: the result is a layered
snapshot (`files.py`). Its base, the last full import, is shared as it is on disk; its delta is the previous
delta's records still live, then the changed and new ones (normalised and keyed here: a changed record moves
to the end), with their own index (the previous delta's entries kept, renumbered, the new ones merged in), the
base rows no longer live, and the vocabulary's counts with the dropped records' keys taken out and the new ones'
added (new keys appended, so that every record's key ids stay valid). Once the delta holds more than
`COMPACT_SHARE` of the base's rows, the snapshot is written whole again (compacted), as a full import writes one,
so that a delta never grows without end.

What screening sees is what a full import of the same records in that order gives: the same live records in the
same order, the same rows under each key, the same counts (`tests/registry/test_registry_changes.py`).
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
from checkpoint.registry.batch import NameCache, TokenCounts, derive_batch, key_lists
from checkpoint.registry.gather import lists_at
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.prepare import ExportState, prepare_batch, registry_columns
from checkpoint.registry.snapshot import Layer, Registry, SnapshotInfo
from checkpoint.registry.vocabulary import KeyCounts
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


#: A delta holding more rows than this share of its base's is compacted into a plain snapshot
#: (`benchmarks/registry/results.md`: a delta's cost to screening and to the next change grows with it).
COMPACT_SHARE = 0.2


@dataclass(frozen=True)
class Changed:
    """The records of a snapshot with changes applied, as `Registry` holds them (its `info` still to be made)."""

    table: pa.Table
    index: BlockingIndex
    keys: KeyCounts
    layer: Layer | None
    size: int  # live records

    def registry(self, info: SnapshotInfo) -> Registry:
        return Registry(self.table, info, stored_index=self.index, stored_keys=self.keys, layer=self.layer)


@dataclass(frozen=True)
class AppliedChanges:
    """The current snapshot's records with a change file applied, the rows set aside and the counts."""

    changed: Changed
    rejects: pd.DataFrame  # original cells + `source_row` + `reason`
    counts: ChangeCounts
    notes: tuple[str, ...]


def apply_changes(
    current: Registry, raw: RawTable, *, today: date, compact_share: float = COMPACT_SHARE
) -> AppliedChanges:
    """Apply the changes in `raw` (a change file read whole) to the records of `current`; the result is compacted
    once its delta holds more than `compact_share` of its base's rows."""
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
        current, [record_id for record_id, reason in zip(ids, reasons, strict=True) if record_id and not reason]
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
    dropped = [held[record_id] for record_id in applied if record_id in held]
    changed = _changed(current, dropped, prepared.table, compact_share)
    set_aside = [position for position, reason in enumerate(reasons) if reason is not None]
    rejects = frame.iloc[set_aside].copy()
    rejects.insert(0, "source_row", pd.Series(list(raw.row_lines()), index=frame.index).iloc[set_aside])
    rejects["reason"] = [reasons[position] for position in set_aside]
    counts = ChangeCounts(replaced, prepared.table.num_rows - replaced, deleted, len(set_aside))
    notes = (text("registry.prepare.bad_nik", count=prepared.bad_nik),) if prepared.bad_nik else ()
    return AppliedChanges(changed, rejects, counts, (*raw.notes, *notes))


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


def _held(current: Registry, wanted: list[str]) -> dict[str, int]:
    """The table row of each of these record ids among the snapshot's live records (ids are unique among them)."""
    if not wanted:
        return {}
    column = current.table.column("record_id")
    rows = np.flatnonzero(np.asarray(pc.is_in(column, value_set=pa.array(wanted, pa.string())), dtype=bool))
    rows = rows[current.is_live(rows)]
    found = pc.take(column, pa.array(rows)).to_pylist()
    return dict(zip(found, rows.tolist(), strict=True))


def _rows(raw: RawTable, positions: list[int]) -> RawTable:
    """The rows of a table at these positions, as a table of their own (their places kept)."""
    lines = list(raw.row_lines())
    columns = tuple([column[position] for position in positions] for column in raw.columns)
    return RawTable(raw.headers, columns, raw.source, (), [lines[position] for position in positions], raw.unit)


def _changed(current: Registry, dropped: list[int], added: pa.Table, compact_share: float) -> Changed:
    """The current snapshot without the table rows `dropped`, with the `added` records (SPEC columns) after
    the others: layered on the current snapshot's base (the current one itself when it is plain)."""
    if current.layer is not None:
        base_id, base_rows, dead, delta_index = (
            current.layer.base_id,
            current.layer.base_rows,
            current.layer.dead,
            current.layer.index,
        )
    else:
        base_id, base_rows, dead = current.info.snapshot_id, current.table.num_rows, np.zeros(0, np.uint32)
        delta_index = BlockingIndex(np.zeros(0, np.uint64), np.zeros(0, np.uint32))
    gone = np.asarray(dropped, dtype=np.int64)
    keys = current.keys
    counts = keys.counts.astype(np.int64)
    if len(gone):
        ids, _ = lists_at(current.table.column("_key_ids"), gone, np.int32)
        counts -= np.bincount(ids, minlength=len(counts))
    delta = current.table.slice(base_rows)
    keep = np.ones(delta.num_rows, dtype=bool)
    keep[gone[gone >= base_rows] - base_rows] = False
    kept = delta.filter(pa.array(keep)).replace_schema_metadata(None) if len(gone) else delta
    vocabulary = keys.keys
    if added.num_rows:
        new, hashes, rows = derive_batch(added, NameCache(), TokenCounts())
        new, vocabulary, ids = _numbered(new, vocabulary)
        counts = np.concatenate((counts, np.zeros(len(vocabulary) - len(counts), np.int64)))
        counts += np.bincount(ids, minlength=len(counts))
        fresh = BlockingIndex.from_pairs(hashes, rows)
        kept = pa.concat_tables([kept.replace_schema_metadata(None), new])
    else:
        fresh = BlockingIndex(np.zeros(0, np.uint64), np.zeros(0, np.uint32))
    dead = np.union1d(dead, gone[gone < base_rows]).astype(np.uint32)
    base = current.table.slice(0, base_rows)
    counted = KeyCounts(vocabulary, counts.astype(np.int32))
    size = base_rows - len(dead) + kept.num_rows
    if kept.num_rows > compact_share * base_rows or current.stored_index is None:
        # Compacted, and whole when the current snapshot's keys were derived again in memory (its base's are
        # stale on disk: `files.read_snapshot`).
        live = np.ones(base_rows, dtype=bool)
        live[dead] = False
        index = _merged(current.index, live, _merged(delta_index, keep, fresh))
        table = pa.concat_tables([base.filter(pa.array(live)).replace_schema_metadata(None), kept])
        return Changed(table.combine_chunks(), index, counted, None, size)
    layer = Layer(base_id, base_rows, _merged(delta_index, keep, fresh), dead)
    table = pa.concat_tables([base.replace_schema_metadata(None), kept.combine_chunks()])
    return Changed(table, current.index, counted, layer, size)


def _numbered(new: pa.Table, vocabulary: pa.Array) -> tuple[pa.Table, pa.Array, np.ndarray]:
    """New records with `_key_ids` into the vocabulary, its keys not seen before appended (first seen first);
    the vocabulary, and the ids one record after another."""
    offsets, flat = key_lists(new.column("_name_keys"))
    unseen = pc.unique(flat.filter(pc.invert(pc.is_in(flat, value_set=vocabulary))))
    if len(unseen):
        vocabulary = pa.concat_arrays([vocabulary.cast(pa.string()), unseen.cast(pa.string())])
    ids = pc.index_in(flat, value_set=vocabulary).cast(pa.int32())
    column = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), ids)
    numbered = new.set_column(new.schema.get_field_index("_key_ids"), "_key_ids", column)
    return numbered, vocabulary, np.asarray(ids.to_numpy(zero_copy_only=False), dtype=np.int64)


def _merged(index: BlockingIndex, keep: np.ndarray, fresh: BlockingIndex) -> BlockingIndex:
    """The entries of `index` whose rows are kept (`keep`: one per row), renumbered, then `fresh`'s entries
    (rows numbered from 0) for rows after every kept one."""
    if keep.all():
        hashes, rows = index.hashes, index.rows
    else:
        renumbered = np.cumsum(keep, dtype=np.int64) - 1
        kept = keep[index.rows]
        hashes, rows = index.hashes[kept], renumbered[index.rows[kept]].astype(np.uint32)
    if not len(fresh.hashes):
        return BlockingIndex(hashes, rows)
    added = (fresh.rows.astype(np.int64) + int(keep.sum())).astype(np.uint32)
    # New rows come after every kept row: after the kept entries of an equal hash, (hash, row) stays sorted.
    at = np.searchsorted(hashes, fresh.hashes, side="right")
    return BlockingIndex(np.insert(hashes, at, fresh.hashes), np.insert(rows, at, added))
