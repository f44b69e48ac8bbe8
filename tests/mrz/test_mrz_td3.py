"""Reading TD3 MRZs: the ICAO specimen, layout errors, names, dates, problems and OCR repairs."""

from __future__ import annotations

import string
from datetime import date

import pytest

from checkpoint.errors import InputDataError
from checkpoint.mrz import MrzProblem, MrzResult, format_td3, parse_td3
from checkpoint.mrz.td3 import failed_checks

TODAY = date(2025, 6, 1)
LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
MRZ_CHARACTERS = string.digits + string.ascii_uppercase + "<"


def parse(line1: str = LINE1, line2: str = LINE2, today: date = TODAY) -> MrzResult:
    return parse_td3(line1, line2, today=today)


def with_char(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


def problem_for(result: MrzResult, field: str) -> MrzProblem:
    matching = [problem for problem in result.problems if problem.field == field]
    assert len(matching) == 1, result.problems
    return matching[0]


# --- the specimen -----------------------------------------------------------------------------------------


def test_icao_specimen_parses_valid_with_every_field() -> None:
    result = parse()
    assert result.valid
    assert result.problems == ()
    assert result.document_type == "P"
    assert result.issuing_state == "UTO"
    assert result.primary_identifier == "ERIKSSON"
    assert result.secondary_identifier == "ANNA MARIA"
    assert result.name_tokens == ("ERIKSSON", "ANNA", "MARIA")
    assert result.full_name == "ERIKSSON ANNA MARIA"
    assert result.name_truncated is False
    assert result.document_number == "L898902C3"
    assert result.nationality == "UTO"
    assert result.birth_date == date(1974, 8, 12)
    assert result.sex == "F"
    assert result.expiry_date == date(2012, 4, 15)
    assert result.optional_data == "ZE184226B"


def test_format_td3_writes_the_specimen() -> None:
    lines = format_td3(
        primary="Eriksson",
        secondary="Anna Maria",
        document_number="L898902C3",
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date=date(2012, 4, 15),
        optional_data="ZE184226B",
    )
    assert lines == (LINE1, LINE2)


def test_result_is_frozen() -> None:
    result = parse()
    with pytest.raises(AttributeError):
        result.full_name = "X"  # type: ignore[misc]


# --- every single-character corruption --------------------------------------------------------------------

#: Nationality (positions 11-13) and sex (21) are outside every check digit in ICAO 9303.
UNCHECKED = frozenset({10, 11, 12, 20})
#: Fields that hold letters and digits; everywhere else in line 2 a checked position holds only digits.
ALPHANUMERIC = frozenset([*range(0, 9), *range(28, 42)])


def mrz_value(char: str) -> int:
    return 0 if char == "<" else int(char, 36)


@pytest.mark.parametrize("index", sorted(set(range(44)) - UNCHECKED))
def test_every_corruption_of_a_checked_position_is_noticed_unless_the_weights_collide(index: int) -> None:
    # The weights 7, 3, 1 are coprime with 10, so swapping a character changes a check digit exactly when
    # the two character values differ mod 10 ('0', 'A', 'K', 'U' and '<' are all 0 mod 10, so
    # 'L898902C3' and 'L8989A2C3' share a check digit). ICAO check digits cannot notice those swaps.
    # In numeric positions (dates, check digits) such a swap still leaves a letter or '<' where only a
    # digit can stand, which the reader reports. So the only silent corruptions are value-preserving
    # swaps inside the document number or the optional data.
    original = LINE2[index]
    silent = []
    for char in MRZ_CHARACTERS:
        if char == original:
            continue
        result = parse(line2=with_char(LINE2, index, char))
        expected_silent = index in ALPHANUMERIC and mrz_value(char) % 10 == mrz_value(original) % 10
        assert result.valid == expected_silent, (index, char, result.problems)
        if result.valid:
            silent.append(char)
    assert len(silent) <= 4  # at most the other characters of the same value mod 10


def test_the_four_unchecked_positions_only_notice_impossible_characters() -> None:
    assert not parse(line2=with_char(LINE2, 11, "7")).valid  # a digit that is no letter look-alike
    assert parse(line2=with_char(LINE2, 11, "X")).nationality == "UXO"  # undetectable, as ICAO designed it
    for char in MRZ_CHARACTERS:
        result = parse(line2=with_char(LINE2, 20, char))
        assert result.valid == (char in "MFX<"), char


# --- layout errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line1", "line2", "expected"),
    [
        (LINE1[:-1], LINE2, r"MRZ line 1 has 43 characters; .* exactly 44\."),
        (LINE1, LINE2 + "1", r"MRZ line 2 has 45 characters"),
        (LINE1 + LINE2, LINE2, r"MRZ line 1 has 88 characters; .*both lines given as one"),
        (with_char(LINE1, 10, " "), LINE2, r"MRZ line 1 has a space at position 11; .*'<'"),
        (LINE1, with_char(LINE2, 3, "-"), r"MRZ line 2 has the character '-' at position 4"),
        (with_char(LINE1, 7, "É"), LINE2, r"MRZ line 1 has the character 'É' at position 8"),
        (LINE1 + "\n" + LINE2, LINE2, r"MRZ line 1 has a line break at position 45"),
        ("", LINE2, r"MRZ line 1 is empty"),
        (LINE2, LINE1, r"seem to be swapped"),
        ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", LINE2, r"starts with 'V', not 'P'"),
    ],
)
def test_layout_errors_raise_one_sentence_naming_the_line(line1: str, line2: str, expected: str) -> None:
    with pytest.raises(InputDataError, match=expected) as caught:
        parse(line1, line2)
    message = str(caught.value)
    assert "ERIKSSON" not in message
    assert "L898902C3" not in message
    assert message.endswith(".")


