"""Dates as they arrive in registries, manifests and documents (SPEC §4).

Accepted: `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`, `DD/MM/YY`, `DDMMMYY`, `DD MMM YYYY` (e.g.
`17MAY90`, `17 May 1990`, `17 Mei 1990`), `YYMMDD`, `YYYYMMDD` (or `DDMMYYYY` when that is the only reading),
and date/datetime values from Excel or Parquet (including pandas `Timestamp` and numpy `datetime64`). Day-first
is the Indonesian convention, so `03/04/1990` is 3 April. Two-digit years are placed in a century by what the
date is: a birth date is never in the future; an expiry or a travel date is near today. Numbers that lost a
leading zero in a spreadsheet (`50517` for `050517`) get it back. Anything else is a `DateProblem`: the caller
turns it into a warning and treats the date as missing, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from numbers import Integral

from checkpoint.i18n import Language, current_language, text
from checkpoint.values import is_missing

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
#: Full month names (English and Indonesian) also accepted; any other word is an unknown month.
_MONTH_WORDS = {
    **_MONTHS,
    **{
        word: number
        for number, words in enumerate(
            (
                ("JANUARY", "JANUARI"),
                ("FEBRUARY", "FEBRUARI", "PEBRUARI"),
                ("MARCH", "MARET"),
                ("APRIL",),
                (),
                ("JUNE", "JUNI"),
                ("JULY", "JULI"),
                ("AUGUST", "AGUSTUS"),
                ("SEPT", "SEPTEMBER"),
                ("OCTOBER", "OKTOBER"),
                ("NOVEMBER", "NOPEMBER"),
                ("DECEMBER", "DESEMBER"),
            ),
            start=1,
        )
        for word in words
    },
}
#: Four-digit years outside this range are typos (`0990`, `19990`), not dates of living travellers.
_FIRST_YEAR = 1900
_YEARS_AHEAD = 100

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_YEAR_FIRST_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_MONTH_NAME = re.compile(r"(\d{1,2})[ \-]?([A-Z]{3,9})\.?[ \-]?(\d{4}|\d{2})")
_DIGITS = re.compile(r"\d{5,8}")
_EXCEL_INTEGER = re.compile(r"(\d{5,8})\.0+")


class DateKind(Enum):
    """What a date is, which decides the century of a two-digit year."""

    PAST = "past"  # birth, passport issue: never after today
    NEAR = "near"  # departure, return, expiry: within a few decades of today


@dataclass(frozen=True, slots=True)
class DateProblem:
    """Why a value could not be read as a date: what follows the value in a warning (`manifest.date.*`, in the
    run's language), no personal data beyond the value."""

    reason: str


def parse_date(value: object, *, kind: DateKind, today: date) -> date | DateProblem | None:
    """Read one date value; None for a blank, a DateProblem for anything unreadable or impossible."""
    if type(value) is str:  # most cells (CSV, PAXLST, typed): straight to the text parser
        text = value.strip().upper()
        return _parse_written(text, kind, today, current_language()) if text else None
    if is_missing(value):  # None, NaN, pandas NaT/NA, numpy NaT
        return None
    if isinstance(value, datetime):  # pandas Timestamp is a datetime subclass
        return _plausible(value.date(), today)
    if isinstance(value, date):
        return _plausible(value, today)
    if type(value).__name__ == "datetime64":  # numpy, without importing numpy here
        day = value.astype("datetime64[D]").item()  # type: ignore[attr-defined]
        return _plausible(day, today) if isinstance(day, date) else _problem("implausible_year")
    if isinstance(value, bool):
        return _problem("unknown_format")
    if isinstance(value, float):
        # Excel turned YYMMDD or YYYYMMDD into a number (leading zero lost); a fraction is not a date.
        if not value.is_integer():
            return _problem("number")
        value = int(value)
    if isinstance(value, Integral):
        text = str(int(value))
        if 3 <= len(text) <= 4:  # `000101` (1 Jan 2000) stored as the number 101: zeros lost, not digits
            text = text.zfill(6)
    else:
        text = str(value).strip().upper()
    return _parse_written(text, kind, today, current_language()) if text else None


def _problem(reason: str) -> DateProblem:
    """The DateProblem `manifest.date.<reason>`, in the run's language."""
    return DateProblem(text(f"manifest.date.{reason}"))


@lru_cache(maxsize=65_536)  # a manifest repeats its dates: one departure day, many expiry and birth dates
def _parse_written(text: str, kind: DateKind, today: date, language: Language) -> date | DateProblem:
    """A date written as text (upper case, stripped), checked for plausibility; `language`, the one its
    problem is said in, keeps a problem cached in one language from being given in another."""
    if m := _EXCEL_INTEGER.fullmatch(text):  # `900517.0`: a number written out by a spreadsheet tool
        text = m[1]
    try:
        parsed = _parse_text(text, kind=kind, today=today)
    except ValueError:
        return _problem("not_calendar")
    return parsed if isinstance(parsed, DateProblem) else _plausible(parsed, today)


def _plausible(value: date, today: date) -> date | DateProblem:
    if not _FIRST_YEAR <= value.year <= today.year + _YEARS_AHEAD:
        return _problem("implausible_year")
    return value


def _parse_text(text: str, *, kind: DateKind, today: date) -> date | DateProblem:
    if m := _ISO.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_FIRST_SLASH.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_FIRST.fullmatch(text):
        return _with_year(m[4], int(m[3]), int(m[1]), kind=kind, today=today)
    if m := _MONTH_NAME.fullmatch(text):
        month = _MONTH_WORDS.get(m[2])
        if month is None:
            return _problem("unknown_month")
        return _with_year(m[3], month, int(m[1]), kind=kind, today=today)
    if _DIGITS.fullmatch(text):
        if len(text) in (5, 7):  # a spreadsheet dropped the leading zero of `050517` or `01051990`
            text = "0" + text
        if len(text) == 8:
            return _eight_digits(text)
        return _with_year(text[:2], int(text[2:4]), int(text[4:]), kind=kind, today=today)
    return _problem("unknown_format")


def _eight_digits(text: str) -> date:
    """`YYYYMMDD`, else `DDMMYYYY`: never both valid, as a `DDMMYYYY` year puts 19 or 20 in the month."""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        if text[4:6] not in ("19", "20"):
            raise
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))


