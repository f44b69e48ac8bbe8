"""The fitted evidence weights: what a confidence claims for typical outcomes (benchmarks/matching/calibrate.py)."""

from __future__ import annotations

from checkpoint.matching.evidence import Evidence, name_weight
from checkpoint.matching.matcher import MATCH_THRESHOLD, confidence


def evidence(**outcomes: object) -> Evidence:
    fields: dict[str, object] = {
        "name": 1.0,
        "rarity": 8.0,
        "date_of_birth": "exact",
        "sex": "agree",
        "passport_number": "missing",
        "nik": "missing",
    }
    fields.update(outcomes)
    return Evidence(**fields)  # type: ignore[arg-type]


def test_same_name_and_birth_date_is_a_match_even_with_a_renewed_passport() -> None:
    assert confidence(evidence(passport_number="different")) >= MATCH_THRESHOLD


def test_a_slipped_birth_date_with_a_common_name_and_no_document_is_not_enough() -> None:
    # Namesakes one keying slip apart are common in a large registry (SITI FATIMAH 1992 / 1994).
    assert confidence(evidence(date_of_birth="one_digit", rarity=6.5)) < MATCH_THRESHOLD
    assert confidence(evidence(date_of_birth="one_digit", rarity=6.5, passport_number="different")) < 0.5


def test_a_document_carries_a_slipped_birth_date() -> None:
    assert confidence(evidence(date_of_birth="one_digit", rarity=6.5, passport_number="exact")) >= 0.99


def test_a_rare_name_counts_more_than_a_common_one() -> None:
    assert evidence(rarity=14.0).weight > evidence(rarity=8.0).weight > evidence(rarity=5.0).weight


def test_name_weight_rises_with_similarity() -> None:
    weights = [name_weight(similarity / 20) for similarity in range(21)]
    assert weights == sorted(weights)
    assert name_weight(0.5) < -5 < 3 < name_weight(1.0)
