"""`checkpoint registry import|info|list|use` through the CLI, and what screening makes of a damaged snapshot."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner, Result

from checkpoint.cli.app import app

from support.info import info_lines

runner = CliRunner()


def test_import_then_info_then_screen_without_registry_option(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    imported = runner.invoke(app, ["registry", "import", str(registry_csv), "--today", "2026-11-28"])
    assert imported.exit_code == 0, imported.stderr
    assert "imported 7 records" in imported.stdout
    assert "3 rows rejected" in imported.stderr
    info = runner.invoke(app, ["registry", "info"])
    assert info.exit_code == 0
    said = {label: value.strip() for label, value in (line.split(":", 1) for line in info.stdout.splitlines())}
    assert said["records"] == "7" and "registry_small.csv" in said["source"]
    assert said["recommendations"].startswith("none imported")
    screened = runner.invoke(app, ["screen", "--manifest", str(manifest_csv), "--format", "json"])
    assert screened.exit_code == 1, screened.stderr


def test_info_says_how_many_passport_recommendations_the_store_holds(
    registry_csv: Path, checkpoint_home: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["registry", "import", str(registry_csv), "--today", "2026-11-28"]).exit_code == 0
    letters = tmp_path / "rekomendasi_2026-11-27.csv"
    letters.write_text(
        "recommendation_id,nik,destination_country\nREK-1,3201011203880002,MYS\nREK-2,3201015705900001,SGP\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["registry", "import", str(letters), "--kind", "recommendations"])
    assert imported.exit_code == 0, imported.stderr
    info = runner.invoke(app, ["registry", "info", "--lang", "id"])
    assert info.exit_code == 0, info.stderr
    line = next(line for line in info.stdout.splitlines() if line.startswith("rekomendasi:"))
    assert line.split(":", 1)[1].strip() == "2 rekomendasi paspor dari rekomendasi_2026-11-27.csv (diekspor 2026-11-27)"


def test_info_without_store_exits_4() -> None:
    result = runner.invoke(app, ["registry", "info"])
    assert result.exit_code == 4
    assert "checkpoint registry import" in result.stderr
    assert result.stdout == ""


def test_import_of_an_unreadable_file_exits_3(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["registry", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 3 and "does not exist" in missing.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["registry", "import", str(wrong)])
    assert result.exit_code == 3 and "lacks the required registry column" in result.stderr


# --- the snapshot's integrity (issue 14, item 7), `registry list` and `registry use` ---------------------------

TODAY = ["--today", "2026-11-28"]


def import_into_home(export: Path, *options: str) -> str:
    """Import `export` into the default store through the CLI; the new snapshot's id."""
    imported = runner.invoke(app, ["registry", "import", str(export), *TODAY, *options])
    assert imported.exit_code == 0, imported.stderr
    return imported.stdout.split(" as snapshot ")[1].split()[0]


def screen(manifest: Path, *options: str) -> Result:
    return runner.invoke(app, ["screen", "--manifest", str(manifest), "--format", "json", *TODAY, *options])


def flip_a_byte(path: Path, *, keep_times: bool = False) -> None:
    """Change one byte in the middle of a file, as a failing disk or an editor would: same size."""
    times = path.stat()
    with path.open("r+b") as handle:  # in place: the same file, one byte changed
        handle.seek(times.st_size // 2)
        byte = handle.read(1)[0]
        handle.seek(times.st_size // 2)
        handle.write(bytes([byte ^ 0x01]))
    if keep_times:  # an edit that hides behind the old modification time (the change time cannot be set back)
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))


def one_sentence_naming(result: Result, snapshot_id: str) -> None:
    assert result.exit_code == 4, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert snapshot_id in line and "is damaged" in line
    assert "`checkpoint registry use SNAPSHOT`" in line and "import the export again" in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("damaged", ["records", "index"])
