"""The evidence matcher: candidates by blocking keys, scored by field evidence, claimed only when sure.

    candidates.py (blocking + pruning) -> scoring.py (comparisons + the model's weights) -> decision.py

Every number it weighs or decides with is the matching model's (`model.json`). It matches the batch it is
given in this process; sharing a large manifest among processes is the pipeline's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from checkpoint.matching.decision import decide
from checkpoint.matching.model import MatchingModel
from checkpoint.matching.model_file import default_model
from checkpoint.matching.scoring import ScoredPairs, score_pairs
from checkpoint.models import MatchOutcome, Traveller
from checkpoint.registry import Registry


class EvidenceMatcher:
    """Blocking + field evidence + a cautious decision, with the weights, thresholds and floors of `model`
    (default: the shipped model.json). Each traveller's outcome depends on the traveller and the registry
    only, never on who else is in the batch."""

    def __init__(self, model: MatchingModel | None = None) -> None:
        self.model = model or default_model()

    def scored_pairs(self, registry: Registry, travellers: Sequence[Traveller]) -> ScoredPairs:
        """Every pair the matcher compares, with its field outcomes, name similarity, rarity and weight (what
        `benchmarks/matching/calibrate.py` fits on, with a model whose `candidate_floor_bound` is off)."""
        return score_pairs(registry, travellers, self.model)

    def match(self, registry: Registry, travellers: Sequence[Traveller]) -> list[MatchOutcome]:
        scored = self.scored_pairs(registry, travellers)
        decisions = decide(scored, len(travellers), self.model)
        # The claimed and the candidate records' own fields (for the rules, and for the officer who checks a
        # near miss), fetched together.
        wanted = sorted({row for _, claimed, rows in decisions for row in (claimed, *rows) if row is not None})
        full = dict(zip(wanted, registry.records(wanted), strict=True))
        return [
            MatchOutcome(
                outcome.match,
                tuple(
                    replace(candidate, record=full[row])
                    for candidate, row in zip(outcome.candidates, rows, strict=True)
                ),
                record=None if claimed is None else full[claimed],
            )
            if claimed is not None or rows
            else outcome
            for outcome, claimed, rows in decisions
        ]
