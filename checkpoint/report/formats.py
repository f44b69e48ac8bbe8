"""The plug-in table of output formats: one writer per `OutputFormat`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from checkpoint.durable import write_atomically, write_text_atomically
from checkpoint.errors import OutputError, UsageError
from checkpoint.i18n import text
from checkpoint.models import ScreeningResult
from checkpoint.report.csvfmt import CsvWriter
from checkpoint.report.interface import Batch, BinaryWriter, OutputFormat, ResultWriter, as_batch
from checkpoint.report.jsonfmt import JsonLinesWriter, JsonWriter

#: A text writer (a stream of characters) or a binary one (a spreadsheet).
AnyWriter = ResultWriter | BinaryWriter


def _table_writer() -> ResultWriter:
    from checkpoint.report.table import TableWriter  # rich is loaded only when a table is written

    return TableWriter()


def _html_writer() -> ResultWriter:
    from checkpoint.report.html import HtmlWriter

    return HtmlWriter()


def _xlsx_writer() -> BinaryWriter:
    from checkpoint.report.xlsx import XlsxWriter  # openpyxl is loaded only when a spreadsheet is written

    return XlsxWriter()


class _Writers(Mapping[OutputFormat, AnyWriter]):
    """One writer per format, each made when first asked for (so that JSON and CSV output never load rich)."""

    def __init__(self, makers: Mapping[OutputFormat, Callable[[], AnyWriter]]) -> None:
        self._makers = dict(makers)
        self._made: dict[OutputFormat, AnyWriter] = {}

    def __getitem__(self, output_format: OutputFormat) -> AnyWriter:
        if output_format not in self._made:
            self._made[output_format] = self._makers[output_format]()
        return self._made[output_format]

    def __iter__(self) -> Iterator[OutputFormat]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


WRITERS: Mapping[OutputFormat, AnyWriter] = _Writers(
    {
        OutputFormat.TABLE: _table_writer,
        OutputFormat.JSON: JsonWriter,
        OutputFormat.JSONL: JsonLinesWriter,
        OutputFormat.CSV: CsvWriter,
        OutputFormat.HTML: _html_writer,
        OutputFormat.XLSX: _xlsx_writer,
    }
)


def writer_for(output_format: OutputFormat | str) -> AnyWriter:
    """The writer for a format given as enum member or name; an unknown name is a UsageError."""
    try:
        return WRITERS[OutputFormat(output_format)]
    except ValueError:
        choices = ", ".join(member.value for member in OutputFormat)
        raise UsageError(
            text("report.output.unknown_format", output_format=repr(output_format), choices=choices)
        ) from None


def write_results(
    results: Batch | Sequence[ScreeningResult], output_format: OutputFormat | str, stream: TextIO
) -> None:
    """Write `results` in `output_format` to `stream`; a spreadsheet goes to the stream's bytes, never to a
    terminal (UsageError: it needs --output)."""
    writer = writer_for(output_format)
    if isinstance(writer, BinaryWriter):
        if _is_terminal(stream) or not hasattr(stream, "buffer"):
            raise UsageError(text("report.output.binary_needs_file", output_format=OutputFormat(output_format).value))
        stream.flush()
        writer.write_bytes(as_batch(results), stream.buffer)
        stream.buffer.flush()
        return
    writer.write(as_batch(results), stream)


def write_report(results: Batch | Sequence[ScreeningResult], output_format: OutputFormat | str, path: Path) -> None:
    """Write `results` in `output_format` to `path`, whole or not at all (SPEC §5; `checkpoint.durable`).

    A file that cannot be written is an OutputError naming it and why (the folder gone, the disk full).
    """
    writer, batch = writer_for(output_format), as_batch(results)
    try:
        if isinstance(writer, BinaryWriter):
            write_atomically(path, lambda handle: writer.write_bytes(batch, handle))
        else:
            write_text_atomically(path, lambda stream: writer.write(batch, stream))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(text("report.output.failed", path=path, reason=f"{reason[:1].lower()}{reason[1:]}")) from None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
