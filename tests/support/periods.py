"""A synthetic period of departures made for the reconciliation tests (`tests/reconcile/conftest.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Period:
    """The session's synthetic period: its folder, the store its registry was imported into, its departures."""

    folder: Path
    store: Path
    departures: Path
    truth: Path
