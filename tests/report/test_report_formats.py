"""The plug-in table: every output format has a writer that follows the protocol."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest

from checkpoint import forked
from checkpoint.errors import UsageError
from checkpoint.models import ScreeningResult
from checkpoint.report import (
    CSV_COLUMNS,
    WRITERS,
    ConsoleWriter,
    OutputFormat,
    PiecewiseWriter,
    ResultWriter,
    TableWriter,
    write_results,
    writer_for,
)


def test_every_output_format_has_a_writer() -> None:
    assert set(WRITERS) == set(OutputFormat)
    for output_format in OutputFormat:
        assert isinstance(writer_for(output_format), ResultWriter)


def test_format_values_are_the_cli_choices() -> None:
    assert [member.value for member in OutputFormat] == ["table", "json", "jsonl", "csv"]


def test_table_writer_can_render_to_a_console() -> None:
    assert isinstance(writer_for(OutputFormat.TABLE), TableWriter)
    assert isinstance(writer_for(OutputFormat.TABLE), ConsoleWriter)


def test_writer_for_accepts_names_and_rejects_unknown_ones() -> None:
    assert writer_for("csv") is WRITERS[OutputFormat.CSV]
    with pytest.raises(UsageError, match="unknown output format 'xml'; choose one of table, json, jsonl, csv"):
        writer_for("xml")


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_writer_writes_every_result(output_format: OutputFormat, sample_results: list[ScreeningResult]) -> None:
    stream = io.StringIO(newline="")
    writer_for(output_format).write(sample_results, stream)
    text = stream.getvalue()
    assert text.endswith("\n")
    for result in sample_results[:5]:  # plain ids; quoting of awkward ones is covered per format
        assert result.pax_id in text


@pytest.mark.parametrize("output_format", [OutputFormat.JSON, OutputFormat.JSONL, OutputFormat.CSV])
def test_any_cut_into_pieces_writes_what_the_whole_batch_writes(
    output_format: OutputFormat, sample_results: list[ScreeningResult]
) -> None:
    writer = writer_for(output_format)
    assert isinstance(writer, PiecewiseWriter)
    whole = io.StringIO(newline="")
    writer.write(sample_results, whole)
    for cuts in ([], [0], [1], [2, 3], [0, 0, len(sample_results)], list(range(len(sample_results)))):
        bounds = [0, *cuts, len(sample_results)]
        pieces = [writer.encode(sample_results[start:stop]) for start, stop in itertools.pairwise(bounds)]
        stream = io.StringIO(newline="")
        writer.write_pieces(pieces, stream)
        assert stream.getvalue() == whole.getvalue(), cuts
    empty = io.StringIO(newline="")
    writer.write([], empty)
    assert empty.getvalue() == {"json": "[]\n", "jsonl": "", "csv": ",".join(CSV_COLUMNS) + "\n"}[output_format]


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_a_large_batch_written_by_several_processes_is_the_same_text(
    output_format: OutputFormat, sample_results: list[ScreeningResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forked, "PARALLEL_WRITING_FROM", 16)
    forks = count_forks(monkeypatch)
    batch = sample_results * 40  # several chunks of results, claimed by this process and its children
    texts = []
    for workers in (1, 2, 3):
        stream = io.StringIO(newline="")
        write_results(batch, output_format, stream, workers=workers)
        texts.append(stream.getvalue())
    reference = io.StringIO(newline="")
    writer_for(output_format).write(batch, reference)
    assert texts == [reference.getvalue()] * 3
    assert len(forks) == (0 if output_format is OutputFormat.TABLE else 1 + 2)  # the table stays in one process


def count_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The children `checkpoint.forked` starts from now on, one entry each."""
    started: list[int] = []
    fork = forked._fork

    def counted(*args: Any) -> tuple[int, int]:
        started.append(1)
        return fork(*args)

    monkeypatch.setattr(forked, "_fork", counted)
    return started
