"""The evidence matcher: candidates by blocking keys, scored by field evidence, claimed only when sure.

A `match` claims the traveller *is* the record; matching the wrong person can clear a trafficking victim,
so a match needs a high confidence **and** a clear lead over the next candidate. Anything doubtful is
reported as `candidates` instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import pyarrow as pa

from checkpoint.matching.candidates import candidate_pairs, rarities
from checkpoint.matching.evidence import (
    Evidence,
    claim_weight,
    compare_prepared,
    record_name,
    traveller_name,
)
from checkpoint.models import Candidate, Match, MatchOutcome, Traveller
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
#: The candidate floor as a weight. The lead is measured over the runner-up or this, whichever is higher:
#: records below the floor are not told apart (and need not all be compared).
FLOOR_LOG_ODDS = math.log(CANDIDATE_FLOOR / (1 - CANDIDATE_FLOOR))
#: A record that cannot reach the candidate floor even with an identical name is not compared by name.
#: Dropping it changes nothing: it would not be shown, the lead is measured from the floor up, and a
#: claim needs a weight far above the floor (see the test that guards it).
_FLOOR_WEIGHT = FLOOR_LOG_ODDS

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
    return 1.0 / (1.0 + math.exp(-evidence.weight))


def claim_confidence(best: Evidence, runner_up: Evidence | None = None) -> float:
    """The confidence that a traveller's best record is the traveller (what a match shows), in [0, 1]."""
    return 1.0 / (1.0 + math.exp(-claim_weight(best.weight, _second(runner_up))))


def claimable(best: Evidence, runner_up: Evidence | None = None) -> bool:
    """Whether the best record is claimed as a match: claim confidence and lead over the runner-up."""
    return claim_confidence(best, runner_up) >= MATCH_THRESHOLD and best.weight - _second(runner_up) >= LEAD_LOG_ODDS


def _second(runner_up: Evidence | None) -> float:
    """The runner-up's weight, counted from the candidate floor up: records below it are not told apart
    (and not all of them are compared)."""
    return FLOOR_LOG_ODDS if runner_up is None else max(runner_up.weight, FLOOR_LOG_ODDS)


class EvidenceMatcher:
    """Blocking + field evidence + a cautious decision."""

    def match(self, registry: Registry, travellers: Sequence[Traveller]) -> list[MatchOutcome]:
        pairs = candidate_pairs(registry, travellers, floor=_FLOOR_WEIGHT)
        rows = sorted({row for found in pairs.values() for row in found})
        compared = _rows(registry.table, rows)
        rarity = dict(zip(rows, rarities(registry, rows).tolist(), strict=True)) if rows else {}

        @cache
        def prepared(row: int) -> tuple[NormalisedName, float]:
            """A record's name and its rarity, worked out once however many travellers it is compared with."""
            return record_name(compared[row]), rarity[row]

        decisions: list[tuple[MatchOutcome, int | None]] = []
        for index, traveller in enumerate(travellers):
            found = pairs.get(index)
            if not found or not traveller.screenable:
                decisions.append((MatchOutcome(), None))
                continue
            name = traveller_name(traveller)
            evidences = (
                (row, compare_prepared(traveller, name, compared[row], *prepared(row), floor=_FLOOR_WEIGHT))
                for row in found
            )
            scored = sorted(
                ((confidence(evidence), row, evidence) for row, evidence in evidences if evidence is not None),
                key=lambda item: (-item[0], compared[item[1]]["record_id"]),
            )
            decisions.append(_decide(scored, compared) if scored else (MatchOutcome(), None))
        # The matched records' own fields, fetched together.
        matched = sorted({row for _, row in decisions if row is not None})
        full = dict(zip(matched, registry.records(matched), strict=True))
        return [
            outcome if row is None else MatchOutcome(outcome.match, outcome.candidates, record=full[row])
            for outcome, row in decisions
        ]


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
