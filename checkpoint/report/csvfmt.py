"""CSV writer: one row per traveller, nested parts flattened, formula-like cells escaped (SPEC §5)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any, TextIO

from checkpoint.models import TRAVELLER_IDENTITY, ScreeningResult
from checkpoint.report.interface import Batch, as_batch
from checkpoint.report.records import result_to_dict

# No column of questions (`ask`): a rule's questions are the same for every traveller it fires on (they take no
# placeholders), so a column would repeat them on every flagged row; the `hits` column names the rules, and the
# questions are in the JSON, on the officer's screen and in the pack.
CSV_COLUMNS: tuple[str, ...] = (
    "pax_id",
    "verdict",
    "risk_score",
    "match_record_id",
    "match_confidence",
    "match_method",
    "match_fields",
    "candidates",
    "hits",
    "hit_titles",
    "explanations",
    "unknown",
    "warnings",
    *(f"traveller_{name}" for name in TRAVELLER_IDENTITY),
)

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Identifiers are joined tightly; prose (titles, explanations, warnings) with spaces so it stays readable.
_ID_SEPARATOR = "|"
_PROSE_SEPARATOR = " | "


def escape_cell(value: str) -> str:
    """Prefix a single quote to a cell that a spreadsheet would read as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _unify_line_breaks(value: str) -> str:
    # With "\n" as line terminator the csv module quotes cells holding "\n" but not a lone "\r", which
    # readers then take for the end of the row; a line break inside a cell is always written as "\n".
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _number(value: Any) -> str:
    # repr-like text, identical to what the JSON writer prints for the same number.
    return "" if value is None else str(value)


def result_to_row(result: ScreeningResult) -> list[str]:
    """The CSV cells of one result, in `CSV_COLUMNS` order, escaped, line breaks inside cells as `\\n`."""
    record = result_to_dict(result)
    match = record["match"] or {}
    fields = match.get("fields", {})
    cells = [
        record["pax_id"],
        record["verdict"],
        _number(record["risk_score"]),
        match.get("record_id", ""),
        _number(match.get("confidence")),
        match.get("method", ""),
        ";".join(f"{name}={_number(value)}" for name, value in fields.items()),
        _ID_SEPARATOR.join(f"{c['record_id']}:{_number(c['confidence'])}" for c in record["candidates"]),
        _ID_SEPARATOR.join(hit["rule"] for hit in record["hits"]),
        _PROSE_SEPARATOR.join(hit["title"] for hit in record["hits"]),
        _PROSE_SEPARATOR.join(hit["explanation"] for hit in record["hits"]),
        _ID_SEPARATOR.join(f"{u['rule']}:{'+'.join(u['missing'])}" for u in record["unknown"]),
        _PROSE_SEPARATOR.join(record["warnings"]),
        *(record["traveller"][name] or "" for name in TRAVELLER_IDENTITY),
    ]
    # Escape first: a cell starting with CR is a formula risk whatever its line break becomes.
    return [_unify_line_breaks(escape_cell(cell)) for cell in cells]


class CsvWriter:
    """CSV with a header row and `\\n` line endings; the stream should be opened with `newline=""`."""

    def write(self, batch: Batch | Sequence[ScreeningResult], stream: TextIO) -> None:
        """Write the header and one row per result, in input order."""
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(result_to_row(result) for result in as_batch(batch).results)
