"""A registry that cannot quietly shrink or age (issue 16), through the CLI: the shrink guard, an identical
export stored once, the export date kept and shown."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from checkpoint.cli.app import app
from checkpoint.cli.registry import MAX_SHRINK_PERCENT
from checkpoint.registry import DEFAULT_MAX_SHRINK

from support.info import info_lines

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "registry.csv"
TODAY = ["--today", "2026-11-28"]


def export(path: Path, records: int, *, broken_every: int = 0, exported_at: str | None = None) -> Path:
    """The first `records` records of the sample registry as an export; every `broken_every`-th row's date of
    birth damaged (as an export whose date column went wrong), and an `exported_at` column when given."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[: records + 1]
    header, body = rows[0], rows[1:]
    birth = header.index("date_of_birth")
    for number, row in enumerate(body):
        if broken_every and number % broken_every == 0:
            row[birth] = "31/31/1990"
    if exported_at is not None:
        header = [*header, "exported_at"]
        body = [[*row, exported_at] for row in body]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return path


def registry(*arguments: str) -> Result:
    return runner.invoke(app, ["registry", *arguments])


def imported(path: Path, *options: str) -> Result:
    result = registry("import", str(path), *TODAY, *options)
    assert result.exit_code == 0, result.stderr
    return result


def snapshot_files(home: Path) -> list[str]:
    return sorted(path.name for path in (home / "registry" / "snapshots").glob("*.arrow") if path.name.count(".") == 1)


def test_an_import_with_half_its_rows_broken_is_refused_and_the_snapshot_stays(
    tmp_path: Path, checkpoint_home: Path
) -> None:
    imported(export(tmp_path / "full.csv", 200))
    before = registry("info").stdout
    broken = export(tmp_path / "broken.csv", 200, broken_every=2)

    refused = registry("import", str(broken), *TODAY)
    assert refused.exit_code == 3, refused.stderr  # the export is the problem, not the store (SPEC §2: input data)
    assert refused.stdout == ""
    [sentence] = refused.stderr.strip().splitlines()
    assert sentence.startswith("checkpoint: broken.csv gives only 100 usable placement records, 50% fewer than the 200")
    assert "100 rows were rejected, 100 of them because" in sentence and "date_of_birth" in sentence
    assert "--allow-shrink" in sentence and "nothing was imported" in sentence
    assert registry("info").stdout == before  # the current snapshot is untouched
    assert len(snapshot_files(checkpoint_home)) == 1

    allowed = imported(broken, "--allow-shrink")
    assert "imported 100 records from broken.csv" in allowed.stdout
    assert info_lines(registry("info").stdout)["records"] == "100"


def test_a_smaller_export_within_the_share_allowed_is_imported_and_the_share_can_be_set(tmp_path: Path) -> None:
    imported(export(tmp_path / "a.csv", 100))
    imported(export(tmp_path / "b.csv", 91))  # 9 % fewer: within the default 10 %
    smaller = export(tmp_path / "c.csv", 80)  # 12 % fewer than 91
    refused = registry("import", str(smaller), *TODAY)
    assert refused.exit_code == 3
    assert "c.csv holds only 80 placement records, 12% fewer than the 91" in refused.stderr
    assert "more than the 10% allowed" in refused.stderr
    assert "imported 80 records" in imported(smaller, "--max-shrink", "15").stdout


def test_the_cli_default_share_is_the_store_default() -> None:
    assert MAX_SHRINK_PERCENT == 100 * DEFAULT_MAX_SHRINK


def test_an_identical_export_is_not_stored_twice(tmp_path: Path, checkpoint_home: Path) -> None:
    first_file = export(tmp_path / "first.csv", 50)
    first = imported(first_file).stdout.split(" as snapshot ")[1].split()[0]
    again = imported(first_file)
    assert f"first.csv is the very export the current snapshot {first} holds (50 records); nothing was stored" in (
        again.stdout
    )
    assert len(snapshot_files(checkpoint_home)) == 1
    dated = imported(first_file, "--exported-at", "2026-11-20")
    assert "nothing was stored" in dated.stdout
    assert "note: the export date 2026-11-20 is not kept: the snapshot holding this same export was stored" in (
        dated.stderr
    )

    second = imported(export(tmp_path / "second.csv", 55)).stdout.split(" as snapshot ")[1].split()[0]
    assert second != first
    copy = tmp_path / "copy-of-first.csv"
    copy.write_bytes(first_file.read_bytes())  # the same export under another name
    back = imported(copy, "--allow-shrink")
    assert f"is the very export snapshot {first} holds (50 records); that snapshot is current again" in back.stdout
    assert info_lines(registry("info").stdout)["snapshot"] == first
    assert len(snapshot_files(checkpoint_home)) == 2


def test_going_back_to_a_kept_identical_export_is_guarded_against_shrinking_too(tmp_path: Path) -> None:
    small = export(tmp_path / "small.csv", 20)
    imported(small)
    imported(export(tmp_path / "large.csv", 60))
    refused = registry("import", str(small), *TODAY)
    assert refused.exit_code == 3 and "small.csv holds only 20 placement records" in refused.stderr


