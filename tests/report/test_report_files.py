"""Output files (`--output`): whole or nothing, never a leftover temporary file, a sentence when impossible."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from checkpoint.errors import OutputError
from checkpoint.models import Candidate, MatchOutcome, ScreeningResult
from checkpoint.report import OutputFormat, write_report


def broken(results: list[ScreeningResult]) -> list[ScreeningResult]:
    """The results with one more whose confidence is not a number: the writer fails on it, midway."""
    bad = replace(results[0], outcome=MatchOutcome(candidates=(Candidate("SP2MI-1", math.nan),)))
    return [*results, bad]


@pytest.mark.parametrize("output_format", [OutputFormat.JSON, OutputFormat.JSONL, OutputFormat.CSV])
def test_a_writer_failing_midway_leaves_the_previous_file_and_nothing_else(
    output_format: OutputFormat, sample_results: list[ScreeningResult], tmp_path: Path
) -> None:
    target = tmp_path / "out"
    target.write_text("previous\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a finite number"):
        write_report(broken(sample_results * 50), output_format, target)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_missing_folder_is_an_output_error(sample_results: list[ScreeningResult], tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    with pytest.raises(OutputError) as caught:
        write_report(sample_results, OutputFormat.CSV, target)
    message = str(caught.value)
    assert message.startswith(f"cannot write output file {target}: ")
    assert caught.value.exit_code == 73


def test_a_target_that_is_a_folder_is_an_output_error_and_leaves_nothing(
    sample_results: list[ScreeningResult], tmp_path: Path
) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(OutputError, match="cannot write output file"):
        write_report(sample_results, OutputFormat.JSON, target)
    assert list(tmp_path.iterdir()) == [target]
    assert list(target.iterdir()) == []


def test_write_report_writes_each_format_atomically(sample_results: list[ScreeningResult], tmp_path: Path) -> None:
    for output_format in OutputFormat:
        target = tmp_path / f"results.{output_format.value}"
        write_report(sample_results, output_format, target)
        assert target.stat().st_size > 0
    assert len(list(tmp_path.iterdir())) == len(OutputFormat)


def test_csv_file_keeps_newline_line_endings(sample_results: list[ScreeningResult], tmp_path: Path) -> None:
    target = tmp_path / "results.csv"
    write_report(sample_results, OutputFormat.CSV, target)
    assert b"\r\n" not in target.read_bytes()


def test_table_file_is_plain_text_even_when_colour_is_forced(
    sample_results: list[ScreeningResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    target = tmp_path / "results.txt"
    write_report(sample_results, OutputFormat.TABLE, target)
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert "HOLD" in text
