"""Dates as manifests, registries and spreadsheets write them (SPEC §4): formats, centuries, bad values."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from checkpoint.dates import DateKind, DateProblem, age_on, century_year, parse_date

TODAY = date(2026, 11, 28)
PAST, NEAR = DateKind.PAST, DateKind.NEAR
MAY_17_1990 = date(1990, 5, 17)
ENGLISH_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
INDONESIAN_MONTHS = ("JAN", "PEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOP", "DES")


def past(value: object) -> date | DateProblem | None:
    return parse_date(value, kind=PAST, today=TODAY)


def near(value: object) -> date | DateProblem | None:
    return parse_date(value, kind=NEAR, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "1990-05-17",
        "1990-5-17",
        "1990-05-17 00:00:00",
        "1990-05-17T08:30:00",
        "1990/05/17",
        "17/05/1990",
        "17-05-1990",
        "17.05.1990",
        "17/05/90",
        "17MAY90",
        "17may90",
        "17 MAY 1990",
        "17 May 1990",
        "17-MAY-1990",
        "17MAY1990",
        "17 MEI 1990",
        "17 Mei 90",
        "17 MAY. 1990",
        "17 MAY 90",
        "900517",
        "19900517",
        "17051990",
        "  17/05/1990  ",
    ],
)
def test_every_accepted_format_reads_17_may_1990(text: str) -> None:
    assert past(text) == MAY_17_1990


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17MEI90", date(1990, 5, 17)),
        ("01AGU85", date(1985, 8, 1)),
        ("01AGT85", date(1985, 8, 1)),
        ("02OKT85", date(1985, 10, 2)),
        ("03DES85", date(1985, 12, 3)),
        ("04PEB85", date(1985, 2, 4)),
        ("05NOP85", date(1985, 11, 5)),
        ("17 Agustus 1945", date(1945, 8, 17)),
        ("1 Januari 2000", date(2000, 1, 1)),
        ("9 September 1999", date(1999, 9, 9)),
        ("9 Sept 1999", date(1999, 9, 9)),
        ("28 Oktober 1928", date(1928, 10, 28)),
        ("25 Desember 1975", date(1975, 12, 25)),
        ("14 Februari 1980", date(1980, 2, 14)),
    ],
)
def test_indonesian_and_full_month_names(text: str, expected: date) -> None:
    assert past(text) == expected


def test_day_first_is_the_convention() -> None:
    assert past("03/04/1990") == date(1990, 4, 3)
    assert past("3/4/1990") == date(1990, 4, 3)


def test_eight_digits_read_as_yyyymmdd_before_ddmmyyyy() -> None:
    assert past("19900102") == date(1990, 1, 2)
    assert past("20011990") == date(1990, 1, 20)  # 2001-19-90 cannot be a date; 20/01/1990 can


class TestCenturies:
    def test_a_birth_date_is_never_in_the_future(self) -> None:
        assert past("17MAY30") == date(1930, 5, 17)
        assert past("270101") == date(1927, 1, 1)

    def test_a_birth_date_earlier_this_year_stays_in_this_century(self) -> None:
        assert past("261127") == date(2026, 11, 27)
        assert past("261128") == date(2026, 11, 28)

    def test_a_birth_date_later_this_year_is_a_century_ago(self) -> None:
        assert past("261129") == date(1926, 11, 29)

    def test_an_expiry_is_near_today(self) -> None:
        assert near("17MAY30") == date(2030, 5, 17)
        assert near("300517") == date(2030, 5, 17)
        assert near("17MAY76") == date(1976, 5, 17)  # today-50
        assert near("17MAY75") == date(2075, 5, 17)  # today+49

    def test_the_same_text_differs_by_kind(self) -> None:
        assert past("01JAN28") == date(1928, 1, 1)
        assert near("01JAN28") == date(2028, 1, 1)

    def test_29_february_a_century_ago_is_checked_as_a_date(self) -> None:
        # 2000-02-29 would be after "today"; 1900 was not a leap year, so there is no such date.
        assert isinstance(parse_date("000229", kind=PAST, today=date(2000, 1, 1)), DateProblem)
        assert parse_date("240229", kind=PAST, today=date(2024, 1, 15)) == date(1924, 2, 29)

    @pytest.mark.parametrize(
        ("two_digits", "kind", "expected"),
        [(26, PAST, 2026), (27, PAST, 1927), (0, PAST, 2000), (99, PAST, 1999), (76, NEAR, 1976), (75, NEAR, 2075)],
    )
    def test_century_year(self, two_digits: int, kind: DateKind, expected: int) -> None:
        assert century_year(two_digits, kind=kind, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/1990", "is not a real calendar date"),
        ("29/02/1990", "is not a real calendar date"),
        ("1990-13-01", "is not a real calendar date"),
        ("05/17/1990", "is not a real calendar date"),  # month-first is not read as a guess
        ("990231", "is not a real calendar date"),
        ("000000", "is not a real calendar date"),
        ("17XYZ90", "has an unknown month name"),
        ("17MAYO90", "has an unknown month name"),
        ("hello", "is not in a recognised date format"),
        ("17 May", "is not in a recognised date format"),
        ("1990", "is not in a recognised date format"),
        ("17/05/1990 or 18/05/1990", "is not in a recognised date format"),
        ("0990-05-17", "has an implausible year"),
        ("00010101", "has an implausible year"),
        (1.5, "is a number, not a date"),
        (True, "is not in a recognised date format"),
    ],
)
def test_bad_values_are_problems_with_a_reason(value: object, reason: str) -> None:
    assert past(value) == DateProblem(reason)


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan"), np.nan, pd.NaT, pd.NA, np.datetime64("NaT")])
def test_blanks_are_none(blank: object) -> None:
    assert past(blank) is None
    assert near(blank) is None


class TestSpreadsheetValues:
    def test_datetime_and_date_objects(self) -> None:
        assert past(datetime(1990, 5, 17, 13, 45)) == MAY_17_1990
        assert past(MAY_17_1990) == MAY_17_1990

    def test_pandas_timestamp(self) -> None:
        assert past(pd.Timestamp("1990-05-17 08:00")) == MAY_17_1990
        assert type(past(pd.Timestamp("1990-05-17"))) is date

    def test_numpy_datetime64(self) -> None:
        assert past(np.datetime64("1990-05-17")) == MAY_17_1990
        assert past(np.datetime64("1990-05-17T23:59:59.999999999")) == MAY_17_1990

    def test_excel_zero_date_is_not_a_birth_date(self) -> None:
        assert past(datetime(1899, 12, 30)) == DateProblem("has an implausible year")

    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            (900517, MAY_17_1990),
            (900517.0, MAY_17_1990),
            (np.int64(900517), MAY_17_1990),
            (np.float64(900517.0), MAY_17_1990),
            (19900517, MAY_17_1990),
            (50517, date(2005, 5, 17)),  # 050517 lost its leading zero
            (50517.0, date(2005, 5, 17)),
            ("50517", date(2005, 5, 17)),  # the same, exported to CSV as text
            ("900517.0", MAY_17_1990),
            (101, date(2000, 1, 1)),  # 000101: a year-2000 birth keeps only month and day
            (1231.0, date(2000, 12, 31)),
            (1051990, date(1990, 5, 1)),  # 01051990 lost its leading zero
            (17051990, MAY_17_1990),
        ],
    )
    def test_numbers_that_lost_a_leading_zero(self, number: object, expected: date) -> None:
        assert past(number) == expected


def test_age_on() -> None:
    born = date(2000, 11, 28)
    assert age_on(born, date(2026, 11, 27)) == 25
    assert age_on(born, date(2026, 11, 28)) == 26
    assert age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


# --- properties: any date written in any accepted format reads back as itself -------------------------------

FOUR_DIGIT_FORMATS = (
    lambda d: d.strftime("%Y-%m-%d"),
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: d.strftime("%d-%m-%Y"),
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: d.strftime("%Y%m%d"),
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d.day:02d} {ENGLISH_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{d.day:02d} {INDONESIAN_MONTHS[d.month - 1].title()} {d.year}",
    lambda d: f"{d.day:02d}{ENGLISH_MONTHS[d.month - 1]}{d.year}",
)
TWO_DIGIT_FORMATS = (
    lambda d: f"{d.day:02d}{ENGLISH_MONTHS[d.month - 1]}{d.year % 100:02d}",
    lambda d: f"{d.day:02d}{INDONESIAN_MONTHS[d.month - 1]}{d.year % 100:02d}",
    lambda d: d.strftime("%y%m%d"),
    lambda d: d.strftime("%d/%m/%y"),
    lambda d: int(d.strftime("%y%m%d")),  # an Excel number: 2000s dates lose their leading zero
    lambda d: float(d.strftime("%y%m%d")),
)
formats = st.sampled_from(range(len(FOUR_DIGIT_FORMATS)))
short_formats = st.sampled_from(range(len(TWO_DIGIT_FORMATS)))
kinds = st.sampled_from(DateKind)
todays = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))


@settings(max_examples=100)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), fmt=formats, kind=kinds)
def test_four_digit_years_read_back(day: date, fmt: int, kind: DateKind) -> None:
    assert parse_date(FOUR_DIGIT_FORMATS[fmt](day), kind=kind, today=TODAY) == day


@settings(max_examples=100)
@given(data=st.data(), today=todays, fmt=short_formats)
def test_two_digit_past_dates_read_back_within_the_last_century(data: st.DataObject, today: date, fmt: int) -> None:
    day = data.draw(st.dates(min_value=max(date(today.year - 100, 1, 1), date(1900, 1, 1)), max_value=today))
    assume((day.year, day.month, day.day) > (today.year - 100, today.month, today.day))  # within 100 years
    assert parse_date(TWO_DIGIT_FORMATS[fmt](day), kind=PAST, today=today) == day


@settings(max_examples=100)
@given(data=st.data(), today=todays, fmt=short_formats)
def test_two_digit_near_dates_read_back_within_the_window(data: st.DataObject, today: date, fmt: int) -> None:
    window = st.dates(min_value=date(today.year - 50, 1, 1), max_value=date(today.year + 49, 12, 31))
    day = data.draw(window)
    assert parse_date(TWO_DIGIT_FORMATS[fmt](day), kind=NEAR, today=today) == day


@given(today=todays, kind=kinds, text=st.text(max_size=30))
def test_any_text_gives_a_date_a_problem_or_none(today: date, kind: DateKind, text: str) -> None:
    result = parse_date(text, kind=kind, today=today)
    assert result is None or isinstance(result, date | DateProblem)
    if isinstance(result, date):
        assert 1900 <= result.year <= today.year + 100


@given(value=st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)), kind=kinds)
def test_any_number_gives_a_date_a_problem_or_none(value: float, kind: DateKind) -> None:
    result = parse_date(value, kind=kind, today=TODAY)
    assert result is None or isinstance(result, date | DateProblem)


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_a_past_date_is_never_after_today(day: date) -> None:
    result = past(day.strftime("%y%m%d"))
    assert isinstance(result, date)
    assert result <= TODAY