def test_edited_snapshot_bytes_stop_screening_with_exit_4_naming_the_snapshot_and_the_fix(
    damaged: str, registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    snapshot_id = import_into_home(registry_csv)
    assert screen(manifest_csv).exit_code == 1
    log = checkpoint_home / "audit" / "audit.jsonl"
    logged = log.read_bytes()
    snapshots = checkpoint_home / "registry" / "snapshots"
    flip_a_byte(snapshots / f"{snapshot_id}{'.arrow' if damaged == 'records' else '.index.arrow'}")
    one_sentence_naming(screen(manifest_csv), snapshot_id)
    assert log.read_bytes() == logged  # nothing was screened, nothing logged
    listed = runner.invoke(app, ["registry", "list"])
    assert listed.exit_code == 4 and "DAMAGED" in listed.stdout and snapshot_id in listed.stderr
    # The same file given by path, and the store folder given with --registry, are refused alike.
    one_sentence_naming(screen(manifest_csv, "--registry", str(snapshots / f"{snapshot_id}.arrow")), snapshot_id)
    one_sentence_naming(screen(manifest_csv, "--registry", str(checkpoint_home)), snapshot_id)


def test_an_edit_after_the_snapshot_was_verified_and_remembered_is_still_found(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    snapshot_id = import_into_home(registry_csv)
    time.sleep(2.1)  # a file is remembered as verified only once its times have settled (coarse clocks)
    assert screen(manifest_csv).exit_code == 1
    assert len(list((checkpoint_home / "cache" / "verified").glob("*.json"))) == 3  # records, index, vocabulary
    flip_a_byte(checkpoint_home / "registry" / "snapshots" / f"{snapshot_id}.arrow", keep_times=True)
    one_sentence_naming(screen(manifest_csv), snapshot_id)


def test_a_snapshot_whose_checksum_record_is_gone_is_refused_when_opened_by_path(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    snapshot_id = import_into_home(registry_csv)
    snapshots = checkpoint_home / "registry" / "snapshots"
    (snapshots / f"{snapshot_id}.checksums.json").unlink()
    assert screen(manifest_csv).exit_code == 1  # the store's pointer holds the current snapshot's checksums too
    result = screen(manifest_csv, "--registry", str(snapshots / f"{snapshot_id}.arrow"))
    assert result.exit_code == 4 and result.stdout == ""
    assert f"registry snapshot {snapshot_id} has lost the record of its checksums" in result.stderr
    assert "`checkpoint registry use SNAPSHOT`" in result.stderr


def make_it_an_earlier_versions_snapshot(store: Path, snapshot_id: str) -> None:
    """What a store imported before checksums were recorded holds: no mark in the records file, no record
    beside it, and a pointer without checksums (the format is otherwise the same)."""
    records = store / "snapshots" / f"{snapshot_id}.arrow"
    with pa.OSFile(str(records)) as source:
        table = pa.ipc.open_file(source).read_all()
    metadata = {key: value for key, value in table.schema.metadata.items() if key != b"checkpoint.checksums"}
    rewritten = records.with_name("rewritten.arrow")
    with pa.OSFile(str(rewritten), "wb") as sink, pa.ipc.new_file(sink, table.schema.with_metadata(metadata)) as out:
        out.write_table(table.replace_schema_metadata(metadata))
    rewritten.replace(records)
    (store / "snapshots" / f"{snapshot_id}.checksums.json").unlink()
    pointer = {"snapshot_id": snapshot_id, "file": records.name}
    (store / "current.json").write_text(json.dumps(pointer, indent=2), encoding="utf-8")


def test_a_snapshot_from_an_earlier_version_is_accepted_once_with_a_note_and_checked_from_then_on(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    snapshot_id = import_into_home(registry_csv)
    store = checkpoint_home / "registry"
    make_it_an_earlier_versions_snapshot(store, snapshot_id)
    before = runner.invoke(app, ["registry", "list"])
    assert "no checksum yet (imported by an earlier version)" in before.stdout
    first = screen(manifest_csv)
    assert first.exit_code == 1, first.stderr
    assert f"note: registry snapshot {snapshot_id} was imported by an earlier version" in first.stderr
    assert "its checksum is recorded now" in first.stderr
    assert (store / "snapshots" / f"{snapshot_id}.checksums.json").exists()
    second = screen(manifest_csv)
    assert second.exit_code == 1 and "earlier version" not in second.stderr
    assert second.stdout == first.stdout  # the same results
    listed = runner.invoke(app, ["registry", "list"])
    assert "verified (checksum recorded on first use" in listed.stdout
    flip_a_byte(store / "snapshots" / f"{snapshot_id}.index.arrow")
    one_sentence_naming(screen(manifest_csv), snapshot_id)


def test_a_damaged_prepared_export_in_the_cache_is_prepared_again(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    first = screen(manifest_csv, "--registry", str(registry_csv))
    assert first.exit_code == 1
    [cached] = (checkpoint_home / "cache" / "registry").glob("*[0-9a-f].arrow")
    flip_a_byte(cached)
    damaged = cached.read_bytes()
    again = screen(manifest_csv, "--registry", str(registry_csv))
    assert again.exit_code == 1, again.stderr
    assert again.stdout == first.stdout
    assert not [line for line in again.stderr.splitlines() if "damaged" in line]
    assert cached.read_bytes() != damaged  # not used as it was: prepared again and written anew
    third = screen(manifest_csv, "--registry", str(registry_csv))  # the entry was replaced by a good one
    assert third.exit_code == 1 and third.stdout == first.stdout


def listed_rows(stdout: str) -> dict[str, list[str]]:
    """`registry list`'s table: each snapshot's cells by id (the first cell is `*` for the current one)."""
    rows = {}
    for line in stdout.splitlines()[1:]:
        cells = line.split()
        current = cells[0] == "*" and len(cells) > 1 and cells[1][:8].isdigit()
        if current or cells[0][:8].isdigit():
            rows[cells[1] if current else cells[0]] = cells if current else ["", *cells]
    return rows


def test_list_shows_the_snapshots_kept_and_use_goes_back_to_one(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path, tmp_path: Path
) -> None:
    older = import_into_home(registry_csv)
    time.sleep(1.1)  # snapshot ids are by the second
    export = tmp_path / "another.csv"
    lines = registry_csv.read_text(encoding="utf-8").splitlines()
    export.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")  # two records
    newer = import_into_home(export, "--allow-shrink")

    listed = runner.invoke(app, ["registry", "list"])
    assert listed.exit_code == 0, listed.stderr
    rows = listed_rows(listed.stdout)
    assert list(rows) == [newer, older]  # newest first
    assert rows[newer][:5] == ["*", newer, "another.csv", "2", "0"] and rows[newer][-1] == "verified"
    assert rows[older][:5] == ["", older, "registry_small.csv", "7", "3"] and rows[older][-1] == "verified"

    used = runner.invoke(app, ["registry", "use", older])
    assert used.exit_code == 0, used.stderr
    assert f"snapshot {older} is now current: 7 records from registry_small.csv" in used.stdout
    assert info_lines(runner.invoke(app, ["registry", "info"]).stdout)["records"] == "7"
    assert listed_rows(runner.invoke(app, ["registry", "list"]).stdout)[older][0] == "*"
    assert screen(manifest_csv).exit_code == 1

    # A damaged snapshot is listed as such and cannot be made current: the pointer stays where it was.
    flip_a_byte(checkpoint_home / "registry" / "snapshots" / f"{newer}.arrow")
    listed = runner.invoke(app, ["registry", "list"])
    assert listed.exit_code == 0
    assert listed_rows(listed.stdout)[newer][-1] == "DAMAGED"
    assert f"registry snapshot {newer} is damaged" in listed.stderr
    refused = runner.invoke(app, ["registry", "use", newer])
    assert refused.exit_code == 4 and refused.stdout == ""
    assert f"registry snapshot {newer} is damaged" in refused.stderr
    assert info_lines(runner.invoke(app, ["registry", "info"]).stdout)["snapshot"] == older

    unknown = runner.invoke(app, ["registry", "use", "20990101T000000Z-00000000"])
    assert unknown.exit_code == 4 and "keeps no snapshot 20990101T000000Z-00000000" in unknown.stderr
    assert "`checkpoint registry list`" in unknown.stderr
    assert not [path for path in (checkpoint_home / "registry").rglob("*.tmp")]


def test_list_and_use_without_a_store_say_how_to_import(tmp_path: Path) -> None:
    for arguments in (["registry", "list"], ["registry", "use", "x"]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 4, arguments
        assert "checkpoint registry import" in result.stderr and result.stdout == ""