def _with_year(year_text: str, month: int, day: int, *, kind: DateKind, today: date) -> date:
    if len(year_text) == 4:
        return date(int(year_text), month, day)
    year = century_year(int(year_text), kind=kind, today=today)
    # Later this year means a century ago; compared before building the date, so 29 February survives.
    if kind is DateKind.PAST and (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return date(year, month, day)


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


class DateOrder(Enum):
    """How a whole column writes its numeric dates: SPEC §4's day-first, or what the column itself shows."""

    DAY_FIRST = "day_first"  # 17/05/1990, 17/05/90, YYMMDD digits: read as they are
    MONTH_FIRST = "month_first"  # 05/17/1990
    YEAR_FIRST = "year_first"  # 90/05/17: a two-digit year first
    DDMMYY = "ddmmyy"  # 170590: six digits, day first


@dataclass(frozen=True, slots=True)
class ColumnDates:
    """What a column's values say about their order: the order chosen, whether nothing told day-first from
    month-first (every value fits both), and one value that shows it (for the note)."""

    order: DateOrder
    ambiguous: bool
    example: str | None


_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})")
_SIX_DIGITS = re.compile(r"\d{6}")


def column_dates(values: Iterable[object]) -> ColumnDates:
    """The order of a column's dates, from its distinct values looked at once (not a guess per row).

    Day-first unless the column shows otherwise throughout: a value whose second part is above 12 (and no
    value whose first part is) makes it month-first; a first part above 31 with a two-digit year last makes
    it year-first; six digits whose last pair cannot be a day make them DDMMYY. A column whose every
    numeric date reads both ways stays day-first and is `ambiguous`.
    """
    evidence: dict[DateOrder, str] = {}
    either: str | None = None
    yymmdd = False
    for value in values:
        if type(value) is not str:
            continue
        written = value.strip()
        if m := _NUMERIC_DATE.fullmatch(written):
            first, second = int(m[1]), int(m[3])
            if first > 31 and len(m[4]) == 2:
                evidence.setdefault(DateOrder.YEAR_FIRST, written)
            elif first > 12 and second <= 12:
                evidence.setdefault(DateOrder.DAY_FIRST, written)
            elif second > 12 and first <= 12:
                evidence.setdefault(DateOrder.MONTH_FIRST, written)
            elif either is None and first <= 12 and second <= 12:
                either = written
        elif _SIX_DIGITS.fullmatch(written):
            if int(written[4:]) > 31:
                evidence.setdefault(DateOrder.DDMMYY, written)
            elif int(written[:2]) > 31:
                yymmdd = True
    if yymmdd:
        evidence.pop(DateOrder.DDMMYY, None)
    others = [order for order in evidence if order is not DateOrder.DAY_FIRST]
    if len(others) == 1 and DateOrder.DAY_FIRST not in evidence:
        return ColumnDates(others[0], ambiguous=False, example=evidence[others[0]])
    if not evidence and either is not None:
        return ColumnDates(DateOrder.DAY_FIRST, ambiguous=True, example=either)
    return ColumnDates(DateOrder.DAY_FIRST, ambiguous=False, example=None)


def reordered(value: str, order: DateOrder) -> str:
    """A value of a column written in `order`, rewritten day-first (what `parse_date` reads); others as they are."""
    written = value.strip()
    if order is DateOrder.MONTH_FIRST or order is DateOrder.YEAR_FIRST:
        if m := _NUMERIC_DATE.fullmatch(written):
            if order is DateOrder.MONTH_FIRST:
                return f"{m[3]}/{m[1]}/{m[4]}"
            if len(m[4]) == 2:
                return f"{m[4]}/{m[3]}/{m[1]}"
    elif order is DateOrder.DDMMYY and _SIX_DIGITS.fullmatch(written):
        return f"{written[:2]}/{written[2:4]}/{written[4:]}"
    return value
