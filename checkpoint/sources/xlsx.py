"""An XLSX workbook read a slice of rows at a time, with openpyxl's read-only mode (`sources.batches`).

The same table, row numbers and notes as `binary.XlsxReader` reads whole with pandas, in two passes over the
rows, never holding the sheet: the first finds each sheet's header (among its first non-empty rows) and the
columns that hold anything, and so the sheet to read; the second hands that sheet's rows out in batches.
Cells are what pandas makes of them: a whole float as an integer, the text pandas reads as missing (`NA`,
`#N/A`, an empty string…) and Excel's error values as blanks, text stripped after the header is found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint import i18n
from checkpoint.errors import InputDataError
from checkpoint.sources.header import HEADER_SEARCH_ROWS, column_names, find_header_row, is_blank_cell, known_columns
from checkpoint.sources.interface import RawTable

if TYPE_CHECKING:
    from checkpoint.sources.batches import Batches


@cache
def _missing_text() -> frozenset[str]:
    """The text pandas reads as missing in a workbook: its default NA strings and Excel's error values."""
    from openpyxl.cell.cell import ERROR_CODES
    from pandas._libs.parsers import STR_NA_VALUES

    return frozenset(STR_NA_VALUES) | frozenset(ERROR_CODES)


def _cell(value: object) -> object:
    """A cell as `pandas.read_excel(dtype=object)` gives it (None where pandas gives NaN)."""
    if isinstance(value, str):
        return None if value in _missing_text() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class _Sheet:
    """What the first pass finds of one sheet."""

    name: str
    filled: set[int] = field(default_factory=set)  # columns holding a cell
    head: list[tuple[int, list[object]]] = field(default_factory=list)  # first non-empty rows, with their number

    def columns(self) -> list[int]:
        return sorted(self.filled)

    def header(self) -> tuple[int, list[object]]:
        """The header's position among the non-empty rows, and its cells (of the filled columns)."""
        columns = self.columns()
        rows = [[row[column] if column < len(row) else None for column in columns] for _, row in self.head]
        at = find_header_row(rows)
        return at, rows[at]


def _rows(sheet: Any) -> Iterator[tuple[int, list[object]]]:
    """The sheet's rows that hold a cell, with their spreadsheet row number."""
    sheet.reset_dimensions()  # as pandas does: the dimensions a workbook declares may be wrong
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        row = [_cell(value) for value in values]
        if any(cell is not None for cell in row):
            yield number, row


def read_xlsx_batches(path: Path, rows: int) -> Batches:
    """The workbook's table (see the module docstring), `rows` rows at a time."""
    from checkpoint.sources.batches import Batches
    from checkpoint.sources.binary import _is_workbook

    if not _is_workbook(path):
        raise InputDataError(i18n.text("source.xlsx.not_zip", file=path.name))

    def unreadable() -> InputDataError:
        return InputDataError(i18n.text("source.xlsx.unreadable", file=path.name))

    try:
        sheets = _survey(path)
    except InputDataError:
        raise
    except Exception:  # third-party parsers raise more than they document (binary.py)
        raise unreadable() from None
    tables = {sheet.name: sheet for sheet in sheets if sheet.head}
    if not tables:
        raise InputDataError(i18n.text("source.xlsx.no_sheet", file=path.name))
    scores = {name: known_columns(sheet.header()[1]) for name, sheet in tables.items()}
    chosen = max(tables, key=lambda name: scores[name])  # the first of equals, in workbook order
    sheet = tables[chosen]
    above, header = sheet.header()
    headers = tuple(column_names(header))
    notes = [i18n.text("source.xlsx.sheet_read", file=path.name, sheet=repr(chosen))]
    if above:
        notes.append(i18n.text("source.xlsx.rows_skipped", file=path.name, count=above))
    if len(tables) > 1:
        others = ", ".join(repr(name) for name in tables if name != chosen)
        notes.append(i18n.text("source.xlsx.other_sheets", file=path.name, sheets=others))

    def batches() -> Iterator[RawTable]:
        from openpyxl import load_workbook

        columns = sheet.columns()
        cells: list[list[object]] = [[] for _ in columns]
        places: list[int] = []
        emitted = 0
        try:
            book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                for position, (number, row) in enumerate(_rows(book[chosen])):
                    if position <= above:  # the rows above the header, and the header
                        continue
                    kept = [row[column] if column < len(row) else None for column in columns]
                    kept = [(cell.strip() or None) if isinstance(cell, str) else cell for cell in kept]
                    if all(is_blank_cell(cell) for cell in kept):
                        continue
                    for column, cell in zip(cells, kept, strict=True):
                        column.append(cell)
                    places.append(number)
                    if len(places) >= rows:
                        yield RawTable(headers, tuple(cells), path.name, (), places, "row")
                        emitted += len(places)
                        cells, places = [[] for _ in columns], []
            finally:
                book.close()
        except InputDataError:
            raise
        except Exception:  # see above
            raise unreadable() from None
        if places or not emitted:
            yield RawTable(headers, tuple(cells), path.name, (), places, "row")

    return Batches(headers, path.name, batches(), "row", notes)


def _survey(path: Path) -> list[_Sheet]:
    """The first pass: each worksheet's filled columns and first non-empty rows, in workbook order."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        found = []
        for name in book.sheetnames:
            sheet = _Sheet(name)
            for number, row in _rows(book[name]):
                sheet.filled.update(column for column, cell in enumerate(row) if cell is not None)
                if len(sheet.head) < HEADER_SEARCH_ROWS:
                    sheet.head.append((number, row))
            found.append(sheet)
        return found
    finally:
        book.close()
