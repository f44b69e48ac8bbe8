"""A registry export prepared a slice of rows at a time: validated, normalised, derived and indexed as it is
read, so that a national registry of millions of records never sits in memory as Python objects.

`prepare_export` reads the export with `sources.batches` (Parquet, CSV and XLSX streamed; see there), and for
each batch: checks and normalises its cells in Arrow (`prepare.prepare_batch`: the same checks and reasons as
ever), computes its derived columns and the hashes of its blocking keys (`batch.derive_batch`), and keeps
only the Arrow columns and the batch's run of the index, cut by hash range (`_IndexRuns`). What needs the
whole file is kept compactly as it goes: the record ids seen (Arrow text and sorted hashes,
`prepare.RecordIds`: a record id repeated later in the file is set aside, as before), how many records carry
each name key (the vocabulary that `_key_ids` number), the distinct values of an export-date column, the rows
set aside. Once every batch is read, the columns are put together one at a time (a column's batches freed as
it is made) and the runs merged a hash range at a time (each range's pieces freed as it is merged).

Memory is that of the snapshot itself (the Arrow columns, ~300 bytes a record, and the index, ~12 bytes a
key) plus one batch, the record ids (~30 bytes each) and the name cache (`benchmarks/registry/results.md`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from checkpoint.columns import header_key
from checkpoint.errors import InputDataError
from checkpoint.gcpause import cycle_collection_paused
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
    """Read and prepare an export `rows` rows at a time (see the module docstring).

    The cycle collector is paused meanwhile (`gcpause`): the name cache keeps a few hundred thousand small
    objects alive for the whole import, and every full collection would walk them again; nothing here makes
    reference cycles (`benchmarks/registry/results.md`)."""
    with cycle_collection_paused():
        try:
            return _prepare(read_batches(path, rows=rows), path, today, exported_at, progress)
        except ReadWhole:  # a stray quote the strict reading cannot place: read as lenient readers read it
            return _prepare(read_batches(path, rows=rows, whole=True), path, today, exported_at, progress)


@dataclass
class _Gathered:
    """What the batches leave behind while they are read."""

    columns: dict[str, list[pa.Array]]
    runs: _IndexRuns
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
    gathered = _Gathered({name: [] for name in SCHEMA.names}, _IndexRuns(), [])
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
                gathered.runs.add(hashes, rows, gathered.kept)
                gathered.kept += table.num_rows
            advance(raw.height)
    del state, names
    _give_back_freed_memory()
    table = counts.fill(_combined(gathered.columns))
    index = gathered.runs.merged()
    notes = (*batches.notes, *((text("registry.prepare.bad_nik", count=gathered.bad_nik),) if gathered.bad_nik else ()))
    stamp_table = RawTable(
        (batches.headers[stamped],) if stamped is not None else (), (list(stamps),) if stamped is not None else (), ""
    )
    exported = export_date(stamp_table, path.name, given=exported_at, today=today)
    return PreparedExport(
        table, index, _rejects(gathered.rejects, batches.headers), notes, exported, counts.vocabulary()
    )


class _IndexRuns:
    """The index of each batch (a run sorted by hash and row), cut by hash range as it comes: the runs are
    merged a range at a time and each range's pieces are freed once merged, so that the index is never held
    twice (`BlockingIndex.from_sorted_runs` merges the same way, but holds every run until the end)."""

    #: Ranges of the 64-bit hash space, by their leading bits: the merge holds ~1/64 of the index besides it.
    BITS = 6

    def __init__(self) -> None:
        self.edges = np.arange(1, 1 << self.BITS, dtype=np.uint64) << np.uint64(64 - self.BITS)
        self.pieces: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(1 << self.BITS)]
        self.size = 0

    def add(self, hashes: np.ndarray, rows: np.ndarray, first_row: int) -> None:
        """A batch's key pairs in row order (`derive_batch`), its rows counted from `first_row` (the batches
        come in row order): sorted by hash and row as `BlockingIndex.from_pairs` sorts them, by a stable sort
        by hash alone, repeats dropped, and cut into ranges."""
        order = _stable_order(hashes)
        hashes, rows = hashes[order], rows[order]
        del order
        kept = np.ones(len(hashes), dtype=bool)
        kept[1:] = (hashes[1:] != hashes[:-1]) | (rows[1:] != rows[:-1])  # a row filed twice under one key: once
        if not kept.all():
            hashes, rows = hashes[kept], rows[kept]
        bounds = [0, *np.searchsorted(hashes, self.edges).tolist(), len(hashes)]
        rows = (rows.astype(np.int64) + first_row).astype(np.uint32)
        for pieces, start, end in zip(self.pieces, bounds[:-1], bounds[1:], strict=True):
            pieces.append((hashes[start:end].copy(), rows[start:end].copy()))
        self.size += len(hashes)

    def merged(self) -> BlockingIndex:
        """The index of every run: each range's pieces joined and stably sorted by hash (under one hash, rows
        stay ascending: the runs come in row order), straight into the result; the pieces are emptied."""
        hashes = np.empty(self.size, dtype=np.uint64)
        rows = np.empty(self.size, dtype=np.uint32)
        at = 0
        for number, pieces in enumerate(self.pieces):
            if pieces:
                range_hashes = np.concatenate([piece[0] for piece in pieces])
                range_rows = np.concatenate([piece[1] for piece in pieces])
                pieces.clear()
                order = np.argsort(range_hashes, kind="stable")
                hashes[at : at + len(order)] = range_hashes[order]
                rows[at : at + len(order)] = range_rows[order]
                at += len(order)
                del range_hashes, range_rows, order
                if number % 8 == 7:
                    _give_back_freed_memory()  # the pieces freed: the result's pages take their place
        return BlockingIndex(hashes, rows)


def _stable_order(hashes: np.ndarray) -> np.ndarray:
    """`np.argsort(hashes, kind="stable")`, as four radix sorts of 16 bits (numpy sorts 16-bit keys by radix;
    64-bit ones by timsort, twice as slow on a batch's million hashes)."""
    sixteen = np.uint64(0xFFFF)
    order = np.argsort((hashes & sixteen).astype(np.uint16), kind="stable")
    for shift in (np.uint64(16), np.uint64(32), np.uint64(48)):
        order = order[np.argsort(((hashes[order] >> shift) & sixteen).astype(np.uint16), kind="stable")]
    return order


def _give_back_freed_memory() -> None:
    """Hand the heap the batches freed back to the system (glibc keeps it otherwise), and the Arrow pool's, before
    the columns are joined and the index merged and as the index's ranges are merged: the import's peak is then
    the snapshot's size, not that plus the batches'."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pa.default_memory_pool().release_unused()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None elsewhere (found once: `find_library` runs `ldconfig`)."""
    import ctypes
    import ctypes.util

    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to do
        return None
    return trim


def _combined(columns: dict[str, list[pa.Array]]) -> pa.Table:
    """The columns' batches as one chunk each, each column's batches freed once it is made."""
    arrays = []
    for name in SCHEMA.names:
        chunks = columns.pop(name)
        arrays.append(pa.concat_arrays(chunks) if chunks else pa.array([], type=SCHEMA.field(name).type))
        del chunks
        pa.default_memory_pool().release_unused()  # the batches' chunks, freed: the next column takes their place
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _rejects(parts: list[pd.DataFrame], headers: tuple[str, ...]) -> pd.DataFrame:
    """The rows set aside, in file order (none: an empty frame with the columns a reject would have)."""
    import pandas as pd

    if parts:
        return pd.concat(parts) if len(parts) > 1 else parts[0]
    return pd.DataFrame(columns=["source_row", *headers, "reason"])
