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
class PiecewiseWriter(ResultWriter, Protocol):
    """A writer whose text is made of independent pieces, one per run of consecutive results, so that the
    pieces of a large batch can be written out by several processes (`formats.write_results`)."""

    def encode(self, results: Sequence[ScreeningResult]) -> str:
        """The piece of text of these consecutive results."""
        ...

    def write_pieces(self, pieces: Sequence[str], stream: TextIO) -> None:
        """Write the whole output from the pieces of every run of results, in order: `write(results, stream)`
        writes exactly what `write_pieces([encode(results)], stream)` does, and so does any cut of the
        results into consecutive runs."""
        ...


@runtime_checkable
class ConsoleWriter(ResultWriter, Protocol):
    """A writer for people: it can also render onto a rich Console the CLI already holds."""

    def render(self, results: Sequence[ScreeningResult], console: Console) -> None:
        """Render every result onto `console`, using its colour and width settings."""
        ...
