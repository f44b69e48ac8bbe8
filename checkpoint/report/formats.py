"""The plug-in table of output formats: one writer per `OutputFormat`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TextIO

from checkpoint.errors import UsageError
from checkpoint.forked import map_shares, writing_workers
from checkpoint.models import ScreeningResult
from checkpoint.report.atomic import write_atomically
from checkpoint.report.csvfmt import CsvWriter
from checkpoint.report.interface import OutputFormat, PiecewiseWriter, ResultWriter
from checkpoint.report.jsonfmt import JsonLinesWriter, JsonWriter


def _table_writer() -> ResultWriter:
    from checkpoint.report.table import TableWriter  # rich is loaded only when a table is written

    return TableWriter()


class _Writers(Mapping[OutputFormat, ResultWriter]):
    """One writer per format, each made when first asked for (so that JSON and CSV output never load rich)."""

    def __init__(self, makers: Mapping[OutputFormat, Callable[[], ResultWriter]]) -> None:
        self._makers = dict(makers)
        self._made: dict[OutputFormat, ResultWriter] = {}

    def __getitem__(self, output_format: OutputFormat) -> ResultWriter:
        if output_format not in self._made:
            self._made[output_format] = self._makers[output_format]()
        return self._made[output_format]

    def __iter__(self) -> Iterator[OutputFormat]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


WRITERS: Mapping[OutputFormat, ResultWriter] = _Writers(
    {
        OutputFormat.TABLE: _table_writer,
        OutputFormat.JSON: JsonWriter,
        OutputFormat.JSONL: JsonLinesWriter,
        OutputFormat.CSV: CsvWriter,
    }
)


def writer_for(output_format: OutputFormat | str) -> ResultWriter:
    """The writer for a format given as enum member or name; an unknown name is a UsageError."""
    try:
        return WRITERS[OutputFormat(output_format)]
    except ValueError:
        choices = ", ".join(member.value for member in OutputFormat)
        raise UsageError(f"unknown output format {output_format!r}; choose one of {choices}") from None


def write_results(
    results: Sequence[ScreeningResult], output_format: OutputFormat | str, stream: TextIO, *, workers: int = 1
) -> None:
    """Write `results` in `output_format` to `stream`.

    A large batch (`forked.writing_workers`) in a format made of independent pieces (`PiecewiseWriter`:
    JSON, JSON Lines, CSV) is written out by up to `workers` processes, each a run of consecutive results;
    the text is the same for any number of workers.
    """
    writer = writer_for(output_format)
    if writing_workers(len(results), workers) <= 1 or not isinstance(writer, PiecewiseWriter):
        writer.write(results, stream)
        return
    piecewise = writer

    def encode(part: range) -> list[str]:
        return [piecewise.encode(results[part.start : part.stop])]

    writer.write_pieces(map_shares(encode, len(results), workers), stream)


def write_report(
    results: Sequence[ScreeningResult], output_format: OutputFormat | str, path: Path, *, workers: int = 1
) -> None:
    """Write `results` in `output_format` to `path` atomically (all or nothing); `workers` as `write_results`."""
    write_atomically(path, partial(write_results, results, output_format, workers=workers))
