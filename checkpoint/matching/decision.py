"""The decision: for each traveller, its best record claimed as a match only when sure, the doubt as candidates.

A `match` claims the traveller *is* the record; matching the wrong person can clear a trafficking victim,
so a claim needs a high confidence **and** a clear lead over the runner-up (the model's `decision`).
The claim's confidence is about the traveller, not the pair: the best pair's weight plus credit for its lead
over the runner-up (`MatchingModel.claim_weights`), since most strong pairs that are not the traveller lose
to its own record, also compared. Runner-ups count from the candidate floor up: records below it are not
told apart (and not all of them are compared). Anything doubtful is reported as `candidates` instead.

When nothing is claimed, the candidates are the records at or above the candidate floor and, while room is
left, near misses: records whose name agrees and whose birth date is the traveller's, swapped or one digit
off, down to the near-miss floor. They are the traveller's own
record when a birth-date digit slipped and no document agrees, with a common name: too weak to list among
namesakes, but what the officer at the counter needs to see when nothing better was found.
"""

from __future__ import annotations

import numpy as np

from checkpoint.matching.comparisons import DATE_LEVELS
from checkpoint.matching.model import MatchingModel, confidences
from checkpoint.matching.scoring import ScoredPairs
from checkpoint.models import Candidate, Match, MatchOutcome

_WITHIN_ONE_SLIP = [DATE_LEVELS.index(level) for level in ("exact", "swapped", "one_digit")]


def decide(
    scored: ScoredPairs, count: int, model: MatchingModel
) -> list[tuple[MatchOutcome, int | None, tuple[int, ...]]]:
    """For each of `count` travellers, its outcome and the registry row claimed (None: no match); the
    claimed record's own fields are the caller's to fill in."""
    decision = model.decision
    outcomes: list[tuple[MatchOutcome, int | None, tuple[int, ...]]] = [(MatchOutcome(), None, ())] * count
    if not len(scored.people):
        return outcomes
    # Best first per traveller, ties by record id (ranked once per record, not per pair).
    by_id = sorted(range(len(scored.rows)), key=scored.record_ids.__getitem__)
    id_rank = np.empty(len(scored.rows), dtype=np.int64)
    id_rank[by_id] = np.arange(len(scored.rows))
    people = scored.people
    order = np.lexsort((id_rank[scored.places], -scored.confidences, people))
    starts = np.flatnonzero(np.r_[True, people[order][1:] != people[order][:-1]])
    sizes = np.diff(np.r_[starts, len(order)])

    best = order[starts]
    floor = decision.floor_weight
    runner_up = np.full(len(starts), floor)
    second = sizes > 1
    runner_up[second] = np.maximum(scored.weights[order[starts[second] + 1]], floor)
    claim = confidences(model.claim_weights(scored.weights[best], runner_up))
    claimed = (claim >= decision.match_threshold) & (scored.weights[best] - runner_up >= decision.lead)

    ranked, places, values = order.tolist(), scored.places.tolist(), scored.confidences.tolist()
    # A near miss: the name agrees and the birth date is the same, swapped or one digit off.
    near = (np.nan_to_num(scored.similarity, nan=0.0) >= model.weights.name_agrees) & np.isin(
        scored.outcomes.date_of_birth, _WITHIN_ONE_SLIP
    )
    near_misses = near.tolist()
    record_ids, most = scored.record_ids, decision.max_candidates
    groups = zip(starts.tolist(), sizes.tolist(), claimed.tolist(), claim.tolist(), strict=True)
    for start, size, sure, sureness in groups:
        at = ranked[start]
        first = start + 1 if sure else start  # a claimed record is not also a candidate
        shown = [
            pair for pair in ranked[first : min(first + most, start + size)] if values[pair] >= decision.candidate_floor
        ]
        if not sure and len(shown) < most:  # room left: near misses (ranked below every candidate above)
            below = ranked[first + len(shown) : start + size]
            shown += [pair for pair in below if near_misses[pair] and values[pair] >= decision.near_miss_floor][
                : most - len(shown)
            ]
        candidates = tuple(
            Candidate(record_ids[places[pair]], round(values[pair], 3), fields=_fields(scored, pair)) for pair in shown
        )
        candidate_rows = tuple(int(scored.rows[places[pair]]) for pair in shown)
        person = int(people[at])
        if not sure:
            outcomes[person] = (MatchOutcome(candidates=candidates), None, candidate_rows)
            continue
        similarity = float(scored.similarity[at])
        evidence = scored.outcomes.evidence(at, None if np.isnan(similarity) else similarity)
        match = Match(
            record_id=record_ids[places[at]],
            confidence=round(sureness, 3),
            method=evidence.method,
            fields=evidence.fields(),
        )
        outcomes[person] = (
            MatchOutcome(match=match, candidates=candidates),
            int(scored.rows[places[at]]),
            candidate_rows,
        )
    return outcomes


def _fields(scored: ScoredPairs, pair: int) -> dict[str, float | str]:
    """What agreed and what did not between a traveller and a candidate record (as `Match.fields`)."""
    similarity = float(scored.similarity[pair])
    return scored.outcomes.evidence(pair, None if np.isnan(similarity) else similarity).fields()
