"""Read a manifest file of any supported format into travellers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.manifests.travellers import ManifestRows
from checkpoint.models import Traveller
from checkpoint.sources import read_table


@dataclass(frozen=True)
class Manifest:
    """The travellers of one manifest file, in input order, and file-level notes."""

    source: str
    travellers: tuple[Traveller, ...]
    notes: tuple[str, ...] = ()


def open_manifest(path: Path, *, today: date, label: str | None = None) -> ManifestRows:
    """A manifest file's rows, ready to become travellers; InputDataError when the file is unreadable, too
    large, has no name or passport column, or has no traveller rows.

    `label`: how the notes on its columns and rows name the file (default: its name). A period's departures
    name each by its path: a month of day folders has the same file names every day.
    """
    raw = read_table(path)  # the default limit, sources.read.MANIFEST_MAX_BYTES, is the manifest's
    if label is not None:
        raw = replace(raw, source=label)
    rows = ManifestRows(raw, today=today)
    if not len(rows):
        raise InputDataError(text("manifest.no_rows", file=raw.source))
    return rows


def read_manifest(path: Path, *, today: date) -> Manifest:
    """Read a whole manifest into travellers (`open_manifest` says when it cannot)."""
    rows = open_manifest(path, today=today)
    travellers = rows.flag_repeats(rows.travellers(range(len(rows))))
    return Manifest(source=rows.raw.source, travellers=tuple(travellers), notes=rows.notes)