@pytest.mark.parametrize(
    ("name", "options", "column", "shown"),
    [
        ("registry.csv", ["--exported-at", "2026-11-20"], None, "2026-11-20 (from --exported-at; 8 days ago)"),
        ("registry.csv", [], "2026-11-25", "2026-11-25 (from a column of the file; 3 days ago)"),
        ("siskop2mi_2026-11-27.csv", [], None, "2026-11-27 (from the file's name; 1 day ago)"),
        ("siskop2mi_20261126.csv", [], "bukan tanggal", "2026-11-26 (from the file's name; 2 days ago)"),
    ],
)
def test_the_export_date_is_kept_and_shown(
    tmp_path: Path, name: str, options: list[str], column: str | None, shown: str
) -> None:
    done = imported(export(tmp_path / name, 10, exported_at=column), *options)
    assert "export date" not in done.stderr
    info = registry("info", *TODAY)
    assert info_lines(info.stdout)["exported"] == shown
    listed = registry("list").stdout.splitlines()
    assert "EXPORTED" in listed[0] and shown[:10] in listed[1]


def test_an_export_without_a_date_says_its_age_counts_from_the_import(tmp_path: Path) -> None:
    done = imported(export(tmp_path / "registry.csv", 10))
    assert "note: the export date of registry.csv is not known" in done.stderr
    assert "the snapshot's age counts from the day of the import" in done.stderr
    assert info_lines(registry("info").stdout)["exported"].startswith("not known; the age counts from the import on")
    assert imported(export(tmp_path / "again.csv", 11), "--quiet").stderr == ""  # a note, silenced


@pytest.mark.parametrize(
    ("value", "said"), [("27-11-2026", "is not a date YYYY-MM-DD"), ("2026-12-01", "is after today (2026-11-28)")]
)
def test_a_wrong_export_date_is_a_usage_error(tmp_path: Path, value: str, said: str) -> None:
    result = registry("import", str(export(tmp_path / "r.csv", 5)), *TODAY, "--exported-at", value)
    assert result.exit_code == 2 and said in result.stderr and result.stdout == ""


def test_the_import_speaks_indonesian(tmp_path: Path) -> None:
    imported(export(tmp_path / "full.csv", 40), "--lang", "id")
    refused = registry("import", str(export(tmp_path / "half.csv", 40, broken_every=2)), *TODAY, "--lang", "id")
    assert refused.exit_code == 3
    assert "half.csv hanya menghasilkan 20 data penempatan yang dapat dipakai" in refused.stderr
    assert "impor dengan --allow-shrink" in refused.stderr
    info = registry("info", "--lang", "id", *TODAY).stdout
    assert "diekspor:" in info and "data:" in info


# --- screening warns once when the registry is older than the pack allows (policy registry_max_age_days) -------

MANIFEST = Path(__file__).resolve().parents[1] / "fixtures" / "manifest_small.csv"
PASSPORTS = SAMPLE.parent / "passports.txt"


def screened(*options: str) -> Result:
    return runner.invoke(app, ["screen", "--manifest", str(MANIFEST), "--format", "json", *TODAY, *options])


def test_screening_warns_once_when_the_export_is_older_than_the_pack_allows(tmp_path: Path) -> None:
    imported(export(tmp_path / "registry.csv", 30), "--exported-at", "2026-11-20")
    fresh = screened()  # exported 8 days before --today: older than the default pack's 7
    assert fresh.stderr.count("warning: registry snapshot") == 1
    assert "exported on 2026-11-20, 8 days ago, older than the 7 days rule pack default" in fresh.stderr
    assert "Import a fresh export with `checkpoint registry import`" in fresh.stderr
    assert fresh.stdout.startswith("[") or fresh.stdout.startswith("{")  # the results are written all the same
    assert "warning: registry snapshot" not in screened("--today", "2026-11-27").stderr  # 7 days: not older


def test_the_desk_warns_once_per_session_not_per_traveller(tmp_path: Path, checkpoint_home: Path) -> None:
    imported(export(tmp_path / "siskop2mi_2026-11-01.csv", 30))
    lines = PASSPORTS.read_text(encoding="ascii").split()[:6]  # three passports, as a reader pipes them
    env = {**os.environ, "CHECKPOINT_HOME": str(checkpoint_home)}
    done = subprocess.run(
        [sys.executable, "-m", "checkpoint", "desk", *TODAY, "--destination", "KUL", "--post", "TPI-CGK"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3  # one SPEC §5 object per traveller
    assert done.stderr.count("warning: registry snapshot") == 1
    assert "exported on 2026-11-01, 27 days ago" in done.stderr


def test_list_speaks_indonesian(tmp_path: Path) -> None:
    imported(export(tmp_path / "siskop2mi_2026-11-27.csv", 10))
    listed = registry("list", "--lang", "id").stdout.splitlines()
    assert listed[0].split() == ["SNAPSHOT", "SUMBER", "DATA", "DITOLAK", "DIEKSPOR", "DIIMPOR", "INTEGRITAS"]
    assert listed[1].split()[-1] == "terverifikasi" and "2026-11-27" in listed[1]
    assert listed[2].startswith("* dipakai:")


def test_importing_the_same_export_again_replaces_a_damaged_snapshot(tmp_path: Path, checkpoint_home: Path) -> None:
    path = export(tmp_path / "registry.csv", 30)
    first = imported(path).stdout.split(" as snapshot ")[1].split()[0]
    records = checkpoint_home / "registry" / "snapshots" / f"{first}.arrow"
    with records.open("r+b") as handle:  # one byte changed in place, as a failing disk does
        handle.seek(records.stat().st_size // 2)
        byte = handle.read(1)[0]
        handle.seek(-1, 1)
        handle.write(bytes([byte ^ 0x01]))
    assert screened().exit_code == 4  # the damage is found, and the fix it names is to import again
    again = imported(path)
    assert "imported 30 records from registry.csv" in again.stdout  # prepared and stored again, not skipped
    assert "verified" in registry("list").stdout.splitlines()[1]
    assert screened().exit_code == 1
