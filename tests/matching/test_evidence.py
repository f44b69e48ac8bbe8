"""The fitted evidence weights: what a confidence claims for typical outcomes (benchmarks/matching/calibrate.py)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.matching.evidence import (
    DATE_LEVELS,
    Evidence,
    best_case_weight,
    best_case_weights,
    best_name_gain,
    best_name_gains,
    field_outcomes,
    name_rarity,
    name_rarity_many,
    name_weight,
    rarity_weight,
    weights_with_names,
)
from checkpoint.matching.matcher import claim_confidence, claimable, confidence
from checkpoint.models import Traveller
from checkpoint.values import document_key


def evidence(**outcomes: object) -> Evidence:
    fields: dict[str, object] = {
        "name": 1.0,
        "rarity": 0.0,  # about one record in the registry carries such a name
        "date_of_birth": "exact",
        "sex": "agree",
        "passport_number": "missing",
        "nik": "missing",
    }
    fields.update(outcomes)
    return Evidence(**fields)  # type: ignore[arg-type]


def test_same_name_and_birth_date_is_a_match_even_with_a_renewed_passport() -> None:
    assert claimable(evidence(passport_number="different"))


def test_a_claim_is_surer_than_its_pair_and_less_sure_beside_a_close_runner_up() -> None:
    # Strong pairs that are not the traveller mostly lose to its own record: the best one, well ahead of
    # any other, is likelier to be it than its pair weight alone says.
    best = evidence(passport_number="different")
    alone = claim_confidence(best)
    assert alone > confidence(best)
    assert claim_confidence(best, evidence(passport_number="different", date_of_birth="swapped")) < alone
    # a runner-up below the candidate floor counts as the floor: pruning such records changes nothing
    assert claim_confidence(best, evidence(name=0.3)) == alone


def test_a_slipped_birth_date_with_a_common_name_and_no_document_is_not_enough() -> None:
    # Namesakes one keying slip apart are common in a large registry (SITI FATIMAH 1992 / 1994).
    assert not claimable(evidence(date_of_birth="one_digit", rarity=-3.5))
    assert confidence(evidence(date_of_birth="one_digit", rarity=-3.5, passport_number="different")) < 0.5


def test_a_document_carries_a_slipped_birth_date() -> None:
    assert confidence(evidence(date_of_birth="one_digit", rarity=-3.5, passport_number="exact")) >= 0.99


def test_a_rare_name_counts_more_than_a_common_one() -> None:
    assert evidence(rarity=2.0).weight > evidence(rarity=0.0).weight > evidence(rarity=-5.0).weight
    assert rarity_weight(-12.0) == rarity_weight(-10.0) < 0 == rarity_weight(0.0) < rarity_weight(9.0)


# SITI AMINAH: the shares of records carrying SITI and AMINAH, in registries of any size.
COMMON = {"SITI": 0.12, "AMINAH": 0.01}


def common_counts(records: int) -> dict[str, int]:
    return {token: round(share * records) for token, share in COMMON.items()}


def test_the_same_name_is_commoner_in_a_larger_registry() -> None:
    small = name_rarity(("SITI", "AMINAH"), common_counts(20_000), 20_000)
    large = name_rarity(("SITI", "AMINAH"), common_counts(1_000_000), 1_000_000)
    assert large == pytest.approx(small - math.log(50), abs=0.1)
    # a name whose tokens are unique too: spelling variants of it grow with the registry
    assert name_rarity(("XAVERIA", "QOLBI"), {"XAVERIA": 1, "QOLBI": 1}, 1_000_000) < name_rarity(
        ("XAVERIA", "QOLBI"), {"XAVERIA": 1, "QOLBI": 1}, 20_000
    )


def test_a_common_name_and_birth_date_alone_match_in_a_small_registry_but_not_in_a_million_records() -> None:
    for records, claimed in ((20_000, True), (1_000_000, False)):
        rarity = name_rarity(("SITI", "AMINAH"), common_counts(records), records)
        assert claimable(evidence(rarity=rarity, passport_number="different")) is claimed
        # a document still decides
        assert confidence(evidence(rarity=rarity, passport_number="exact")) >= 0.99


def test_name_weight_rises_with_similarity() -> None:
    weights = [name_weight(similarity / 20) for similarity in range(21)]
    assert weights == sorted(weights)
    assert name_weight(0.5) < -5 < 3 < name_weight(1.0)


@given(st.lists(st.lists(st.integers(min_value=0, max_value=200_000), max_size=5), min_size=1, max_size=30))
def test_vectorised_rarity_equals_the_scalar_one(token_counts: list[list[int]]) -> None:
    flat = np.array([count for counts in token_counts for count in counts], dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(counts) for counts in token_counts]))).astype(np.int64)
    many = name_rarity_many(flat, offsets, 1_000_000)
    for counts, value in zip(token_counts, many.tolist(), strict=True):
        tokens = tuple(f"T{index}" for index in range(len(counts)))
        assert value == pytest.approx(name_rarity(tokens, dict(zip(tokens, counts, strict=True)), 1_000_000))


@given(st.lists(st.floats(min_value=-40.0, max_value=40.0), min_size=1, max_size=30))
def test_vectorised_best_name_gain_equals_the_scalar_one(rarities: list[float]) -> None:
    gains = best_name_gains(np.array(rarities)).tolist()
    assert gains == pytest.approx([best_name_gain(rarity) for rarity in rarities], rel=1e-12, abs=1e-12)


@given(st.lists(st.lists(st.integers(min_value=0, max_value=200_000), max_size=5), min_size=1, max_size=30))
def test_a_records_vectorised_rarity_does_not_depend_on_the_other_records_of_the_batch(
    token_counts: list[list[int]],
) -> None:
    """To the bit: two records of equal weight are ordered by record id, not by rounding noise."""
    flat = np.array([count for counts in token_counts for count in counts], dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(counts) for counts in token_counts]))).astype(np.int64)
    many = name_rarity_many(flat, offsets, 1_000_000).tolist()
    for counts, value in zip(token_counts, many, strict=True):
        alone = name_rarity_many(np.array(counts, dtype=np.int32), np.array([0, len(counts)]), 1_000_000)
        assert value == alone[0]


@given(
    st.sampled_from(["exact", "swapped", "one_digit"]),
    st.sampled_from(["agree", "disagree", "missing"]),
    st.sampled_from(["different", "missing"]),
    st.sampled_from(["different", "missing"]),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=-15.0, max_value=5.0),
)
def test_the_best_case_bounds_every_pair_without_an_agreeing_document(
    dob: str, sex: str, passport: str, nik: str, name: float, rarity: float
) -> None:
    fields = Evidence(None, rarity, dob, sex, passport, nik)
    actual = fields.with_name(name).weight
    bound = best_case_weights(np.array([DATE_LEVELS.index(dob)]), np.array([rarity]))[0]
    assert actual <= bound + 1e-9
    assert actual <= best_case_weight(fields) + 1e-9


# Dates that meet every level: equal, one digit apart, day/month swapped, far apart, missing.
_DAYS = [date(1990, 5, 17), date(1990, 5, 18), date(1991, 5, 17), date(1990, 5, 7), date(1990, 7, 5)]
_DATES = st.one_of(st.none(), st.sampled_from(_DAYS), st.dates())
_TEXTS = st.one_of(st.none(), st.just(""), st.sampled_from(["M", "F", "B1234567", "8I234567", "B1234568"]))


def expected_date(a: date | None, b: date | None) -> str:
    """The birth-date outcome written out plainly: the oracle for the vectorised codes."""
    if a is None or b is None:
        return "missing"
    if a == b:
        return "exact"
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return "swapped"
    written_a, written_b = f"{a.year:04d}{a.month:02d}{a.day:02d}", f"{b.year:04d}{b.month:02d}{b.day:02d}"
    return "one_digit" if sum(x != y for x, y in zip(written_a, written_b, strict=True)) == 1 else "different"


def expected_same(ours: str | None, theirs: str | None, same: str, other: str) -> str:
    return "missing" if not ours or not theirs else same if ours == theirs else other


def expected_document(ours: str | None, theirs: str | None) -> str:
    if ours and theirs and ours != theirs and document_key(ours) == document_key(theirs):
        return "ocr"
    return expected_same(ours, theirs, "exact", "different")


@given(
    st.lists(st.tuples(_DATES, _TEXTS, _TEXTS, _TEXTS), min_size=1, max_size=6),
    st.lists(st.tuples(_DATES, _TEXTS, _TEXTS, _TEXTS), min_size=1, max_size=6),
    st.data(),
)
def test_vectorised_field_outcomes_are_the_plain_rules(
    ours: list[tuple[date | None, str | None, str | None, str | None]],
    theirs: list[tuple[date | None, str | None, str | None, str | None]],
    data: st.DataObject,
) -> None:
    travellers = [
        Traveller(pax_id=str(at), row=at, date_of_birth=born, sex=sex, passport_number=passport, nik=nik)
        for at, (born, sex, passport, nik) in enumerate(ours)
    ]
    records = [
        {"date_of_birth": born, "sex": sex, "passport_number": passport, "nik": nik}
        for born, sex, passport, nik in theirs
    ]
    people = data.draw(st.lists(st.integers(0, len(travellers) - 1), min_size=1, max_size=12))
    places = data.draw(st.lists(st.integers(0, len(records) - 1), min_size=len(people), max_size=len(people)))
    outcomes = field_outcomes(travellers, records, np.array(people), np.array(places))
    weights = outcomes.weights()
    for at, (person, place) in enumerate(zip(people, places, strict=True)):
        (our_born, our_sex, our_passport, our_nik), (born, sex, passport, nik) = ours[person], theirs[place]
        evidence = outcomes.evidence(at, 0.5)
        assert evidence == Evidence(
            name=None,
            rarity=0.5,
            date_of_birth=expected_date(our_born, born),
            sex=expected_same(our_sex, sex, "agree", "disagree"),
            passport_number=expected_document(our_passport, passport),
            nik=expected_same(our_nik, nik, "exact", "different"),
        )
        assert weights[at] == evidence.weight  # the same sum, to the bit


@given(
    st.lists(
        st.tuples(
            st.sampled_from(DATE_LEVELS),
            st.sampled_from(("agree", "disagree", "missing")),
            st.sampled_from(("exact", "ocr", "different", "missing")),
            st.sampled_from(("exact", "different", "missing")),
            st.none() | st.floats(min_value=0.0, max_value=1.0).map(lambda value: round(value, 4)),
            st.floats(min_value=-30.0, max_value=10.0),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_vectorised_weights_with_names_are_the_evidence_weights_to_the_bit(
    pairs: list[tuple[str, str, str, str, float | None, float]],
) -> None:
    evidences = [
        Evidence(name=name, rarity=rarity, date_of_birth=born, sex=sex, passport_number=passport, nik=nik)
        for born, sex, passport, nik, name, rarity in pairs
    ]
    fields = np.array(
        [Evidence(None, e.rarity, e.date_of_birth, e.sex, e.passport_number, e.nik).weight for e in evidences]
    )
    similarity = np.array([math.nan if name is None else name for *_, name, _ in pairs])
    rarity = np.array([rarity for *_, rarity in pairs])
    weights = weights_with_names(fields, similarity, rarity)
    assert weights.tolist() == [evidence.weight for evidence in evidences]
