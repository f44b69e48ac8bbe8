"""The sorted blocking index a snapshot stores: key hashes ascending, with the record row filed under each.

Kept apart from the key definitions (`keys.py`): how keys are looked up can change without making stored
snapshots stale; what the keys are cannot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from checkpoint.registry.gather import numpy_view
from checkpoint.registry.keys import key_hashes

#: The hash range is merged in this many slices (`BlockingIndex.from_sorted_runs`).
_SLICE_BITS = 6
_SLICES = 1 << _SLICE_BITS


@dataclass(frozen=True)
class BlockingIndex:
    """Key hashes sorted ascending, and the record row filed under each (parallel arrays)."""

    hashes: np.ndarray  # uint64
    rows: np.ndarray  # uint32

    @classmethod
    def build(cls, keys_per_row: Iterable[Sequence[str]], batch: int = 1_000_000) -> BlockingIndex:
        """The index of every row's keys (row numbers are positions in `keys_per_row`).

        Keys are hashed `batch` at a time, so a million records (~18 million keys) never sit in memory as
        Python strings all at once: only their 12 bytes each of hash and row.
        """
        hash_parts: list[np.ndarray] = []
        row_parts: list[np.ndarray] = []
        flat: list[str] = []
        rows: list[int] = []
        for row, keys in enumerate(keys_per_row):
            flat += keys
            rows += [row] * len(keys)
            if len(flat) >= batch:
                hash_parts.append(key_hashes(flat))
                row_parts.append(np.asarray(rows, dtype=np.uint32))
                flat, rows = [], []
        hash_parts.append(key_hashes(flat))
        row_parts.append(np.asarray(rows, dtype=np.uint32))
        return cls.from_pairs(np.concatenate(hash_parts), np.concatenate(row_parts))

    @classmethod
    def from_pairs(cls, hashes: np.ndarray, row_array: np.ndarray) -> BlockingIndex:
        """The index of (key hash, row) pairs in any order, repeats included (the arrays given are reordered
        in place, so that a million records' pairs are not held twice)."""
        order = np.lexsort((row_array, hashes))
        hashes[:] = hashes[order]
        row_array[:] = row_array[order]
        del order
        repeated = np.flatnonzero((hashes[1:] == hashes[:-1]) & (row_array[1:] == row_array[:-1])) + 1
        if not len(repeated):  # a row filed twice under one key counts once
            return cls(hashes, row_array)
        return cls(np.delete(hashes, repeated), np.delete(row_array, repeated))

    @classmethod
    def from_sorted_runs(cls, hash_runs: list[np.ndarray], row_runs: list[np.ndarray]) -> BlockingIndex:
        """The index of pairs given as runs each sorted by (hash, row) and without repeats, every row of a run
        above those of the runs before it (the batches of an import, each sorted).

        Merged a slice of the hash range at a time: each run's part of the slice is a contiguous piece of it,
        the pieces are joined and stably sorted by hash (rows stay ascending under one hash, as the runs come
        in row order) straight into the result. Only the result and one slice are held besides the runs, not a
        sort order of every pair. The lists are emptied once merged.
        """
        total = sum(len(run) for run in hash_runs)
        hashes = np.empty(total, dtype=np.uint64)
        rows = np.empty(total, dtype=np.uint32)
        edges = (np.arange(1, _SLICES, dtype=np.uint64) << np.uint64(64 - _SLICE_BITS)).astype(np.uint64)
        bounds = [np.concatenate(([0], np.searchsorted(run, edges), [len(run)])) for run in hash_runs]
        at = 0
        for part in range(_SLICES):
            pieces = [
                (run[b[part] : b[part + 1]], row_run[b[part] : b[part + 1]])
                for run, row_run, b in zip(hash_runs, row_runs, bounds, strict=True)
            ]
            slice_hashes = np.concatenate([piece[0] for piece in pieces]) if pieces else np.zeros(0, np.uint64)
            slice_rows = np.concatenate([piece[1] for piece in pieces]) if pieces else np.zeros(0, np.uint32)
            order = np.argsort(slice_hashes, kind="stable")
            hashes[at : at + len(order)] = slice_hashes[order]
            rows[at : at + len(order)] = slice_rows[order]
            at += len(order)
        hash_runs.clear()
        row_runs.clear()
        return cls(hashes, rows)

    def to_table(self) -> pa.Table:
        return pa.table({"hash": self.hashes, "row": self.rows})

    @classmethod
    def from_table(cls, table: pa.Table) -> BlockingIndex:
        """From a stored table (zero-copy when the table is one memory-mapped chunk per column)."""

        # As written by the store, each column is one chunk: a view of the mapped file, nothing is read.
        return cls(numpy_view(table.column("hash"), np.uint64), numpy_view(table.column("row"), np.uint32))

    def lookup(self, hashes: np.ndarray, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For query hashes, (query positions, rows) of every filed row; a block larger than its cap is skipped."""
        low, high = self.ranges(hashes)
        sizes = high - low
        sizes[sizes > caps] = 0
        return self.gather(low, sizes)

    def ranges(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each query hash's block starts and ends in the index (int64; equal when the hash is absent)."""
        # Searched in ascending order: each search starts where the last ended and touches pages nearby, which
        # a memory-mapped index of millions of keys rewards (benchmarks/README.md).
        order = np.argsort(hashes, kind="stable")
        low, high = np.empty(len(hashes), dtype=np.int64), np.empty(len(hashes), dtype=np.int64)
        low[order] = np.searchsorted(self.hashes, hashes[order], side="left")
        high[order] = np.searchsorted(self.hashes, hashes[order], side="right")
        return low, high

    def gather(self, low: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query positions, rows) of the first `sizes` entries from `low` of each query's block."""
        total = int(sizes.sum())
        queries = np.repeat(np.arange(len(low)), sizes)
        ends = np.cumsum(sizes)
        positions = low[queries] + (np.arange(total) - np.repeat(ends - sizes, sizes))
        return queries, self.rows[positions].astype(np.int64)
