"""One registry snapshot as screening reads it: its records, their prepared fields and its blocking lookups.

Other layers ask a `Registry` for what they need, column by column and only for the rows they need (a
memory-mapped snapshot reads just the pages touched); the columns behind the answers, the derived `_`
columns included, stay inside `checkpoint.registry`:

- `size`: how many records (live ones: see `Registry` for layered snapshots);
- `look_up(keys, name_block_cap)`: the rows filed under blocking keys (`keys.py` defines the keys; name-token
  blocks larger than the cap are skipped, and a key that names a document says so);
- `records(rows)`: the SPEC §4.1 records; `values(field, rows)`: one SPEC §4.1 field, column-wise;
- `record(record_id)`: one record by its id, for an officer who looks it up by hand: a scan of the id column,
  which screening never needs, so nothing is built or stored for it (`benchmarks/registry/results-lookup.md`);
- the fields prepared once per snapshot: `birth_numbers`, `name_signatures`, `phonetic_names`,
  `token_counts`, `names` (the normalised names); and `key_counts`, the records carrying a name key.
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
from checkpoint.registry.gather import lists_at, numbers_at, rows_at, rows_holding, values_at
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.keys import DOCUMENT_KINDS, NAME_KINDS, key_hashes
from checkpoint.registry.vocabulary import KeyCounts

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

    @classmethod
    def made_now(
        cls, source_name: str, sha256: str, rows: int, rejected: int, exported_at: str | None, exported_from: str | None
    ) -> SnapshotInfo:
        """The info of a snapshot made now from a file with this checksum: its id is the time, to the second,
        and the checksum's first eight digits."""
        created = datetime.now(UTC).replace(microsecond=0)
        return cls(
            snapshot_id=f"{created:%Y%m%dT%H%M%SZ}-{sha256[:8]}",
            source_name=source_name,
            source_sha256=sha256,
            rows=rows,
            rejected=rejected,
            created=created.isoformat(),
            exported_at=exported_at,
            exported_from=exported_from,
        )

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
class Layer:
    """What a layered snapshot (`registry import --changes`) adds to its base, the last full import: the base's
    records are the first `base_rows` of the table, the changed and new records (the delta) the rest."""

    base_id: str
    base_rows: int
    index: BlockingIndex  # the delta's own index, its rows numbered from 0
    dead: np.ndarray  # uint32, ascending: the base rows no longer live (replaced or deleted)