def test_lowercase_and_surrounding_whitespace_are_tolerated() -> None:
    result = parse(f"  {LINE1.lower()}\n", f"\t{LINE2.lower()}  \r\n")
    assert result == parse()


def test_ss_from_upper_casing_cannot_sneak_in() -> None:
    # 'ß'.upper() == 'SS': checking characters after upper-casing would accept a 45-character line
    with pytest.raises(InputDataError, match="'ß'"):
        parse(LINE1[:20] + "ß" + LINE1[21:], LINE2)


# --- names ------------------------------------------------------------------------------------------------


def indonesian(name_field: str) -> str:
    return ("P<IDN" + name_field).ljust(44, "<")


def test_mononym_as_primary_identifier() -> None:
    result = parse(indonesian("SUMIATI"))
    assert (result.primary_identifier, result.secondary_identifier) == ("SUMIATI", "")
    assert result.name_tokens == ("SUMIATI",)
    assert result.full_name == "SUMIATI"
    assert result.valid


def test_mononym_as_secondary_identifier() -> None:
    result = parse(indonesian("<<SUMIATI"))
    assert (result.primary_identifier, result.secondary_identifier) == ("", "SUMIATI")
    assert result.name_tokens == ("SUMIATI",)
    assert result.full_name == "SUMIATI"
    assert result.valid


def test_multi_word_names_keep_primary_first() -> None:
    result = parse(indonesian("NURHAYATI<<SITI<BINTI<KARSO"))
    assert result.name_tokens == ("NURHAYATI", "SITI", "BINTI", "KARSO")
    assert result.full_name == "NURHAYATI SITI BINTI KARSO"
    assert result.secondary_identifier == "SITI BINTI KARSO"


def test_a_full_name_field_is_flagged_as_possibly_truncated() -> None:
    name = "WIJAYAKUSUMANINGRATPRAWIRA<<MUHAMMADABDU"  # 40 characters: cut at 39
    result = parse(indonesian(name[:39]))
    assert result.name_truncated is True
    assert result.name_tokens == ("WIJAYAKUSUMANINGRATPRAWIRA", "MUHAMMADABD")
    assert parse(indonesian(name[:38])).name_truncated is False


def test_an_empty_name_field_is_a_problem() -> None:
    result = parse(indonesian(""))
    assert result.full_name == ""
    assert problem_for(result, "name").message == "name field is empty."


