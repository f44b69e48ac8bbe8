"""NIK, the 16-digit Indonesian national identity number: check its structure, derive sex and birth date.

A NIK is `PP KK CC DDMMYY SSSS`: province, regency/city (71-79 are cities), district, birth date with the
day + 40 for women, and a serial that is never 0000. It has no check digit, so a structurally valid NIK may
still be mistyped: it corroborates a match, it does not prove one.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from types import MappingProxyType

from checkpoint.errors import ConfigError
from checkpoint.i18n import text

NIK_LENGTH = 16
#: Above this an integer may not survive a trip through a float (a spreadsheet cell): 2**53.
_FLOAT_EXACT_LIMIT = 2**53
_WOMEN_DAY_OFFSET = 40
_MAX_AGE_YEARS = 100
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
_SPREADSHEET_NUMBER = re.compile(r"^(\d+)[.,]0+$")
_SEPARATORS = re.compile(r"[\s.\-]+")
_PROVINCE_TABLE = "nik_provinces.csv"


@dataclass(frozen=True, slots=True)
class NikInfo:
    """A structurally valid NIK and what it says about its holder."""

    nik: str
    province_code: str
    province_name: str
    regency_code: str  # province + regency/city, e.g. "3201"
    district_code: str  # province + regency/city + district, e.g. "320101"
    is_city: bool
    sex: str  # "M" or "F"
    birth_date: date
    serial: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NikProblem:
    """Why a value is not a usable NIK: `part` names what failed; the reason never quotes the NIK."""

    part: str
    reason: str


def parse_nik(value: str | int | float, *, today: date | None = None) -> NikInfo | NikProblem:
    """Check a NIK's structure and derive sex and birth date; `today` anchors the century (default: today)."""
    today = today or date.today()
    normalised = _normalise(value)
    if isinstance(normalised, NikProblem):
        return normalised
    nik, warnings = normalised

    province = nik[0:2]
    names = province_names()
    if province not in names:
        return NikProblem("province", text("nik.province", code=province))
    if nik[2:4] == "00":
        return NikProblem("regency", text("nik.regency"))
    if nik[4:6] == "00":
        return NikProblem("district", text("nik.district"))

    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > _WOMEN_DAY_OFFSET else "M"
    if sex == "F":
        day -= _WOMEN_DAY_OFFSET
    if not 1 <= month <= 12:
        return NikProblem("birth_date", text("nik.birth_month"))
    if not 1 <= day <= 31:
        return NikProblem("birth_date", text("nik.birth_day"))
    birth_date = _birth_date(year, month, day, today)
    if birth_date is None:
        return NikProblem("birth_date", text("nik.birth_date"))
    if nik[12:16] == "0000":
        return NikProblem("serial", text("nik.serial"))

    return NikInfo(
        nik=nik,
        province_code=province,
        province_name=names[province],
        regency_code=nik[0:4],
        district_code=nik[0:6],
        is_city=71 <= int(nik[2:4]) <= 79,
        sex=sex,
        birth_date=birth_date,
        serial=nik[12:16],
        warnings=warnings,
    )


@functools.cache
def province_names() -> Mapping[str, str]:
    """NIK province codes and their names, from the package table `nik_provinces.csv`."""
    try:
        table = resources.files("checkpoint").joinpath(_PROVINCE_TABLE).read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(text("nik.table_unreadable", table=_PROVINCE_TABLE)) from None
    names: dict[str, str] = {}
    for line_number, row in enumerate(csv.DictReader(io.StringIO(table)), start=2):
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        if not (len(code) == 2 and code.isdigit() and name) or code in names:
            raise ConfigError(text("nik.table_damaged", table=_PROVINCE_TABLE, line=line_number))
        names[code] = name
    if not names:
        raise ConfigError(text("nik.table_empty", table=_PROVINCE_TABLE))
    return MappingProxyType(names)


def _normalise(value: str | int | float) -> tuple[str, tuple[str, ...]] | NikProblem:
    """The 16 digits of a NIK as typed or exported, with warnings about how it was recovered."""
    if isinstance(value, bool):
        return NikProblem("format", text("nik.boolean"))
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= _FLOAT_EXACT_LIMIT:
            return NikProblem(
                "format",
                text("nik.float"),
            )
        value = int(value)
    digits = str(value).strip().lstrip("'").strip()  # a leading apostrophe is how a spreadsheet keeps text
    if not digits:
        return NikProblem("format", text("nik.empty"))
    if _SCIENTIFIC.match(digits):
        return NikProblem(
            "format",
            text("nik.scientific"),
        )
    warnings: tuple[str, ...] = ()
    spreadsheet_number = _SPREADSHEET_NUMBER.match(digits)
    if spreadsheet_number:  # "3201234567890001.0": the cell was a number
        digits = spreadsheet_number.group(1)
        if int(digits) > _FLOAT_EXACT_LIMIT:
            warnings = (text("nik.too_large"),)
    else:
        digits = _SEPARATORS.sub("", digits)
    if not (digits.isascii() and digits.isdigit()):
        return NikProblem("format", text("nik.not_digits"))
    if len(digits) != NIK_LENGTH:
        return NikProblem("format", text("nik.length", count=len(digits), needed=NIK_LENGTH))
    return digits, warnings


def _birth_date(year: int, month: int, day: int, today: date) -> date | None:
    """The latest reading of DDMMYY that is not after today and not more than 100 years before it."""
    try:
        earliest = today.replace(year=today.year - _MAX_AGE_YEARS)
    except ValueError:  # today is 29 February
        earliest = today.replace(year=today.year - _MAX_AGE_YEARS, day=28)
    century = today.year // 100 * 100
    for candidate_century in (century, century - 100):
        try:
            candidate = date(candidate_century + year, month, day)
        except ValueError:
            continue
        if earliest <= candidate <= today:
            return candidate
    return None
