"""The sorted blocking index a snapshot stores: key hashes ascending, with the record row filed under each.

Kept apart from the key definitions (`keys.py`): how keys are looked up can change without making stored
snapshots stale; what the keys are cannot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from checkpoint.registry.keys import key_hashes


@dataclass(frozen=True)
class BlockingIndex:
    """Key hashes sorted ascending, and the record row filed under each (parallel arrays)."""

    hashes: np.ndarray  # uint64
    rows: np.ndarray  # uint32

    @classmethod
    def build(cls, keys_per_row: Iterable[Sequence[str]]) -> BlockingIndex:
        """The index of every row's keys (row numbers are positions in `keys_per_row`)."""
        flat: list[str] = []
        rows: list[int] = []
        for row, keys in enumerate(keys_per_row):
            flat += keys
            rows += [row] * len(keys)
        hashes = key_hashes(flat)
        row_array = np.asarray(rows, dtype=np.uint32)
        order = np.lexsort((row_array, hashes))
        hashes, row_array = hashes[order], row_array[order]
        distinct = np.ones(len(hashes), dtype=bool)  # a row filed twice under one key counts once
        distinct[1:] = (hashes[1:] != hashes[:-1]) | (row_array[1:] != row_array[:-1])
        return cls(hashes[distinct], row_array[distinct])

    def to_table(self) -> pa.Table:
        return pa.table({"hash": self.hashes, "row": self.rows})

    @classmethod
    def from_table(cls, table: pa.Table) -> BlockingIndex:
        """From a stored table (zero-copy when the table is one memory-mapped chunk per column)."""

        def array(name: str) -> np.ndarray:
            column = table.column(name)
            if column.num_chunks == 1:  # as written by the store: a view of the mapped file, nothing read
                return np.asarray(column.chunk(0).to_numpy(zero_copy_only=True))
            return np.asarray(column.combine_chunks().to_numpy(zero_copy_only=False))

        return cls(array("hash").astype(np.uint64, copy=False), array("row").astype(np.uint32, copy=False))

    def lookup(self, hashes: np.ndarray, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For query hashes, (query positions, rows) of every filed row; a block larger than its cap is skipped."""
        low = np.searchsorted(self.hashes, hashes, side="left")
        high = np.searchsorted(self.hashes, hashes, side="right")
        sizes = high - low
        sizes[sizes > caps] = 0
        total = int(sizes.sum())
        queries = np.repeat(np.arange(len(hashes)), sizes)
        ends = np.cumsum(sizes)
        positions = low[queries] + (np.arange(total) - np.repeat(ends - sizes, sizes))
        return queries, self.rows[positions].astype(np.int64)
