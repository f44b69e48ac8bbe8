"""A snapshot's name-key vocabulary: every phonetic name key its records carry, and how many live records carry it.

Each record stores the ids of its name keys (`_key_ids`, positions in the vocabulary); the counts beside the
vocabulary answer rarity (`Registry.token_counts`) with one numpy gather. Counts change with every change file,
records' ids do not: a change only appends keys it has not seen, so a base's records keep their ids under the
vocabulary of every snapshot layered on it (`changes.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa

from checkpoint.registry.gather import numpy_view


@dataclass(frozen=True)
class KeyCounts:
    """The vocabulary (key strings; a key's id is its position) and the live records carrying each key."""

    keys: pa.Array  # string
    counts: np.ndarray  # int32, one per key

    def of_keys(self, keys: Sequence[str]) -> np.ndarray:
        """How many live records carry each of these keys (0 for a key the vocabulary does not hold)."""
        positions = np.array([self._positions.get(key, -1) for key in keys], dtype=np.int64)
        counts = np.zeros(len(positions), dtype=np.int32)
        known = positions >= 0
        counts[known] = self.counts[positions[known]]
        return counts

    @cached_property
    def _positions(self) -> dict[str, int]:  # built on the first question: screening a manifest asks once
        return {key: position for position, key in enumerate(self.keys.to_pylist())}

    def to_table(self) -> pa.Table:
        return pa.table({"key": self.keys, "count": pa.array(self.counts, type=pa.int32())})

    @classmethod
    def from_table(cls, table: pa.Table) -> KeyCounts:
        """From a stored table (the counts a view of the mapped file)."""
        keys = table.column("key")
        text = keys.chunks[0] if keys.num_chunks == 1 else keys.combine_chunks()
        return cls(text, numpy_view(table.column("count"), np.int32))

    @classmethod
    def of(cls, table: pa.Table) -> KeyCounts:
        """The vocabulary of a table whose `_key_ids` number its `_name_keys` densely from 0 (as `derive.py` and
        `TokenCounts.fill` number them), counted over every row."""
        from checkpoint.registry.batch import key_lists  # batch imports this module

        _, flat = key_lists(table.column("_name_keys"))
        column = table.column("_key_ids")
        ids = column.combine_chunks().flatten() if column.num_chunks else pa.array([], pa.int32())
        numbers = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=np.int64)
        if not len(numbers):
            return cls(pa.array([], pa.string()), np.zeros(0, dtype=np.int32))
        distinct, first = np.unique(numbers, return_index=True)
        if len(distinct) != distinct[-1] + 1:
            raise ValueError("key ids are not numbered densely")
        counts = np.bincount(numbers, minlength=len(distinct)).astype(np.int32)
        return cls(flat.take(pa.array(first)), counts)
