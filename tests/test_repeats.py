"""Who in a batch is one person listed twice: the same passport number, or the same name and date of birth."""

from __future__ import annotations

from datetime import date

import pytest

from checkpoint.models import Traveller
from checkpoint.repeats import NAME_AND_BIRTH, PASSPORT, Repeat, person_numbers, repeated_listings

BORN = date(1990, 5, 17)


def traveller(row: int, name: str | None = None, born: date | None = None, passport: str | None = None) -> Traveller:
    return Traveller(pax_id=str(row), row=row, full_name=name, date_of_birth=born, passport_number=passport)


def test_nobody_listed_twice_gives_no_person_numbers() -> None:
    batch = [traveller(1, "SITI AMINAH", BORN, "B1234567"), traveller(2, "SITI AMINAH", date(1991, 5, 17))]
    assert repeated_listings(batch) == [] and person_numbers(batch) is None


def test_a_passport_number_is_one_person_whatever_the_names() -> None:
    batch = [traveller(1, "SITI AMINAH", passport="B1234567"), traveller(2, "AMINAH", passport="B1234567")]
    assert repeated_listings(batch) == [Repeat(PASSPORT, (0, 1))]
    assert person_numbers(batch) == [0, 0]


@pytest.mark.parametrize("number", ["000000", "A0000000", "NONE", "NIL", "12345", "XXXXXXXX"])
def test_placeholder_numbers_link_nobody(number: str) -> None:
    batch = [traveller(1, "SITI AMINAH", passport=number), traveller(2, "BUDI", passport=number)]
    assert repeated_listings(batch) == []


def test_numbers_are_compared_exactly_not_as_look_alikes() -> None:
    batch = [traveller(1, "SITI", passport="B1234567"), traveller(2, "BUDI", passport="81234567")]
    assert repeated_listings(batch) == []


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("SITI AMINAH", "AMINAH SITI", True),  # any order
        ("SITI AMINAH", "HJ. SITI AMINAH", True),  # titles dropped
        ("SITI AMINAH", "SITI AMINAH BINTI KARSO", False),  # a father's name on one row only: not sure
        ("SITI BINTI KARSO", "SITI BINTI HASAN", False),  # two fathers: two people
        ("SITI AMINAH", "SITI AMINA", False),  # another name
    ],
)
def test_names_are_compared_normalised_with_the_date_of_birth(first: str, second: str, same: bool) -> None:
    batch = [traveller(1, first, BORN), traveller(2, second, BORN)]
    assert repeated_listings(batch) == ([Repeat(NAME_AND_BIRTH, (0, 1))] if same else [])


def test_a_name_without_a_date_of_birth_links_nobody() -> None:
    assert repeated_listings([traveller(1, "SITI AMINAH"), traveller(2, "SITI AMINAH")]) == []


def test_a_chain_of_shared_values_is_one_person_numbered_by_its_first_listing() -> None:
    batch = [
        traveller(1, "BUDI", date(1980, 1, 1)),
        traveller(2, "SITI AMINAH", BORN, "B1234567"),
        traveller(3, "AMINAH", None, "B1234567"),
        traveller(4, "AMINAH SITI", BORN),
        traveller(5, "BUDI", date(1981, 1, 1)),
    ]
    assert person_numbers(batch) == [0, 1, 1, 1, 4]
