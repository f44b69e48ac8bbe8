"""The shape every tabular reader returns, and the protocol a reader implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd


@dataclass(frozen=True)
class RawTable:
    """Rows as read, before any field is interpreted.

    `frame` has the file's own headers; text cells are `str` (never numbers guessed from text, so `NO` and
    `012345` survive), blanks are None. `notes` are file-level remarks (encoding guessed, sheet chosen).

    `lines` says where each row of `frame` is in the file, counted in `unit`s, so that a reject or a
    warning sends a person to the right place: the 1-based physical `line` of a CSV (title and blank lines
    counted; a row with a quoted line break is named by its first line) or of JSON Lines, the spreadsheet
    `row` of an XLSX sheet, the 1-based `item` of a JSON array, the `passenger` ordinal of a PAXLST. Empty
    means "header on line 1, no line skipped": row k of `frame` is line k + 2 (a Parquet file is numbered
    this way, as the same table exported as CSV or XLSX would be). Use `row_lines()` rather than `lines`.
    """

    frame: pd.DataFrame
    source: str
    notes: tuple[str, ...] = ()
    lines: Sequence[int] = ()
    unit: str = "line"

    def __post_init__(self) -> None:
        if self.lines and len(self.lines) != len(self.frame):
            raise ValueError(f"{len(self.lines)} line numbers for {len(self.frame)} rows")

    def row_lines(self) -> Sequence[int]:
        """Where each row of `frame` is in the file, in `unit`s (one number per row, in row order)."""
        return self.lines if self.lines else range(2, len(self.frame) + 2)

    def where(self, position: int) -> str:
        """The place of the row at 0-based `position`, for a message: `line 7`, `row 12`, `passenger 3`."""
        return f"{self.unit} {self.row_lines()[position]}"


class TableReader(Protocol):
    """One input format: recognise it from the path and the first bytes, then read it."""

    name: str

    def detect(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> RawTable: ...
