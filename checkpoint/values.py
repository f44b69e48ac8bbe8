"""Small field values shared by registry and manifests: sex, booleans, codes, document numbers.

Each reader returns the clean value or None; the caller decides whether None is a warning or a reject.
"""

from __future__ import annotations

import re

_SEX = {
    "M": "M", "MALE": "M", "L": "M", "LK": "M", "LAKI": "M", "LAKILAKI": "M", "LAKI2": "M", "PRIA": "M",
    "MR": "M", "MSTR": "M",
    "F": "F", "FEMALE": "F", "P": "F", "PR": "F", "PEREMPUAN": "F", "WANITA": "F", "W": "F", "MRS": "F", "MS": "F",
    "MISS": "F",
}  # fmt: skip
_TRUE = {"TRUE", "T", "YES", "Y", "YA", "1", "1.0", "AKTIF", "ACTIVE", "SUDAH"}
_FALSE = {"FALSE", "F", "NO", "N", "TIDAK", "0", "0.0", "NONAKTIF", "TIDAKAKTIF", "INACTIVE", "BELUM"}
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_SEPARATORS = re.compile(r"[\s.\-_]+")
_WORD_BREAKS = re.compile(r"[\s\-_]+")
#: Floats at or above 2**53 cannot hold every integer: a 16-digit NIK stored as one may have lost digits.
EXACT_FLOAT_LIMIT = 2.0**53
# OCR and keying confusions in document numbers, folded to one class each for tolerant keys.
_DOCUMENT_CONFUSIONS = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas NA/NaT and numpy NaT: the values that are not equal to themselves."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas NA refuses to be a boolean
        return True


def clean_text(value: object) -> str | None:
    """A stripped string, or None for blanks, NaN and NA; numbers keep their digits (no `.0`)."""
    if type(value) is str:  # most cells: no missing-value or number checks needed
        return value.strip() or None
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_sex(value: object) -> str | None:
    """`M`/`F` from the many ways a sex is written (English, Indonesian L/P, titles); None if unreadable."""
    text = clean_text(value)
    return _SEX.get(_SEPARATORS.sub("", text.upper())) if text else None


def read_bool(value: object) -> bool | None:
    """A boolean from yes/no, ya/tidak, true/false, 1/0; None if blank or unreadable."""
    if isinstance(value, bool):
        return value
    text = clean_text(value)
    if text is None:
        return None
    upper = _WORD_BREAKS.sub("", text.upper())
    return True if upper in _TRUE else False if upper in _FALSE else None


def document_number(value: object) -> str | None:
    """A passport number as compared: upper-case letters and digits only (MRZ fillers dropped)."""
    text = clean_text(value)
    if text is None:
        return None
    cleaned = _NOT_ALNUM.sub("", text.upper())
    return cleaned or None


def document_key(number: str) -> str:
    """An OCR-tolerant key of a document number: O/0, I/1/L, S/5, B/8, Z/2 fall together."""
    return number.translate(_DOCUMENT_CONFUSIONS)


def nik_digits(value: object) -> str | None:
    """A NIK as 16 digits, tolerating spaces, dots, an Excel `.0` or `'`; None when it is not 16 digits."""
    if isinstance(value, float) and abs(value) >= EXACT_FLOAT_LIMIT:
        return None  # rounded on the way in: the last digits cannot be trusted
    text = clean_text(value)
    if text is None:
        return None
    text = text.removeprefix("'").removesuffix(".0")
    digits = re.sub(r"[\s.\-]", "", text)
    return digits if len(digits) == 16 and digits.isdigit() else None
