"""`checkpoint reconcile` through the CLI: the tables, their agreement with `checkpoint screen` and with the truth of a
synthetic period, the notes said once, the HTML summary in both languages, and the exit codes (SPEC §2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.reconcile.tables import TABLES

from support.faults import mounted_tmpfs

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLES = [str(SAMPLE / name) for name in ("flight_cgk_kul.csv", "ferry_batam.csv", "umrah_jeddah.csv")]
runner = CliRunner()


def reconcile(*options: str) -> object:
    return runner.invoke(app, ["reconcile", *options])


def test_the_sample_manifests_give_the_verdicts_screen_gives(tmp_path: Path) -> None:
    out = tmp_path / "out"
    registry = ["--registry", str(SAMPLE / "registry.parquet")]
    result = reconcile(
        "--departures", *SAMPLES, "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out), *registry
    )
    assert result.exit_code == 1, result.stderr  # SPEC §2: done, some departures refer or hold
    assert "3 files read: 496 departures 2026-11-01 to 2026-11-30" in result.stdout
    assert sorted(path.name for path in out.iterdir()) == sorted(TABLES)
    departures = pq.read_table(out / "departures.parquet").to_pylist()
    flight = [row for row in departures if row["file"].endswith("flight_cgk_kul.csv")]
    screened = runner.invoke(
        app,
        ["screen", "--manifest", SAMPLES[0], *registry, "--today", "2026-11-28", "--format", "json"],
    )
    expected = json.loads(screened.stdout)
    assert [(row["record_id"], row["verdict"], row["rules"]) for row in flight] == [
        ((e["match"] or {}).get("record_id"), e["verdict"], [hit["rule"] for hit in e["hits"]]) for e in expected
    ]
    period = pq.read_table(out / "period.parquet").to_pylist()[0]
    by_port = pq.read_table(out / "by_port.parquet").to_pylist()
    assert period["departures"] == 496 == sum(row["departures"] for row in by_port)
    assert period["registered"] == sum(1 for row in departures if row["record_id"])
    seen = pq.read_table(out / "placements.parquet").column("seen").to_pylist()
    assert len(seen) == 20_000
    assert seen.count("departed") == len({row["record_id"] for row in departures if row["record_id"]})


def test_the_html_summary_in_both_languages(tmp_path: Path) -> None:
    registry = ["--registry", str(SAMPLE / "registry.parquet")]
    for lang, title in (
        ("en", "Departures reconciled with the placement registry"),
        ("id", "Rekonsiliasi keberangkatan"),
    ):
        out = tmp_path / lang
        result = reconcile(
            "--departures", *SAMPLES, "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out), *registry,
            "--format", "html", "--lang", lang,
        )  # fmt: skip
        assert result.exit_code == 1, result.stderr
        page = (out / "summary.html").read_text(encoding="utf-8")
        assert title in page and f'<html lang="{lang}">' in page
        assert "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert page.count("<svg") == 3


@pytest.mark.parametrize(
    ("options", "code", "said"),
    [
        (["--departures", "nowhere.csv"], 3, "No departures found: nowhere.csv does not exist"),
        (["--departures", SAMPLES[0], "--from", "2026-12-01"], 2, "The period is reversed"),
        (["--departures", SAMPLES[0], "--to", "30/11/2026"], 2, "--to '30/11/2026' is not a date"),
        (["--departures", SAMPLES[0], "--registry", "missing-registry.csv"], 4, "missing-registry.csv"),
    ],
)
def test_what_cannot_run_says_why_with_its_exit_code(tmp_path: Path, options: list[str], code: int, said: str) -> None:
    given = {"--from": "2026-11-01", "--to": "2026-11-30", "--out": str(tmp_path / "out")}
    for option, value in zip(options[::2], options[1::2], strict=True):
        given[option] = value
    argv = [part for option, value in given.items() for part in (option, value)]
    result = runner.invoke(app, ["reconcile", *argv], catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert said in result.stderr and "Traceback" not in result.stderr


def test_an_out_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    result = reconcile(
        "--departures", SAMPLES[0], "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path / "out"),
        "--registry", str(SAMPLE / "registry.parquet"),
    )  # fmt: skip
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr


def test_an_unreadable_file_is_left_out_said_and_the_others_reconciled(tmp_path: Path) -> None:
    broken = tmp_path / "ferry_broken.csv"
    broken.write_bytes(b"\x00\x01PK\x03\x04 not a manifest\n\xff\xfe")
    out = tmp_path / "out"
    registry = ["--registry", str(SAMPLE / "registry.parquet")]
    result = reconcile(
        "--departures", SAMPLES[0], str(broken), SAMPLES[1], "--from", "2026-11-01", "--to", "2026-11-30",
        "--out", str(out), *registry,
    )  # fmt: skip
    assert result.exit_code == 3, result.output  # SPEC §2: an unreadable file; the period is not whole
    assert "1 departure file could not be read and was left out" in result.stderr
    assert "ferry_broken.csv" in result.stderr and "Traceback" not in result.stderr
    assert "2 files read" in result.stdout
    period = pq.read_table(out / "period.parquet").to_pylist()[0]
    assert period["unreadable_files"] == 1 and period["files"] == 2
    files = set(pq.read_table(out / "departures.parquet").column("file").to_pylist())
    assert files == {SAMPLES[0], SAMPLES[1]}


def test_when_no_file_can_be_read_nothing_is_reconciled(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"")
    result = reconcile(
        "--departures", str(broken), "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path / "out"),
        "--registry", str(SAMPLE / "registry.parquet"), "--lang", "id",
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "Tidak satu pun dari 1 berkas keberangkatan dapat dibaca" in result.stderr
    assert not (tmp_path / "out" / "period.parquet").exists()


def test_a_layered_snapshot_reconciles_as_a_full_import_of_the_same_records(tmp_path: Path) -> None:
    import csv

    from checkpoint.registry import import_registry, open_registry
    from checkpoint.registry.store import import_changes

    out = tmp_path / "out"
    first = reconcile(*_period(out), "--registry", str(SAMPLE / "registry.parquet"))
    assert first.exit_code == 1, first.stderr
    registered = sorted({row["record_id"] for row in pq.read_table(out / "departures.parquet").to_pylist()} - {None})
    with (SAMPLE / "registry.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        headers, rows = list(reader.fieldnames or []), list(reader)
    by_id = {row["record_id"]: row for row in rows}
    changes = [{"op": "delete", "record_id": record_id} for record_id in registered[:3]]
    changes += [dict(by_id[registered[3]], op="upsert", destination_country="SAU")]
    changes += [dict(by_id[registered[4]], op="upsert", status="CANCELLED")]
    change_file = tmp_path / "changes.csv"
    with change_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["op", *headers])
        writer.writeheader()
        writer.writerows(changes)
    today = date(2026, 11, 28)
    import_registry(SAMPLE / "registry.csv", tmp_path / "layered", today=today)
    report = import_changes(change_file, tmp_path / "layered", today=today)
    assert open_registry(report.snapshot_path, tmp_path / "none", today=today).layer is not None
    touched = {change["record_id"] for change in changes}
    after = [row for row in rows if row["record_id"] not in touched]
    after += [{key: value for key, value in change.items() if key != "op"} for change in changes[3:]]
    full = tmp_path / "full.csv"
    with full.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(after)
    import_registry(full, tmp_path / "full", today=today)

    tables = {}
    for name, registry in (("layered", report.snapshot_path), ("full", tmp_path / "full")):
        done = reconcile(*_period(tmp_path / name / "out"), "--registry", str(registry))
        assert done.exit_code == 1, done.stderr
        tables[name] = {
            table: pq.read_table(tmp_path / name / "out" / table).drop_columns(["snapshot_id"]).to_pylist()
            if "snapshot_id" in pq.read_schema(tmp_path / name / "out" / table).names
            else pq.read_table(tmp_path / name / "out" / table).to_pylist()
            for table in ("departures.parquet", "placements.parquet", "by_port.parquet")
        }
    assert tables["layered"] == tables["full"]
    departed = {row["record_id"] for row in tables["layered"]["departures.parquet"]}
    assert not departed & set(registered[:3]) and registered[3] in departed


def _period(out: Path) -> list[str]:
    return ["--departures", *SAMPLES, "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_disk_is_said_in_one_sentence_and_leaves_nothing(tmp_path: Path, workers: str) -> None:
    # a real filesystem that fills up while the screened departures are written (in a worker, or in this process)
    with mounted_tmpfs(tmp_path / "small", "64k") as small:
        out = small / "out"
        registry = ["--registry", str(SAMPLE / "registry.parquet"), "--workers", workers]
        result = reconcile(
            "--departures", *SAMPLES, "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out), *registry
        )
        assert result.exit_code == 73, result.stderr  # OutputError, not an internal error
        assert f"The tables cannot be written to {out}: No space left on device." in result.stderr
        assert list(out.iterdir()) == []  # neither tables nor the work folder are left
