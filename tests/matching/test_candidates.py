"""Candidate generation: pruning is only a shortcut — it never changes what the matcher reports."""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from checkpoint.manifests import travellers_from_table
from checkpoint.matching import EvidenceMatcher, default_model
from checkpoint.matching.candidates import candidate_pairs
from checkpoint.matching.model import confidences
from checkpoint.models import MatchOutcome, Traveller
from checkpoint.registry import Registry
from checkpoint.registry.exports import load_registry_file
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


MODEL = default_model()
#: The model with every pruning step off: every blocked pair is compared, names included.
UNPRUNED = replace(
    MODEL,
    pruning=replace(
        MODEL.pruning,
        signature_floor=0.0,
        slip_signature_floor=0.0,
        name_prefilter=0.0,
        slip_name_prefilter=0.0,
        candidate_floor_bound=False,
    ),
)


def test_pruned_pairs_would_never_have_been_reported(labelled: tuple[Registry, list[Traveller]]) -> None:
    registry, travellers = labelled
    pruned = EvidenceMatcher().match(registry, travellers)
    everything = EvidenceMatcher(UNPRUNED).match(registry, travellers)
    assert summary(pruned) == summary(everything)
    assert sum(o.match is not None for o in pruned) > 150  # the set is mostly registered travellers
    # and pruning did drop pairs (the comparison above is not between two unpruned runs)
    assert len(candidate_pairs(registry, travellers, MODEL).rows) < len(
        candidate_pairs(registry, travellers, UNPRUNED).rows
    )


def test_a_record_below_the_candidate_floor_can_never_decide_a_match() -> None:
    """Skipping such records is safe only while one at the floor is far from a claim (as a runner-up it
    counts as the floor whatever its weight)."""
    floor = np.array([MODEL.decision.floor_weight])
    at_floor = float(confidences(MODEL.claim_weights(floor, floor))[0])
    threshold = MODEL.decision.match_threshold
    assert math.log(at_floor / (1 - at_floor)) < math.log(threshold / (1 - threshold)) - 1


def test_a_travellers_outcome_does_not_depend_on_who_else_is_screened(
    labelled: tuple[Registry, list[Traveller]],
) -> None:
    registry, travellers = labelled
    together = EvidenceMatcher().match(registry, travellers)
    halves = [travellers[1::2], travellers[::-2]]  # other companions, another order
    for half in halves:
        outcomes = dict(zip((t.pax_id for t in half), EvidenceMatcher().match(registry, half), strict=True))
        assert [outcomes[t.pax_id] for t in half] == [together[travellers.index(t)] for t in half]
