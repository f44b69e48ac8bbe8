"""A registry of any size made a part at a time, and a day's changes to a registry (`synth/scale.py`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from checkpoint.synth.registry import REGISTRY_COLUMNS, generate_registry
from checkpoint.synth.scale import generate_changes, registry_parts, write_registry

TODAY = date(2026, 11, 28)


def test_a_registry_in_parts_starts_with_the_whole_registry_of_one_part_and_numbers_on() -> None:
    parts = list(registry_parts(2500, 7, TODAY, part=1000))
    assert [len(part) for part in parts] == [1000, 1000, 500]
    pd.testing.assert_frame_equal(parts[0], generate_registry(1000, 7, TODAY))
    ids = pd.concat(parts)["record_id"]
    assert ids.is_unique and ids.iloc[-1] == "SP2MI-0002500"
    assert parts[1]["full_name"].tolist() != parts[0]["full_name"].tolist()


def test_the_registry_files_hold_every_part(tmp_path: Path) -> None:
    write_registry(tmp_path, 2500, 7, TODAY, part=1000)
    assert len(pd.read_parquet(tmp_path / "registry.parquet")) == 2500
    assert len(pd.read_csv(tmp_path / "registry.csv", dtype=str)) == 2500


def test_a_days_changes_update_add_and_delete() -> None:
    registry = generate_registry(2000, 7, TODAY)
    changes = generate_changes(registry, 200, 7, TODAY)
    assert list(changes.columns) == ["op", *REGISTRY_COLUMNS]
    assert changes["record_id"].is_unique
    known = set(registry["record_id"])
    upserts = changes[changes["op"] == "upsert"]
    assert sum(record_id in known for record_id in upserts["record_id"]) == 120
    assert sum(record_id not in known for record_id in upserts["record_id"]) == 60
    deletes = changes[changes["op"] == "delete"]
    assert len(deletes) == 20 and set(deletes["record_id"]) <= known
    assert deletes.drop(columns=["op", "record_id"]).isna().all().all()
