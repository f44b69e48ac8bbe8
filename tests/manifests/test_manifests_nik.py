"""A traveller's NIK: structure checked, and its encoded sex and birth date used (DOMAIN.md §5)."""

from __future__ import annotations

from datetime import date

from checkpoint.manifests import build_traveller

TODAY = date(2026, 11, 28)
WOMAN_1990_05_17 = "3201015705900001"  # day 57 = 17 + 40: a woman born 17 May 1990 (synthetic)


def test_a_nik_alone_gives_sex_and_birth_date() -> None:
    traveller = build_traveller({"full_name": "SITI", "nik": WOMAN_1990_05_17}, row=1, today=TODAY)
    assert (traveller.sex, traveller.date_of_birth) == ("F", date(1990, 5, 17))
    assert traveller.warnings == ()


def test_disagreement_with_the_nik_is_a_warning_and_the_typed_value_stays() -> None:
    traveller = build_traveller(
        {"full_name": "SITI", "nik": WOMAN_1990_05_17, "sex": "M", "date_of_birth": "1991-05-17"}, row=1, today=TODAY
    )
    assert traveller.sex == "M" and traveller.date_of_birth == date(1991, 5, 17)
    assert any("sex disagrees" in w for w in traveller.warnings)
    assert any("date_of_birth disagrees" in w for w in traveller.warnings)


def test_a_structurally_invalid_nik_is_dropped_with_a_warning() -> None:
    traveller = build_traveller({"full_name": "SITI", "nik": "9901015705900001"}, row=1, today=TODAY)
    assert traveller.nik is None
    assert any("not a valid NIK" in w for w in traveller.warnings)
    assert all("9901015705900001" not in w for w in traveller.warnings)
