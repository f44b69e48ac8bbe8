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

    def to_table(self) -> pa.Table:
        return pa.table({"hash": self.hashes, "row": self.rows})

    @classmethod
    def from_table(cls, table: pa.Table) -> BlockingIndex:
        """From a stored table (zero-copy when the table is one memory-mapped chunk per column)."""

        # As written by the store, each column is one chunk: a view of the mapped file, nothing is read.
        return cls(numpy_view(table.column("hash"), np.uint64), numpy_view(table.column("row"), np.uint32))

    def lookup(self, hashes: np.ndarray, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For query hashes, (query positions, rows) of every filed row; a block larger than its cap is skipped."""
        # Searched in ascending order: each search starts where the last ended and touches pages nearby, which
        # a memory-mapped index of millions of keys rewards (benchmarks/README.md).
        order = np.argsort(hashes, kind="stable")
        low, high = np.empty(len(hashes), dtype=np.int64), np.empty(len(hashes), dtype=np.int64)
        low[order] = np.searchsorted(self.hashes, hashes[order], side="left")
        high[order] = np.searchsorted(self.hashes, hashes[order], side="right")
        sizes = high - low
        sizes[sizes > caps] = 0
        total = int(sizes.sum())
        queries = np.repeat(np.arange(len(hashes)), sizes)
        ends = np.cumsum(sizes)
        positions = low[queries] + (np.arange(total) - np.repeat(ends - sizes, sizes))
        return queries, self.rows[positions].astype(np.int64)
