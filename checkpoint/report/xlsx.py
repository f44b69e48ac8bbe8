"""The spreadsheet for Excel users: a sheet of results (one row per traveller, manifest order, the traveller's
identifying fields beside the verdict) and a sheet with the batch's summary, both in the run's language.

Written in openpyxl's write-only mode (rows streamed, not kept as cell objects). Text cells that a spreadsheet
would read as a formula are escaped as in the CSV (SPEC §5); characters XML cannot hold become U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, BinaryIO

from openpyxl import Workbook

from checkpoint.i18n import text
from checkpoint.models import TRAVELLER_IDENTITY, ScreeningResult, Subject, Verdict
from checkpoint.report.csvfmt import escape_cell
from checkpoint.report.interface import Batch, as_batch
from checkpoint.report.records import result_warnings
from checkpoint.report.subject import subject_text
from checkpoint.report.summary import VERDICTS_GRAVEST_FIRST, summarise, summary_sections, verdict_name

# What XML 1.0 cannot carry (openpyxl refuses it): the C0 controls but tab, line feed and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: The results sheet's columns after the traveller's fields; headers are `report.xlsx.column.*` / `field.*`.
_RESULT_COLUMNS = ("match_record_id", "match_confidence", "candidates", "hits", "explanations", "unknown", "warnings")
_WIDTHS = {"full_name": 30, "explanations": 80, "warnings": 40, "hits": 18, "candidates": 24, "unknown": 30}


def _cell(value: object) -> Any:
    """A value a sheet can hold safely: numbers and dates as such, text escaped and cleaned."""
    if value is None:
        return None
    if isinstance(value, int | float | date):
        return value
    return _ILLEGAL.sub("\ufffd", escape_cell(str(value)))


def _header(subject: Subject) -> list[str]:
    names = [subject_text("report.xlsx.column.pax_id", subject)]
    names += [text("report.xlsx.column.verdict"), text("report.xlsx.column.risk")]
    names += [text(f"field.{name}") for name in TRAVELLER_IDENTITY]
    names += [text(f"report.xlsx.column.{name}") for name in _RESULT_COLUMNS]
    return names


def _row(result: ScreeningResult) -> list[Any]:
    traveller, outcome = result.traveller, result.outcome
    match = outcome.match
    cells: list[Any] = [result.pax_id, verdict_name(result.verdict), int(result.risk_score)]
    cells += [getattr(traveller, name) for name in TRAVELLER_IDENTITY]
    cells += [
        match.record_id if match else None,
        round(float(match.confidence), 3) if match else None,
        ", ".join(f"{c.record_id} ({c.confidence:.2f})" for c in outcome.candidates) or None,
        ", ".join(hit.rule for hit in result.hits) or None,
        "\n".join(f"{hit.rule} {hit.title}: {hit.explanation}" for hit in result.hits) or None,
        "; ".join(f"{u.rule}: {', '.join(u.missing)}" for u in result.unknown) or None,
        "\n".join(result_warnings(result)) or None,
    ]
    return [_cell(value) for value in cells]


class XlsxWriter:
    """An .xlsx workbook with a results sheet and a summary sheet."""

    def write_bytes(self, batch: Batch | Sequence[ScreeningResult], stream: BinaryIO) -> None:
        """Write the workbook to `stream`."""
        batch = as_batch(batch)
        book = Workbook(write_only=True)
        results = book.create_sheet(_sheet_title(text("report.xlsx.sheet.results")))
        results.freeze_panes = "A2"
        columns = ["pax_id", "verdict", "risk", *TRAVELLER_IDENTITY, *_RESULT_COLUMNS]
        for index, name in enumerate(columns):
            results.column_dimensions[_letter(index)].width = _WIDTHS.get(name, 14)
        results.append(_header(batch.subject))
        for result in batch.results:
            results.append(_row(result))
        _summary_sheet(book, batch)
        book.save(stream)


def _summary_sheet(book: Workbook, batch: Batch) -> None:
    summary = summarise(batch)
    sheet = book.create_sheet(_sheet_title(text("report.xlsx.sheet.summary")))
    sheet.column_dimensions["A"].width = 110
    sheet.append([_cell(subject_text("report.html.title", batch.subject))])
    unknown = text("report.html.unknown")
    context = text(
        "report.html.context",
        date=batch.screening_date.isoformat() if batch.screening_date else unknown,
        pack=f"{batch.pack_name}@{batch.pack_version}" if batch.pack_name else unknown,
        snapshot=batch.registry_snapshot or unknown,
    )
    sheet.append([_cell(context)])
    sheet.append([])
    for verdict in VERDICTS_GRAVEST_FIRST:
        sheet.append([_cell(verdict_name(verdict)), summary.counts[Verdict(verdict)]])
    for heading, lines in summary_sections(summary, most_rules=len(summary.rules), most_worklist=None):
        sheet.append([])
        sheet.append([_cell(heading)])
        for line in lines:
            sheet.append([_cell(line)])


def _sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\ .
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))