def test_digits_in_the_name_are_read_as_the_letters_they_resemble() -> None:
    result = parse(with_char(LINE1, 11, "0"))  # ERIKSS0N
    assert result.full_name == "ERIKSSON ANNA MARIA"
    problem = problem_for(result, "name")
    assert problem.repaired_value == "ERIKSSON ANNA MARIA"
    assert "line 1, position 12" in problem.message
    assert "ERIKSSON" not in problem.message


def test_a_digit_that_resembles_no_letter_is_a_problem_without_repair() -> None:
    result = parse(with_char(LINE1, 11, "7"))
    assert problem_for(result, "name") == MrzProblem(
        "name", "name has a digit that cannot appear there (line 1, position 12)."
    )


def test_issuing_state_with_fillers() -> None:
    result = parse("P<D<<" + LINE1[5:])
    assert result.issuing_state == "D"
    assert result.valid


# --- dates ------------------------------------------------------------------------------------------------


def with_birth(yymmdd: str, today: date = TODAY) -> MrzResult:
    line1, line2 = format_td3(
        primary="X",
        document_number="A1234567",
        nationality="IDN",
        birth_date=date(2000, 1, 1),
        sex="M",
        expiry_date=date(2030, 1, 1),
    )
    line2 = line2[:13] + yymmdd + line2[19:]
    return parse_td3(line1, _fix_checks(line2), today=today)


def with_expiry(yymmdd: str, today: date = TODAY) -> MrzResult:
    line1, line2 = format_td3(
        primary="X",
        document_number="A1234567",
        nationality="IDN",
        birth_date=date(2000, 1, 1),
        sex="M",
        expiry_date=date(2030, 1, 1),
    )
    line2 = line2[:21] + yymmdd + line2[27:]
    return parse_td3(line1, _fix_checks(line2), today=today)


def _fix_checks(line2: str) -> str:
    from checkpoint.mrz.checkdigit import check_digit

    line2 = line2[:19] + str(check_digit(line2[13:19])) + line2[20:]
    line2 = line2[:27] + str(check_digit(line2[21:27])) + line2[28:]
    composite = check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return line2[:43] + str(composite)


@pytest.mark.parametrize(
    ("yymmdd", "today", "expected"),
    [
        ("250531", date(2025, 6, 1), date(2025, 5, 31)),
        ("250602", date(2025, 6, 1), date(1925, 6, 2)),  # not after today
        ("250601", date(2025, 6, 1), date(2025, 6, 1)),
        ("990101", date(2025, 6, 1), date(1999, 1, 1)),
        ("000229", date(2025, 6, 1), date(2000, 2, 29)),
        ("050505", date(2103, 1, 1), date(2005, 5, 5)),
    ],
)
def test_birth_century_is_chosen_so_the_date_is_not_after_today(yymmdd: str, today: date, expected: date) -> None:
    result = with_birth(yymmdd, today)
    assert result.valid, result.problems
    assert result.birth_date == expected


@pytest.mark.parametrize(
    ("yymmdd", "today", "expected"),
    [
        ("300101", date(2025, 6, 1), date(2030, 1, 1)),
        ("120415", date(2025, 6, 1), date(2012, 4, 15)),
        ("750602", date(2025, 6, 1), date(1975, 6, 2)),  # within today - 50 years
        ("450601", date(2025, 6, 1), date(2045, 6, 1)),  # within today + 20 years
        ("600101", date(2025, 6, 1), date(2060, 1, 1)),  # outside the window: the nearer end (2045) wins
        ("550101", date(2025, 6, 1), date(2055, 1, 1)),
        ("700101", date(2025, 6, 1), date(1970, 1, 1)),
        ("050101", date(2090, 1, 1), date(2105, 1, 1)),
    ],
)
def test_expiry_century_falls_within_fifty_years_back_and_twenty_ahead(
    yymmdd: str, today: date, expected: date
) -> None:
    result = with_expiry(yymmdd, today)
    assert result.valid, result.problems
    assert result.expiry_date == expected


