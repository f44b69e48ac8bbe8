"""Sample passports for the desk: the MRZ lines a document reader would type for travellers of a sample manifest.

Ten travellers of the sample flight, one of each kind first (a registered worker, a renewed passport, a minor's
record, an ordinary tourist, a one-way visitor with no record…), so that `checkpoint desk` can be tried on
every kind of panel. Every value comes from the synthetic manifest: no real person's document.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.mrz import format_td3

_TITLES = frozenset({"MR", "MRS", "MS", "MSTR", "MISS", "DR"})
_NO_NAME = frozenset({"FNU", "LNU"})


def sample_passports(manifest: pd.DataFrame, labels: pd.DataFrame, today: date, count: int = 10) -> list[str]:
    """The MRZ lines (two per passport) of `count` travellers of a manifest in airline layout, taken one scenario
    at a time in the labels' order so that every kind of traveller comes early."""
    by_scenario: dict[str, list[int]] = {}
    for position, scenario in enumerate(labels["scenario"].tolist()):
        by_scenario.setdefault(str(scenario), []).append(position)
    lines: list[str] = []
    while len(lines) < 2 * count and any(by_scenario.values()):
        for positions in by_scenario.values():
            while positions and len(lines) < 2 * count:
                row = manifest.iloc[positions.pop(0)]
                written = _mrz(row, today) if _usable(row, today) else None
                if written is not None:
                    lines += written
                    break
    return lines


def _usable(row: pd.Series, today: date) -> bool:
    """A traveller a passport can be written for: a name, a number, a birth date, an expiry date."""
    return (
        bool(row.get("name"))
        and bool(row.get("passport_number"))
        and all(isinstance(_date(row.get(field), today), date) for field in ("date_of_birth", "passport_expiry"))
    )


def _date(value: object, today: date) -> date | None:
    found = parse_date(value, kind=DateKind.NEAR, today=today) if value else None
    return None if isinstance(found, DateProblem) else found


def _mrz(row: pd.Series, today: date) -> list[str] | None:
    """The two lines of the row's passport; None when its name cannot be written in an MRZ as it stands (a
    digit or another script in it: the synthetic data's keying slips)."""
    surname, _, given = str(row["name"]).partition("/")
    given_words = [word for word in given.split() if word not in _TITLES]
    primary = "" if surname in _NO_NAME else surname
    secondary = " ".join(word for word in given_words if word not in _NO_NAME)
    if not primary:  # a mononym: the MRZ writes it as the primary identifier
        primary, secondary = secondary, ""
    born = parse_date(row["date_of_birth"], kind=DateKind.PAST, today=today)
    expiry = _date(row["passport_expiry"], today)
    assert isinstance(born, date) and expiry is not None
    try:
        line1, line2 = format_td3(
            primary=primary,
            secondary=secondary,
            document_number=str(row["passport_number"]),
            nationality=str(row.get("nationality") or "IDN"),
            birth_date=born,
            sex=str(row["sex"]) if row.get("sex") in ("M", "F") else None,
            expiry_date=expiry,
        )
    except ValueError:
        return None
    return [line1, line2]
