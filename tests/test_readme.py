"""The README's examples are what the tool really prints on the shipped sample (a new user compares them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

REPO = Path(__file__).parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
FLIGHT = [
    "--registry",
    str(REPO / "data/sample/registry.parquet"),
    "--manifest",
    str(REPO / "data/sample/flight_cgk_kul.csv"),
]
runner = CliRunner()


def screened(tmp_path: Path, *options: str) -> str:
    result = runner.invoke(
        app, ["screen", *FLIGHT, "--today", "2026-11-28", "--audit-log", str(tmp_path / "a.jsonl"), *options]
    )
    assert result.exit_code == 1, result.stderr
    return result.stdout


def block_after(heading: str, fence: str) -> str:
    start = README.index(fence, README.index(heading)) + len(fence)
    return README[start : README.index("```", start)]


def test_the_readme_table_is_the_sample_flights_table(tmp_path: Path) -> None:
    shown = block_after("## What the officer sees", "```\n")
    table = screened(tmp_path, "--lang", "en")
    first, close = shown.split("(… 21 more travellers needing action …)\n")
    assert table.startswith(first.rsplit("└", 1)[0])  # the first traveller's row as printed
    assert table.endswith(close)


def test_the_readme_json_is_the_sample_flights_result_for_pax_75(tmp_path: Path) -> None:
    shown = json.loads(block_after("`--format json|jsonl|csv` gives", "```json\n"))
    results = json.loads(screened(tmp_path, "--format", "json", "--lang", "en"))
    assert [result for result in results if result["pax_id"] == shown["pax_id"]] == [shown]


def test_the_readme_names_the_default_packs_version() -> None:
    version = re.search(r'version: "([^"]+)"', (REPO / "rules/pack.yaml").read_text(encoding="utf-8"))
    assert version is not None
    for mentioned in re.findall(r"\b20\d\d\.\d{1,2}\.\d+\b", README):
        assert mentioned == version[1], mentioned
