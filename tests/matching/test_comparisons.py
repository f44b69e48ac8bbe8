"""Field comparisons: the vectorised outcome codes are the plain rules, pair by pair."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.matching.comparisons import (
    ComparedFields,
    Evidence,
    dates_equal_or_swapped,
    dates_within_one_slip,
    field_outcomes,
)
from checkpoint.registry.keys import dob_number
from checkpoint.values import document_key

# Dates that meet every level: equal, one digit apart, day/month swapped, far apart, missing.
_DAYS = [date(1990, 5, 17), date(1990, 5, 18), date(1991, 5, 17), date(1990, 5, 7), date(1990, 7, 5)]
_DATES = st.one_of(st.none(), st.sampled_from(_DAYS), st.dates())
_TEXTS = st.one_of(st.none(), st.just(""), st.sampled_from(["M", "F", "B1234567", "8I234567", "B1234568"]))
Fields = tuple[date | None, str | None, str | None, str | None]


def compared(entries: list[Fields]) -> ComparedFields:
    return ComparedFields(
        born=np.array([dob_number(born) for born, *_ in entries], dtype=np.int64),
        sex=[sex for _, sex, _, _ in entries],
        passport_number=[passport for _, _, passport, _ in entries],
        nik=[nik for *_, nik in entries],
    )


def expected_date(a: date | None, b: date | None) -> str:
    """The birth-date outcome written out plainly: the oracle for the vectorised codes."""
    if a is None or b is None:
        return "missing"
    if a == b:
        return "exact"
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return "swapped"
    written_a, written_b = f"{a.year:04d}{a.month:02d}{a.day:02d}", f"{b.year:04d}{b.month:02d}{b.day:02d}"
    return "one_digit" if sum(x != y for x, y in zip(written_a, written_b, strict=True)) == 1 else "different"


def expected_same(ours: str | None, theirs: str | None, same: str, other: str) -> str:
    return "missing" if not ours or not theirs else same if ours == theirs else other


def expected_document(ours: str | None, theirs: str | None) -> str:
    if ours and theirs and ours != theirs and document_key(ours) == document_key(theirs):
        return "ocr"
    return expected_same(ours, theirs, "exact", "different")


@given(
    st.lists(st.tuples(_DATES, _TEXTS, _TEXTS, _TEXTS), min_size=1, max_size=6),
    st.lists(st.tuples(_DATES, _TEXTS, _TEXTS, _TEXTS), min_size=1, max_size=6),
    st.data(),
)
def test_vectorised_field_outcomes_are_the_plain_rules(
    ours: list[Fields], theirs: list[Fields], data: st.DataObject
) -> None:
    people = data.draw(st.lists(st.integers(0, len(ours) - 1), min_size=1, max_size=12))
    places = data.draw(st.lists(st.integers(0, len(theirs) - 1), min_size=len(people), max_size=len(people)))
    outcomes = field_outcomes(compared(ours), compared(theirs), np.array(people), np.array(places))
    for at, (person, place) in enumerate(zip(people, places, strict=True)):
        (our_born, our_sex, our_passport, our_nik), (born, sex, passport, nik) = ours[person], theirs[place]
        assert outcomes.evidence(at, 0.5) == Evidence(
            name=0.5,
            date_of_birth=expected_date(our_born, born),
            sex=expected_same(our_sex, sex, "agree", "disagree"),
            passport_number=expected_document(our_passport, passport),
            nik=expected_same(our_nik, nik, "exact", "different"),
        )


def level(ours: Fields, theirs: Fields) -> Evidence:
    one = np.zeros(1, dtype=np.int64)
    return field_outcomes(compared([ours]), compared([theirs]), one, one).evidence(0, None)


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (date(1990, 5, 17), date(1990, 5, 17), "exact"),
        (date(1990, 3, 4), date(1990, 4, 3), "swapped"),
        (date(1990, 5, 17), date(1990, 5, 18), "one_digit"),
        (date(1990, 5, 17), date(1985, 1, 2), "different"),
        (None, date(1985, 1, 2), "missing"),
    ],
)
def test_date_levels(a: date | None, b: date | None, outcome: str) -> None:
    assert level((a, None, None, None), (b, None, None, None)).date_of_birth == outcome


def test_document_levels() -> None:
    def passport(ours: str | None, theirs: str | None) -> str:
        return level((None, None, ours, None), (None, None, theirs, None)).passport_number

    assert passport("B1234567", "B1234567") == "exact"
    assert passport("B1234567", "81234567") == "ocr"
    assert passport("B1234567", "B7654321") == "different"
    assert passport(None, "B7654321") == "missing"


def test_a_match_rests_on_the_nik_then_the_passport_then_the_name_and_date() -> None:
    plain = Evidence(name=None, date_of_birth="exact", sex="agree", passport_number="missing", nik="missing")
    assert plain.method == "name_dob" and plain.fields()["name"] == "missing"
    assert Evidence(0.98765, "exact", "agree", "ocr", "missing").method == "passport"
    assert Evidence(0.98765, "exact", "agree", "ocr", "missing").fields()["name"] == 0.988
    assert Evidence(1.0, "exact", "agree", "exact", "exact").method == "nik"


def test_date_slip_predicates() -> None:
    a = np.array([19900517, 19900517, 19900517, 19900517, 19900307, -1])
    b = np.array([19900517, 19910517, 19900715, 19910615, 19900703, 19900517])
    assert dates_within_one_slip(a, b).tolist() == [True, True, False, False, True, False]
    assert dates_equal_or_swapped(a, b).tolist() == [True, False, False, False, True, False]