@pytest.mark.parametrize(
    ("yymmdd", "reason"),
    [
        ("900231", "is not a calendar date"),
        ("901301", "is not a calendar date"),
        ("900000", "is not a calendar date"),
        ("<<<<<<", "is not given"),
        ("9001<<", "is only partly given (filler characters)"),
        ("90A101", "has characters that are not digits"),
    ],
)
def test_impossible_birth_dates_are_problems_and_none(yymmdd: str, reason: str) -> None:
    result = with_birth(yymmdd)
    assert result.birth_date is None
    assert problem_for(result, "birth_date").message == f"birth date {reason}; treated as missing."


def test_an_impossible_expiry_date_is_a_problem() -> None:
    result = with_expiry("310290")
    assert result.expiry_date is None
    assert problem_for(result, "expiry_date").message == "expiry date is not a calendar date; treated as missing."


# --- check digits and repairs -----------------------------------------------------------------------------


def test_document_number_misread_o_for_zero_is_repaired() -> None:
    result = parse(line2="L8989O2C3" + LINE2[9:])
    assert not result.valid
    assert result.document_number == "L8989O2C3"  # as printed; the repair is a suggestion
    problem = problem_for(result, "document_number")
    assert problem.repaired_value == "L898902C3"
    assert "line 2, position 6" in problem.message
    assert "L898902C3" not in problem.message and "L8989O2C3" not in problem.message
    composite = problem_for(result, "composite")
    assert composite.message == (
        "composite check digit does not hold as read, but holds with the repair suggested for the document number."
    )


def test_an_ambiguous_document_number_repair_is_not_suggested() -> None:
    # printed B1234567, read 81234567: both B1234567 and 8I234567 have check digit 3
    line1, line2 = format_td3(
        primary="SUMIATI",
        document_number="B1234567",
        nationality="IDN",
        birth_date=date(1990, 5, 17),
        sex="F",
        expiry_date=date(2032, 4, 1),
    )
    result = parse_td3(line1, "8" + line2[1:], today=TODAY)
    problem = problem_for(result, "document_number")
    assert problem.repaired_value is None
    assert "2 different single OCR confusions" in problem.message
    assert "ambiguous" in problem.message


def test_a_wrong_document_check_digit_without_confusion_has_no_repair() -> None:
    result = parse(line2=with_char(LINE2, 9, "3"))
    problem = problem_for(result, "document_number")
    assert problem.repaired_value is None
    assert problem.message == "document number check digit does not hold, and no single OCR confusion explains it."
    assert problem_for(result, "composite").message == "composite check digit does not hold."


def test_a_letter_in_a_date_is_read_as_its_digit() -> None:
    result = parse(line2=with_char(LINE2, 15, "O"))  # 74O812
    assert result.birth_date == date(1974, 8, 12)
    problem = problem_for(result, "birth_date")
    assert problem.repaired_value == "740812"
    assert "'O' at line 2, position 16 as '0'" in problem.message
    assert [p.field for p in result.problems] == ["birth_date"]  # the composite reads it as a digit too


def test_a_letter_in_a_check_digit_is_read_as_its_digit() -> None:
    result = parse(line2=with_char(LINE2, 19, "Z"))
    problem = problem_for(result, "birth_date")
    assert problem.message.startswith("birth date check digit is a letter; reading the 'Z'")
    assert problem.repaired_value == "740812"
    assert result.birth_date == date(1974, 8, 12)


def test_a_composite_letter_is_read_as_its_digit() -> None:
    result = parse(line2=LINE2[:43] + "O")
    assert result.problems == (
        MrzProblem(
            "composite",
            "composite check digit is a letter; reading the 'O' at line 2, position 44 as '0', it holds.",
            "0",
        ),
    )


def test_a_non_digit_check_digit_is_a_problem() -> None:
    result = parse(line2=with_char(LINE2, 27, "A"))
    assert problem_for(result, "expiry_date").message == (
        "expiry date check digit (line 2, position 28) is not a digit."
    )


