"""The shape every tabular reader returns, and the protocol a reader implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd


@dataclass(frozen=True)
class RawTable:
    """Rows as read, before any field is interpreted.

    `frame` has the file's own headers; text cells are `str` (never numbers guessed from text, so `NO` and
    `012345` survive), blanks are None. `notes` are file-level remarks (encoding guessed, sheet chosen).
    """

    frame: pd.DataFrame
    source: str
    notes: tuple[str, ...] = ()


class TableReader(Protocol):
    """One input format: recognise it from the path and the first bytes, then read it."""

    name: str

    def detect(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> RawTable: ...
