"""Scalar reference implementations of the matching model's calculations: one pair at a time, written plainly.

The matcher only has the vectorised ones (`checkpoint/matching/model.py`, `bounds.py`); the tests check them
against these, to the bit where the arithmetic is the same.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from checkpoint.matching.comparisons import LEVELS, FieldOutcomes
from checkpoint.matching.model import MatchingModel


@dataclass(frozen=True)
class Pair:
    """One pair's outcomes: a name similarity (None: not compared), its record's rarity, and field levels."""

    name: float | None = 1.0
    rarity: float = 0.0  # about one record in the registry carries such a name
    date_of_birth: str = "exact"
    sex: str = "agree"
    passport_number: str = "missing"
    nik: str = "missing"


def through(points: tuple[tuple[float, float], ...], x: float) -> float:
    """The piecewise-linear function through `points` at x, flat outside them."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def name_weight(model: MatchingModel, similarity: float) -> float:
    curve = model.weights.name
    return through(tuple(zip(curve.xs, curve.ys, strict=True)), similarity)


def rarity_weight(model: MatchingModel, rarity: float) -> float:
    curve = model.weights.rarity
    return through(tuple(zip(curve.xs, curve.ys, strict=True)), rarity)


def weight(model: MatchingModel, pair: Pair) -> float:
    """The pair's log-odds, summed in the matcher's order."""
    outcomes = model.weights.outcomes
    total = model.weights.prior
    total += outcomes["passport_number"][pair.passport_number] + outcomes["nik"][pair.nik]
    total += outcomes["date_of_birth"][pair.date_of_birth] + outcomes["sex"][pair.sex]
    if pair.name is not None:
        total += name_weight(model, pair.name)
        if pair.name >= model.weights.name_agrees:
            total += rarity_weight(model, pair.rarity)
    return total


def confidence(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def name_rarity(model: MatchingModel, tokens: tuple[str, ...], counts: Mapping[str, int], records: int) -> float:
    """-ln(expected number of records whose name would agree with this one), in a registry of `records`."""
    smoothing = model.namesakes
    total = records + smoothing.prior_records
    prior = smoothing.prior_records * smoothing.prior_share
    shares = math.prod((counts.get(token, 0) + prior) / total for token in tokens)
    return -math.log(total * (shares + smoothing.namesake_floor))


def best_name_gain(model: MatchingModel, rarity: float) -> float:
    """What the best name adds: an identical one with its rarity, or one just short of agreeing."""
    just_short = math.nextafter(model.weights.name_agrees, 0.0)
    return max(model.weights.name.ys[-1] + rarity_weight(model, rarity), name_weight(model, just_short))


def claim_weight(model: MatchingModel, best: float, runner_up: float | None) -> float:
    """The claim's log-odds: the best weight plus capped credit for its lead over the floored runner-up."""
    floor = model.decision.floor_weight
    second = floor if runner_up is None else max(runner_up, floor)
    claim = model.claim
    return best + claim.intercept + claim.lead_slope * min(best - second, claim.lead_cap)


def outcomes_of(pairs: list[Pair]) -> FieldOutcomes:
    """The field outcome codes of these pairs, as `comparisons.field_outcomes` gives them."""
    return FieldOutcomes(
        **{
            field: np.array([levels.index(getattr(pair, field)) for pair in pairs], dtype=np.int64)
            for field, levels in LEVELS.items()
        }
    )


def similarities_of(pairs: list[Pair]) -> np.ndarray:
    return np.array([math.nan if pair.name is None else pair.name for pair in pairs])


def vectorised_weights(model: MatchingModel, pairs: list[Pair]) -> np.ndarray:
    """The matcher's weights of these pairs (the code under test)."""
    fields = model.field_weights(outcomes_of(pairs))
    return model.pair_weights(fields, similarities_of(pairs), np.array([pair.rarity for pair in pairs]))
