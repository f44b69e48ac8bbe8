"""The console entry point as a user runs it: a separate process, exit codes and complete output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_screening_process_ends_with_its_exit_code_and_every_row_written(
    registry_csv: Path, manifest_csv: Path, tmp_path: Path
) -> None:
    rows = len(manifest_csv.read_text(encoding="utf-8").splitlines()) - 1
    done = run(
        "screen", "--registry", str(registry_csv), "--manifest", str(manifest_csv),
        "--format", "jsonl", "--today", "2026-11-28", home=tmp_path / "home",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # some travellers are referred
    lines = done.stdout.splitlines()
    assert len(lines) == rows and all(json.loads(line)["verdict"] for line in lines)
    log = (tmp_path / "home" / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(log) >= rows  # the audit log was written before the process left


def test_the_process_keeps_usage_and_configuration_exit_codes(tmp_path: Path) -> None:
    assert run("--version", home=tmp_path).returncode == 0
    assert run("screen", "--no-such-option", home=tmp_path).returncode == 2
    missing = run("screen", "--registry", str(tmp_path / "none.csv"), "--name", "SITI", home=tmp_path)
    assert missing.returncode == 4 and "does not exist" in missing.stderr
