"""Dates as they arrive in registries, manifests and documents (SPEC §4).

Accepted: `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`, `DDMMMYY`, `DD MMM YYYY` (e.g. `17MAY90`,
`17 May 1990`), `YYMMDD`, `YYYYMMDD`, and date/datetime values from Excel or Parquet. Day-first is the
Indonesian convention, so `03/04/1990` is 3 April. Two-digit years are placed in a century by what the date
is: a birth date is never in the future; an expiry or a travel date is near today. Anything else is a
`DateProblem`: the caller turns it into a warning and treats the date as missing, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("JAN",),
            ("FEB", "PEB"),
            ("MAR",),
            ("APR",),
            ("MAY", "MEI"),
            ("JUN",),
            ("JUL",),
            ("AUG", "AGU", "AGT", "AGS"),
            ("SEP",),
            ("OCT", "OKT"),
            ("NOV", "NOP"),
            ("DEC", "DES"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YEAR_FIRST_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_MONTH_NAME = re.compile(r"(\d{1,2})[ \-]?([A-Z]{3})[A-Z]*[ \-]?(\d{4}|\d{2})")
_DIGITS = re.compile(r"\d{6}|\d{8}")


class DateKind(Enum):
    """What a date is, which decides the century of a two-digit year."""

    PAST = "past"  # birth, passport issue: never after today
    NEAR = "near"  # departure, return, expiry: within a few decades of today


@dataclass(frozen=True, slots=True)
class DateProblem:
    """Why a value could not be read as a date (a sentence fragment, no personal data beyond the value)."""

    reason: str


def parse_date(value: object, *, kind: DateKind, today: date) -> date | DateProblem | None:
    """Read one date value; None for a blank, a DateProblem for anything unreadable or impossible."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float):
        if value != value:  # NaN from pandas
            return None
        # Excel turned YYMMDD or YYYYMMDD into a number (leading zero lost); a fraction is not a date.
        if not value.is_integer():
            return DateProblem("is a number, not a date")
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if len(text) in (5, 7):  # a lost leading zero of YYMMDD (e.g. 2000s births) or DDMMYYYY
            text = "0" + text
    else:
        text = str(value).strip().upper()
    if not text:
        return None
    try:
        return _parse_text(text, kind=kind, today=today)
    except ValueError:
        return DateProblem("is not a real calendar date")


def _parse_text(text: str, *, kind: DateKind, today: date) -> date | DateProblem:
    if m := _ISO.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_FIRST_SLASH.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_FIRST.fullmatch(text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := _MONTH_NAME.fullmatch(text):
        month = _MONTHS.get(m[2][:3])
        if month is None:
            return DateProblem("has an unknown month name")
        return _with_year(m[3], month, int(m[1]), kind=kind, today=today)
    if _DIGITS.fullmatch(text):
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return _with_year(text[:2], int(text[2:4]), int(text[4:]), kind=kind, today=today)
    return DateProblem("is not in a recognised date format")


def _with_year(year_text: str, month: int, day: int, *, kind: DateKind, today: date) -> date:
    if len(year_text) == 4:
        return date(int(year_text), month, day)
    placed = date(century_year(int(year_text), kind=kind, today=today), month, day)
    if kind is DateKind.PAST and placed > today:  # later this year means a century ago
        placed = date(placed.year - 100, month, day)
    return placed


def century_year(two_digits: int, *, kind: DateKind, today: date) -> int:
    """Place a two-digit year: PAST dates are not after this year; NEAR dates fall within today-50..+49."""
    if kind is DateKind.PAST:
        year = 2000 + two_digits
        return year if year <= today.year else year - 100
    year = (today.year // 100) * 100 + two_digits
    if year > today.year + 49:
        year -= 100
    elif year < today.year - 50:
        year += 100
    return year


def age_on(born: date, on: date) -> int:
    """Completed years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
