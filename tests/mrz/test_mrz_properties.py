"""Properties of the TD3 reader on generated MRZs: round trips, and OCR corruptions noticed and repaired."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from checkpoint.mrz import format_td3, parse_td3
from checkpoint.mrz.checkdigit import CONFUSIONS


@dataclass(frozen=True)
class Passport:
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    document_number: str
    nationality: str
    birth_date: date
    sex: str | None
    expiry_date: date
    optional_data: str
    today: date

    def lines(self) -> tuple[str, str]:
        return format_td3(
            primary=" ".join(self.primary),
            secondary=" ".join(self.secondary),
            document_number=self.document_number,
            nationality=self.nationality,
            birth_date=self.birth_date,
            sex=self.sex,
            expiry_date=self.expiry_date,
            optional_data=self.optional_data,
        )

    @property
    def name_field(self) -> str:
        primary, secondary = "<".join(self.primary), "<".join(self.secondary)
        return primary + ("<<" + secondary if secondary else "")


tokens = st.lists(st.text(string.ascii_uppercase, min_size=1, max_size=12), max_size=3).map(tuple)
alphanumeric = string.ascii_uppercase + string.digits


@st.composite
def passports(draw: st.DrawFn) -> Passport:
    today = draw(st.dates(date(1990, 1, 1), date(2085, 12, 31)))
    primary, secondary = draw(tokens), draw(tokens)
    assume(primary or secondary)
    birth = draw(st.dates(_years(today, -100) + timedelta(days=1), today))
    expiry = draw(st.dates(_years(today, -50), _years(today, 20)))
    return Passport(
        primary=primary,
        secondary=secondary,
        document_number=draw(st.text(alphanumeric, min_size=1, max_size=9)),
        nationality=draw(st.text(string.ascii_uppercase, min_size=3, max_size=3)),
        birth_date=birth,
        sex=draw(st.sampled_from(["M", "F", "X", None])),
        expiry_date=expiry,
        optional_data=draw(st.text(alphanumeric, max_size=14)),
        today=today,
    )


def _years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@given(passports())
def test_generated_mrzs_round_trip_and_are_valid(passport: Passport) -> None:
    line1, line2 = passport.lines()
    result = parse_td3(line1, line2, today=passport.today)
    assert result.valid, result.problems
    assert result.document_number == passport.document_number
    assert result.nationality == passport.nationality
    assert result.issuing_state == passport.nationality
    assert result.birth_date == passport.birth_date
    assert result.expiry_date == passport.expiry_date
    assert result.sex == (passport.sex if passport.sex in ("M", "F") else None)
    assert result.optional_data == passport.optional_data
    fits = len(passport.name_field) <= 39
    assert result.name_truncated == (len(passport.name_field) >= 39)
    if fits:
        assert result.name_tokens == passport.primary + passport.secondary
        assert result.primary_identifier == " ".join(passport.primary)
        assert result.secondary_identifier == " ".join(passport.secondary)
        assert result.full_name == " ".join(passport.primary + passport.secondary)


@settings(max_examples=30)
@given(passports())
def test_lowercase_and_padding_do_not_change_the_reading(passport: Passport) -> None:
    line1, line2 = passport.lines()
    assert parse_td3(f" {line1.lower()} \n", f"{line2.lower()}\t", today=passport.today) == parse_td3(
        line1, line2, today=passport.today
    )


#: Line-2 index -> (field, slice of its value, holds letters as well as digits).
CHECKED = {
    **{i: ("document_number", slice(0, 9), True) for i in range(0, 9)},
    9: ("document_number", slice(0, 9), False),
    **{i: ("birth_date", slice(13, 19), False) for i in range(13, 20)},
    **{i: ("expiry_date", slice(21, 27), False) for i in range(21, 28)},
    **{i: ("optional_data", slice(28, 42), True) for i in range(28, 42)},
    42: ("optional_data", slice(28, 42), False),
    43: ("composite", slice(43, 44), False),
}


@given(passports(), st.data())
def test_one_ocr_confusion_is_reported_and_any_repair_is_the_original(passport: Passport, data: st.DataObject) -> None:
    line1, line2 = passport.lines()
    # where a position holds only digits, the confusion is digit -> letter (an 'O' read for a '0')
    corruptible = [
        index
        for index, (_, _, mixed) in CHECKED.items()
        if line2[index] in CONFUSIONS and (mixed or line2[index].isdigit())
    ]
    assume(corruptible)
    index = data.draw(st.sampled_from(corruptible))
    field, span, _ = CHECKED[index]
    corrupted = line2[:index] + CONFUSIONS[line2[index]] + line2[index + 1 :]
    note(f"{line2} -> {corrupted}")

    result = parse_td3(line1, corrupted, today=passport.today)
    assert not result.valid
    problems = [problem for problem in result.problems if problem.field == field]
    assert problems, result.problems
    original = line2[span].rstrip("<")
    for problem in problems:
        assert problem.repaired_value in (None, original)
    if field in ("birth_date", "expiry_date", "composite"):
        # digits only: the letter can only be a misread digit, so the repair is certain
        assert problems[0].repaired_value == original
        assert (result.birth_date, result.expiry_date) == (passport.birth_date, passport.expiry_date)
    elif problems[0].repaired_value is None:
        assert "ambiguous" in problems[0].message
