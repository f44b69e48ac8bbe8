"""The matching model's vectorised weights are the plain one-pair reference's, and say what the fitted values mean."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_reference import (
    Pair,
    claim_weight,
    confidence,
    name_rarity,
    name_weight,
    rarity_weight,
    vectorised_weights,
    weight,
)

from checkpoint.matching import default_model
from checkpoint.matching.comparisons import LEVELS
from checkpoint.matching.model import confidences

MODEL = default_model()

PAIRS = st.builds(
    Pair,
    name=st.none() | st.floats(min_value=0.0, max_value=1.0).map(lambda value: round(value, 4)),
    rarity=st.floats(min_value=-30.0, max_value=10.0),
    date_of_birth=st.sampled_from(LEVELS["date_of_birth"]),
    sex=st.sampled_from(LEVELS["sex"]),
    passport_number=st.sampled_from(LEVELS["passport_number"]),
    nik=st.sampled_from(LEVELS["nik"]),
)


@given(st.lists(PAIRS, min_size=1, max_size=40))
def test_pair_weights_are_the_reference_weights_to_the_bit(pairs: list[Pair]) -> None:
    assert vectorised_weights(MODEL, pairs).tolist() == [weight(MODEL, pair) for pair in pairs]


@given(st.lists(st.floats(min_value=-40.0, max_value=40.0), min_size=1, max_size=30))
def test_the_curves_are_the_reference_interpolation_to_the_bit(values: list[float]) -> None:
    knots = list(MODEL.weights.name.xs) + list(MODEL.weights.rarity.xs)  # at the points themselves too
    xs = np.array(values + knots)
    assert MODEL.weights.name.at(xs).tolist() == [name_weight(MODEL, x) for x in xs.tolist()]
    assert MODEL.weights.rarity.at(xs).tolist() == [rarity_weight(MODEL, x) for x in xs.tolist()]


def counts_layout(token_counts: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    flat = np.array([count for counts in token_counts for count in counts], dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(counts) for counts in token_counts]))).astype(np.int64)
    return flat, offsets


TOKEN_COUNTS = st.lists(st.lists(st.integers(min_value=0, max_value=200_000), max_size=5), min_size=1, max_size=30)


@given(TOKEN_COUNTS)
def test_vectorised_rarity_equals_the_reference(token_counts: list[list[int]]) -> None:
    many = MODEL.rarities(*counts_layout(token_counts), 1_000_000)
    for counts, value in zip(token_counts, many.tolist(), strict=True):
        tokens = tuple(f"T{index}" for index in range(len(counts)))
        expected = name_rarity(MODEL, tokens, dict(zip(tokens, counts, strict=True)), 1_000_000)
        assert value == pytest.approx(expected)


@given(TOKEN_COUNTS)
def test_a_records_rarity_does_not_depend_on_the_other_records_of_the_batch(token_counts: list[list[int]]) -> None:
    """To the bit: two records of equal weight are ordered by record id, not by rounding noise."""
    many = MODEL.rarities(*counts_layout(token_counts), 1_000_000).tolist()
    for counts, value in zip(token_counts, many, strict=True):
        alone = MODEL.rarities(np.array(counts, dtype=np.int32), np.array([0, len(counts)]), 1_000_000)
        assert value == alone[0]


@given(
    st.lists(
        st.tuples(st.floats(min_value=-20.0, max_value=30.0), st.floats(min_value=-20.0, max_value=30.0)),
        min_size=1,
        max_size=20,
    )
)
def test_claim_weights_are_the_reference_to_the_bit(pairs: list[tuple[float, float]]) -> None:
    best = np.array([b for b, _ in pairs])
    floored = np.maximum(np.array([r for _, r in pairs]), MODEL.decision.floor_weight)
    assert MODEL.claim_weights(best, floored).tolist() == [claim_weight(MODEL, b, r) for b, r in pairs]


@given(st.lists(st.floats(min_value=-40.0, max_value=40.0), min_size=1, max_size=30))
def test_confidences_are_the_logistic(values: list[float]) -> None:
    assert confidences(np.array(values)).tolist() == pytest.approx([confidence(v) for v in values], rel=1e-15)


# SITI AMINAH: the shares of records carrying SITI and AMINAH, in registries of any size.
COMMON = {"SITI": 0.12, "AMINAH": 0.01}


def common_rarity(records: int) -> float:
    counts = [round(share * records) for share in COMMON.values()]
    return float(MODEL.rarities(np.array(counts, dtype=np.int32), np.array([0, len(counts)]), records)[0])


def test_the_same_name_is_commoner_in_a_larger_registry() -> None:
    assert common_rarity(1_000_000) == pytest.approx(common_rarity(20_000) - math.log(50), abs=0.1)
    # a name whose tokens are unique too: spelling variants of it grow with the registry
    unique = np.array([1, 1], dtype=np.int32), np.array([0, 2])
    assert MODEL.rarities(*unique, 1_000_000)[0] < MODEL.rarities(*unique, 20_000)[0]


def test_a_rare_name_counts_more_than_a_common_one() -> None:
    weights = vectorised_weights(MODEL, [Pair(rarity=2.0), Pair(rarity=0.0), Pair(rarity=-5.0)]).tolist()
    assert weights == sorted(weights, reverse=True) and len(set(weights)) == 3
    rarity = MODEL.weights.rarity.at(np.array([-12.0, -10.0, 0.0, 9.0])).tolist()
    assert rarity[0] == rarity[1] < 0 == rarity[2] < rarity[3]


def test_name_weight_rises_with_similarity() -> None:
    weights = MODEL.weights.name.at(np.arange(21) / 20).tolist()
    assert weights == sorted(weights)
    assert weights[10] < -5 < 3 < weights[20]  # 0.5 and 1.0


def test_a_one_digit_birth_date_slip_is_evidence_against() -> None:
    dates = MODEL.weights.outcomes["date_of_birth"]
    assert dates["one_digit"] < 0 < dates["exact"]


def test_a_day_month_swap_never_decides_between_namesakes_on_its_own() -> None:
    dates = MODEL.weights.outcomes["date_of_birth"]
    assert dates["exact"] - dates["swapped"] < MODEL.decision.lead
