"""The plug-in table: every output format has a writer that follows the protocol."""

from __future__ import annotations

import io

import pytest

from checkpoint.errors import UsageError
from checkpoint.models import ScreeningResult
from checkpoint.report import (
    BINARY_FORMATS,
    CSV_COLUMNS,
    WRITERS,
    BinaryWriter,
    ConsoleWriter,
    OutputFormat,
    ResultWriter,
    TableWriter,
    writer_for,
)


def test_every_output_format_has_a_writer() -> None:
    assert set(WRITERS) == set(OutputFormat)
    for output_format in OutputFormat:
        expected = BinaryWriter if output_format in BINARY_FORMATS else ResultWriter
        assert isinstance(writer_for(output_format), expected)
    assert {OutputFormat.XLSX} == BINARY_FORMATS


def test_format_values_are_the_cli_choices() -> None:
    assert [member.value for member in OutputFormat] == ["table", "json", "jsonl", "csv", "html", "xlsx"]


def test_table_writer_can_render_to_a_console() -> None:
    assert isinstance(writer_for(OutputFormat.TABLE), TableWriter)
    assert isinstance(writer_for(OutputFormat.TABLE), ConsoleWriter)


def test_writer_for_accepts_names_and_rejects_unknown_ones() -> None:
    assert writer_for("csv") is WRITERS[OutputFormat.CSV]
    with pytest.raises(
        UsageError, match="unknown output format 'xml'; choose one of table, json, jsonl, csv, html, xlsx"
    ):
        writer_for("xml")


@pytest.mark.parametrize("output_format", sorted(set(OutputFormat) - BINARY_FORMATS))
def test_every_writer_writes_every_result(output_format: OutputFormat, sample_results: list[ScreeningResult]) -> None:
    stream = io.StringIO(newline="")
    writer = writer_for(output_format)
    assert isinstance(writer, ResultWriter)
    writer.write(sample_results, stream)
    text = stream.getvalue()
    assert text.endswith("\n")
    for result in sample_results[:5]:  # plain ids; quoting of awkward ones is covered per format
        assert result.pax_id in text


def test_an_empty_batch_is_an_empty_document() -> None:
    for output_format, empty in (
        (OutputFormat.JSON, "[]\n"),
        (OutputFormat.JSONL, ""),
        (OutputFormat.CSV, ",".join(CSV_COLUMNS) + "\n"),
    ):
        stream = io.StringIO(newline="")
        writer = writer_for(output_format)
        assert isinstance(writer, ResultWriter)
        writer.write([], stream)
        assert stream.getvalue() == empty
