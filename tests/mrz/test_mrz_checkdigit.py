"""Check digits and single-confusion repairs (ICAO 9303 Part 3, 4.9)."""

from __future__ import annotations

import pytest

from checkpoint.mrz.checkdigit import (
    CONFUSIONS,
    check_digit,
    read_as_digits,
    read_as_letters,
    single_confusion_repairs,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L898902C3", 6),  # the ICAO specimen's document number
        ("740812", 2),
        ("120415", 9),
        ("ZE184226B<<<<<", 1),
        ("L898902C36" + "7408122" + "1204159ZE184226B<<<<<1", 0),  # the specimen composite: 1-10, 14-20, 22-43
        ("", 0),
        ("<<<<<<<<<", 0),
        ("A", 0),  # A = 10, times 7
        ("Z", 5),  # Z = 35, times 7 = 245
    ],
)
def test_check_digit_values(text: str, expected: int) -> None:
    assert check_digit(text) == expected


def test_check_digit_weights_repeat_7_3_1() -> None:
    assert check_digit("1") == 7
    assert check_digit("01") == 3
    assert check_digit("001") == 1
    assert check_digit("0001") == 7


def test_check_digit_rejects_characters_outside_the_mrz_set() -> None:
    with pytest.raises(ValueError, match="position 2"):
        check_digit("A-1")


def test_confusion_tables_are_symmetric_pairs() -> None:
    assert read_as_digits("OISBZ") == "01582"
    assert read_as_letters("01582") == "OISBZ"
    assert set(CONFUSIONS) == set("OISBZ01582")
    for char, partner in CONFUSIONS.items():
        assert CONFUSIONS[partner] == char


def test_no_single_confusion_keeps_a_check_digit() -> None:
    # the reason every OCR confusion in a checked field is noticed: value differences are never 0 mod 10
    assert len(CONFUSIONS) == 10
    for char, partner in CONFUSIONS.items():
        for prefix in ("", "<", "<<"):  # each of the three weights
            assert check_digit(prefix + char) != check_digit(prefix + partner)


def test_single_confusion_repairs_finds_the_one_repair() -> None:
    assert single_confusion_repairs("L8989O2C3", 6) == ((5, "L898902C3"),)


def test_single_confusion_repairs_reports_every_candidate_when_ambiguous() -> None:
    # B1234567 misread as 81234567: both B1234567 and 8I234567 carry check digit 3
    assert {value for _, value in single_confusion_repairs("81234567<", 3)} == {"B1234567<", "8I234567<"}
