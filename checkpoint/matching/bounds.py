"""Best-case weights: the most a pair could weigh whatever its name, so that pairs which could never be shown
are dropped before their names (the costly comparison) are compared.

A pair below the lowest floor a record is shown at (`Decision.shown_weight`: the candidate floor, or the
near-miss floor below it) is never shown, and a runner-up counts from the candidate floor up, so dropping one
changes no outcome. The bounds rely on the name weight rising with the similarity (model_file.py refuses a
model where it falls): the best name is an identical one with its rarity's weight, or one just short of
agreeing (no rarity weight: better when the name is very common).
"""

from __future__ import annotations

import math

import numpy as np

from checkpoint.matching.model import MatchingModel


def best_name_gains(model: MatchingModel, rarity: np.ndarray) -> np.ndarray:
    """What the best possible name adds to the weight of a record of each rarity."""
    weights = model.weights
    just_short = math.nextafter(weights.name_agrees, 0.0)  # the highest similarity that does not agree
    identical = weights.name.ys[-1] + weights.rarity.at(rarity)
    return np.asarray(np.maximum(identical, weights.name.at(just_short)))


def best_case_weights(model: MatchingModel, date_codes: np.ndarray, rarity: np.ndarray) -> np.ndarray:
    """The highest weight of pairs that share no document, from their birth-date outcomes (codes into
    `comparisons.DATE_LEVELS`) and their records' rarities alone.

    Sex is taken as agreeing and passport and NIK as missing or different, whichever weighs more (their best
    outcomes short of agreeing), and the name as the best it could be (`best_name_gains`).
    """
    weights = model.weights
    outcomes = weights.outcomes
    fixed = weights.prior + max(outcomes["sex"].values())
    fixed += max(outcomes["passport_number"]["missing"], outcomes["passport_number"]["different"])
    fixed += max(outcomes["nik"]["missing"], outcomes["nik"]["different"])
    dates = weights.tables["date_of_birth"][date_codes]
    return np.asarray(fixed + dates + best_name_gains(model, rarity))
