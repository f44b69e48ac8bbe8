"""The plug-in table of output formats: one writer per `OutputFormat`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from types import MappingProxyType

from checkpoint.errors import UsageError
from checkpoint.models import ScreeningResult
from checkpoint.report.atomic import write_atomically
from checkpoint.report.csvfmt import CsvWriter
from checkpoint.report.interface import OutputFormat, ResultWriter
from checkpoint.report.jsonfmt import JsonLinesWriter, JsonWriter
from checkpoint.report.table import TableWriter

WRITERS: Mapping[OutputFormat, ResultWriter] = MappingProxyType(
    {
        OutputFormat.TABLE: TableWriter(),
        OutputFormat.JSON: JsonWriter(),
        OutputFormat.JSONL: JsonLinesWriter(),
        OutputFormat.CSV: CsvWriter(),
    }
)


def writer_for(output_format: OutputFormat | str) -> ResultWriter:
    """The writer for a format given as enum member or name; an unknown name is a UsageError."""
    try:
        return WRITERS[OutputFormat(output_format)]
    except ValueError:
        choices = ", ".join(member.value for member in OutputFormat)
        raise UsageError(f"unknown output format {output_format!r}; choose one of {choices}") from None


def write_report(results: Sequence[ScreeningResult], output_format: OutputFormat | str, path: Path) -> None:
    """Write `results` in `output_format` to `path` atomically (all or nothing)."""
    write_atomically(path, partial(writer_for(output_format).write, results))