@dataclass(frozen=True)
class Registry:
    """The records screening runs against: one columnar table, normalised once (the module docstring lists
    what other layers may ask of it; `table`, `index` and `layer` are for `checkpoint.registry` itself).

    A layered snapshot's table is its base's records then its delta's (two chunks, both mapped, nothing
    copied), some base rows no longer live. Other layers see only the live records, numbered 0..size-1 in
    table order: the rows a full import of the same records in that order would give them."""

    table: pa.Table
    info: SnapshotInfo
    notes: tuple[str, ...] = ()
    stored_index: BlockingIndex | None = None  # the index stored with the snapshot (a layered one's: its base's)
    stored_keys: KeyCounts | None = None  # the vocabulary stored with the snapshot, if any
    layer: Layer | None = None

    @cached_property
    def index(self) -> BlockingIndex:
        """The blocking index: the stored one, or built now (an export prepared in memory)."""
        return self.stored_index if self.stored_index is not None else blocking_index(self.table)

    @cached_property
    def keys(self) -> KeyCounts:
        """The name-key vocabulary and counts: the stored ones, or counted now."""
        return self.stored_keys if self.stored_keys is not None else KeyCounts.of(self.table)

    @cached_property
    def live(self) -> np.ndarray:
        """Which rows of the table are live records (bool; all of them but a layered snapshot's dead base rows)."""
        mask = np.ones(self.table.num_rows, dtype=bool)
        if self.layer is not None:
            mask[self.layer.dead] = False
        return mask

    def is_live(self, table_rows: np.ndarray) -> np.ndarray:
        """Whether these table rows are live records (a search in the few dead rows: no mask of the table)."""
        dead = self._dead
        if not len(dead):
            return np.ones(len(table_rows), dtype=bool)
        at = np.minimum(np.searchsorted(dead, table_rows), len(dead) - 1)
        return np.asarray(dead[at] != table_rows)

    @cached_property
    def _dead(self) -> np.ndarray:
        return self.layer.dead.astype(np.int64) if self.layer is not None else np.zeros(0, dtype=np.int64)

    @cached_property
    def _dead_before(self) -> np.ndarray:
        """For the n-th dead row, the live records before it (ascending: where each gap in the numbering is)."""
        return self._dead - np.arange(len(self._dead))

    def table_rows(self, rows: Rows) -> np.ndarray:
        """The table rows (int64) of these live records: each record's number plus the dead rows before it."""
        wanted = np.asarray(rows, dtype=np.int64)
        if len(wanted) and (wanted.min() < 0 or wanted.max() >= self.size):
            raise IndexError("row out of range")
        if not len(self._dead):
            return wanted
        return wanted + np.searchsorted(self._dead_before, wanted, side="right")

    def record_rows(self, table_rows: np.ndarray) -> np.ndarray:
        """The live record numbers of these (live) table rows: each row less the dead rows before it."""
        found = np.asarray(table_rows, dtype=np.int64)
        return found if not len(self._dead) else found - np.searchsorted(self._dead, found)

    @property
    def size(self) -> int:
        """How many records the snapshot holds."""
        dead = len(self.layer.dead) if self.layer is not None else 0
        return int(self.table.num_rows) - dead

    def look_up(self, keys: Sequence[str], name_block_cap: int) -> KeyHits:
        """Every row filed under each key (`keys.py`), by binary search in the sorted index (a layered snapshot:
        in its base's and its delta's, the rows no longer live left out). A name-token key filed under more than
        `name_block_cap` live rows is too common to be worth comparing: it finds none."""
        if not keys or self.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            return KeyHits(empty, empty, np.zeros(0, dtype=bool))
        kinds = np.array([key[0] for key in keys])
        caps = np.where(np.isin(kinds, list(NAME_KINDS)), name_block_cap, np.iinfo(np.int64).max)
        if self.layer is None:
            found, rows = self.index.lookup(key_hashes(keys), caps)
        else:
            found, rows = self._layered_lookup(key_hashes(keys), caps, self.layer)
        return KeyHits(found, rows, np.isin(kinds, list(DOCUMENT_KINDS))[found])

    def _layered_lookup(self, hashes: np.ndarray, caps: np.ndarray, layer: Layer) -> tuple[np.ndarray, np.ndarray]:
        """`BlockingIndex.lookup` over base and delta: a block is read when its live rows may be within its cap
        (every dead row could be in it), then its live rows are counted against the cap exactly."""
        base_low, base_high = self.index.ranges(hashes)
        delta_low, delta_high = layer.index.ranges(hashes)
        base_sizes, delta_sizes = base_high - base_low, delta_high - delta_low
        readable = base_sizes + delta_sizes - np.minimum(base_sizes, len(layer.dead)) <= caps
        base_sizes[~readable], delta_sizes[~readable] = 0, 0
        base_found, base_rows = self.index.gather(base_low, base_sizes)
        delta_found, delta_rows = layer.index.gather(delta_low, delta_sizes)
        live = self.is_live(base_rows)
        found = np.concatenate((base_found[live], delta_found))
        rows = np.concatenate((base_rows[live], delta_rows + layer.base_rows))
        order = np.argsort(found, kind="stable")  # by key, then base rows before delta rows, each ascending
        found, rows = found[order], rows[order]
        within = (np.bincount(found, minlength=len(hashes)) <= caps)[found]
        return found[within], self.record_rows(rows[within])

    def records(self, rows: Rows) -> list[dict[str, Any]]:
        """The SPEC §4.1 records (no derived columns) of these rows, in the order given."""
        if not len(rows):
            return []
        records: list[dict[str, Any]] = rows_at(self.table.select(list(RECORD_COLUMNS)), self.table_rows(rows))
        return records

    def record(self, record_id: str) -> dict[str, Any] | None:
        """The SPEC §4.1 record with this id (as stored, else upper-cased: ids are codes that officers may type
        in lower case), or None when the snapshot holds none."""
        column = self.table.column("record_id")
        for wanted in dict.fromkeys((record_id, record_id.upper())):
            rows = rows_holding(column, wanted)
            rows = rows[self.is_live(rows)]  # a replaced record's old row is still in a layered snapshot's base
            if len(rows):  # ids are unique among live records (`prepare.py` sets repeats aside)
                return self.records(self.record_rows(rows[:1]))[0]
        return None

    def values(self, field: str, rows: Rows | None = None) -> list[Any]:
        """One SPEC §4.1 field of these rows (every row when none are given), in the order given."""
        if field not in RECORD_COLUMNS:
            raise KeyError(f"{field} is not a registry field (SPEC §4.1)")
        return values_at(self.table.column(field), self.table_rows(np.arange(self.size) if rows is None else rows))

    def birth_numbers(self, rows: Rows) -> np.ndarray:
        """The dates of birth of these rows as YYYYMMDD numbers (int64)."""
        return self._numbers("_dob_number", rows, np.int32).astype(np.int64)

    def name_signatures(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """The 128-bit letter-pair signatures of these rows' names (`keys.name_signature`): low and high halves."""
        return self._numbers("_signature_low", rows, np.uint64), self._numbers("_signature_high", rows, np.uint64)

    def phonetic_names(self, rows: Rows) -> list[str]:
        """These rows' names as phonetic keys joined by spaces ("" for none)."""
        return [name or "" for name in values_at(self.table.column("_name_keys"), self.table_rows(rows))]

    def token_counts(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """How many records carry each name token of these rows (any spelling): the counts one row after
        another, and offsets from 0 with one more entry than rows (Arrow's list layout)."""
        ids, offsets = lists_at(self.table.column("_key_ids"), self.table_rows(rows), np.int32)
        return self.keys.counts[ids], offsets

    def key_counts(self, keys: Sequence[str]) -> np.ndarray:
        """How many records carry each of these phonetic name keys (0: none does), for a name that is not a
        record's: a traveller's, whose rarity screening weighs beside the record's."""
        return self.keys.of_keys(keys)

    def names(self, rows: Rows) -> list[NormalisedName]:
        """These rows' normalised names (`names.normalise_name` of the registry's full names, stored)."""
        at = self.table_rows(rows)
        tokens = values_at(self.table.column("_name_tokens"), at)
        fathers = values_at(self.table.column("_father_tokens"), at)
        return [
            NormalisedName(tuple(given.split()), tuple((father or "").split()))
            for given, father in zip(tokens, fathers, strict=True)
        ]

    def _numbers(self, column: str, rows: Rows, dtype: type[np.generic]) -> np.ndarray:
        """A fixed-width derived column at these rows (the mapped columns, gathered by numpy)."""
        return numbers_at(self.table.column(column), self.table_rows(rows), dtype)
