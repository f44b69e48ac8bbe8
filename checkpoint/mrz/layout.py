"""The TD3 layout (ICAO 9303 Part 4): line and field lengths, composite spans, and the layout check.

A layout error makes reading impossible and raises InputDataError with one sentence naming the line;
everything past the layout is read into values and problems by `td3`.
"""

from __future__ import annotations

import string

from checkpoint.errors import InputDataError
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
            raise InputDataError(
                "MRZ line 1 does not start with 'P' but line 2 does: the lines seem to be swapped; "
                "give the line starting with 'P' first."
            )
        raise InputDataError(
            f"MRZ line 1 starts with {first[0]!r}, not 'P': only passport (TD3) MRZs can be read here."
        )
    return first, second


def _normalise_line(number: int, text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise InputDataError(f"MRZ line {number} is empty; give both 44-character lines.")
    for position, char in enumerate(stripped, start=1):
        if char not in _INPUT_CHARACTERS:
            raise InputDataError(
                f"MRZ line {number} has {_describe_character(char)} at position {position}; "
                "an MRZ holds only A-Z, 0-9 and '<' (write '<' for each blank, and give the lines separately)."
            )
    if len(stripped) != LINE_LENGTH:
        hint = " (were both lines given as one?)" if len(stripped) == 2 * LINE_LENGTH else ""
        raise InputDataError(
            f"MRZ line {number} has {len(stripped)} characters; "
            f"a passport (TD3) MRZ line has exactly {LINE_LENGTH}{hint}."
        )
    return stripped.upper()


def _describe_character(char: str) -> str:
    names = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a line break"}
    return names.get(char, f"the character {char!r}")


def _looks_like_line2(line: str) -> bool:
    return read_as_digits(line[13:20]).isdigit() and read_as_digits(line[21:28]).isdigit()
