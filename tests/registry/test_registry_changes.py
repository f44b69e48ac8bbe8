"""A day's changes (`registry import --changes`): the snapshot they make is the one a full import of the same
records makes; rows that cannot be applied are set aside with a reason; the shrink guard; the CLI's summary."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from checkpoint.registry import import_registry, open_registry
from checkpoint.registry.store import import_changes
from checkpoint.registry.stream import prepare_export

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "registry.csv"


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, headers: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def sample_store(tmp_path: Path, today: date) -> tuple[Path, list[str], list[dict[str, str]]]:
    headers, rows = _rows(SAMPLE)
    export = _write(tmp_path / "registry.csv", headers, rows[:3000])
    store = tmp_path / "store"
    import_registry(export, store, today=today)
    return store, headers, rows[:3000]


def test_changes_make_the_snapshot_a_full_import_of_the_same_records_makes(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    _, more = _rows(SAMPLE)
    renamed = dict(rows[10], full_name="SITI NURHAYATI BINTI KARSO", op="upsert")
    moved = dict(rows[20], destination_country="SAU", op="upsert")
    new = [dict(record, op="upsert") for record in more[5000:5003]]
    deletes = [{"record_id": rows[index]["record_id"], "op": "delete"} for index in (1, 2, 500)]
    changes = _write(tmp_path / "changes.csv", ["op", *headers], [renamed, moved, *new, *deletes])

    report = import_changes(changes, store, today=today)

    assert report.counts is not None
    assert (report.counts.upserted, report.counts.new, report.counts.deleted, report.counts.rejected) == (2, 3, 3, 0)
    gone = {rows[index]["record_id"] for index in (1, 2, 500, 10, 20)}
    expected_rows = [row for row in rows if row["record_id"] not in gone]
    expected_rows += [{key: value for key, value in row.items() if key != "op"} for row in (renamed, moved, *new)]
    expected = prepare_export(_write(tmp_path / "expected.csv", headers, expected_rows), today=today)
    changed = open_registry(None, store, today=today)
    assert changed.size == len(expected_rows) == 3000 - 3 + 3
    for name in expected.table.schema.names:
        assert changed.table.column(name).combine_chunks().equals(expected.table.column(name).combine_chunks()), name
    assert changed.index.hashes.tolist() == expected.index.hashes.tolist()
    assert changed.index.rows.tolist() == expected.index.rows.tolist()


def test_changes_that_cannot_be_applied_are_set_aside_with_a_reason(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    changes = _write(
        tmp_path / "changes.csv",
        ["op", *headers],
        [
            dict(rows[0], op="replace"),
            {"record_id": "SP2MI-9999999", "op": "delete"},
            dict(rows[3], op="upsert"),
            {"record_id": rows[3]["record_id"], "op": "delete"},
            dict(rows[4], op="upsert", full_name=""),
            {"record_id": "", "op": "delete"},
            {"record_id": rows[5]["record_id"], "op": "DELETE"},
        ],
    )
    report = import_changes(changes, store, today=today)
    assert report.counts is not None
    assert (report.counts.upserted, report.counts.new, report.counts.deleted, report.counts.rejected) == (0, 0, 1, 6)
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8") as handle:
        reasons = [(row["source_row"], row["reason"]) for row in csv.DictReader(handle)]
    assert reasons == [
        ("2", "op is missing or not upsert/delete"),
        ("3", "record_id is not in the current snapshot"),
        ("4", "record_id has more than one change in the file"),
        ("5", "record_id has more than one change in the file"),
        ("6", "full_name is missing"),
        ("7", "record_id is missing"),
    ]
    assert open_registry(None, store, today=today).size == 2999


def test_changes_need_a_store_imported_first(tmp_path: Path, today: date) -> None:
    from checkpoint.errors import ConfigError

    changes = _write(tmp_path / "changes.csv", ["op", "record_id"], [{"op": "delete", "record_id": "SP2MI-1"}])
    with pytest.raises(ConfigError, match="checkpoint registry import"):
        import_changes(changes, tmp_path / "nothing", today=today)


def test_a_snapshot_made_current_meanwhile_is_not_changed_blindly(
    sample_store: tuple[Path, list[str], list[dict[str, str]]],
    tmp_path: Path,
    today: date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from checkpoint.errors import ConfigError
    from checkpoint.registry import changes as changes_module

    store, headers, rows = sample_store
    other = _write(tmp_path / "other.csv", headers, rows[:2900])
    real_apply = changes_module.apply_changes

    def a_full_import_lands_meanwhile(*arguments: object, **options: object) -> object:
        applied = real_apply(*arguments, **options)  # type: ignore[arg-type]
        import_registry(other, store, today=today, allow_shrink=True)
        return applied

    monkeypatch.setattr(changes_module, "apply_changes", a_full_import_lands_meanwhile)
    changes = _write(
        tmp_path / "changes.csv", ["op", "record_id"], [{"op": "delete", "record_id": rows[0]["record_id"]}]
    )
    with pytest.raises(ConfigError, match="while the changes were applied"):
        import_changes(changes, store, today=today)
    assert open_registry(None, store, today=today).size == 2900
