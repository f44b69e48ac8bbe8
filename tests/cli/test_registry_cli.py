"""`checkpoint registry import|info` through the CLI."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()


def test_import_then_info_then_screen_without_registry_option(
    registry_csv: Path, manifest_csv: Path, checkpoint_home: Path
) -> None:
    imported = runner.invoke(app, ["registry", "import", str(registry_csv), "--today", "2026-11-28"])
    assert imported.exit_code == 0, imported.stderr
    assert "imported 7 record(s)" in imported.stdout
    assert "3 row(s) rejected" in imported.stderr
    info = runner.invoke(app, ["registry", "info"])
    assert info.exit_code == 0
    assert "records:   7" in info.stdout and "registry_small.csv" in info.stdout
    screened = runner.invoke(app, ["screen", "--manifest", str(manifest_csv), "--format", "json"])
    assert screened.exit_code == 1, screened.stderr


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
