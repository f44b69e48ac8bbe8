"""The root command: every command documented with an example, no traceback ever on screen."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()


def _leaf_commands() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            found.extend([name, child] for child in sub)
        else:
            found.append([name])
    return found


def test_the_spec_commands_exist() -> None:
    names = {" ".join(path) for path in _leaf_commands()}
    assert {
        "screen", "registry import", "registry info", "registry show", "registry search", "rules check",
        "rules test", "mrz", "audit verify", "audit show", "synth",
    } <= names  # fmt: skip


@pytest.mark.parametrize("path", _leaf_commands(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("checkpoint ")


def test_internal_error_exits_70_with_a_sentence_and_a_redacted_log(
    registry_csv: Path, monkeypatch: pytest.MonkeyPatch, checkpoint_home: Path
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError("SITI AMINAH B1234567")  # personal data in an exception message

    monkeypatch.setattr("checkpoint.pipeline.screen_desk", explode)  # looked up by the command when it runs
    result = runner.invoke(app, ["screen", "--registry", str(registry_csv), "--name", "SITI AMINAH"])
    assert result.exit_code == 70
    assert "internal error" in result.stderr and "Traceback" not in result.stderr
    assert "SITI" not in result.stderr
    log = (checkpoint_home / "logs" / "errors.log").read_text(encoding="utf-8")
    assert "ValueError" in log and "SITI" not in log and "B1234567" not in log


def test_an_internal_error_in_a_worker_process_is_logged_with_its_frames(
    monkeypatch: pytest.MonkeyPatch, checkpoint_home: Path, tmp_path: Path
) -> None:
    from checkpoint.matching import EvidenceMatcher
    from checkpoint.pipeline.processes import can_fork

    if not can_fork():
        pytest.skip("work is split only where the platform can fork")
    parent = os.getpid()
    matched = EvidenceMatcher.match

    def explode_in_a_child(self: EvidenceMatcher, *args: object) -> object:
        if os.getpid() != parent:
            raise ValueError("SITI AMINAH B1234567")
        return matched(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(EvidenceMatcher, "match", explode_in_a_child)
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    arguments = [
        "screen",
        "--registry",
        str(sample / "registry.parquet"),
        "--manifest",
        str(sample / "flight_cgk_kul.csv"),
    ]
    result = runner.invoke(
        app, [*arguments, "--workers", "2", "--output", str(tmp_path / "out.csv"), "--format", "csv"]
    )
    assert result.exit_code == 70 and "SITI" not in result.stderr
    assert not (tmp_path / "out.csv").exists()
    log = (checkpoint_home / "logs" / "errors.log").read_text(encoding="utf-8")
    assert "raised in a worker process at:" in log and "explode_in_a_child" in log
    assert "SITI" not in log and "B1234567" not in log


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["scren"])
    assert result.exit_code == 2


def test_every_command_takes_lang() -> None:
    """SPEC §3: every command takes --lang id|en; an unknown language is a usage error."""
    import typer.main

    root = typer.main.get_command(app)
    commands: list[tuple[str, Any]] = []
    for name, command in getattr(root, "commands", {}).items():
        leaves = getattr(command, "commands", None)  # a group of commands, or a command
        commands += [(f"{name} {sub}", leaf) for sub, leaf in leaves.items()] if leaves else [(name, command)]
    assert len(commands) >= 10
    without = [name for name, command in commands if "--lang" not in {o for p in command.params for o in p.opts}]
    assert without == []
    result = runner.invoke(app, ["rules", "check", "--lang", "fr"])
    assert result.exit_code == 2
