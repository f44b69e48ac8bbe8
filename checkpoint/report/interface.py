"""The output formats and the protocol every result writer follows."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TextIO, runtime_checkable

from checkpoint.models import ScreeningResult

if TYPE_CHECKING:
    from rich.console import Console


class OutputFormat(StrEnum):
    """The values of `--format` (SPEC §3)."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


@runtime_checkable
class ResultWriter(Protocol):
    """Writes a batch of screening results, in input order, to a text stream."""

    def write(self, results: Sequence[ScreeningResult], stream: TextIO) -> None:
        """Write every result to `stream`; never reorders, drops or closes anything."""
        ...


@runtime_checkable
class ConsoleWriter(ResultWriter, Protocol):
    """A writer for people: it can also render onto a rich Console the CLI already holds."""

    def render(self, results: Sequence[ScreeningResult], console: Console) -> None:
        """Render every result onto `console`, using its colour and width settings."""
        ...
