"""MRZ results as Traveller fields and warnings for the screening pipeline."""

from __future__ import annotations

import dataclasses
from datetime import date

from checkpoint.models import Traveller
from checkpoint.mrz import format_td3, parse_td3, problems_as_warnings, to_traveller_fields

TODAY = date(2025, 6, 1)
LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_traveller_fields_are_traveller_attributes() -> None:
    fields = to_traveller_fields(parse_td3(LINE1, LINE2, today=TODAY))
    assert set(fields) <= {field.name for field in dataclasses.fields(Traveller)}
    assert fields == {
        "full_name": "ERIKSSON ANNA MARIA",
        "sex": "F",
        "date_of_birth": date(1974, 8, 12),
        "nationality": "UTO",
        "passport_number": "L898902C3",
        "passport_expiry": date(2012, 4, 15),
    }
    traveller = Traveller(pax_id="1", row=1, **fields)  # type: ignore[arg-type]
    assert traveller.screenable


def test_a_valid_mrz_has_no_warnings() -> None:
    assert problems_as_warnings(parse_td3(LINE1, LINE2, today=TODAY)) == ()


def test_a_unique_document_number_repair_is_used_and_said() -> None:
    result = parse_td3(LINE1, "L8989O2C3" + LINE2[9:], today=TODAY)
    assert to_traveller_fields(result)["passport_number"] == "L898902C3"
    warnings = problems_as_warnings(result)
    assert len(warnings) == 2
    assert warnings[0].startswith("MRZ document number check digit does not hold;")
    assert warnings[0].endswith("; the repaired number is used for screening.")
    for warning in warnings:
        assert "L898902C3" not in warning and "L8989O2C3" not in warning
        assert "ERIKSSON" not in warning


def test_an_ambiguous_document_number_stays_as_printed() -> None:
    line1, line2 = format_td3(
        primary="SUMIATI",
        document_number="B1234567",
        nationality="IDN",
        birth_date=date(1990, 5, 17),
        sex="F",
        expiry_date=date(2032, 4, 1),
    )
    result = parse_td3(line1, "8" + line2[1:], today=TODAY)
    assert to_traveller_fields(result)["passport_number"] == "81234567"
    warnings = problems_as_warnings(result)
    assert warnings[0].startswith("MRZ document number check digit does not hold;")
    assert all("used for screening" not in warning for warning in warnings)


def test_missing_values_become_none() -> None:
    line1 = "P<IDN".ljust(44, "<")
    _, line2 = format_td3(
        primary="X",
        document_number="A1",
        nationality="IDN",
        birth_date=date(1990, 5, 17),
        sex=None,
        expiry_date=date(2032, 4, 1),
    )
    line2 = line2[:13] + "<<<<<<" + line2[19:]
    fields = to_traveller_fields(parse_td3(line1, line2, today=TODAY))
    assert fields["full_name"] is None
    assert fields["sex"] is None
    assert fields["date_of_birth"] is None
    warnings = problems_as_warnings(parse_td3(line1, line2, today=TODAY))
    assert warnings and all(warning.endswith(".") for warning in warnings)
