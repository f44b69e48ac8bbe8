"""Passport machine-readable zones (ICAO 9303 TD3): check digits, reading, OCR repairs, traveller fields."""

from checkpoint.mrz.checkdigit import check_digit
from checkpoint.mrz.td3 import MrzProblem, MrzResult, parse_td3
from checkpoint.mrz.traveller import problems_as_warnings, to_traveller_fields
from checkpoint.mrz.write import format_td3

__all__ = [
    "MrzProblem",
    "MrzResult",
    "check_digit",
    "format_td3",
    "parse_td3",
    "problems_as_warnings",
    "to_traveller_fields",
]
