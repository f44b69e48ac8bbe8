"""`checkpoint screen` takes the officer and the post from $CHECKPOINT_OFFICER and $CHECKPOINT_POST (SPEC §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()


def _logged(home: Path) -> list[dict[str, object]]:
    log = home / "audit" / "audit.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_the_audit_log_names_the_officer_and_post_of_the_environment(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKPOINT_OFFICER", "198705152010011001")
    monkeypatch.setenv("CHECKPOINT_POST", "TPI-CGK")
    args = ["screen", "--registry", str(registry_csv), "--manifest", str(manifest_csv), "--format", "json"]
    result = runner.invoke(app, [*args, "--today", "2026-11-28"])
    assert result.exit_code == 1, result.stderr
    entries = _logged(checkpoint_home)
    assert len(entries) == 6
    assert {(entry["officer"], entry["post"]) for entry in entries} == {("198705152010011001", "TPI-CGK")}


def test_the_options_win_over_the_environment(
    registry_csv: Path, checkpoint_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKPOINT_OFFICER", "198705152010011001")
    monkeypatch.setenv("CHECKPOINT_POST", "TPI-CGK")
    traveller = ["--name", "ANDI WIJAYA", "--dob", "1970-01-01", "--destination", "KUL"]
    who = ["--officer", "OFF-2", "--post", "TPI-BTH"]
    result = runner.invoke(app, ["screen", "--registry", str(registry_csv), *traveller, *who, "--today", "2026-11-28"])
    assert result.exit_code in (0, 1), result.stderr
    (entry,) = _logged(checkpoint_home)
    assert (entry["officer"], entry["post"]) == ("OFF-2", "TPI-BTH")
