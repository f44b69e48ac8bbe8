"""One registry snapshot as screening reads it: its records, their prepared fields and its blocking lookups.

Other layers ask a `Registry` for what they need, column by column and only for the rows they need (a
memory-mapped snapshot reads just the pages touched); the columns behind the answers, the derived `_`
columns included, stay inside `checkpoint.registry`:

- `size`: how many records;
- `look_up(keys, name_block_cap)`: the rows filed under blocking keys (`keys.py` defines the keys; name-token
  blocks larger than the cap are skipped, and a key that names a document says so);
- `records(rows)`: the SPEC §4.1 records; `values(field, rows)`: one SPEC §4.1 field, column-wise;
- `record(record_id)`: one record by its id, for an officer who looks it up by hand: a scan of the id column,
  which screening never needs, so nothing is built or stored for it (`benchmarks/registry/results-lookup.md`);
- the fields prepared once per snapshot: `birth_numbers`, `name_signatures`, `phonetic_names`,
  `token_counts`, `names` (the normalised names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa

from checkpoint.models import RECORD_COLUMNS
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry.derive import blocking_index
from checkpoint.registry.gather import lists_at, numpy_view, rows_at, rows_holding, values_at
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.keys import DOCUMENT_KINDS, NAME_KINDS, key_hashes

Rows = Sequence[int] | np.ndarray


@dataclass(frozen=True)
class SnapshotInfo:
    """Where a registry snapshot came from and what it holds."""

    snapshot_id: str
    source_name: str
    source_sha256: str
    rows: int
    rejected: int
    created: str  # UTC ISO-8601
    #: The day the export was taken from SISKOP2MI (YYYY-MM-DD), and where that was read (`ExportedFrom`);
    #: None for snapshots imported before the export date was kept, whose age counts from `created`.
    exported_at: str | None = None
    exported_from: str | None = None

    def age_days(self, now: datetime | None = None) -> float:
        created = datetime.fromisoformat(self.created)
        return ((now or datetime.now(UTC)) - created).total_seconds() / 86400

    @property
    def export_day(self) -> date:
        """The day the records were exported: the export date, else (not known) the day of the import."""
        if self.exported_at is not None:
            return date.fromisoformat(self.exported_at)
        return datetime.fromisoformat(self.created).date()

    def export_age_days(self, today: date) -> int:
        """Whole days from the export to `today` (the screening date): how old the records are."""
        return (today - self.export_day).days


@dataclass(frozen=True)
class KeyHits:
    """The rows filed under looked-up keys: one entry per (key, row) found."""

    keys: np.ndarray  # the key's position among those looked up
    rows: np.ndarray  # the row filed under it
    documented: np.ndarray  # bool: the key names a document (passport, NIK)


@dataclass(frozen=True)
class Registry:
    """The records screening runs against: one columnar table, normalised once (the module docstring lists
    what other layers may ask of it; `table` and `index` are for `checkpoint.registry` itself)."""

    table: pa.Table
    info: SnapshotInfo
    notes: tuple[str, ...] = ()
    stored_index: BlockingIndex | None = None  # the index stored with the snapshot, if any

    @cached_property
    def index(self) -> BlockingIndex:
        """The blocking index: the stored one, or built now (an export prepared in memory)."""
        return self.stored_index if self.stored_index is not None else blocking_index(self.table)

    @property
    def size(self) -> int:
        """How many records the snapshot holds."""
        return int(self.table.num_rows)

    def look_up(self, keys: Sequence[str], name_block_cap: int) -> KeyHits:
        """Every row filed under each key (`keys.py`), by binary search in the sorted index. A name-token key
        filed under more than `name_block_cap` rows is too common to be worth comparing: it finds none."""
        if not keys or self.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            return KeyHits(empty, empty, np.zeros(0, dtype=bool))
        kinds = np.array([key[0] for key in keys])
        caps = np.where(np.isin(kinds, list(NAME_KINDS)), name_block_cap, np.iinfo(np.int64).max)
        found, rows = self.index.lookup(key_hashes(keys), caps)
        return KeyHits(found, rows, np.isin(kinds, list(DOCUMENT_KINDS))[found])

    def records(self, rows: Rows) -> list[dict[str, Any]]:
        """The SPEC §4.1 records (no derived columns) of these rows, in the order given."""
        if not len(rows):
            return []
        records: list[dict[str, Any]] = rows_at(self.table.select(list(RECORD_COLUMNS)), rows)
        return records

    def record(self, record_id: str) -> dict[str, Any] | None:
        """The SPEC §4.1 record with this id (as stored, else upper-cased: ids are codes that officers may type
        in lower case), or None when the snapshot holds none."""
        column = self.table.column("record_id")
        for wanted in dict.fromkeys((record_id, record_id.upper())):
            rows = rows_holding(column, wanted)
            if len(rows):  # ids are unique in a snapshot (`prepare.py` sets repeats aside)
                return self.records(rows[:1])[0]
        return None

    def values(self, field: str, rows: Rows | None = None) -> list[Any]:
        """One SPEC §4.1 field of these rows (every row when none are given), in the order given."""
        if field not in RECORD_COLUMNS:
            raise KeyError(f"{field} is not a registry field (SPEC §4.1)")
        return values_at(self.table.column(field), np.arange(self.size) if rows is None else rows)

    def birth_numbers(self, rows: Rows) -> np.ndarray:
        """The dates of birth of these rows as YYYYMMDD numbers (int64)."""
        return self._numbers("_dob_number", rows, np.int32).astype(np.int64)

    def name_signatures(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """The 128-bit letter-pair signatures of these rows' names (`keys.name_signature`): low and high halves."""
        return self._numbers("_signature_low", rows, np.uint64), self._numbers("_signature_high", rows, np.uint64)

    def phonetic_names(self, rows: Rows) -> list[str]:
        """These rows' names as phonetic keys joined by spaces ("" for none)."""
        return [name or "" for name in values_at(self.table.column("_name_keys"), rows)]

    def token_counts(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """How many records carry each name token of these rows (any spelling): the counts one row after
        another, and offsets from 0 with one more entry than rows (Arrow's list layout)."""
        return lists_at(self.table.column("_token_counts"), rows, np.int32)

    def names(self, rows: Rows) -> list[NormalisedName]:
        """These rows' normalised names (`names.normalise_name` of the registry's full names, stored)."""
        tokens = values_at(self.table.column("_name_tokens"), rows)
        fathers = values_at(self.table.column("_father_tokens"), rows)
        return [
            NormalisedName(tuple(given.split()), tuple((father or "").split()))
            for given, father in zip(tokens, fathers, strict=True)
        ]

    def _numbers(self, column: str, rows: Rows, dtype: type[np.generic]) -> np.ndarray:
        """A fixed-width derived column at these rows (the mapped column, gathered by numpy)."""
        return np.asarray(numpy_view(self.table.column(column), dtype)[np.asarray(rows, dtype=np.int64)])
