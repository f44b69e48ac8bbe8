"""Writing NIKs from their parts: identity numbers for the tests (checkpoint itself only reads NIKs)."""

from __future__ import annotations

from datetime import date

#: A woman's NIK carries her birth day + 40 (DOMAIN.md §5).
WOMEN_DAY_OFFSET = 40


def compose_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Write a NIK from a 6-digit district code, birth date, sex and serial (the inverse of `parse_nik`)."""
    if not (len(district_code) == 6 and district_code.isascii() and district_code.isdigit()):
        raise ValueError("district_code must be 6 digits (province, regency/city, district)")
    if sex not in ("M", "F"):
        raise ValueError("sex must be 'M' or 'F'")
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1-9999")
    day = birth_date.day + (WOMEN_DAY_OFFSET if sex == "F" else 0)
    return f"{district_code}{day:02d}{birth_date:%m%y}{serial:04d}"
