"""The TD3 layout (ICAO 9303 Part 4): line and field lengths, composite spans, and the layout check.

A layout error makes reading impossible and raises InputDataError with one sentence naming the line;
everything past the layout is read into values and problems by `td3`.
"""

from __future__ import annotations

import string

from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.mrz.checkdigit import read_as_digits

LINE_LENGTH = 44
NAME_LENGTH = 39
#: Line-2 spans covered by the composite check digit (positions 1-10, 14-20, 22-43).
COMPOSITE_SPANS = ((0, 10), (13, 20), (21, 43))
LETTERS_AND_FILLER = frozenset(string.ascii_uppercase + "<")

_INPUT_CHARACTERS = frozenset(string.ascii_letters + string.digits + "<")


def composite_text(line2: str) -> str:
    """The characters of line 2 that the composite check digit covers."""
    return "".join(line2[start:end] for start, end in COMPOSITE_SPANS)


def normalise_lines(line1: str, line2: str) -> tuple[str, str]:
    """Both lines trimmed and upper-cased; raise InputDataError when the layout cannot be read."""
    first, second = _normalise_line(1, line1), _normalise_line(2, line2)
    if not first.startswith("P"):
        if second.startswith("P") and _looks_like_line2(first):
            raise InputDataError(text("mrz.layout.swapped"))
        raise InputDataError(text("mrz.layout.not_passport", character=repr(first[0])))
    return first, second


def _normalise_line(number: int, line: str) -> str:
    stripped = line.strip()
    if not stripped:
        raise InputDataError(text("mrz.layout.empty", number=number))
    for position, char in enumerate(stripped, start=1):
        if char not in _INPUT_CHARACTERS:
            raise InputDataError(
                text("mrz.layout.bad_character", number=number, character=_describe_character(char), position=position)
            )
    if len(stripped) != LINE_LENGTH:
        key = "mrz.layout.wrong_length_joined" if len(stripped) == 2 * LINE_LENGTH else "mrz.layout.wrong_length"
        raise InputDataError(text(key, number=number, count=len(stripped), expected=LINE_LENGTH))
    return stripped.upper()


def _describe_character(char: str) -> str:
    names = {
        " ": "mrz.layout.space",
        "\t": "mrz.layout.tab",
        "\n": "mrz.layout.line_break",
        "\r": "mrz.layout.line_break",
    }
    return text(names[char]) if char in names else text("mrz.layout.character", character=repr(char))


def _looks_like_line2(line: str) -> bool:
    return read_as_digits(line[13:20]).isdigit() and read_as_digits(line[21:28]).isdigit()
