"""Reading a TD3 (passport) MRZ into fields and problems.

Reading follows one principle: a character that can only be a digit (dates, check digits) or only a letter
(names, country codes) is read as what it must be (an 'O' in a date is a misread '0'), and that reading is
reported as a problem with the value it gives. Document number and optional data hold both letters and
digits, so only their check digit can tell a '0' from an 'O': a repair is suggested when exactly one single
OCR confusion makes the check digit hold, and the field keeps the value as printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from checkpoint.i18n import text
from checkpoint.mrz import dates
from checkpoint.mrz.checkdigit import (
    check_digit,
    read_as_digits,
    read_as_letters,
    single_confusion_repairs,
)
from checkpoint.mrz.layout import LETTERS_AND_FILLER, NAME_LENGTH, composite_text, normalise_lines


@dataclass(frozen=True, slots=True)
class MrzProblem:
    """A failed check or an unreadable field; the message names the field but never quotes its value."""

    field: str
    message: str
    repaired_value: str | None = None


@dataclass(frozen=True, slots=True)
class MrzResult:
    """The fields of a TD3 MRZ as read, and every problem met while reading them."""

    document_type: str
    issuing_state: str
    primary_identifier: str
    secondary_identifier: str
    name_tokens: tuple[str, ...]
    full_name: str
    name_truncated: bool
    document_number: str
    nationality: str
    birth_date: date | None
    sex: str | None
    expiry_date: date | None
    optional_data: str
    problems: tuple[MrzProblem, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the layout and every check digit hold and every field could be read."""
        return not self.problems


class _CheckedField(NamedTuple):
    """A line-2 field followed by its own check digit."""

    name: str
    start: int  # 0-based index in line 2
    length: int
    numeric: bool

    @property
    def check_index(self) -> int:
        return self.start + self.length

    @property
    def label(self) -> str:
        """The field's name in the language of the run."""
        return _label(self.name)


_DOCUMENT_NUMBER = _CheckedField("document_number", 0, 9, numeric=False)
_BIRTH_DATE = _CheckedField("birth_date", 13, 6, numeric=True)
_EXPIRY_DATE = _CheckedField("expiry_date", 21, 6, numeric=True)
_OPTIONAL_DATA = _CheckedField("optional_data", 28, 14, numeric=False)
_SEX_INDEX = 20
_COMPOSITE_INDEX = 43
#: Line-2 indices that can only hold digits: dates and check digits.
_NUMERIC_INDICES = frozenset([9, *range(13, 20), *range(21, 28), 42, 43])


def parse_td3(line1: str, line2: str, *, today: date) -> MrzResult:
    """Read a TD3 MRZ; raise InputDataError only when the layout makes reading impossible."""
    line1, line2 = normalise_lines(line1, line2)
    problems: list[MrzProblem] = []

    document_type = _read_letters(line1, 1, 0, 2, "document_type", problems).rstrip("<")
    issuing_state = _read_letters(line1, 1, 2, 3, "issuing_state", problems).strip("<")
    name_field = _read_letters(line1, 1, 5, NAME_LENGTH, "name", problems, present=_full_name)
    primary, secondary = _split_name(name_field)
    if not primary and not secondary:
        problems.append(MrzProblem("name", text("mrz.problem.name_empty")))

    document_number, document_for_composite = _verify(_DOCUMENT_NUMBER, line2, problems)
    if not document_number.strip("<"):
        problems.append(MrzProblem("document_number", text("mrz.problem.document_number_empty")))
    nationality = _read_letters(line2, 2, 10, 3, "nationality", problems).strip("<")
    birth_digits, _ = _verify(_BIRTH_DATE, line2, problems)
    birth_date = _read_date(_BIRTH_DATE, birth_digits, lambda y, m, d: dates.birth_date(y, m, d, today=today), problems)
    sex = _read_sex(line2[_SEX_INDEX], problems)
    expiry_digits, _ = _verify(_EXPIRY_DATE, line2, problems)
    expiry_date = _read_date(
        _EXPIRY_DATE, expiry_digits, lambda y, m, d: dates.expiry_date(y, m, d, today=today), problems
    )
    optional_data, optional_for_composite = _verify(_OPTIONAL_DATA, line2, problems)
    _verify_composite(line2, document_for_composite, optional_for_composite, problems)

    return MrzResult(
        document_type=document_type,
        issuing_state=issuing_state,
        primary_identifier=" ".join(primary),
        secondary_identifier=" ".join(secondary),
        name_tokens=primary + secondary,
        full_name=" ".join(primary + secondary),
        name_truncated=not name_field.endswith("<"),
        document_number=document_number.rstrip("<"),
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data.rstrip("<"),
        problems=tuple(problems),
    )