def test_optional_data_repair() -> None:
    line1, line2 = format_td3(
        primary="SUPARMAN",
        document_number="C7654321",
        nationality="IDN",
        optional_data="KTP7A0",
        birth_date=date(1988, 3, 3),
        sex="M",
        expiry_date=date(2031, 9, 30),
    )
    result = parse_td3(line1, line2.replace("KTP7A0", "KTP7AO"), today=TODAY)
    assert result.optional_data == "KTP7AO"
    assert problem_for(result, "optional_data").repaired_value == "KTP7A0"


def test_repairs_are_often_ambiguous_because_several_confusions_shift_a_check_digit_alike() -> None:
    # Printed ZE184226B, read ZEI84226B. Reading the 'I' back as '1' (value -17) and reading the '2' at field
    # position 6 as 'Z' (value +33) both shift the weighted sum by 3 mod 10 at weight 1: both repairs fit.
    result = parse(line2=with_char(LINE2, 30, "I"))
    problem = problem_for(result, "optional_data")
    assert problem.repaired_value is None
    assert "ambiguous" in problem.message


@pytest.mark.parametrize("check", ["<", "0"])
def test_empty_optional_data_may_have_filler_or_zero_check(check: str) -> None:
    line1, line2 = format_td3(
        primary="SUPARMAN",
        document_number="C0123456",
        nationality="IDN",
        birth_date=date(1988, 3, 3),
        sex="M",
        expiry_date=date(2031, 9, 30),
    )
    assert line2[42] == "<"
    result = parse_td3(line1, line2[:42] + check + line2[43:], today=TODAY)
    assert result.valid, result.problems
    assert result.optional_data == ""


def test_problem_messages_never_quote_names_or_document_numbers() -> None:
    broken = "L8989O2C3" + "6UT0" + "74O8122" + "Q" + "1204159ZE184226B<<<<<1" + "7"
    result = parse(LINE1.replace("ANNA", "ANN4"), broken)
    assert len(result.problems) >= 4
    for problem in result.problems:
        for secret in ("ERIKSSON", "ANNA", "MARIA", "L898902C3", "L8989O2C3", "ZE184226B", "740812"):
            assert secret not in problem.message


def test_sex_x_and_filler_mean_unspecified() -> None:
    assert parse(line2=with_char(LINE2, 20, "X")).sex is None
    assert parse(line2=with_char(LINE2, 20, "<")).sex is None
    assert parse(line2=with_char(LINE2, 20, "M")).sex == "M"


def test_format_td3_rejects_what_an_mrz_cannot_hold() -> None:
    fields = {
        "primary": "X",
        "document_number": "A1",
        "nationality": "IDN",
        "birth_date": date(2000, 1, 1),
        "sex": "M",
        "expiry_date": date(2030, 1, 1),
    }
    with pytest.raises(ValueError, match="document_number"):
        format_td3(**{**fields, "document_number": "A12345678901"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="names"):
        format_td3(**{**fields, "primary": "BJÖRK"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sex"):
        format_td3(**{**fields, "sex": "W"})  # type: ignore[arg-type]


class TestFailedChecks:
    """`failed_checks`: which check digits do not hold as read, for the fact `mrz_check_failed`."""

    LINES = format_td3(
        primary="AMINAH",
        secondary="SITI",
        document_number="C1234567",
        nationality="IDN",
        birth_date=date(1990, 5, 17),
        sex="F",
        expiry_date=date(2030, 1, 1),
    )

    def test_a_valid_mrz_fails_nothing(self) -> None:
        assert failed_checks(*self.LINES) == ()

    def test_an_altered_birth_date_fails_its_digit_and_the_composite(self) -> None:
        line1, line2 = self.LINES
        altered = line2[:13] + "9105" + line2[17:]
        assert failed_checks(line1, altered) == ("birth_date", "composite")

    def test_letters_in_digit_places_read_as_digits_still_hold(self) -> None:
        line1, line2 = self.LINES
        misread = line2[:13] + line2[13:19].replace("0", "O") + line2[19:]
        assert failed_checks(line1, misread) == ()
