"""Name normalisation: titles, degrees, airline forms, BIN/BINTI, spelling families (DOMAIN.md §4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.names import normalise_name, phonetic_key
from checkpoint.names.normalise import airline_name, table


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


def _balinese_rows() -> list[dict[str, str]]:
    rows = table("balinese.csv")
    assert rows  # the parametrised tests below must not run on an empty table
    return rows


@pytest.mark.parametrize("row", _balinese_rows(), ids=lambda row: row["abbreviation"])
def test_a_balinese_abbreviation_reads_as_the_words_it_stands_for(row: dict[str, str]) -> None:
    # `I NYM SUPARTA` is `I NYOMAN SUPARTA` (DOMAIN.md §4): same tokens, so the same keys and the same comparison
    abbreviated = normalise_name(f"I {row['abbreviation']} SUPARTA")
    written_out = normalise_name(f"I {row['words']} SUPARTA")
    assert abbreviated.tokens == written_out.tokens == ("I", *row["words"].split(), "SUPARTA")
    assert abbreviated.keys == written_out.keys


@pytest.mark.parametrize(
    ("written", "tokens"),
    [
        ("I NYM SUPARTA", ("I", "NYOMAN", "SUPARTA")),
        ("NI MD ARDANI", ("NI", "MADE", "ARDANI")),
        ("A.A. GD RAKA", ("ANAK", "AGUNG", "GEDE", "RAKA")),  # dotted: one abbreviation, not two letters
        ("I.B. PT MANUABA", ("IDA", "BAGUS", "PUTU", "MANUABA")),
        ("I.A. KMG SRI ASTITI", ("IDA", "AYU", "KOMANG", "SRI", "ASTITI")),
        ("GST AYU MD SURYANI", ("GUSTI", "AYU", "MADE", "SURYANI")),
        ("I. NYM SUPARTA", ("I", "NYOMAN", "SUPARTA")),  # a dotted particle stays the particle
    ],
)
def test_balinese_names_written_short(written: str, tokens: tuple[str, ...]) -> None:
    assert normalise_name(written).tokens == tokens
