"""Which row of a sheet or CSV is the header, and what its columns are called.

Manifests often carry a title above the header (`DAFTAR PENUMPANG GA820`, a date, an agent's name). The
header is the row, among the first few, that names the most known columns (SPEC §4 aliases); with no known
column anywhere, the first row is the header and the caller reports what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkpoint.columns import is_known_header
from checkpoint.values import is_missing

#: How far down a header is looked for; titles above it are a few lines at most.
HEADER_SEARCH_ROWS = 10


def is_blank_cell(cell: object) -> bool:
    """True for None, NaN and text that is only whitespace."""
    return is_missing(cell) or (isinstance(cell, str) and not cell.strip())


def known_columns(row: Sequence[object]) -> int:
    """How many cells of a row name a known column."""
    return sum(is_known_header(cell) for cell in row if not is_blank_cell(cell))


def find_header_row(rows: Sequence[Sequence[object]]) -> int:
    """Index (among `rows`) of the header row: the first naming the most known columns, else 0.

    A row below the first is the header only if it names more known columns and every row above it is
    narrower (a title has fewer cells than the header; data rows do not), so that data values which happen
    to be header words (`NO`, `JK`, `RETURN`) never move the header.
    """
    head = rows[:HEADER_SEARCH_ROWS]
    if not head:
        return 0
    scores = [known_columns(row) for row in head]
    widths = [sum(not is_blank_cell(cell) for cell in row) for row in head]
    best = 0
    for index in range(1, len(head)):
        if scores[index] > scores[best] and max(widths[:index]) < widths[index]:
            best = index
    return best


def column_names(cells: Sequence[object]) -> list[str]:
    """Header cells as unique column names: stripped, a blank one called `column N`, repeats numbered `.1`."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells, start=1):
        name = f"column {position}" if is_blank_cell(cell) else str(cell).strip()
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        names.append(name)
    return names
