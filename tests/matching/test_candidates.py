"""Candidate generation: pruning is only a shortcut — it never changes what the matcher reports."""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from checkpoint.manifests import travellers_from_table
from checkpoint.matching import EvidenceMatcher
from checkpoint.matching import candidates as candidates_module
from checkpoint.matching import matcher as matcher_module
from checkpoint.matching.candidates import dates_equal_or_swapped, dates_within_one_slip
from checkpoint.matching.evidence import claim_weight
from checkpoint.models import MatchOutcome, Traveller
from checkpoint.registry import Registry
from checkpoint.registry.store import load_registry_file
from checkpoint.sources import RawTable
from checkpoint.synth import generate_matching_set, generate_registry

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def labelled() -> tuple[Registry, list[Traveller]]:
    frame = generate_registry(3000, 3, TODAY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.parquet"
        frame.to_parquet(path, index=False)
        registry = load_registry_file(path, today=TODAY)
    manifest, _ = generate_matching_set(frame, 300, 3, TODAY, layout="airline")
    manifest = manifest.astype(object).where(manifest.notna(), None)
    return registry, travellers_from_table(RawTable.from_frame(manifest, source="set.csv"), today=TODAY)


def summary(outcomes: list[MatchOutcome]) -> list[tuple[object, ...]]:
    return [(o.match, o.candidates) for o in outcomes]


def test_pruned_pairs_would_never_have_been_reported(
    labelled: tuple[Registry, list[Traveller]], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, travellers = labelled
    pruned = EvidenceMatcher().match(registry, travellers)
    for name in ("SIGNATURE_FLOOR", "SLIP_SIGNATURE_FLOOR", "NAME_PREFILTER", "SLIP_NAME_PREFILTER"):
        monkeypatch.setattr(candidates_module, name, 0)
    monkeypatch.setattr(matcher_module, "_FLOOR_WEIGHT", -math.inf)  # every name compared
    everything = EvidenceMatcher().match(registry, travellers)
    assert summary(pruned) == summary(everything)
    assert sum(o.match is not None for o in pruned) > 150  # the set is mostly registered travellers


def test_date_slip_predicates() -> None:
    a = np.array([19900517, 19900517, 19900517, 19900517, 19900307, -1])
    b = np.array([19900517, 19910517, 19900715, 19910615, 19900703, 19900517])
    assert dates_within_one_slip(a, b).tolist() == [True, True, False, False, True, False]
    assert dates_equal_or_swapped(a, b).tolist() == [True, False, False, False, True, False]


def test_a_record_below_the_candidate_floor_can_never_decide_a_match() -> None:
    """Skipping such records is safe only while one at the floor is far from a claim (as a runner-up it
    counts as the floor whatever its weight)."""
    at_floor = claim_weight(matcher_module.FLOOR_LOG_ODDS, matcher_module.FLOOR_LOG_ODDS)
    assert at_floor < math.log(matcher_module.MATCH_THRESHOLD / (1 - matcher_module.MATCH_THRESHOLD)) - 1


def test_a_travellers_outcome_does_not_depend_on_who_else_is_screened(
    labelled: tuple[Registry, list[Traveller]],
) -> None:
    registry, travellers = labelled
    together = EvidenceMatcher().match(registry, travellers)
    halves = [travellers[1::2], travellers[::-2]]  # other companions, another order
    for half in halves:
        outcomes = dict(zip((t.pax_id for t in half), EvidenceMatcher().match(registry, half), strict=True))
        assert [outcomes[t.pax_id] for t in half] == [together[travellers.index(t)] for t in half]
