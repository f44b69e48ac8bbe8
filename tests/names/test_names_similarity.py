"""Name similarity: variants score high, different people score low."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from checkpoint.names import name_similarity, normalise_name


def similarity(a: str, b: str) -> float:
    return name_similarity(normalise_name(a), normalise_name(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("JOKO WIDODO", "DJOKO WIDODO"),
        ("MUHAMMAD FIRMAN", "M. FIRMAN"),
        ("AHMAD FAUZI", "ACHMAD FAUZI"),
        ("DEWI LESTARI", "LESTARI DEWI"),
        ("SUMIATI", "SUMIATI BINTI KARSO"),
        ("SUMIATI KARSO", "SUMIATI BINTI KARSO"),
        ("LUH PUTU SRI ARTINI", "NI LUH PUTU SRI ARTINI"),
        ("ANISA NUR AISYAH SEPTIANI BINTI MUK", "ANISA NUR AISYAH SEPTIANI BINTI MUKHTAR"),  # truncated at 35
        ("YUNI PUTRI SARI PERMATASARI BINTI K", "YUNI PUTRI SARI PERMATASARI BINTI KASIM"),  # cut to the initial
        ("WAHYU ABDUL SUPRIYADI SAPUTRA BIN S", "WAHYU ABDUL SUPRIYADI SAPUTRA BIN SUNARTO"),
        ("SITI NUR HAYATI", "SITI NURHAYATI"),
        ("MOCHAMADMAULANA LUBIS", "MUHAMMAD MAULANA LUBIS"),  # merged, and the first part an old spelling
        ("BAIQ ANDRIANI ANGGRAINI SUGIY", "BAIQ ANDRIANI ANGGRAINI BINTI SUGIYANTO"),  # cut at 35, BINTI dropped
        ("ACHMADFAUZI", "AHMAD FAUZI"),
    ],
)
def test_variants_of_one_name_agree(a: str, b: str) -> None:
    assert similarity(a, b) >= 0.95


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("VERONIKA SEMBIRING", "FRANSISKA SEMBIRING"),  # twins share a clan name, not a given name
        ("SITI AMINAH", "SITI ROHMAH"),
        ("BUDI SANTOSO", "AGUS SANTOSO"),
        ("SUMIATI BINTI KARSO", "SUMIATI BINTI WAGIMAN"),  # same given name, different fathers
        ("SUMIATI BINTI K", "SUMIATI BINTI WAGIMAN"),  # … a short name is written whole: K is not WAGIMAN cut
        ("YUNI PUTRI SARI PERMATASARI BINTI T", "YUNI PUTRI SARI PERMATASARI BINTI KASIM"),  # another initial
        ("PETRUS MANURUNG", "PETRUS MANU"),  # too short to have been cut by a field limit: not a prefix
        ("SITI NUR", "SITI NURHAYATI"),
    ],
)
def test_different_people_do_not_agree(a: str, b: str) -> None:
    assert similarity(a, b) < 0.85


def test_an_omitted_part_costs_less_than_a_contradicting_one() -> None:
    assert similarity("SITI AMINAH", "AMINAH") > similarity("SITI AMINAH", "DEWI AMINAH")


def test_single_typo_keeps_a_high_score() -> None:
    assert 0.9 <= similarity("KUMIATI", "KUSMIATI") < 1.0


@pytest.mark.parametrize(
    ("typed", "registered"),
    [("BDUI GUNAWAN", "BUDI GUNAWAN"), ("SUMITAI", "SUMIATI"), ("IAD SUSANTI", "IDA SUSANTI")],
)
def test_two_neighbouring_letters_swapped_count_as_one_slip(typed: str, registered: str) -> None:
    # A transposition is one keying slip: as close as one dropped letter, closer than a changed one.
    swapped = name_similarity(normalise_name(typed), normalise_name(registered))
    assert swapped >= 0.9
    assert swapped > name_similarity(normalise_name("SUWARNI"), normalise_name("SUWARTI"))


def test_a_changed_letter_is_not_a_transposition() -> None:
    assert name_similarity(normalise_name("SUWARNI"), normalise_name("SUWARTI")) < 0.9


@pytest.mark.parametrize(
    ("typed", "registered"), [("SKAMET", "SLAMET"), ("NUR AIBI", "NUR AINI"), ("SOLIHSH", "SOLIHAH")]
)
def test_a_letter_keyed_as_its_neighbour_counts_as_one_slip(typed: str, registered: str) -> None:
    assert name_similarity(normalise_name(typed), normalise_name(registered)) >= 0.875


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SUPARTO", "SUPARTI"),  # the last letter carries the sex in Javanese names (O and I are neighbours)
        ("YANTI", "TANTI"),  # a different first letter is most often a different name
        ("RINA", "TINA"),
        ("SUWARNI", "SUWARTI"),  # N and T are not neighbours
    ],
)
def test_a_neighbouring_key_at_the_edges_of_a_name_is_not_a_slip(a: str, b: str) -> None:
    # scored as a changed letter (two edits), not as one slip
    assert name_similarity(normalise_name(a), normalise_name(b)) == pytest.approx(1 - 2 / (len(a) + len(b)), abs=1e-4)


@pytest.mark.parametrize(
    ("abbreviated", "registered"),
    [
        ("I NYM SUPARTA", "I NYOMAN SUPARTA"),
        ("NI MD ARDANI", "NI MADE ARDANI"),
        ("NYM SUPARTA", "I NYOMAN SUPARTA"),  # abbreviated and the particle dropped
        ("KT SUDIRA", "I KETUT SUDIRA"),
        ("A.A. GDE RAKA", "ANAK AGUNG GEDE RAKA"),
        ("IB PT MANUABA", "IDA BAGUS PUTU MANUABA"),
    ],
)
def test_a_balinese_abbreviation_agrees_with_the_word(abbreviated: str, registered: str) -> None:
    assert similarity(abbreviated, registered) >= 0.95


def test_different_birth_order_words_do_not_agree() -> None:
    # the second-born and the third-born of a family share the given name's parents, not the person
    assert similarity("I MD SUPARTA", "I NYOMAN SUPARTA") < 0.85


def _distinct_pairs() -> list[tuple[str, str]]:
    with resources.files("checkpoint.names").joinpath("tables/distinct_given.csv").open(encoding="utf-8") as file:
        return [(row["name"], row["other"]) for row in csv.DictReader(file)]


@pytest.mark.parametrize(("name", "other"), _distinct_pairs())
def test_two_distinct_given_names_do_not_agree_however_alike_they_look(name: str, other: str) -> None:
    # a twin sister or a namesake with the same family name and birth date: one given name tells them apart
    assert similarity(f"{name} AMINAH", f"{other} AMINAH") < 0.85
    assert similarity(f"{name} AMINAH", f"{name} AMINAH") == 1.0
