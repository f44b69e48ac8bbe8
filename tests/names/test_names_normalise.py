"""Name normalisation: titles, degrees, airline forms, BIN/BINTI, spelling families (DOMAIN.md §4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.names import normalise_name, phonetic_key
from checkpoint.names.normalise import airline_name


@pytest.mark.parametrize(
    ("written", "tokens", "father"),
    [
        ("H. MOCH. SOEHARTO, S.PD", ("MUHAMMAD", "SOEHARTO"), ()),
        ("DWI NURHAYATI, S.KEP", ("DWI", "NURHAYATI"), ()),
        ("BUDI, S.E., M.M.", ("BUDI",), ()),
        ("AMINAH, SITI", ("AMINAH", "SITI"), ()),  # a given name after a comma is not a degree
        ("SUMIATI BINTI KARSO", ("SUMIATI",), ("KARSO",)),
        ("AMINAH/SITI MRS", ("SITI", "AMINAH"), ()),
        ("HARYANTI HARYANTI", ("HARYANTI",), ()),
        ("ST AMINAH", ("SITI", "AMINAH"), ()),
        ("AI'NUN", ("AINUN",), ()),
        ("P<IDNWAHYUNI<<SRI", ("P", "IDNWAHYUNI", "SRI"), ()),  # raw MRZ is split by the MRZ reader, not here
        ("NUR0HAYATI", ("NUROHAYATI",), ()),  # OCR digit back to its letter
    ],
)
def test_normalise(written: str, tokens: tuple[str, ...], father: tuple[str, ...]) -> None:
    name = normalise_name(written)
    assert name.tokens == tokens
    assert name.father == father


def test_spelling_reform_merges_in_the_key_only() -> None:
    assert phonetic_key("SOEHARTO") == phonetic_key("SUHARTO")
    assert phonetic_key("DJOKO") == phonetic_key("JOKO")
    assert phonetic_key("TJAHJONO") == phonetic_key("CAHYONO")
    assert phonetic_key("CHAIRUL") == phonetic_key("KHAIRUL") == phonetic_key("HAIRUL")
    assert normalise_name("JOKO").tokens == ("JOKO",)  # nothing shown is rewritten


def test_airline_names() -> None:
    assert airline_name("AMINAH/SITI MRS") == "SITI AMINAH"
    assert airline_name("HARYANTI/FNU") == "HARYANTI"
    assert airline_name("LNU/HARYANTI") == "HARYANTI"
    assert airline_name("HARYANTI/HARYANTI MS") == "HARYANTI"


@given(st.text(max_size=60))
def test_any_text_normalises_without_error(text: str) -> None:
    name = normalise_name(text)
    assert all(token and " " not in token for token in name.tokens)
