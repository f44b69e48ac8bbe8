"""Every labelled variation makes exactly the change its label says, or declines (None) when it cannot."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from checkpoint.synth import NAME_VARIATIONS, tables, variants
from checkpoint.synth.names import sample_names


def _sample_ktp_names() -> list[tuple[str, str]]:
    rng = np.random.default_rng(5)
    female = rng.random(600) < 0.6
    year = rng.integers(1955, 2008, 600)
    names = sample_names(female, year, 2026 - year, rng, patronymic_rate=0.05)
    fixed = [
        ("SITI AMINAH", "F"), ("MUHAMMAD RIZKI PRATAMA", "M"), ("SUMIATI", "F"), ("NI LUH PUTU SRI ARTINI", "F"),
        ("I WAYAN SUDARSANA", "M"), ("HJ. SITI KHOTIMAH", "F"), ("SITI AMINAH, S.PD", "F"), ("NURHAYATI", "F"),
        ("JOKO WAHYUDI", "M"), ("YUSUF CAHYONO", "M"), ("RATNA AMALIA OKTAVIANI SAFITRI BINTI DULLAH", "F"),
        ("MUHAMMAD EKA KURNIAWAN NUGROHO BIN MARSUDI", "M"), ("SUTRISNO", "M"), ("LALU FAUZI SAPUTRA", "M"),
    ]  # fmt: skip
    return fixed + [
        (str(name), "F" if is_female else "M") for name, is_female in zip(names.full_name, female, strict=True)
    ]


KTP_NAMES = _sample_ktp_names()
# The functions under test take microseconds; fewer examples keep the whole synth suite well under 10 s.
quick = settings(max_examples=30, deadline=None)
people = st.sampled_from(KTP_NAMES)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _vary(person: tuple[str, str], variation: str, seed: int) -> tuple[str, str | None]:
    name, sex = person
    return name, variants.vary_name(name, variation, np.random.default_rng(seed), sex=sex, age=30)


def _changed_tokens(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


@quick
@given(people, st.sampled_from(NAME_VARIATIONS), seeds)
def test_a_variation_changes_the_name_or_declines(person: tuple[str, str], variation: str, seed: int) -> None:
    name, varied = _vary(person, variation, seed)
    if variation == "exact":
        assert varied == name
    elif varied is not None:
        assert varied != name and varied.strip() == varied and "  " not in varied
    if variants.has_title(name) and variation not in ("exact", "title_dropped"):
        assert varied is None  # a titled name would change twice under one label


@quick
@given(people, st.sampled_from(NAME_VARIATIONS), seeds)
def test_the_vectorised_prefilter_never_hides_an_applicable_name(
    person: tuple[str, str], variation: str, seed: int
) -> None:
    name, varied = _vary(person, variation, seed)
    if varied is not None:
        assert variants.applicable(pd.Series([name]), variation)[0]


@quick
@given(people, seeds)
def test_old_spelling_reverses_the_reform(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "old_spelling", seed)
    if varied is not None:
        assert variants.modern_spelling(varied) == name
        assert re.search(r"OE|DJ|TJ|NJ|SJ|CH|J", varied)


@pytest.mark.parametrize(
    ("modern", "old"),
    [("JOKO", "DJOKO"), ("YUSUF", "JOESOEF"), ("CAHYONO", "TJAHJONO"), ("SUHARTO", "SOEHARTO"),
     ("KHAIRUL", "CHAIROEL"), ("WAHYUDI", "WAHJOEDI"), ("NYOMAN", "NJOMAN"), ("SYAMSUL", "SJAMSOEL")],
)  # fmt: skip
def test_old_spelling_examples(modern: str, old: str) -> None:
    assert variants.vary_name(modern, "old_spelling", np.random.default_rng(0)) == old
    assert variants.modern_spelling(old) == modern


@quick
@given(people, st.sampled_from(["muhammad_variant", "arabic_variant", "regional", "balinese_abbreviation"]), seeds)
def test_spelling_variants_change_exactly_one_word_within_its_group(
    person: tuple[str, str], variation: str, seed: int
) -> None:
    name, varied = _vary(person, variation, seed)
    if varied is None:
        return
    [(before, after)] = _changed_tokens(name, varied)
    groups = tables.variant_rules().spelling_groups[variation]
    in_group = any(before in group.spellings and after in (*group.spellings, *group.abbreviations) for group in groups)
    if variation == "regional":
        suffixed = any(
            before.endswith(old) and after == before[: -len(old)] + new
            for old, new in tables.variant_rules().regional_suffixes
        )
        assert in_group or suffixed
    else:
        assert in_group


def test_muhammad_and_arabic_examples() -> None:
    seen = {
        variants.vary_name("MUHAMMAD RIZKI", "muhammad_variant", np.random.default_rng(seed)) for seed in range(300)
    }
    assert {"MOH RIZKI", "M RIZKI", "MOCHAMAD RIZKI"} <= seen
    seen = {variants.vary_name("SITI FATIMAH", "arabic_variant", np.random.default_rng(seed)) for seed in range(60)}
    assert {"SITTI FATIMAH", "SITI PATIMAH"} <= seen


@quick
@given(people, seeds)
def test_bin_binti_appends_the_fathers_name_by_sex(person: tuple[str, str], seed: int) -> None:
    name, sex = person
    varied = variants.vary_name(name, "bin_binti", np.random.default_rng(seed), sex=sex, father="KARSO")
    if re.search(r"\bBIN(?:TI)?\b", name) or variants.has_title(name):
        assert varied is None
    else:
        assert varied == f"{name} {'BINTI' if sex == 'F' else 'BIN'} KARSO"


@quick
@given(people, seeds)
def test_title_dropped_removes_only_the_titles(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "title_dropped", seed)
    if not variants.has_title(name):
        assert varied is None
    else:
        assert varied is not None and not variants.has_title(varied) and "," not in varied
        assert set(varied.split()) <= set(name.replace(",", " ").split())


@quick
@given(people, seeds)
def test_airline_form_has_one_slash(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "airline_form", seed)
    if varied is not None:
        assert varied.count("/") == 1
        if len(name.split()) == 1:
            assert name in varied


def test_mononyms_in_airline_form_take_the_documented_shapes() -> None:
    forms = {variants.airline_name("HARYANTI", np.random.default_rng(seed), sex="F") for seed in range(80)}
    assert {"HARYANTI/FNU", "LNU/HARYANTI", "HARYANTI/HARYANTI"} <= forms
    assert forms & {"HARYANTI/MS", "HARYANTI/MRS"}
    assert variants.airline_name("SUMIATI BINTI KARSO", np.random.default_rng(1), sex="F").startswith("KARSO/SUMIATI")


@quick
@given(people, seeds)
def test_mononym_doubled_only_for_single_names(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "mononym_doubled", seed)
    single = len(name.split()) == 1 and not variants.has_title(name)
    assert (varied == f"{name} {name}") if single else varied is None


@quick
@given(people, seeds)
def test_token_order_keeps_the_words(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "token_order", seed)
    if varied is not None:
        assert sorted(varied.split()) == sorted(name.split()) and varied.split() != name.split()


@quick
@given(people, seeds)
def test_merged_split_only_moves_spaces(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "merged_split", seed)
    if varied is not None:
        assert varied.replace(" ", "") == name.replace(" ", "")
        assert abs(len(varied.split()) - len(name.split())) == 1


def test_merged_split_examples() -> None:
    assert variants.vary_name("NURHAYATI", "merged_split", np.random.default_rng(0)) == "NUR HAYATI"
    assert variants.vary_name("NUR HAYATI", "merged_split", np.random.default_rng(0)) == "NURHAYATI"


@quick
@given(people, seeds)
def test_particle_dropped_removes_the_balinese_i_or_ni(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "particle_dropped", seed)
    if varied is not None:
        first, *rest = name.split()
        assert first in ("I", "NI") and varied == " ".join(rest)
    elif not variants.has_title(name) and len(name.split()) >= 3:
        assert name.split()[0] not in ("I", "NI")


@quick
@given(people, seeds)
def test_truncated_cuts_at_a_paxlst_or_mrz_limit(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "truncated", seed)
    if varied is None:
        assert len(name) <= 35 or variants.has_title(name)
    else:
        assert name.startswith(varied) and len(varied) <= 39 and len(name) > 35


@quick
@given(people, seeds)
def test_ocr_confusion_swaps_one_letter_for_its_digit(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "ocr_confusion", seed)
    if varied is not None:
        changed = [(a, b) for a, b in zip(name, varied, strict=True) if a != b]
        assert len(changed) == 1 and changed[0] in {("O", "0"), ("I", "1"), ("S", "5"), ("B", "8"), ("Z", "2")}


@quick
@given(people, seeds)
def test_typo_is_one_keying_error(person: tuple[str, str], seed: int) -> None:
    name, varied = _vary(person, "typo", seed)
    if varied is not None:
        assert OSA.distance(name, varied) == 1


@quick
@given(people, seeds)
def test_the_realistic_picker_labels_what_it_did(person: tuple[str, str], seed: int) -> None:
    name, sex = person
    varied, label = variants.pick_name_variation(name, np.random.default_rng(seed), sex=sex, birth_year=1980)
    assert label in NAME_VARIATIONS
    if label == "exact":
        assert varied == name
    else:
        assert varied != name


def test_the_picker_can_exclude_a_variation() -> None:
    rng = np.random.default_rng(0)
    labels = {
        variants.pick_name_variation("SITI AMINAH", rng, sex="F", exclude=("airline_form",))[1] for _ in range(300)
    }
    assert "airline_form" not in labels and len(labels) > 4


@quick
@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)), seeds)
def test_dob_swap_swaps_day_and_month_when_both_fit(born: date, seed: int) -> None:
    swapped = variants.vary_dob(born, "dob_swap", np.random.default_rng(seed))
    if born.day > 12 or born.day == born.month:
        assert swapped is None
    else:
        assert swapped == date(born.year, born.day, born.month)


@quick
@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)), seeds)
def test_dob_digit_changes_one_digit_to_another_valid_date(born: date, seed: int) -> None:
    typed = variants.vary_dob(born, "dob_digit", np.random.default_rng(seed))
    assert typed is not None and typed != born
    before, after = born.strftime("%Y%m%d"), typed.strftime("%Y%m%d")
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1


@given(seeds)
@settings(max_examples=50)
def test_a_renewed_passport_has_another_number(seed: int) -> None:
    number = variants.new_passport_number(np.random.default_rng(seed), other_than="B1234567")
    assert re.fullmatch(r"[A-Z]\d{7}", number) and number != "B1234567"


def test_split_surname_drops_the_bin_binti_link() -> None:
    assert variants.split_surname("SUMIATI BINTI KARSO") == ("KARSO", "SUMIATI")
    assert variants.split_surname("SITI AMINAH") == ("AMINAH", "SITI")
    assert variants.split_surname("SUMIATI") == ("SUMIATI", "")


def test_unknown_labels_are_refused() -> None:
    with pytest.raises(ValueError):
        variants.vary_name("SITI", "nickname", np.random.default_rng(0))
    with pytest.raises(ValueError):
        variants.vary_dob(date(1990, 1, 2), "dob_year", np.random.default_rng(0))


@quick
@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)), seeds)
def test_dob_variations_stay_within_bounds(born: date, seed: int) -> None:
    earliest, latest = date(born.year - 1, 1, 1), date(born.year, 12, 31)
    for label in ("dob_swap", "dob_digit"):
        varied = variants.vary_dob(born, label, np.random.default_rng(seed), earliest=earliest, latest=latest)
        assert varied is None or earliest <= varied <= latest


@quick
@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)), seeds)
def test_every_dob_slip_is_confusable_with_the_original(born: date, seed: int) -> None:
    for label in ("dob_swap", "dob_digit"):
        varied = variants.vary_dob(born, label, np.random.default_rng(seed))
        if varied is not None:
            assert variants.confusable_dates(born, varied) and variants.confusable_dates(varied, born)
    assert not variants.confusable_dates(born, date(born.year - 11, born.month, 1 if born.day > 5 else 20))


@quick
@given(
    st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)),
    st.lists(st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)), max_size=8),
    seeds,
)
def test_confusable_with_any_agrees_with_the_pairwise_check(born: date, others: list[date], seed: int) -> None:
    slipped = variants.vary_dob(born, "dob_digit", np.random.default_rng(seed))
    assert slipped is not None
    for pool in (others, [*others, slipped]):
        expected = any(variants.confusable_dates(born, other) for other in pool)
        assert variants.confusable_with_any(born, set(pool)) == expected


@pytest.mark.parametrize(
    ("registered", "abbreviated"),
    [("I NYOMAN SUPARTA", "I NYM SUPARTA"), ("NI MADE ARDANI", "NI MD ARDANI"), ("I KETUT SUDIRA", "I KT SUDIRA")],
)
def test_a_balinese_birth_order_word_is_written_short(registered: str, abbreviated: str) -> None:
    assert variants.vary_name(registered, "balinese_abbreviation", np.random.default_rng(0)) == abbreviated
    assert variants.vary_name("SITI AMINAH", "balinese_abbreviation", np.random.default_rng(0)) is None


@pytest.mark.parametrize("seed", range(20))
def test_a_husband_name_follows_a_womans_single_name(seed: int) -> None:
    varied = variants.vary_name("SARTINI", "husband_name", np.random.default_rng(seed), sex="F")
    assert varied is not None
    first, husband = varied.split()
    assert first == "SARTINI" and husband != "SARTINI"
    # only after a woman's single name: a man's, or a name of two words, is left alone
    assert variants.vary_name("SARTINI", "husband_name", np.random.default_rng(seed), sex="M") is None
    assert variants.vary_name("SITI AMINAH", "husband_name", np.random.default_rng(seed), sex="F") is None