# --- fields -----------------------------------------------------------------------------------------------


def _label(field: str) -> str:
    return text(f"mrz.field.{field}")


def _joined(readings: list[str]) -> str:
    return text("mrz.and").join(readings)


def _readings(raw: str, read: str, line: int, start: int) -> list[str]:
    """Describe each character read as something else, by line and 1-based position."""
    return [
        text("mrz.reading", before=repr(before), line=line, position=start + index + 1, after=repr(after))
        for index, (before, after) in enumerate(zip(raw, read, strict=True))
        if before != after
    ]


def _read_letters(
    line: str,
    line_number: int,
    start: int,
    length: int,
    field: str,
    problems: list[MrzProblem],
    present: Callable[[str], str] = lambda value: value.strip("<"),
) -> str:
    """Read a letters-only field: a confusable digit is read as its letter; any other digit is a problem."""
    raw = line[start : start + length]
    read = read_as_letters(raw)
    stray = [index for index, char in enumerate(read) if char not in LETTERS_AND_FILLER]
    if stray:
        problems.append(
            MrzProblem(
                field,
                text("mrz.problem.stray_digit", field=_label(field), line=line_number, position=start + stray[0] + 1),
            )
        )
        return raw
    if read == raw:
        return raw
    readings = _readings(raw, read, line_number, start)
    problems.append(
        MrzProblem(
            field,
            text("mrz.problem.digits_read", field=_label(field), count=len(readings), readings=_joined(readings)),
            present(read),
        )
    )
    return read


