"""The registry store: atomic snapshots, a pointer that moves last, info without loading the records."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checkpoint.errors import ConfigError, InputDataError
from checkpoint.registry import derive, import_registry, open_registry, store_info
from checkpoint.registry.derive import blocking_index, fingerprint


def test_import_then_open_and_info(registry_csv: Path, tmp_path: Path, today: date) -> None:
    store = tmp_path / "store"
    report = import_registry(registry_csv, store, today=today)
    assert report.info.rows == 7 and report.info.rejected == 3
    assert report.rejects_path is not None and report.rejects_path.exists()
    assert report.info.source_name == "registry_small.csv"
    assert len(report.info.source_sha256) == 64
    info = store_info(store)
    assert info == report.info
    registry = open_registry(None, store, today=today)
    assert registry.size == 7
    assert registry.info.snapshot_id == report.info.snapshot_id
    assert registry.records([0])[0]["record_id"] == "SP2MI-0000001"


def test_a_crash_while_moving_the_pointer_keeps_the_previous_snapshot(
    registry_csv: Path, tmp_path: Path, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    first = import_registry(registry_csv, store, today=today)
    real_replace = os.replace

    def crash_on_pointer(src: str, dst: str) -> None:
        if str(dst).endswith("current.json"):
            raise KeyboardInterrupt  # the process dies at the worst moment
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_pointer)
    newer = tmp_path / "newer.csv"  # another export: the same one would not be stored again
    newer.write_text(registry_csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        import_registry(newer, store, today=today)
    monkeypatch.setattr(os, "replace", real_replace)
    assert store_info(store).snapshot_id == first.info.snapshot_id
    assert open_registry(None, store, today=today).size == 7
    assert not [p for p in store.rglob("*.tmp")], "no temporary files are left behind"


def test_no_store_is_a_configuration_error_saying_how_to_import(tmp_path: Path, today: date) -> None:
    with pytest.raises(ConfigError, match="checkpoint registry import"):
        open_registry(None, tmp_path / "empty", today=today)


def test_a_registry_file_is_prepared_on_the_fly(registry_csv: Path, tmp_path: Path, today: date) -> None:
    registry = open_registry(registry_csv, tmp_path / "unused", today=today)
    assert registry.size == 7
    assert registry.notes and "3 registry rows" in registry.notes[0]


def test_a_snapshot_file_is_used_as_it_is(registry_csv: Path, tmp_path: Path, today: date) -> None:
    report = import_registry(registry_csv, tmp_path / "store", today=today)
    registry = open_registry(report.snapshot_path, tmp_path / "unused", today=today)
    assert registry.info.snapshot_id == report.info.snapshot_id


def test_unusable_registry_files_are_configuration_errors(tmp_path: Path, today: date) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ConfigError):
        open_registry(broken, tmp_path, today=today)
    with pytest.raises(ConfigError, match="does not exist"):
        open_registry(tmp_path / "missing.csv", tmp_path, today=today)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks the required registry column"):
        open_registry(wrong, tmp_path, today=today)


def test_an_export_without_usable_rows_is_not_imported(tmp_path: Path, today: date) -> None:
    export = tmp_path / "bad.csv"
    export.write_text("record_id,full_name,sex,date_of_birth,destination_country\n,,,,\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="no usable registry rows"):
        import_registry(export, tmp_path / "store", today=today)


def test_a_snapshot_is_memory_mapped_with_its_stored_index(registry_csv: Path, tmp_path: Path, today: date) -> None:
    report = import_registry(registry_csv, tmp_path / "store", today=today)
    assert report.snapshot_path.suffix == ".arrow"
    assert report.snapshot_path.with_name(report.snapshot_path.stem + ".index.arrow").exists()
    registry = open_registry(None, tmp_path / "store", today=today)
    assert registry.stored_index is not None  # no index is rebuilt when screening
    assert registry.index.hashes.tolist() == blocking_index(registry.table).hashes.tolist()
    assert registry.records([3, 0])[1]["record_id"] == "SP2MI-0000001"


def test_a_snapshot_derived_by_other_code_is_rederived_with_a_note(
    registry_csv: Path, tmp_path: Path, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = import_registry(registry_csv, tmp_path / "store", today=today)
    fresh = open_registry(None, tmp_path / "store", today=today)
    monkeypatch.setattr("checkpoint.registry.files.fingerprint", lambda: "another-version")
    stale = open_registry(None, tmp_path / "store", today=today)
    assert stale.notes and "prepared by another version" in stale.notes[0]
    assert stale.stored_index is None  # stale keys are never used
    assert stale.table.to_pylist() == fresh.table.to_pylist()
    assert report.info.snapshot_id == stale.info.snapshot_id


def test_a_snapshot_from_before_the_arrow_store_asks_for_a_new_import(tmp_path: Path, today: date) -> None:
    old = tmp_path / "20260101T000000Z-abcdef12.parquet"
    table = pa.table({"record_id": ["A"]}).replace_schema_metadata({b"checkpoint.snapshot": b"{}"})
    pq.write_table(table, old)
    with pytest.raises(ConfigError, match="older version of checkpoint; import the export again"):
        open_registry(old, tmp_path, today=today)


def test_old_snapshots_are_pruned_with_their_index_and_rejects(registry_csv: Path, tmp_path: Path, today: date) -> None:
    store = tmp_path / "store"
    snapshots = store / "snapshots"
    snapshots.mkdir(parents=True)
    for stamp in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        for suffix in (".arrow", ".index.arrow", ".rejects.csv", ".checksums.json"):
            (snapshots / f"{stamp}-00000000{suffix}").write_bytes(b"old")
    report = import_registry(registry_csv, store, today=today)
    left = sorted(path.name for path in snapshots.iterdir())
    assert not [name for name in left if name.startswith("20200101")]  # the oldest went, all four files
    assert len([name for name in left if name.endswith(".index.arrow")]) == 3
    assert f"{report.info.snapshot_id}.arrow" in left


def test_the_fingerprint_follows_what_derivation_does(monkeypatch: pytest.MonkeyPatch) -> None:
    before = derive._fingerprint()
    assert derive._fingerprint() == before  # deterministic: a stored snapshot stays valid across processes
    real = derive.phonetic_key
    monkeypatch.setattr(derive, "phonetic_key", lambda token: real(token).replace("Y", "J"))
    assert derive._fingerprint() != before  # a changed phonetic key makes every stored snapshot stale


def test_the_fingerprint_is_worked_out_once_per_installed_code(
    monkeypatch: pytest.MonkeyPatch, checkpoint_home: Path, tmp_path: Path
) -> None:
    fingerprint.cache_clear()
    value = fingerprint()
    assert value == derive._fingerprint()
    [cached] = (checkpoint_home / "cache" / "derived").glob("fingerprint-*.txt")
    compute = derive._fingerprint

    def refuse() -> str:
        raise AssertionError("worked out again despite the cache")

    monkeypatch.setattr(derive, "_fingerprint", refuse)
    fingerprint.cache_clear()
    assert fingerprint() == value  # read back
    cached.write_text("not a digest", encoding="ascii")
    monkeypatch.setattr(derive, "_fingerprint", compute)
    fingerprint.cache_clear()
    assert fingerprint() == value and cached.read_text(encoding="ascii") == value  # a damaged entry is redone
    # Another version of the code (a table's size or time changed) is another entry.
    package = tmp_path / "checkpoint"
    shutil.copytree(Path(derive.__file__).resolve().parents[1], package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(derive, "__file__", str(package / "registry" / "derive.py"))
    first = derive._fingerprint_cache()
    table = package / "names" / "tables" / "titles.csv"
    table.write_text(table.read_text(encoding="utf-8") + "PROF\n", encoding="utf-8")
    assert derive._fingerprint_cache() != first
    fingerprint.cache_clear()


def test_a_store_from_before_the_arrow_snapshots_says_to_import_again(tmp_path: Path, today: date) -> None:
    store = tmp_path / "store"
    (store / "snapshots").mkdir(parents=True)
    old = store / "snapshots" / "20260101T000000Z-abcdef12.parquet"
    pq.write_table(pa.table({"record_id": ["A"]}).replace_schema_metadata({b"checkpoint.snapshot": b"{}"}), old)
    (store / "current.json").write_text('{"snapshot_id": "x", "file": "20260101T000000Z-abcdef12.parquet"}')
    for action in (lambda: store_info(store), lambda: open_registry(None, store, today=today)):
        with pytest.raises(ConfigError, match="older version of checkpoint; import the export again"):
            action()


def test_the_cache_keeps_only_the_newest_prepared_exports(
    registry_csv: Path, tmp_path: Path, checkpoint_home: Path
) -> None:
    """An export given with --registry and screened every day is prepared every day (the date is in its key):
    the cache keeps the last two, not one snapshot-sized file per day."""
    cache = checkpoint_home / "cache" / "registry"
    days = [date(2026, 11, day) for day in (25, 26, 27, 28)]
    for day in days:
        assert open_registry(registry_csv, tmp_path / "no-store", today=day).size == 7
    records = [path for path in cache.glob("*.arrow") if path.name.count(".") == 1]
    assert len(records) == 2
    keys = {path.name.split(".")[0] for path in cache.iterdir() if not path.name.startswith(".")}
    assert keys == {path.name.split(".")[0] for path in records}  # no index or checksums left without records
    assert open_registry(registry_csv, tmp_path / "no-store", today=days[-1]).size == 7  # the newest still serves
