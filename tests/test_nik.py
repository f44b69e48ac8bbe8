"""NIK structure checks, derived sex and birth date, spreadsheet damage, and the province table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.nik import NikInfo, NikProblem, parse_nik, province_names

from support.nik import compose_nik

TODAY = date(2025, 6, 1)
# synthetic: Kab. Bogor (32 01), district 23, a woman born 1990-07-05, serial 0001
NIK = "3201234507900001"

PROVINCES = {
    *range(11, 20),
    21,
    *range(31, 37),
    *range(51, 54),
    *range(61, 66),
    *range(71, 77),
    81,
    82,
    *range(91, 97),
}


def info(value: str | int | float) -> NikInfo:
    parsed = parse_nik(value, today=TODAY)
    assert isinstance(parsed, NikInfo), parsed
    return parsed


def problem(value: str | int | float) -> NikProblem:
    parsed = parse_nik(value, today=TODAY)
    assert isinstance(parsed, NikProblem), parsed
    assert NIK not in parsed.reason
    assert parsed.reason.endswith(".")
    return parsed


def test_a_valid_nik_gives_its_parts_sex_and_birth_date() -> None:
    assert info(NIK) == NikInfo(
        nik=NIK,
        province_code="32",
        province_name="Jawa Barat",
        regency_code="3201",
        district_code="320123",
        is_city=False,
        sex="F",
        birth_date=date(1990, 7, 5),
        serial="0001",
    )


def test_a_man_has_the_plain_day() -> None:
    parsed = info("3273010507900002")  # Kota Bandung
    assert (parsed.sex, parsed.birth_date, parsed.is_city) == ("M", date(1990, 7, 5), True)


def test_the_province_table_holds_exactly_the_documented_codes() -> None:
    assert {int(code) for code in province_names()} == PROVINCES
    assert all(name.strip() for name in province_names().values())


@pytest.mark.parametrize(
    "typed",
    [
        "3201 2345 0790 0001",
        "3201.2345.0790.0001",
        "32.01.23.450790.0001",
        "3201-2345-0790-0001",
        " 3201234507900001\n",
        "'3201234507900001",  # a spreadsheet's text marker
        "3201234507900001.0",  # a spreadsheet number written out
        "3201234507900001,00",  # the same with an Indonesian decimal comma
        3201234507900001,
        3201234507900001.0,
    ],
)
def test_spaces_dots_and_spreadsheet_forms_are_accepted(typed: str | int | float) -> None:
    assert info(typed).nik == NIK


def test_a_spreadsheet_number_above_two_to_the_53_is_accepted_with_a_warning() -> None:
    parsed = info("9171014507900001.0")  # Papua: beyond what a float holds exactly
    assert parsed.warnings == (
        "NIK came from a spreadsheet number too large to be held exactly; its last digit may be wrong.",
    )
    assert info("9171014507900001").warnings == ()


@pytest.mark.parametrize(
    ("value", "part", "reason"),
    [
        ("3.2011e15", "format", "scientific notation"),
        ("3,20123E+15", "format", "scientific notation"),
        (9.171014507900001e15, "format", "floating-point"),
        (3201234507900001.5, "format", "floating-point"),
        ("", "format", "NIK is empty."),
        ("   ", "format", "NIK is empty."),
        ("320123450790000", "format", "NIK has 15 digits; it needs 16."),
        ("32012345079000011", "format", "NIK has 17 digits; it needs 16."),
        ("3201234507900O01", "format", "characters other than digits"),
        ("٣٢٠١٢٣٤٥٠٧٩٠٠٠٠١", "format", "characters other than digits"),  # Arabic-Indic digits
        (True, "format", "yes/no"),
        ("1001234507900001", "province", "province code 10 is not"),
        ("2001234507900001", "province", "province code 20 is not"),
        ("9701234507900001", "province", "province code 97 is not"),
        ("3200234507900001", "regency", "regency/city code is 00"),
        ("3201004507900001", "district", "district code is 00"),
        ("3201233207900001", "birth_date", "day is not 01-31"),
        ("3201237207900001", "birth_date", "day is not 01-31"),
        ("3201230007900001", "birth_date", "day is not 01-31"),
        ("3201234007900001", "birth_date", "day is not 01-31"),
        ("3201230513900001", "birth_date", "month is not 01-12"),
        ("3201230500900001", "birth_date", "month is not 01-12"),
        ("3201233102900001", "birth_date", "not a calendar date"),
        ("3201237102900001", "birth_date", "not a calendar date"),
        ("3201234507900000", "serial", "serial number is 0000"),
    ],
)
def test_invalid_niks_give_the_failing_part_and_a_reason(value: str | int | float, part: str, reason: str) -> None:
    found = problem(value)
    assert found.part == part
    assert reason in found.reason


def test_century_keeps_the_birth_date_not_after_today_and_the_age_at_most_100() -> None:
    assert info("3201230106250001").birth_date == date(2025, 6, 1)
    assert info("3201230206250001").birth_date == date(1925, 6, 2)  # not after today
    later = parse_nik("3201230106250001", today=date(2125, 6, 2))
    assert isinstance(later, NikInfo) and later.birth_date == date(2125, 6, 1)


def test_no_reading_more_than_100_years_back_is_accepted() -> None:
    # 29 February 2100 does not exist, and 29 February 2000 is more than 100 years before 1 March 2100
    assert parse_nik("3201232902000001", today=date(2100, 3, 1)) == NikProblem(
        "birth_date", "NIK birth date is not a calendar date within the last 100 years."
    )
    a_day_earlier = parse_nik("3201232902000001", today=date(2100, 2, 28))
    assert isinstance(a_day_earlier, NikInfo) and a_day_earlier.birth_date == date(2000, 2, 29)


def test_29_february_needs_a_leap_year_in_the_chosen_century() -> None:
    assert info("3201232902000001").birth_date == date(2000, 2, 29)
    assert info("3201236902960001").birth_date == date(1996, 2, 29)


def test_compose_nik_rejects_impossible_parts() -> None:
    with pytest.raises(ValueError, match="district_code"):
        compose_nik("32012", date(1990, 1, 1), "M", 1)
    with pytest.raises(ValueError, match="sex"):
        compose_nik("320123", date(1990, 1, 1), "X", 1)
    with pytest.raises(ValueError, match="serial"):
        compose_nik("320123", date(1990, 1, 1), "M", 0)


# --- properties -------------------------------------------------------------------------------------------

provinces = st.sampled_from(sorted(f"{code:02d}" for code in PROVINCES))
two_digits = st.integers(1, 99).map(lambda number: f"{number:02d}")


@st.composite
def niks(draw: st.DrawFn) -> tuple[str, date, str, date]:
    today = draw(st.dates(date(1990, 1, 1), date(2090, 12, 31)))
    earliest = (
        today.replace(year=today.year - 100) if (today.month, today.day) != (2, 29) else today - timedelta(days=36524)
    )
    birth = draw(st.dates(earliest + timedelta(days=1), today))
    sex = draw(st.sampled_from(["M", "F"]))
    district = draw(provinces) + draw(two_digits) + draw(two_digits)
    return compose_nik(district, birth, sex, draw(st.integers(1, 9999))), birth, sex, today


@given(niks())
def test_generated_niks_round_trip_sex_and_birth_date(case: tuple[str, date, str, date]) -> None:
    nik, birth, sex, today = case
    parsed = parse_nik(nik, today=today)
    assert isinstance(parsed, NikInfo), parsed
    assert (parsed.nik, parsed.birth_date, parsed.sex) == (nik, birth, sex)
    spaced = " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    assert parse_nik(spaced, today=today) == parsed


@given(niks(), st.integers(0, 99).filter(lambda code: code not in PROVINCES))
def test_a_wrong_province_is_rejected(case: tuple[str, date, str, date], province: int) -> None:
    nik, _, _, today = case
    parsed = parse_nik(f"{province:02d}{nik[2:]}", today=today)
    assert isinstance(parsed, NikProblem) and parsed.part == "province"


@given(niks())
def test_a_0000_serial_is_rejected(case: tuple[str, date, str, date]) -> None:
    nik, _, _, today = case
    parsed = parse_nik(nik[:12] + "0000", today=today)
    assert isinstance(parsed, NikProblem) and parsed.part == "serial"


@given(niks(), st.sampled_from(["32", "72", "00", "40", "99"]), st.booleans())
def test_impossible_days_and_months_are_rejected(case: tuple[str, date, str, date], bad: str, in_month: bool) -> None:
    nik, _, _, today = case
    if in_month:
        broken = nik[:8] + {"32": "13", "72": "13", "00": "00", "40": "14", "99": "99"}[bad] + nik[10:]
    else:
        broken = nik[:6] + bad + nik[8:]
    parsed = parse_nik(broken, today=today)
    assert isinstance(parsed, NikProblem) and parsed.part == "birth_date"
