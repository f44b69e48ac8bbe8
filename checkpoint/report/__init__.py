"""Result writers: turn screening results into a table, JSON, JSON Lines or CSV (SPEC §5).

Each output format is one writer behind the `ResultWriter` protocol, looked up in `WRITERS`:
`write_results(results, fmt, sys.stdout)` for the screen, `write_report(results, fmt, path)` for
`--output` (whole or not at all). Only this package and the CLI import rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checkpoint.report.csvfmt import CSV_COLUMNS, CsvWriter, escape_cell, result_to_row
from checkpoint.report.formats import WRITERS, write_report, write_results, writer_for
from checkpoint.report.interface import ConsoleWriter, OutputFormat, ResultWriter
from checkpoint.report.jsonfmt import JsonLinesWriter, JsonWriter
from checkpoint.report.records import result_to_dict, result_warnings

if TYPE_CHECKING:
    from checkpoint.report.table import TableWriter

__all__ = [
    "CSV_COLUMNS",
    "WRITERS",
    "ConsoleWriter",
    "CsvWriter",
    "JsonLinesWriter",
    "JsonWriter",
    "OutputFormat",
    "ResultWriter",
    "TableWriter",
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
