"""Atomic output files: all or nothing, never a partial file, never a leftover temporary file."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import pytest

from checkpoint.errors import UsageError
from checkpoint.models import ScreeningResult
from checkpoint.report import OutputFormat, write_atomically, write_report


class WriterFailedError(RuntimeError):
    """Stands in for a bug or an interruption in the middle of writing."""


def half_then_fail(stream: TextIO) -> None:
    stream.write("partial output\n" * 1000)
    stream.flush()
    raise WriterFailedError("midway")


def test_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomically(target, lambda stream: stream.write("Ni Luh É\n"))
    assert target.read_text(encoding="utf-8") == "Ni Luh É\n"
    assert list(tmp_path.iterdir()) == [target]


def test_failing_writer_leaves_previous_file_intact_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous\n", encoding="utf-8")
    with pytest.raises(WriterFailedError):
        write_atomically(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert list(tmp_path.iterdir()) == [target]


def test_failing_writer_creates_no_file(tmp_path: Path) -> None:
    with pytest.raises(WriterFailedError):
        write_atomically(tmp_path / "new.json", half_then_fail)
    assert list(tmp_path.iterdir()) == []


def test_interrupt_is_re_raised_and_cleaned_up(tmp_path: Path) -> None:
    def interrupted(stream: TextIO) -> None:
        stream.write("x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "out.jsonl", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    with pytest.raises(UsageError) as caught:
        write_atomically(target, lambda stream: stream.write("x"))
    message = str(caught.value)
    assert message.startswith(f"cannot write output file {target}: ")
    assert message.endswith("; choose another --output")
    assert caught.value.exit_code == 2


def test_target_that_is_a_directory_is_a_usage_error_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(UsageError, match="cannot write output file"):
        write_atomically(target, lambda stream: stream.write("x"))
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
