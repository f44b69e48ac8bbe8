"""Read a manifest file of any supported format into travellers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checkpoint.errors import InputDataError
from checkpoint.manifests.travellers import travellers_from_table
from checkpoint.models import Traveller
from checkpoint.sources import read_table


@dataclass(frozen=True)
class Manifest:
    """The travellers of one manifest file, in input order, and file-level notes."""

    source: str
    travellers: tuple[Traveller, ...]
    notes: tuple[str, ...] = ()


def read_manifest(path: Path, *, today: date, workers: int = 1) -> Manifest:
    """Read a manifest; InputDataError when the file is unreadable, too large or has no traveller rows.

    `workers`: how many processes may share turning rows into travellers (the result does not depend on it).
    """
    raw = read_table(path)  # the default limit, sources.read.MANIFEST_MAX_BYTES, is the manifest's
    travellers = travellers_from_table(raw, today=today, workers=workers)
    if not travellers:
        raise InputDataError(f"{path.name} has a header but no traveller rows.")
    return Manifest(source=raw.source, travellers=tuple(travellers), notes=raw.notes)
