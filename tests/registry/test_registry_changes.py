"""A day's changes (`registry import --changes`): the layered snapshot they make answers screening as a full import
of the same records does (the same live records in the same order, the same rows under each key, the same counts,
the same screening results), over a chain of change files, after `registry use` of an older snapshot, and once
compacted; rows that cannot be applied are set aside with a reason; the shrink guard."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from checkpoint import pipeline
from checkpoint.engine import default_pack_path, load_pack
from checkpoint.manifests import read_manifest
from checkpoint.registry import Registry, import_registry, list_snapshots, open_registry, use_snapshot
from checkpoint.registry.keys import traveller_keys
from checkpoint.registry.store import import_changes

DATA = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLE = DATA / "registry.csv"
FLIGHT = DATA / "flight_cgk_kul.csv"


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


def assert_screened_alike(changed: Registry, expected: Registry, today: date) -> None:
    """What screening can see of `changed` is what it sees of `expected`: every live record in the same order,
    every prepared field, the rows under every key a record or a traveller of the sample flight gives (with a cap
    that skips blocks and without), the token counts, and the screening of the sample flight."""
    assert changed.size == expected.size
    rows = np.arange(expected.size)
    records = expected.records(rows)
    assert changed.records(rows) == records
    assert changed.names(rows) == expected.names(rows)
    assert changed.phonetic_names(rows) == expected.phonetic_names(rows)
    assert changed.birth_numbers(rows).tolist() == expected.birth_numbers(rows).tolist()
    for mine, theirs in zip(changed.name_signatures(rows), expected.name_signatures(rows), strict=True):
        assert mine.tolist() == theirs.tolist()
    for mine, theirs in zip(changed.token_counts(rows), expected.token_counts(rows), strict=True):
        assert mine.tolist() == theirs.tolist()
    # a name key's count as a traveller's name is weighed by: the same, and 0 for a key no record carries
    name_keys = [*sorted({key for name in expected.phonetic_names(rows) for key in name.split()}), "QQQXQ"]
    assert changed.key_counts(name_keys).tolist() == expected.key_counts(name_keys).tolist()
    assert expected.key_counts(name_keys)[-1] == 0 and expected.key_counts(name_keys)[:-1].min() > 0
    travellers = read_manifest(FLIGHT, today=today).travellers
    people = [(r["passport_number"], r["nik"], r["date_of_birth"], r["full_name"]) for r in records]
    people += [(t.passport_number, t.nik, t.date_of_birth, t.full_name) for t in travellers]
    keys = sorted({key for person in people for key in traveller_keys(*person)})
    ids = expected.values("record_id")
    for cap in (3, 1_000_000):
        mine, theirs = changed.look_up(keys, cap), expected.look_up(keys, cap)
        assert len(theirs.rows) and mine.keys.tolist() == theirs.keys.tolist()
        assert [ids[row] for row in mine.rows.tolist()] == [ids[row] for row in theirs.rows.tolist()]
        assert mine.documented.tolist() == theirs.documented.tolist()
    for record_id in (ids[0], ids[-1]):
        assert changed.record(record_id) == expected.record(record_id)
    pack = load_pack(default_pack_path())
    alike = pipeline.screen_travellers(travellers, changed, pack, today=today)
    assert alike == pipeline.screen_travellers(travellers, expected, pack, today=today)
    assert any(result.outcome.match for result in alike)


def _full_import(tmp_path: Path, name: str, headers: list[str], rows: list[dict[str, str]], today: date) -> Registry:
    store = tmp_path / name
    import_registry(_write(tmp_path / f"{name}.csv", headers, rows), store, today=today)
    return open_registry(None, store, today=today)


def _applied(rows: list[dict[str, str]], changes: list[dict[str, str]]) -> list[dict[str, str]]:
    """The records after a change file: upserted ones moved to the end (as `changes.py` places them)."""
    touched = {change["record_id"] for change in changes}
    kept = [row for row in rows if row["record_id"] not in touched]
    return kept + [{k: v for k, v in change.items() if k != "op"} for change in changes if change["op"] == "upsert"]


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
    expected_rows = _applied(rows, [renamed, moved, *new, *deletes])
    changed = open_registry(None, store, today=today)
    assert changed.layer is not None and len(changed.layer.dead) == 5  # layered: the base's rows are not copied
    assert changed.size == report.info.rows == len(expected_rows) == 3000 - 3 + 3
    assert_screened_alike(changed, _full_import(tmp_path, "full", headers, expected_rows, today), today)


def test_a_chain_of_change_files_stays_layered_on_the_last_full_import(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    _, more = _rows(SAMPLE)
    base = open_registry(None, store, today=today).info.snapshot_id
    gone = [{"record_id": record["record_id"], "op": "delete"} for record in (more[4000], more[4002])]
    days = [
        # a day of updates, new records and deletes
        [dict(rows[4], full_name="NURHAYATI BINTI SLAMET", op="upsert"), dict(more[4000], op="upsert")]
        + [{"record_id": rows[index]["record_id"], "op": "delete"} for index in (7, 8)],
        # a record added by the first day updated, another base record deleted
        [dict(more[4000], destination_country="HKG", op="upsert"), {"record_id": rows[9]["record_id"], "op": "delete"}]
        + [dict(record, op="upsert") for record in more[4001:4004]],
        # records added and updated by earlier days deleted; a record deleted earlier comes back
        [*gone, dict(rows[4], op="upsert"), dict(rows[7], op="upsert")],
    ]
    expected_rows = rows
    for number, day in enumerate(days):
        report = import_changes(_write(tmp_path / f"changes_{number}.csv", ["op", *headers], day), store, today=today)
        assert report.counts is not None and report.counts.rejected == 0
        expected_rows = _applied(expected_rows, day)
        changed = open_registry(None, store, today=today)
        assert changed.layer is not None and changed.layer.base_id == base
        assert_screened_alike(changed, _full_import(tmp_path, f"full_{number}", headers, expected_rows, today), today)
    assert changed.size == 3000 - 3 + 3 - 2 + 2  # the last day's deletes: both records added by changes
    assert not changed.record(more[4000]["record_id"])


def test_changes_after_registry_use_of_an_older_snapshot_are_layered_on_it(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    first = [dict(rows[0], full_name="SITI AMINAH BINTI KARSO", op="upsert")]
    older = import_changes(_write(tmp_path / "first.csv", ["op", *headers], first), store, today=today).info
    second = [{"record_id": rows[1]["record_id"], "op": "delete"}]
    import_changes(_write(tmp_path / "second.csv", ["op", *headers], second), store, today=today)
    use_snapshot(store, older.snapshot_id)
    third = [{"record_id": rows[2]["record_id"], "op": "delete"}, dict(rows[3], sex="F", op="upsert")]
    report = import_changes(_write(tmp_path / "third.csv", ["op", *headers], third), store, today=today)
    assert report.counts is not None and (report.counts.deleted, report.counts.upserted) == (1, 1)
    expected = _full_import(tmp_path, "full", headers, _applied(_applied(rows, first), third), today)
    assert_screened_alike(open_registry(None, store, today=today), expected, today)


def test_a_delta_past_its_share_of_the_base_is_compacted_into_a_plain_snapshot(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    day = [dict(row, destination_country="SAU", op="upsert") for row in rows[100:130]]
    day += [{"record_id": rows[5]["record_id"], "op": "delete"}]
    report = import_changes(
        _write(tmp_path / "day.csv", ["op", *headers], day), store, today=today, compact_share=0.005
    )
    changed = open_registry(None, store, today=today)
    assert changed.layer is None and changed.size == report.info.rows == 2999
    assert not report.snapshot_path.with_name(f"{report.info.snapshot_id}.dead.arrow").exists()
    assert_screened_alike(changed, _full_import(tmp_path, "full", headers, _applied(rows, day), today), today)
    more = [{"record_id": rows[6]["record_id"], "op": "delete"}]
    import_changes(_write(tmp_path / "more.csv", ["op", *headers], more), store, today=today)
    layered = open_registry(None, store, today=today)
    assert layered.layer is not None and layered.layer.base_id == report.info.snapshot_id
    expected = _full_import(tmp_path, "full_more", headers, _applied(_applied(rows, day), more), today)
    assert_screened_alike(layered, expected, today)


def test_pruning_keeps_the_base_of_every_snapshot_kept(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    base = open_registry(None, store, today=today).info.snapshot_id
    for number in range(4):  # more snapshots than are kept
        day = [{"record_id": rows[number]["record_id"], "op": "delete"}]
        import_changes(_write(tmp_path / f"day_{number}.csv", ["op", *headers], day), store, today=today)
    kept = {
        path.name.split(".")[0] for path in (store / "snapshots").iterdir() if path.name.endswith(".checksums.json")
    }
    # The three newest (ids sort by the second they were made in, then by the change file's checksum) and their base.
    assert base in kept and len(kept) in (3, 4)
    assert open_registry(None, store, today=today).size == 2996
    (store / "snapshots" / f"{base}.arrow").unlink()
    from checkpoint.errors import ConfigError

    with pytest.raises(ConfigError, match=f"on top of snapshot {base}, which is no longer in the folder"):
        open_registry(None, store, today=today)
    listed = [kept.checked for kept in list_snapshots(store) if kept.current]
    assert [checked.integrity.usable for checked in listed] == [False]
    assert f"on top of snapshot {base}" in listed[0].sentence


def test_a_layered_snapshot_opens_by_its_path_as_a_spark_worker_opens_it(
    sample_store: tuple[Path, list[str], list[dict[str, str]]], tmp_path: Path, today: date
) -> None:
    store, headers, rows = sample_store
    day = [dict(rows[3], sex="F", op="upsert"), {"record_id": rows[4]["record_id"], "op": "delete"}]
    report = import_changes(_write(tmp_path / "day.csv", ["op", *headers], day), store, today=today)
    written = sorted(report.snapshot_path.parent.glob(f"{report.info.snapshot_id}.*"))
    assert [path.name.split(".", 1)[1] for path in written] == [
        "arrow", "checksums.json", "dead.arrow", "index.arrow", "keys.arrow"
    ]  # fmt: skip
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o600}
    by_path = open_registry(report.snapshot_path, tmp_path / "no-store", today=today)
    assert by_path.layer is not None
    assert_screened_alike(by_path, open_registry(None, store, today=today), today)


def test_a_layered_snapshot_derived_by_other_code_is_derived_again_with_a_note(
    sample_store: tuple[Path, list[str], list[dict[str, str]]],
    tmp_path: Path,
    today: date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, headers, rows = sample_store
    day = [dict(rows[3], full_name="SITI AMINAH", op="upsert"), {"record_id": rows[4]["record_id"], "op": "delete"}]
    import_changes(_write(tmp_path / "day.csv", ["op", *headers], day), store, today=today)
    fresh = open_registry(None, store, today=today)
    monkeypatch.setattr("checkpoint.registry.files.fingerprint", lambda: "another-version")
    stale = open_registry(None, store, today=today)
    assert stale.notes and "prepared by another version" in stale.notes[-1]
    assert stale.layer is None and stale.stored_index is None  # stale keys are never used
    assert_screened_alike(stale, fresh, today)
    # Changes to it are written whole: its base's keys on disk are stale.
    more = [{"record_id": rows[5]["record_id"], "op": "delete"}]
    import_changes(_write(tmp_path / "more.csv", ["op", *headers], more), store, today=today)
    again = open_registry(None, store, today=today)
    assert again.layer is None and again.size == 2998


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
