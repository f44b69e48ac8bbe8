"""ICAO 9303 check digits, and the OCR confusions (0/O, 1/I, 5/S, 8/B, 2/Z) that explain a failing one."""

from __future__ import annotations

import string

#: Characters an MRZ may hold, after upper-casing.
MRZ_CHARACTERS = frozenset(string.ascii_uppercase + string.digits + "<")

_VALUES = {char: value for value, char in enumerate(string.digits + string.ascii_uppercase)} | {"<": 0}
_WEIGHTS = (7, 3, 1)

#: The digit an OCR letter stands for in a place that can only hold digits (dates, check digits).
DIGIT_FOR_LETTER = {"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2"}
#: The letter an OCR digit stands for in a place that can only hold letters (names, country codes).
LETTER_FOR_DIGIT = {digit: letter for letter, digit in DIGIT_FOR_LETTER.items()}
#: Either direction: what a character may have been misread from, in places that hold both.
CONFUSIONS = DIGIT_FOR_LETTER | LETTER_FOR_DIGIT


def check_digit(text: str) -> int:
    """The ICAO 9303 check digit of `text`: 0-9 as is, A-Z = 10-35, '<' = 0, weights 7, 3, 1, sum mod 10."""
    total = 0
    for position, char in enumerate(text):
        value = _VALUES.get(char)
        if value is None:
            raise ValueError(f"character {char!r} at position {position + 1} cannot appear in an MRZ")
        total += value * _WEIGHTS[position % 3]
    return total % 10


def read_as_digits(text: str) -> str:
    """`text` with every OCR-confusable letter replaced by the digit it stands for."""
    return "".join(DIGIT_FOR_LETTER.get(char, char) for char in text)


def read_as_letters(text: str) -> str:
    """`text` with every OCR-confusable digit replaced by the letter it stands for."""
    return "".join(LETTER_FOR_DIGIT.get(char, char) for char in text)


def single_confusion_repairs(value: str, expected: int) -> tuple[tuple[int, str], ...]:
    """Every (index, repaired value) that one OCR confusion away from `value` has the check digit `expected`.

    Only alphanumeric fields (document number, optional data) need this: there a '0' may be a misread 'O'
    and the other way round, and only the check digit can tell. No single confusion keeps a check digit
    unchanged (the value differences 24, 17, 23, 3 and 33 are never a multiple of 10), so a failing check
    can always be explained by at most the confusions listed here.
    """
    repairs: list[tuple[int, str]] = []
    for index, char in enumerate(value):
        partner = CONFUSIONS.get(char)
        if partner is None:
            continue
        candidate = value[:index] + partner + value[index + 1 :]
        if check_digit(candidate) == expected:
            repairs.append((index, candidate))
    return tuple(repairs)
