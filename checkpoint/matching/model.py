"""The matching model: every weight, threshold and pruning floor, and the one implementation of each weight.

The numbers are data: `model.json` beside this module (read by `model_file.py`) says for each value whether
`benchmarks/matching/calibrate.py` fitted it or it was set by hand, and why, and which test or benchmark
protects each pruning floor. Here they are a frozen `MatchingModel` whose lookups are vectorised: every
pair of a batch is weighed at once, and there is no second, scalar way to weigh one.

A pair's weight is log-odds (Fellegi–Sunter): the prior, plus the weight of each field outcome, plus the
name similarity's weight and, when the name agrees, the weight of its rarity in this registry (-ln of the
expected number of records whose name would agree: `rarities`). Its confidence is `1 / (1 + e^-weight)`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from checkpoint.matching.comparisons import LEVELS, FieldOutcomes


@dataclass(frozen=True)
class Curve:
    """A piecewise-linear function through points (x ascending), flat outside them."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def at(self, x: np.ndarray | float) -> np.ndarray:
        """The function at each x: y0 + (y1 - y0) * (x - x0) / (x1 - x0) on the segment whose end x1 is the
        first point at or above x."""
        x = np.asarray(x, dtype=np.float64)
        xs, ys = np.array(self.xs), np.array(self.ys)
        end = np.clip(np.searchsorted(xs, x, side="left"), 1, len(xs) - 1)
        x0, x1, y0, y1 = xs[end - 1], xs[end], ys[end - 1], ys[end]
        inside = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return np.asarray(np.where(x <= xs[0], ys[0], np.where(x > xs[-1], ys[-1], inside)))


@dataclass(frozen=True)
class Weights:
    """Log-odds weights: the prior, each field outcome's, the name similarity's and an agreeing name's rarity's."""

    prior: float
    outcomes: Mapping[str, Mapping[str, float]]  # field -> level (comparisons.LEVELS) -> weight
    name: Curve  # name similarity -> weight
    name_agrees: float  # the similarity from which a name agrees, and its rarity counts
    rarity: Curve  # an agreeing name's rarity -> weight

    @cached_property
    def tables(self) -> dict[str, np.ndarray]:
        """Each field's weights in the order of its level codes, for lookups by code."""
        return {field: np.array([self.outcomes[field][level] for level in LEVELS[field]]) for field in LEVELS}


@dataclass(frozen=True)
class Namesakes:
    """How the expected number of namesakes of a record is estimated from its tokens' counts."""

    prior_records: int  # token shares are smoothed as if this many records had been seen …
    prior_share: float  # … each carrying a token with this share
    namesake_floor: float  # the chance that another name agrees through spelling alone


@dataclass(frozen=True)
class Claim:
    """The claim's weight: the best pair's, plus credit for its lead over the runner-up (capped)."""

    intercept: float
    lead_slope: float
    lead_cap: float


@dataclass(frozen=True)
class Decision:
    """When the best record is claimed as a match, and which records are shown as candidates."""

    match_threshold: float  # claim confidence needed
    lead: float  # log-odds ahead of the runner-up needed
    candidate_floor: float  # confidence below which a record is not shown …
    near_miss_floor: float  # … unless its name agrees and room is left: the lowest confidence ever shown
    max_candidates: int

    @property
    def floor_weight(self) -> float:
        """The candidate floor as a weight: runner-ups count from it up."""
        return math.log(self.candidate_floor / (1 - self.candidate_floor))

    @property
    def shown_weight(self) -> float:
        """The lowest weight a record can be shown at (the lower of the two floors): pruning bounds use it."""
        lowest = min(self.candidate_floor, self.near_miss_floor)
        return math.log(lowest / (1 - lowest))


@dataclass(frozen=True)
class Pruning:
    """Shortcuts that save work and change no outcome (each value's protecting test is in model.json)."""

    name_block_cap: int  # records under one name-token key beyond which that key is not used
    signature_floor: float  # letter-pair overlap a pair needs …
    slip_signature_floor: float  # … when the dates of birth are one digit apart
    name_prefilter: float  # rapidfuzz likeness (0–100) a pair needs …
    slip_name_prefilter: float  # … when the dates of birth are one digit apart
    candidate_floor_bound: bool  # drop a pair that could not be shown (`Decision.shown_weight`) with an identical name


@dataclass(frozen=True)
class MatchingModel:
    """Everything the evidence matcher weighs and decides with (model.json), with its vectorised lookups."""

    version: str
    weights: Weights
    namesakes: Namesakes
    claim: Claim
    decision: Decision
    pruning: Pruning

    def field_weights(self, outcomes: FieldOutcomes) -> np.ndarray:
        """Each pair's weight without the name: the prior and its field outcomes' weights."""
        tables = self.weights.tables
        documents = tables["passport_number"][outcomes.passport_number] + tables["nik"][outcomes.nik]
        person = tables["date_of_birth"][outcomes.date_of_birth] + tables["sex"][outcomes.sex]
        return np.asarray((self.weights.prior + documents) + person)

    def pair_weights(self, fields: np.ndarray, similarity: np.ndarray, rarity: np.ndarray) -> np.ndarray:
        """Each pair's weight: its `field_weights` plus its name similarity's weight and, where the name agrees,
        its rarity's. NaN similarity: no name was compared (the traveller has none)."""
        total = np.array(fields, dtype=np.float64)
        compared = ~np.isnan(similarity)
        total[compared] += self.weights.name.at(similarity[compared])
        agrees = compared & (np.nan_to_num(similarity, nan=0.0) >= self.weights.name_agrees)
        total[agrees] += self.weights.rarity.at(rarity[agrees])
        return total

    def rarities(self, counts: np.ndarray, offsets: np.ndarray, records: int) -> np.ndarray:
        """-ln(expected number of records whose name would agree), per record, in a registry of `records`.

        Expected number = records × (Π smoothed share of records carrying each token + namesake floor), tokens
        taken as independent: under 1 for a rare name, hundreds for SITI AMINAH in a million records, so the
        same agreement is worth less in a larger registry. `counts` holds each record's token counts one
        after another, record i's from offsets[i] to offsets[i + 1] (Arrow's list layout).
        """
        smoothing = self.namesakes
        total = records + smoothing.prior_records
        prior = smoothing.prior_records * smoothing.prior_share
        logs = np.log((counts.astype(np.float64) + prior) / total)
        starts, stops = offsets[:-1], offsets[1:]
        # Each record's own sum (not differences of one running sum, whose rounding would make a record's
        # rarity depend on which other records share the batch); 0 for a record without tokens.
        sums = np.add.reduceat(np.append(logs, 0.0), starts) if len(starts) else np.zeros(0)
        sums[starts == stops] = 0.0
        return np.asarray(-np.log(total * (np.exp(sums) + smoothing.namesake_floor)))

    def claim_weights(self, best: np.ndarray, runner_up: np.ndarray) -> np.ndarray:
        """The log-odds that each traveller's best record is the traveller: its weight plus credit for its lead
        over the runner-up (which the caller counts from the candidate floor up)."""
        claim = self.claim
        return np.asarray(best + claim.intercept + claim.lead_slope * np.minimum(best - runner_up, claim.lead_cap))


def confidences(weights: np.ndarray) -> np.ndarray:
    """The confidence (in [0, 1]) of each weight: its logistic."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(weights, dtype=np.float64))))
