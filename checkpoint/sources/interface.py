"""The shape every tabular reader returns, and the protocol a reader implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from checkpoint.i18n import text

if TYPE_CHECKING:
    import pandas as pd


class FileSentenceError(ValueError):
    """What is wrong with a file's content, said by a part that does not know the file's name: a catalog key
    (`source.*`, whose sentence starts with `{file}`) and its values, never quoting data. The reader, which
    knows the name, turns it into one sentence for the officer (`sentence`)."""

    def __init__(self, key: str, **params: object) -> None:
        """The sentence `key` of the catalog, with `params` besides the file's name."""
        super().__init__(key)
        self.key, self.params = key, params

    def sentence(self, file: str) -> str:
        """The problem as one sentence about `file`, in the run's language."""
        return text(self.key, file=file, **self.params)

    def __str__(self) -> str:
        return self.sentence("…")


@dataclass(frozen=True)
class RawTable:
    """Rows as read, before any field is interpreted.

    `headers` are the file's own column names (unique), `columns` one sequence of cells per header, all as
    long as the table (`height`); text cells are `str` (never numbers guessed from text, so `NO` and
    `012345` survive), blanks are None. `notes` are file-level remarks (encoding guessed, sheet chosen).
    Plain lists, so that reading a manifest loads no table library; `frame` gives a pandas DataFrame to
    whoever needs one (the registry preparer), made on first use.

    `lines` says where each row is in the file, counted in `unit`s, so that a reject or a warning sends a
    person to the right place: the 1-based physical `line` of a CSV (title and blank lines counted; a row
    with a quoted line break is named by its first line) or of JSON Lines, the spreadsheet `row` of an XLSX
    sheet, the 1-based `item` of a JSON array, the `passenger` ordinal of a PAXLST. Empty means "header on
    line 1, no line skipped": row k is line k + 2 (a Parquet file is numbered this way, as the same table
    exported as CSV or XLSX would be). Use `row_lines()` rather than `lines`.
    """

    headers: tuple[str, ...]
    columns: tuple[Sequence[object], ...]
    source: str
    notes: tuple[str, ...] = ()
    lines: Sequence[int] = ()
    unit: str = "line"

    def __post_init__(self) -> None:
        if len(self.columns) != len(self.headers):
            raise ValueError(f"{len(self.columns)} columns for {len(self.headers)} headers")
        if any(len(column) != self.height for column in self.columns):
            raise ValueError("columns of different lengths")
        if self.lines and len(self.lines) != self.height:
            raise ValueError(f"{len(self.lines)} line numbers for {self.height} rows")

    @property
    def height(self) -> int:
        """The number of rows."""
        return len(self.columns[0]) if self.columns else 0

    def row_lines(self) -> Sequence[int]:
        """Where each row is in the file, in `unit`s (one number per row, in row order)."""
        return self.lines if self.lines else range(2, self.height + 2)

    def where(self, position: int) -> str:
        """The place of the row at 0-based `position`, for a message: `line 7`, `row 12`, `passenger 3`."""
        return place(self.unit, self.row_lines()[position])

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame of objects (the file's headers, rows numbered from 0)."""
        import pandas as pd  # only for whoever asks: screening a manifest never does

        frame = pd.DataFrame(dict(enumerate(self.columns)), index=pd.RangeIndex(self.height), dtype=object)
        frame.columns = list(self.headers)
        return frame

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        source: str,
        notes: tuple[str, ...] = (),
        lines: Sequence[int] = (),
        unit: str = "line",
    ) -> RawTable:
        """A table of a DataFrame's cells as they are (the readers of XLSX and Parquet, which pandas reads)."""
        columns = tuple(frame.iloc[:, index].tolist() for index in range(frame.shape[1]))
        table = cls(tuple(str(name) for name in frame.columns), columns, source, notes, lines, unit)
        table.__dict__["frame"] = frame  # already made: `frame` returns it rather than building another
        return table


def place(unit: str, number: int) -> str:
    """Where a row is, in the run's language: `line 7`, `row 12` (`source.place.<unit>`)."""
    return text(f"source.place.{unit}", number=number)


class TableReader(Protocol):
    """One input format: recognise it from the path and the first bytes, then read it."""

    name: str

    def detect(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> RawTable: ...
