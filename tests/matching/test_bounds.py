"""The pruning bound is above every pair's weight: a pair dropped below the candidate floor could never reach it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_reference import Pair, best_name_gain, vectorised_weights

from checkpoint.matching import default_model
from checkpoint.matching.bounds import best_case_weights, best_name_gains
from checkpoint.matching.comparisons import DATE_LEVELS

MODEL = default_model()


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
    pair = Pair(name, rarity, dob, sex, passport, nik)
    actual = vectorised_weights(MODEL, [pair])[0]
    bound = best_case_weights(MODEL, np.array([DATE_LEVELS.index(dob)]), np.array([rarity]))[0]
    assert actual <= bound + 1e-9
    # … and so is the bound the matcher takes once the fields are compared: their weight plus the best name
    unnamed = vectorised_weights(MODEL, [Pair(None, rarity, dob, sex, passport, nik)])[0]
    assert actual <= unnamed + best_name_gains(MODEL, np.array([rarity]))[0] + 1e-9


@given(st.lists(st.floats(min_value=-40.0, max_value=40.0), min_size=1, max_size=30))
def test_best_name_gains_are_the_reference(rarities: list[float]) -> None:
    gains = best_name_gains(MODEL, np.array(rarities)).tolist()
    assert gains == pytest.approx([best_name_gain(MODEL, rarity) for rarity in rarities], rel=1e-12, abs=1e-12)
