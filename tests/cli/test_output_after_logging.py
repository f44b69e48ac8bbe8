"""A failure after the screening was logged says so: the entries it wrote, and an exit code that is not 'usage'."""

from __future__ import annotations

import json
from pathlib import Path

from support.faults import mounted_tmpfs, run_checkpoint

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_an_output_that_fills_the_disk_says_the_screening_was_logged(tmp_path: Path) -> None:
    """A real full disk (a 64 KiB tmpfs) under --output, the audit log elsewhere."""
    log = tmp_path / "audit.jsonl"
    with mounted_tmpfs(tmp_path / "small", "64k") as disk:
        done = run_checkpoint(
            "screen", "--registry", SAMPLE / "registry.parquet", "--manifest", SAMPLE / "flight_cgk_kul.csv",
            "--format", "json", "--output", disk / "results.json", "--audit-log", log, "--today", "2026-11-28",
            home=tmp_path / "home",
        )  # fmt: skip
        assert list(disk.iterdir()) == []  # no partial file
    assert done.returncode == 73, done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert "cannot write output file" in message and "the screening was logged (entries 1–298 of" in message
    assert "Traceback" not in done.stderr
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [entry["seq"] for entry in entries] == list(range(1, 299))
    assert run_checkpoint("audit", "verify", log, home=tmp_path / "home").returncode == 0


def test_standard_output_on_a_full_disk_says_the_screening_was_logged(tmp_path: Path) -> None:
    """`checkpoint screen … > results.csv` where the disk is full: the shell's file is the one that fails."""
    log = tmp_path / "audit.jsonl"
    with mounted_tmpfs(tmp_path / "small", "16k") as disk, (disk / "results.csv").open("w") as redirected:
        done = run_checkpoint(
            "screen", "--registry", SAMPLE / "registry.parquet", "--manifest", SAMPLE / "flight_cgk_kul.csv",
            "--format", "csv", "--audit-log", log, "--today", "2026-11-28",
            home=tmp_path / "home", stdout=redirected,
        )  # fmt: skip
    assert done.returncode == 73, done.stderr
    assert "the screening was logged (entries 1–298 of" in done.stderr