def _split_name(field: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Primary and secondary name tokens; either may be empty (mononyms are written both ways)."""
    primary, _, secondary = field.partition("<<")
    return (
        tuple(token for token in primary.split("<") if token),
        tuple(token for token in secondary.split("<") if token),
    )


def _full_name(field: str) -> str:
    primary, secondary = _split_name(field)
    return " ".join(primary + secondary)


def _verify(spec: _CheckedField, line: str, problems: list[MrzProblem]) -> tuple[str, str]:
    """Check a field against its check digit.

    Returns the field as read (letters read as digits in numeric fields) and the field to use for the
    composite check (with the unique repair, if one was found).
    """
    raw = line[spec.start : spec.start + spec.length]
    raw_check = line[spec.check_index]
    value = read_as_digits(raw) if spec.numeric else raw
    check = read_as_digits(raw_check)
    readings = _readings(raw + raw_check, value + check, 2, spec.start)
    position = spec.check_index + 1

    if spec is _OPTIONAL_DATA and set(value) == {"<"} and check in ("<", "0"):
        holds = True  # ICAO 9303: an empty optional data field may have '<' or '0' as its check digit
    elif not check.isdigit():
        problems.append(MrzProblem(spec.name, text("mrz.problem.check_not_digit", field=spec.label, position=position)))
        return value, value
    else:
        holds = check_digit(value) == int(check)

    if holds:
        if readings:
            key = "mrz.problem.check_letter_holds" if value == raw else "mrz.problem.letters_read_holds"
            problems.append(
                MrzProblem(
                    spec.name,
                    text(key, field=spec.label, readings=_joined(readings)),
                    _present(spec, value),
                )
            )
        return value, value

    if readings:
        failure = text("mrz.problem.fails_even_reading", field=spec.label, readings=_joined(readings))
    else:
        failure = text("mrz.problem.fails", field=spec.label)
    if spec.numeric:
        problems.append(MrzProblem(spec.name, text("mrz.problem.sentence", failure=failure)))
        return value, value
    repairs = single_confusion_repairs(value, int(check))
    if len(repairs) == 1:
        index, repaired = repairs[0]
        (reading,) = _readings(value[index], repaired[index], 2, spec.start + index)
        problems.append(
            MrzProblem(
                spec.name,
                text("mrz.problem.repaired", failure=failure, reading=reading),
                _present(spec, repaired),
            )
        )
        return value, repaired
    if repairs:
        problems.append(
            MrzProblem(
                spec.name,
                text("mrz.problem.ambiguous", failure=failure, count=len(repairs)),
            )
        )
    else:
        problems.append(MrzProblem(spec.name, text("mrz.problem.unexplained", failure=failure)))
    return value, value


def _present(spec: _CheckedField, value: str) -> str:
    return value if spec.numeric else value.rstrip("<")


def _verify_composite(line: str, document_number: str, optional_data: str, problems: list[MrzProblem]) -> None:
    """Check the composite digit over the line as read, then over the line with the suggested repairs."""
    read = "".join(read_as_digits(char) if i in _NUMERIC_INDICES else char for i, char in enumerate(line))
    check = read[_COMPOSITE_INDEX]
    if not check.isdigit():
        problems.append(MrzProblem("composite", text("mrz.problem.composite_not_digit")))
        return

    def composite(line_read: str) -> int:
        return check_digit(composite_text(line_read))

    if composite(read) == int(check):
        if check != line[_COMPOSITE_INDEX]:
            (reading,) = _readings(line[_COMPOSITE_INDEX], check, 2, _COMPOSITE_INDEX)
            problems.append(MrzProblem("composite", text("mrz.problem.composite_letter_holds", reading=reading), check))
        return
    repaired = document_number + read[9:28] + optional_data + read[42:]
    if repaired != read and composite(repaired) == int(check):
        fields = [
            _label(field)
            for field, changed in (
                ("document_number", repaired[0:9] != read[0:9]),
                ("optional_data", repaired[28:42] != read[28:42]),
            )
            if changed
        ]
        problems.append(MrzProblem("composite", text("mrz.problem.composite_repaired", fields=_joined(fields))))
    else:
        problems.append(MrzProblem("composite", text("mrz.problem.composite_fails")))


def _read_sex(char: str, problems: list[MrzProblem]) -> str | None:
    if char in ("M", "F"):
        return char
    if char not in ("<", "X"):
        problems.append(MrzProblem("sex", text("mrz.problem.sex")))
    return None


def _read_date(
    spec: _CheckedField,
    digits: str,
    choose: Callable[[int, int, int], date | None],
    problems: list[MrzProblem],
) -> date | None:
    """Turn YYMMDD into a date, the century chosen by `choose`; anything else is a problem and None."""
    if set(digits) == {"<"}:
        reason = "mrz.problem.date_not_given"
    elif "<" in digits:
        reason = "mrz.problem.date_partly_given"
    elif not digits.isdigit():
        reason = "mrz.problem.date_not_digits"
    else:
        chosen = choose(int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
        if chosen is not None:
            return chosen
        reason = "mrz.problem.date_not_a_date"
    problems.append(MrzProblem(spec.name, text(reason, field=spec.label)))
    return None


def failed_checks(line1: str, line2: str) -> tuple[str, ...]:
    """The check digits of a TD3 MRZ that do not hold on the line as read, letters in digit places read as
    digits (`document_number`, `birth_date`, `expiry_date`, `optional_data`, `composite`): a fact rules use
    (`mrz_check_failed`), whatever repair is suggested to the officer."""
    _, line = normalise_lines(line1, line2)
    read = "".join(read_as_digits(char) if i in _NUMERIC_INDICES else char for i, char in enumerate(line))
    failed = []
    for spec in (_DOCUMENT_NUMBER, _BIRTH_DATE, _EXPIRY_DATE, _OPTIONAL_DATA):
        value, check = read[spec.start : spec.check_index], read[spec.check_index]
        if spec is _OPTIONAL_DATA and set(value) == {"<"} and check in ("<", "0"):
            continue
        if not check.isdigit() or check_digit(value) != int(check):
            failed.append(spec.name)
    check = read[_COMPOSITE_INDEX]
    if not check.isdigit() or check_digit(composite_text(read)) != int(check):
        failed.append("composite")
    return tuple(failed)
