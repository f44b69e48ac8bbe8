"""A registry export prepared a slice of rows at a time: validated, normalised, derived and indexed as it is
read, so that a national registry of millions of records never sits in memory as Python objects.

`prepare_export` reads the export with `sources.batches` (Parquet and CSV streamed; see there), and for each
batch: checks and normalises its cells (`prepare.prepare_batch`: the same checks and reasons as ever),
computes its derived columns and the hashes of its blocking keys (`batch.derive_batch`), and keeps only the
Arrow columns and the numpy key hashes. What needs the whole file is kept compactly as it goes: the record ids
seen (a record id repeated later in the file is set aside, as before), how many records carry each name key
(the vocabulary that `_key_ids` number), the distinct values of an export-date column, the rows set aside.
Once every batch is read, the columns are put together one at a time (a column's batches freed as it is made)
and the index is sorted from the key hashes.

Memory is that of the snapshot itself (the Arrow columns, ~300 bytes a record, and the index, ~12 bytes a
key) plus one batch, the set of record ids and the name cache (`benchmarks/registry/results.md`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from checkpoint.columns import header_key
from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.progress import SILENT, Progress
from checkpoint.registry.batch import NameCache, TokenCounts, derive_batch
from checkpoint.registry.exported import EXPORT_DATE_COLUMNS, ExportDate, export_date
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.prepare import ExportState, prepare_batch, registry_columns
from checkpoint.registry.schema import SCHEMA
from checkpoint.registry.vocabulary import KeyCounts
from checkpoint.sources.batches import BATCH_ROWS, Batches, ReadWhole, read_batches
from checkpoint.sources.interface import RawTable

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PreparedExport:
    """An export prepared for a snapshot: its records (snapshot schema, one chunk a column), their index, the
    rows set aside, the notes to give and the export date."""

    table: pa.Table
    index: BlockingIndex
    rejects: pd.DataFrame  # original cells + `source_row` + `reason`
    notes: tuple[str, ...]
    exported: ExportDate
    keys: KeyCounts | None = None  # the name-key vocabulary `_key_ids` number (None: counted from the table)


def prepare_export(
    path: Path,
    *,
    today: date,
    exported_at: date | None = None,
    progress: Progress = SILENT,
    rows: int = BATCH_ROWS,
) -> PreparedExport:
    """Read and prepare an export `rows` rows at a time (see the module docstring)."""
    try:
        return _prepare(read_batches(path, rows=rows), path, today, exported_at, progress)
    except ReadWhole:  # a stray quote the strict reading cannot place: read as lenient readers read it
        return _prepare(read_batches(path, rows=rows, whole=True), path, today, exported_at, progress)


@dataclass
class _Gathered:
    """What the batches leave behind while they are read."""

    columns: dict[str, list[pa.Array]]
    hashes: list[np.ndarray]
    rows: list[np.ndarray]
    rejects: list[pd.DataFrame]
    kept: int = 0
    bad_nik: int = 0


def _prepare(batches: Batches, path: Path, today: date, exported_at: date | None, progress: Progress) -> PreparedExport:
    try:
        found = registry_columns(batches.headers, batches.source)
    except InputDataError:
        for _ in batches.batches:  # what is wrong with the file itself is said first, as when it is read whole
            pass
        raise
    stamped = next((at for at, name in enumerate(batches.headers) if header_key(name) in EXPORT_DATE_COLUMNS), None)
    stamps: dict[object, None] = {}
    state = ExportState()
    names, counts = NameCache(), TokenCounts()
    gathered = _Gathered({name: [] for name in SCHEMA.names}, [], [], [])
    with progress.phase(text("registry.progress.streaming", file=path.name)) as advance:
        for raw in batches.batches:
            if stamped is not None:
                stamps.update(dict.fromkeys(raw.columns[stamped]))
            batch = prepare_batch(raw, found, today=today, state=state)
            gathered.bad_nik += batch.bad_nik
            if len(batch.rejects):
                gathered.rejects.append(batch.rejects)
            if batch.table.num_rows:
                table, hashes, rows = derive_batch(batch.table, names, counts)
                for name in SCHEMA.names:
                    gathered.columns[name].extend(table.column(name).chunks)
                run = BlockingIndex.from_pairs(hashes, rows)  # sorted, repeats gone: one run of the index
                gathered.hashes.append(run.hashes)
                gathered.rows.append((run.rows.astype(np.int64) + gathered.kept).astype(np.uint32))
                gathered.kept += table.num_rows
            advance(raw.height)
    del state, names
    _give_back_freed_memory()
    table = counts.fill(_combined(gathered.columns))
    index = BlockingIndex.from_sorted_runs(gathered.hashes, gathered.rows)
    notes = (*batches.notes, *((text("registry.prepare.bad_nik", count=gathered.bad_nik),) if gathered.bad_nik else ()))
    stamp_table = RawTable(
        (batches.headers[stamped],) if stamped is not None else (), (list(stamps),) if stamped is not None else (), ""
    )
    exported = export_date(stamp_table, path.name, given=exported_at, today=today)
    return PreparedExport(
        table, index, _rejects(gathered.rejects, batches.headers), notes, exported, counts.vocabulary()
    )


def _give_back_freed_memory() -> None:
    """Hand the heap the batches freed back to the system (glibc keeps it otherwise), before the columns are
    joined and the index merged: the import's peak is then the snapshot's size, not that plus the batches'."""
    import contextlib
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc: nothing to do
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)


def _combined(columns: dict[str, list[pa.Array]]) -> pa.Table:
    """The columns' batches as one chunk each, each column's batches freed once it is made."""
    arrays = []
    for name in SCHEMA.names:
        chunks = columns.pop(name)
        arrays.append(pa.concat_arrays(chunks) if chunks else pa.array([], type=SCHEMA.field(name).type))
        del chunks
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _rejects(parts: list[pd.DataFrame], headers: tuple[str, ...]) -> pd.DataFrame:
    """The rows set aside, in file order (none: an empty frame with the columns a reject would have)."""
    import pandas as pd

    if parts:
        return pd.concat(parts) if len(parts) > 1 else parts[0]
    return pd.DataFrame(columns=["source_row", *headers, "reason"])
