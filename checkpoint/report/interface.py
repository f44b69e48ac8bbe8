"""The output formats, the batch every writer is given, and the protocols writers follow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, BinaryIO, Protocol, TextIO, runtime_checkable

from checkpoint.models import ScreeningResult, Subject

if TYPE_CHECKING:
    from rich.console import Console


class OutputFormat(StrEnum):
    """The values of `--format` (SPEC §3)."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    HTML = "html"
    XLSX = "xlsx"


#: Formats written as bytes (a file, never a terminal).
BINARY_FORMATS = frozenset({OutputFormat.XLSX})


@dataclass(frozen=True)
class Batch:
    """What a report is made of: a screening's results in input order and what they were screened against.

    `group_rules` names, for each group rule of the pack, the traveller field its groups are formed by
    (`booking_ref`, `group_code`, …), so that a report can list the groups flagged. `list_clear`: the views for
    people list the clear travellers one by one too (`--all`), not only their count. `subject`: whom the results are
    about, as the views for people name them (applicants and their applications at the passport office).
    """

    results: Sequence[ScreeningResult]
    notes: Sequence[str] = ()
    pack_name: str | None = None
    pack_version: str | None = None
    registry_snapshot: str | None = None
    screening_date: date | None = None
    group_rules: Mapping[str, str] = field(default_factory=dict)
    list_clear: bool = False
    subject: Subject = Subject.TRAVELLER


def as_batch(results: Batch | Sequence[ScreeningResult]) -> Batch:
    """A batch as given, or bare results (tests, library callers) as a batch with nothing else known."""
    return results if isinstance(results, Batch) else Batch(tuple(results))


@runtime_checkable
class ResultWriter(Protocol):
    """Writes a batch of screening results to a text stream."""

    def write(self, batch: Batch | Sequence[ScreeningResult], stream: TextIO) -> None:
        """Write the batch (or bare results) to `stream`; machine formats keep input order; closes nothing."""
        ...


@runtime_checkable
class BinaryWriter(Protocol):
    """Writes a batch as bytes (a spreadsheet): to a file, never to a terminal."""

    def write_bytes(self, batch: Batch | Sequence[ScreeningResult], stream: BinaryIO) -> None:
        """Write the batch to `stream`, a binary handle opened for writing."""
        ...


@runtime_checkable
class ConsoleWriter(ResultWriter, Protocol):
    """A writer for people: it can also render onto a rich Console the CLI already holds."""

    def render(self, batch: Batch | Sequence[ScreeningResult], console: Console) -> None:
        """Render the batch onto `console`, using its colour and width settings."""
        ...
