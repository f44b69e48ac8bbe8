"""The registry store: atomic snapshots, a pointer that moves last, info without loading the records."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from checkpoint.errors import ConfigError, InputDataError
from checkpoint.registry import import_registry, open_registry, store_info


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
    assert registry.table.num_rows == 7
    assert registry.info.snapshot_id == report.info.snapshot_id
    assert registry.record(0)["record_id"] == "SP2MI-0000001"


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
    with pytest.raises(KeyboardInterrupt):
        import_registry(registry_csv, store, today=today)
    monkeypatch.setattr(os, "replace", real_replace)
    assert store_info(store).snapshot_id == first.info.snapshot_id
    assert open_registry(None, store, today=today).table.num_rows == 7
    assert not [p for p in store.rglob("*.tmp")], "no temporary files are left behind"


def test_no_store_is_a_configuration_error_saying_how_to_import(tmp_path: Path, today: date) -> None:
    with pytest.raises(ConfigError, match="checkpoint registry import"):
        open_registry(None, tmp_path / "empty", today=today)


def test_a_registry_file_is_prepared_on_the_fly(registry_csv: Path, tmp_path: Path, today: date) -> None:
    registry = open_registry(registry_csv, tmp_path / "unused", today=today)
    assert registry.table.num_rows == 7
    assert registry.notes and "3 registry row(s)" in registry.notes[0]


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
