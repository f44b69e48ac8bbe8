"""The evidence matcher: candidates by blocking keys, scored by field evidence, claimed only when sure.

A `match` claims the traveller *is* the record; matching the wrong person can clear a trafficking victim,
so a match needs a high confidence **and** a clear lead over the next candidate. Anything doubtful is
reported as `candidates` instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from checkpoint.matching.candidates import candidate_pairs, rarities
from checkpoint.matching.evidence import (
    RARITY_PIVOT,
    Evidence,
    best_name_gains,
    claim_weight,
    field_outcomes,
    record_name,
    traveller_name,
    weights_with_names,
)
from checkpoint.models import Candidate, Match, MatchOutcome, Traveller
from checkpoint.names import name_similarity
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry import Registry
from checkpoint.registry.gather import rows_at

MATCH_THRESHOLD = 0.95  # claim confidence (`claim_weight`) needed to claim a match
#: And how far ahead of the runner-up (log-odds): e^2.5 ≈ 12 times likelier. More than the fitted gap between
#: an exact and a day/month-swapped birth date (2.38), so a swap (a common keying error) never decides
#: between two namesakes on its own.
LEAD_LOG_ODDS = 2.5
CANDIDATE_FLOOR = 0.20  # below this, a record is not worth showing
MAX_CANDIDATES = 3
#: How many of a traveller's best records a decision reads: the best, and the candidates after it.
_RANKED = MAX_CANDIDATES + 1
#: The candidate floor as a weight. The lead is measured over the runner-up or this, whichever is higher:
#: records below the floor are not told apart (and need not all be compared).
FLOOR_LOG_ODDS = math.log(CANDIDATE_FLOOR / (1 - CANDIDATE_FLOOR))
#: A record that cannot reach the candidate floor even with an identical name is not compared by name.
#: Dropping it changes nothing: it would not be shown, the lead is measured from the floor up, and a
#: claim needs a weight far above the floor (see the test that guards it).
_FLOOR_WEIGHT = FLOOR_LOG_ODDS

_NO_NAME = NormalisedName((), ())

_COMPARED_COLUMNS = (
    "record_id",
    "sex",
    "date_of_birth",
    "nik",
    "passport_number",
    "_name_tokens",
    "_father_tokens",
)


def confidence(evidence: Evidence) -> float:
    """A pair's confidence: the logistic of its evidence weight (what a candidate shows), in [0, 1]."""
    return confidence_of(evidence.weight)


def confidence_of(weight: float) -> float:
    """The confidence of an evidence weight (log-odds), in [0, 1]."""
    return 1.0 / (1.0 + math.exp(-weight))


def claim_confidence(best: Evidence, runner_up: Evidence | None = None) -> float:
    """The confidence that a traveller's best record is the traveller (what a match shows), in [0, 1]."""
    return confidence_of(claim_weight(best.weight, _second(runner_up)))


def claimable(best: Evidence, runner_up: Evidence | None = None) -> bool:
    """Whether the best record is claimed as a match: claim confidence and lead over the runner-up."""
    return claim_confidence(best, runner_up) >= MATCH_THRESHOLD and best.weight - _second(runner_up) >= LEAD_LOG_ODDS


def _second(runner_up: Evidence | None) -> float:
    """The runner-up's weight, counted from the candidate floor up: records below it are not told apart
    (and not all of them are compared)."""
    return FLOOR_LOG_ODDS if runner_up is None else max(runner_up.weight, FLOOR_LOG_ODDS)


class EvidenceMatcher:
    """Blocking + field evidence + a cautious decision, in this process (sharing a large manifest among
    processes is the pipeline's work). Each traveller's outcome depends on the traveller and the registry
    only, never on who else is in the batch."""

    def match(self, registry: Registry, travellers: Sequence[Traveller]) -> list[MatchOutcome]:
        pairs = candidate_pairs(registry, travellers, floor=_FLOOR_WEIGHT)
        rows = sorted({row for found in pairs.values() for row in found})
        compared = _rows(registry.table, rows)
        scored_by = _score(travellers, pairs, rows, compared, rarities(registry, rows) if rows else np.zeros(0))
        decisions: list[tuple[MatchOutcome, int | None]] = []
        for index in range(len(travellers)):
            scored = scored_by.get(index)
            decisions.append(_decide(scored, compared) if scored else (MatchOutcome(), None))
        # The matched records' own fields, fetched together.
        matched = sorted({row for _, row in decisions if row is not None})
        full = dict(zip(matched, registry.records(matched), strict=True))
        return [
            outcome if row is None else MatchOutcome(outcome.match, outcome.candidates, record=full[row])
            for outcome, row in decisions
        ]


