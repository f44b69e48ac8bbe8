"""A synthetic registry of any size, and a day's changes to a registry (`checkpoint synth --records N --changes N`).

`generate_registry` makes a registry whole in memory; beyond `PART_RECORDS` records the registry is made a part
at a time: part 0 is the registry the sample's manifests are drawn from (so their labelled truth holds), each
further part another `generate_registry` with its own seed, its record ids numbered on. The Parquet and CSV
files are written part by part. Two parts may give the same NIK or passport number by chance (as two people
in a real registry never should): a load test does not mind, a matching test uses one part.

A change file (SPEC §4.1, `registry import --changes`) holds, for a registry: upserts of records whose status
moves on (registered → departed…), with a departure date, a port or a passport that were missing; new records;
and deletes (a registration withdrawn), by `record_id` alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from checkpoint.durable import write_atomically
from checkpoint.synth.registry import REGISTRY_COLUMNS, generate_registry

#: Records made at once; a larger registry is made in parts of this size.
PART_RECORDS = 1_000_000
#: A day's changes: shares of updated records, new records and deletions.
_UPDATED, _NEW = 0.6, 0.3
CHANGES_FILE = "changes.csv"
_SHARED = 0o666  # synthetic data, meant to be shared (`dataset.py`)
_NEXT_STATUS = {"REGISTERED": "VERIFIED", "VERIFIED": "READY", "READY": "DEPARTED"}


def _renumbered(frame: pd.DataFrame, first: int) -> pd.DataFrame:
    """The part's records with ids numbered on from `first` (1-based)."""
    numbers = np.arange(first, first + len(frame)).astype(str)
    frame["record_id"] = np.strings.add("SP2MI-", np.strings.zfill(numbers, 7))
    return frame


def registry_parts(records: int, seed: int, today: date, part: int = PART_RECORDS) -> Iterator[pd.DataFrame]:
    """A registry of `records` records, `part` at a time (part 0 is `generate_registry(part, seed, today)`)."""
    done = 0
    number = 0
    while done < records:
        size = min(part, records - done)
        frame = generate_registry(size, seed if number == 0 else seed + 7919 * number, today)
        yield _renumbered(frame, done + 1) if number else frame
        done += size
        number += 1


def write_registry(out: Path, records: int, seed: int, today: date, part: int = PART_RECORDS) -> None:
    """Write `registry.parquet` and `registry.csv` of `records` records into `out`, a part at a time."""

    def parquet(handle: BinaryIO) -> None:
        writer: pq.ParquetWriter | None = None
        for frame in registry_parts(records, seed, today, part):
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(handle, table.schema, compression="zstd")
            writer.write_table(table)
        if writer is not None:
            writer.close()

    def text(handle: BinaryIO) -> None:
        for number, frame in enumerate(registry_parts(records, seed, today, part)):
            frame.to_csv(handle, index=False, header=number == 0, encoding="utf-8", lineterminator="\n")

    write_atomically(out / "registry.parquet", parquet, mode=_SHARED)
    write_atomically(out / "registry.csv", text, mode=_SHARED)


def generate_changes(registry: pd.DataFrame, count: int, seed: int, today: date) -> pd.DataFrame:
    """A day's `count` changes to `registry` (its SPEC columns): an `op` column, then the registry's."""
    rng = np.random.default_rng([seed, 31])
    updated = min(round(count * _UPDATED), len(registry))
    new = round(count * _NEW)
    deleted = max(0, min(count - updated - new, len(registry) - updated))
    chosen = rng.choice(len(registry), size=updated + deleted, replace=False)
    changed = registry.iloc[chosen[:updated]].copy()
    status = changed["status"].astype(object)
    changed["status"] = [_NEXT_STATUS.get(value, value) for value in status]
    departing = changed["planned_departure"].isna()
    days = rng.integers(3, 60, int(departing.sum()))
    changed.loc[departing, "planned_departure"] = [
        (pd.Timestamp(today) + pd.Timedelta(days=int(day))).date().isoformat() for day in days
    ]
    highest = int(registry["record_id"].str.removeprefix("SP2MI-").astype(int).max())
    added = _renumbered(generate_registry(max(new, 1), seed + 104729, today).head(new), highest + 1)
    removed = pd.DataFrame({"record_id": registry["record_id"].iloc[chosen[updated:]].to_numpy()})
    parts = [changed.assign(op="upsert"), added.assign(op="upsert"), removed.assign(op="delete")]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return frame[["op", *REGISTRY_COLUMNS]]


def write_changes(out: Path, count: int, seed: int, today: date) -> Path:
    """Write `changes.csv`, a day's `count` changes to the registry in `out` (`registry.parquet`)."""
    registry = pd.read_parquet(out / "registry.parquet")
    changes = generate_changes(registry, count, seed, today)
    path = out / CHANGES_FILE
    write_atomically(
        path, lambda handle: changes.to_csv(handle, index=False, encoding="utf-8", lineterminator="\n"), mode=_SHARED
    )
    return path
