"""Writing TD3 MRZs with correct check digits: the sample passports `checkpoint synth` makes, and the tests."""

from __future__ import annotations

import re
import string
from datetime import date

from checkpoint.mrz.checkdigit import check_digit
from checkpoint.mrz.layout import LETTERS_AND_FILLER, NAME_LENGTH, composite_text

_NAME_SEPARATORS = re.compile(r"[\s\-]+")
_NAME_DROPPED = re.compile(r"[.,'`]")


def format_td3(
    *,
    primary: str,
    secondary: str = "",
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str | None,
    expiry_date: date,
    issuing_state: str | None = None,
    optional_data: str = "",
    document_type: str = "P",
) -> tuple[str, str]:
    """The two TD3 lines for these fields, with correct check digits; ValueError if they cannot fit."""
    name = _name_part(primary)
    if secondary:
        name += "<<" + _name_part(secondary)
    name = _truncate_name(name)
    line1 = (
        _code(document_type, 2, "document_type", letters_only=True)
        + _code(issuing_state or nationality, 3, "issuing_state", letters_only=True)
        + name
    )
    document = _code(document_number, 9, "document_number", letters_only=False)
    optional = _code(optional_data, 14, "optional_data", letters_only=False)
    if sex not in ("M", "F", "X", None):
        raise ValueError("sex must be 'M', 'F', 'X' or None")
    birth, expiry = f"{birth_date:%y%m%d}", f"{expiry_date:%y%m%d}"
    optional_check = "<" if set(optional) == {"<"} else str(check_digit(optional))
    line2 = (
        document
        + str(check_digit(document))
        + _code(nationality, 3, "nationality", letters_only=True)
        + birth
        + str(check_digit(birth))
        + (sex or "<")
        + expiry
        + str(check_digit(expiry))
        + optional
        + optional_check
    )
    composite = check_digit(composite_text(line2))
    return line1, line2 + str(composite)


def _truncate_name(name: str) -> str:
    """Fit a name into 39 characters; a cut name always ends in a letter, so readers can tell it was cut."""
    if len(name) <= NAME_LENGTH:
        return name.ljust(NAME_LENGTH, "<")
    cut = name[:NAME_LENGTH]
    if cut.endswith("<"):
        next_letter = name[NAME_LENGTH:].lstrip("<")[:1]
        cut = cut[:-1] + (next_letter or "<")
    return cut


def _name_part(text: str) -> str:
    tokens = [token for token in _NAME_SEPARATORS.split(_NAME_DROPPED.sub("", text.upper())) if token]
    joined = "<".join(tokens)
    if not set(joined) <= LETTERS_AND_FILLER:
        raise ValueError("names in an MRZ hold only the letters A-Z (transliterate first)")
    return joined


def _code(value: str, length: int, field: str, *, letters_only: bool) -> str:
    value = value.upper()
    allowed = LETTERS_AND_FILLER if letters_only else LETTERS_AND_FILLER | set(string.digits)
    if len(value) > length or not set(value) <= allowed:
        kind = "letters" if letters_only else "letters and digits"
        raise ValueError(f"{field} must be at most {length} {kind}")
    return value.ljust(length, "<")