def _score(
    travellers: Sequence[Traveller],
    pairs: Mapping[int, set[int]],
    rows: list[int],
    compared: dict[int, dict[str, Any]],
    rarity: np.ndarray,
) -> dict[int, list[tuple[float, int, Evidence]]]:
    """Per screenable traveller, (confidence, row, evidence) of its best records, best first (ties by record
    id): as many as a decision reads (`_RANKED`).

    Every pair's fields (all but the name) are compared at once, vectorised; a pair that could not reach
    the candidate floor even with an identical name is dropped before its name, the costly part, is
    compared (`best_case_weight`). A traveller without a name keeps every pair. Weights and confidences are
    worked out for every pair as numbers; an `Evidence` is made only for the few ranked records.
    """
    names = [traveller_name(traveller) or _NO_NAME for traveller in travellers]
    named = np.array([not name.empty for name in names], dtype=bool)
    place = {row: at for at, row in enumerate(rows)}
    wanted = [index for index in sorted(pairs) if travellers[index].screenable]
    people = np.array([index for index in wanted for _ in pairs[index]], dtype=np.int64)
    places = np.array([place[row] for index in wanted for row in sorted(pairs[index])], dtype=np.int64)
    if not len(people):
        return {}
    outcomes = field_outcomes(travellers, [compared[row] for row in rows], people, places)
    fields = outcomes.weights()
    pair_named = named[people]
    kept = np.flatnonzero(~pair_named | (fields + best_name_gains(rarity)[places] >= _FLOOR_WEIGHT))
    people, places, pair_named = people[kept], places[kept], pair_named[kept]

    record_names: dict[int, NormalisedName] = {}  # a record's stored name, read once however often compared

    def record_name_at(at: int) -> NormalisedName:
        found = record_names.get(at)
        if found is None:
            found = record_names[at] = record_name(compared[rows[at]])
        return found

    similarity = np.full(len(kept), np.nan)
    compared_names = np.flatnonzero(pair_named)
    similarity[compared_names] = [
        name_similarity(names[person], record_name_at(at))
        for person, at in zip(people[compared_names].tolist(), places[compared_names].tolist(), strict=True)
    ]
    weights = weights_with_names(fields[kept], similarity, rarity[places])
    confidences = np.array([confidence_of(weight) for weight in weights.tolist()])

    # Best first per traveller, ties by record id (ranked once per record, not per pair).
    by_id = sorted(range(len(rows)), key=lambda at: compared[rows[at]]["record_id"])
    id_rank = np.empty(len(rows), dtype=np.int64)
    id_rank[by_id] = np.arange(len(rows))
    order = np.lexsort((id_rank[places], -confidences, people))
    starts = np.flatnonzero(np.r_[True, people[order][1:] != people[order][:-1]])
    within = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    scored_by: dict[int, list[tuple[float, int, Evidence]]] = {}
    rarity_of = rarity.tolist()
    for at in order[within < _RANKED].tolist():
        unnamed = outcomes.evidence(int(kept[at]), rarity_of[places[at]] if pair_named[at] else RARITY_PIVOT)
        evidence = unnamed.with_name(float(similarity[at])) if pair_named[at] else unnamed
        scored_by.setdefault(int(people[at]), []).append((float(confidences[at]), rows[places[at]], evidence))
    return scored_by


def _rows(table: pa.Table, rows: list[int]) -> dict[int, dict[str, Any]]:
    if not rows:
        return {}
    subset = rows_at(table.select(list(_COMPARED_COLUMNS)), rows)
    return dict(zip(rows, subset, strict=True))


def _decide(
    scored: list[tuple[float, int, Evidence]], compared: dict[int, dict[str, Any]]
) -> tuple[MatchOutcome, int | None]:
    """The outcome for one traveller, and the row claimed as a match (its record is filled in later)."""
    _, best_row, best_evidence = scored[0]
    runner_up = scored[1][2] if len(scored) > 1 else None
    claimed = claimable(best_evidence, runner_up)
    rest = scored[1:] if claimed else scored
    candidates = tuple(
        Candidate(compared[row]["record_id"], round(value, 3))
        for value, row, _ in rest[:MAX_CANDIDATES]
        if value >= CANDIDATE_FLOOR
    )
    if not claimed:
        return MatchOutcome(candidates=candidates), None
    match = Match(
        record_id=compared[best_row]["record_id"],
        confidence=round(claim_confidence(best_evidence, runner_up), 3),
        method=best_evidence.method,
        fields=best_evidence.fields(),
    )
    return MatchOutcome(match=match, candidates=candidates), best_row
