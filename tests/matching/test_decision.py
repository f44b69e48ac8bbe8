"""The decision: what the fitted model claims for typical outcomes, and doubt shown as candidates, not a match."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from matching_reference import Pair, outcomes_of, similarities_of, vectorised_weights

from checkpoint.matching import default_model
from checkpoint.matching.decision import decide
from checkpoint.matching.model import MatchingModel, confidences
from checkpoint.matching.scoring import ScoredPairs
from checkpoint.models import MatchOutcome

MODEL = default_model()


def decided(*pairs: Pair, model: MatchingModel = MODEL) -> MatchOutcome:
    """The outcome for one traveller whose compared records (ids R0, R1, … in that order) gave these pairs."""
    weights = vectorised_weights(model, list(pairs))
    count = len(pairs)
    scored = ScoredPairs(
        people=np.zeros(count, dtype=np.int64),
        places=np.arange(count),
        outcomes=outcomes_of(list(pairs)),
        similarity=similarities_of(list(pairs)),
        rarity=np.array([pair.rarity for pair in pairs]),
        weights=weights,
        confidences=confidences(weights),
        rows=np.arange(count),
        record_ids=[f"R{at}" for at in range(count)],
    )
    [(outcome, row, _)] = decide(scored, 1, model)
    assert (row is None) == (outcome.match is None)
    return outcome


def pair_confidence(pair: Pair) -> float:
    return float(confidences(vectorised_weights(MODEL, [pair]))[0])


def claim_confidence(best: Pair, runner_up: Pair | None = None) -> float:
    weights = vectorised_weights(MODEL, [best] + ([runner_up] if runner_up else []))
    floor = MODEL.decision.floor_weight
    second = np.maximum(weights[1:], floor) if runner_up else np.array([floor])
    return float(confidences(MODEL.claim_weights(weights[:1], second))[0])


def test_same_name_and_birth_date_is_a_match_even_with_a_renewed_passport() -> None:
    found = decided(Pair(passport_number="different"))
    assert found.match is not None and found.match.record_id == "R0" and found.match.method == "name_dob"
    assert found.match.fields == {
        "name": 1.0, "date_of_birth": "exact", "sex": "agree", "passport_number": "different", "nik": "missing",
    }  # fmt: skip


def test_a_claim_is_surer_than_its_pair_and_less_sure_beside_a_close_runner_up() -> None:
    # Strong pairs that are not the traveller mostly lose to its own record: the best one, well ahead of
    # any other, is likelier to be it than its pair weight alone says.
    best = Pair(passport_number="different")
    alone = claim_confidence(best)
    assert alone > pair_confidence(best)
    assert claim_confidence(best, Pair(passport_number="different", date_of_birth="swapped")) < alone
    # a runner-up below the candidate floor counts as the floor: pruning such records changes nothing
    assert claim_confidence(best, Pair(name=0.3)) == alone
    assert decided(best).match == decided(best, Pair(name=0.3)).match


def test_a_slipped_birth_date_with_a_common_name_and_no_document_is_not_enough() -> None:
    # Namesakes one keying slip apart are common in a large registry (SITI FATIMAH 1992 / 1994).
    assert decided(Pair(date_of_birth="one_digit", rarity=-3.5)).match is None
    assert pair_confidence(Pair(date_of_birth="one_digit", rarity=-3.5, passport_number="different")) < 0.5


def test_a_document_carries_a_slipped_birth_date() -> None:
    slipped = Pair(date_of_birth="one_digit", rarity=-3.5, passport_number="exact")
    assert pair_confidence(slipped) >= 0.99
    found = decided(slipped)
    assert found.match is not None and found.match.method == "passport"


def test_a_common_name_and_birth_date_alone_match_in_a_small_registry_but_not_in_a_million_records() -> None:
    for records, claimed in ((20_000, True), (1_000_000, False)):
        # SITI AMINAH: 12 % of records carry SITI, 1 % AMINAH, in registries of any size
        counts = np.array([round(0.12 * records), round(0.01 * records)], dtype=np.int32)
        rarity = float(MODEL.rarities(counts, np.array([0, 2]), records)[0])
        assert (decided(Pair(rarity=rarity, passport_number="different")).match is not None) is claimed
        assert pair_confidence(Pair(rarity=rarity, passport_number="exact")) >= 0.99  # a document still decides


def test_two_equally_likely_records_give_candidates_not_a_match() -> None:
    twins = Pair(passport_number="different")
    found = decided(twins, twins)
    assert found.match is None
    assert [c.record_id for c in found.candidates] == ["R0", "R1"]  # ties by record id


def test_a_claimed_record_is_not_also_a_candidate_and_candidates_stop_at_the_floor_and_the_limit() -> None:
    best, close, far = Pair(passport_number="exact"), Pair(date_of_birth="swapped"), Pair(name=0.3)
    found = decided(best, close, close, close, far)
    assert found.match is not None and found.match.record_id == "R0"
    assert [c.record_id for c in found.candidates] == ["R1", "R2", "R3"]  # three at most, none under the floor
    fewer = replace(MODEL, decision=replace(MODEL.decision, max_candidates=1))
    assert [c.record_id for c in decided(best, close, close, far, model=fewer).candidates] == ["R1"]
    assert all(c.confidence >= MODEL.decision.candidate_floor for c in found.candidates)


def test_a_near_miss_is_listed_when_nothing_reaches_the_candidate_floor() -> None:
    # the traveller's own record with a common name, a slipped birth-date digit and a renewed passport: far too
    # weak to claim or to list among namesakes, but what the counter must show when nothing better was found
    own = Pair(date_of_birth="one_digit", rarity=-6.0, passport_number="different")
    assert MODEL.decision.near_miss_floor <= pair_confidence(own) < MODEL.decision.candidate_floor
    found = decided(own)
    assert found.match is None and [c.record_id for c in found.candidates] == ["R0"]
    assert found.candidates[0].fields["date_of_birth"] == "one_digit"


def test_near_misses_only_fill_the_room_candidates_leave() -> None:
    near = Pair(date_of_birth="one_digit", rarity=-6.0, passport_number="different")
    doubtful = Pair(date_of_birth="swapped", rarity=-3.0, passport_number="different")
    assert pair_confidence(doubtful) >= MODEL.decision.candidate_floor
    # two namesakes alike (no claim), then the near miss in the room left
    assert [c.record_id for c in decided(doubtful, doubtful, near).candidates] == ["R0", "R1", "R2"]
    full = [doubtful] * MODEL.decision.max_candidates
    assert "R3" not in [c.record_id for c in decided(*full, near).candidates]


def test_a_near_miss_needs_an_agreeing_name_and_a_birth_date_within_one_slip() -> None:
    assert decided(Pair(name=0.84, date_of_birth="exact", passport_number="different")).candidates == ()
    assert decided(Pair(date_of_birth="different", rarity=-4.0)).candidates == ()
    # nor is it listed beside a claim: a matched traveller's candidates are the records that rival the claim
    claimed = decided(Pair(passport_number="exact"), Pair(date_of_birth="one_digit", rarity=-6.0))
    assert claimed.match is not None and claimed.candidates == ()
