"""Result writers: turn a batch of screening results into a table, JSON, JSON Lines, CSV, an HTML report or a
spreadsheet (SPEC §5).

Each output format is one writer behind the `ResultWriter` protocol (`BinaryWriter` for the spreadsheet), looked
up in `WRITERS`; each is given a `Batch` (the results and what they were screened against), and the views for
people share one summary (`summary.py`). `write_results(batch, fmt, sys.stdout)` for the screen,
`write_report(batch, fmt, path)` for `--output` (whole or not at all). Only this package and the CLI import rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checkpoint.report.csvfmt import CSV_COLUMNS, CsvWriter, escape_cell, result_to_row
from checkpoint.report.formats import WRITERS, write_report, write_results, writer_for
from checkpoint.report.interface import (
    BINARY_FORMATS,
    Batch,
    BinaryWriter,
    ConsoleWriter,
    OutputFormat,
    ResultWriter,
    as_batch,
)
from checkpoint.report.jsonfmt import JsonLinesWriter, JsonWriter
from checkpoint.report.records import result_to_dict, result_warnings

if TYPE_CHECKING:
    from checkpoint.report.table import TableWriter

__all__ = [
    "BINARY_FORMATS",
    "CSV_COLUMNS",
    "WRITERS",
    "Batch",
    "BinaryWriter",
    "ConsoleWriter",
    "CsvWriter",
    "JsonLinesWriter",
    "JsonWriter",
    "OutputFormat",
    "ResultWriter",
    "TableWriter",
    "as_batch",
    "escape_cell",
    "result_to_dict",
    "result_to_row",
    "result_warnings",
    "write_report",
    "write_results",
    "writer_for",
]


def __getattr__(name: str) -> Any:
    """`TableWriter` on first use: it loads rich, which JSON and CSV output do without."""
    if name == "TableWriter":
        from checkpoint.report.table import TableWriter

        return TableWriter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
