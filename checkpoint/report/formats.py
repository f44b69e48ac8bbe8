"""The plug-in table of output formats: one writer per `OutputFormat`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from checkpoint.durable import write_text_atomically
from checkpoint.errors import OutputError, UsageError
from checkpoint.i18n import text
from checkpoint.models import ScreeningResult
from checkpoint.report.csvfmt import CsvWriter
from checkpoint.report.interface import OutputFormat, ResultWriter
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
        raise UsageError(
            text("report.output.unknown_format", output_format=repr(output_format), choices=choices)
        ) from None


def write_results(results: Sequence[ScreeningResult], output_format: OutputFormat | str, stream: TextIO) -> None:
    """Write `results` in `output_format` to `stream`."""
    writer_for(output_format).write(results, stream)


def write_report(results: Sequence[ScreeningResult], output_format: OutputFormat | str, path: Path) -> None:
    """Write `results` in `output_format` to `path`, whole or not at all (SPEC §5; `checkpoint.durable`).

    A file that cannot be written is an OutputError naming it and why (the folder gone, the disk full).
    """
    writer = writer_for(output_format)
    try:
        write_text_atomically(path, lambda stream: writer.write(results, stream))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(text("report.output.failed", path=path, reason=f"{reason[:1].lower()}{reason[1:]}")) from None
