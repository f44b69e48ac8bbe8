"""`checkpoint screen` through the real CLI: exit codes, stdout and stderr checked separately."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint import audit
from checkpoint.cli.app import app

from support.processes import assert_reaped, started_workers

runner = CliRunner()
TODAY = ["--today", "2026-11-28"]


def screen(*args: str | Path) -> object:
    return runner.invoke(app, ["screen", *map(str, args), *TODAY])


def test_manifest_to_jsonl_gives_one_spec_object_per_row_in_order(registry_csv: Path, manifest_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--manifest", manifest_csv, "--format", "jsonl")
    assert result.exit_code == 1, result.stderr
    lines = result.stdout.splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["pax_id"] for o in objects] == ["1", "2", "3", "4", "5", "6"]
    spec_keys = ["pax_id", "verdict", "risk_score", "match", "candidates", "hits", "unknown", "warnings", "traveller"]
    for item in objects:
        # `could_be` only where undecided checks could make the verdict worse, just before the warnings.
        could_be = [*spec_keys[:-2], "could_be", "warnings", "traveller"]
        assert list(item) == (could_be if "could_be" in item else spec_keys)
        assert item["verdict"] in ("clear", "refer", "hold")
    by_id = {o["pax_id"]: o for o in objects}
    assert by_id["1"]["match"]["record_id"] == "SP2MI-0000001" and by_id["1"]["verdict"] == "clear"
    assert by_id["2"]["verdict"] == "hold"  # cancelled record, other destination
    assert {h["rule"] for h in by_id["2"]["hits"]} == {"NP-004", "NP-007"}
    assert by_id["3"]["verdict"] == "clear" and by_id["3"]["match"] is None
    assert by_id["4"]["verdict"] == "refer" and by_id["4"]["warnings"]  # no name, no passport: never dropped
    assert any("31/02/1990" in w for w in by_id["6"]["warnings"])
    # No birth date: NP-010 (age) is undecided, and would refer a one-way tourist; no passport expiry in the file,
    # so NP-016 (an expired passport) is undecided too: together they could hold. A row not screened could be held.
    assert (by_id["6"]["verdict"], by_id["6"]["could_be"]) == ("clear", "hold")
    assert by_id["4"]["could_be"] == "hold" and by_id["1"]["could_be"] == "refer"  # NP-016 undecided: no expiry
    assert "3 registry rows could not be used" in result.stderr


def test_all_clear_exits_zero_and_the_table_names_the_verdict(registry_csv: Path) -> None:
    result = screen(
        "--registry", registry_csv, "--name", "ANDI WIJAYA", "--dob", "1970-01-01", "--destination", "KUL",
        "--visa-type", "tourist", "--return-date", "2026-12-05",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "CLEAR" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_output_file_is_written_and_stdout_stays_empty(registry_csv: Path, manifest_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    result = screen("--registry", registry_csv, "--manifest", manifest_csv, "--format", "csv", "--output", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "6 travellers screened" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7  # header + one row per traveller


def test_every_screening_is_audited(registry_csv: Path, manifest_csv: Path, checkpoint_home: Path) -> None:
    screen("--registry", registry_csv, "--manifest", manifest_csv, "--format", "json", "--officer", "OFF-1")
    log = checkpoint_home / "audit" / "audit.jsonl"
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 6 and entries[0]["officer"] == "OFF-1"
    assert "B1234567" not in log.read_text(encoding="utf-8")  # the raw passport number is never logged
    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0, verify.stderr


def test_usage_errors_exit_2(registry_csv: Path, manifest_csv: Path) -> None:
    both = screen("--registry", registry_csv, "--manifest", manifest_csv, "--name", "X")
    assert both.exit_code == 2 and "not both" in both.stderr
    nothing = screen("--registry", registry_csv)
    assert nothing.exit_code == 2 and "--manifest" in nothing.stderr
    bad_format = screen("--registry", registry_csv, "--name", "X", "--format", "xml")
    assert bad_format.exit_code == 2
    bad_today = runner.invoke(app, ["screen", "--registry", str(registry_csv), "--name", "X", "--today", "28/11"])
    assert bad_today.exit_code == 2 and "--today" in bad_today.stderr


def test_unreadable_manifest_exits_3_naming_the_file(registry_csv: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02\xff" * 64)
    result = screen("--registry", registry_csv, "--manifest", garbage)
    assert result.exit_code == 3
    assert "garbage.csv" in result.stderr and "Traceback" not in result.stderr
    missing = screen("--registry", registry_csv, "--manifest", tmp_path / "nope.csv")
    assert missing.exit_code == 3


def test_missing_registry_or_bad_pack_exits_4(manifest_csv: Path, registry_csv: Path, tmp_path: Path) -> None:
    no_store = screen("--manifest", manifest_csv)
    assert no_store.exit_code == 4 and "checkpoint registry import" in no_store.stderr
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: {name: x, version: '1'}\npolicy: {refer_at: 50, hold_at: 10}\nrules: []\n", encoding="utf-8")
    bad_pack = screen("--registry", registry_csv, "--manifest", manifest_csv, "--rules", pack)
    assert bad_pack.exit_code == 4 and "E301" in bad_pack.stderr


def test_unwritable_audit_log_exits_5_and_writes_no_output(
    registry_csv: Path, manifest_csv: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = tmp_path / "out.json"
    result = screen(
        "--registry", registry_csv, "--manifest", manifest_csv, "--audit-log", blocker / "audit.jsonl",
        "--output", out, "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 5
    assert not out.exists()


def test_mrz_desk_screening_uses_the_passport(registry_csv: Path) -> None:
    from datetime import date

    from checkpoint.mrz import format_td3

    line1, line2 = format_td3(
        primary="AMINAH", secondary="SITI", document_number="B1234567", nationality="IDN",
        birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2030, 1, 1),
    )  # fmt: skip
    result = screen("--registry", registry_csv, "--mrz", line1, line2, "--destination", "KUL", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    [item] = json.loads(result.stdout)
    assert item["match"]["record_id"] == "SP2MI-0000001"


def test_unwritable_output_is_refused_before_screening(
    registry_csv: Path, manifest_csv: Path, tmp_path: Path, checkpoint_home: Path
) -> None:
    result = screen("--registry", registry_csv, "--manifest", manifest_csv, "--output", tmp_path / "no" / "out.json")
    assert result.exit_code == 2 and "cannot write output file" in result.stderr
    assert not (checkpoint_home / "audit" / "audit.jsonl").exists()  # nothing screened, nothing logged


@pytest.mark.parametrize("output_format", ["jsonl", "json", "csv"])
def test_the_output_is_the_same_with_one_worker_or_several(tmp_path: Path, output_format: str) -> None:
    """The sample flight (298 rows: several chunks) screened in one process and shared among forked workers:
    the same output and the same audit entries."""
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    outputs, entries = [], []
    for workers in ("1", "2", "3"):
        out, log = tmp_path / f"workers{workers}.{output_format}", tmp_path / f"audit{workers}.jsonl"
        result = screen(
            "--registry", sample / "registry.parquet", "--manifest", sample / "flight_cgk_kul.csv",
            "--format", output_format, "--output", out, "--workers", workers, "--audit-log", log,
        )  # fmt: skip
        assert result.exit_code == 1, result.stderr
        outputs.append(out.read_bytes())
        assert audit.verify(log).entries == 298
        unstamped = [json.loads(line) for line in log.read_bytes().splitlines()]
        entries.append([{k: v for k, v in entry.items() if k not in ("time", "prev")} for entry in unstamped])
    assert outputs[0] == outputs[1] == outputs[2]
    assert entries[0] == entries[1] == entries[2]
    if output_format == "jsonl":
        assert len(outputs[0].splitlines()) == 298


def test_workers_must_be_a_positive_number(registry_csv: Path, manifest_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--manifest", manifest_csv, "--workers", "0")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_a_bad_pack_or_audit_log_stops_the_workers_already_matching(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The workers start before the pack is loaded and the audit log checked: a failure there still exits
    with its own code, writes nothing, and leaves no worker behind."""
    from checkpoint.pipeline.processes import can_fork

    caplog.set_level(logging.DEBUG, logger="checkpoint.pipeline.processes")

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    flight = ["--registry", sample / "registry.parquet", "--manifest", sample / "flight_cgk_kul.csv", "--workers", "2"]
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: {name: x, version: '1'}\npolicy: {refer_at: 50, hold_at: 10}\nrules: []\n", encoding="utf-8")
    out = tmp_path / "out.json"
    bad_pack = screen(*flight, "--rules", pack, "--output", out)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    bad_log = screen(*flight, "--audit-log", blocker / "audit.jsonl", "--output", out)
    assert (bad_pack.exit_code, bad_log.exit_code) == (4, 5)
    assert not out.exists()
    started = started_workers(caplog)
    assert len(started) == 2 or not can_fork()  # workers did start (reading rows, matching) both times
    for pids in started:  # and every one was waited for
        assert_reaped(pids)
