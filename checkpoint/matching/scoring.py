"""Scoring: every candidate pair of a batch compared field by field and weighed by the model, at once.

The fields besides the name are compared for every pair as numpy codes (`comparisons.py`) and weighed
(`MatchingModel.field_weights`). With the model's `candidate_floor_bound`, a pair that could not reach the
lowest floor a record is shown at even with an identical name (`bounds.py`) is dropped before its name, the
costly part, is compared; a traveller without a name keeps every pair. Names are compared one pair at a time
(`names.name_similarity`), and every weight and confidence is worked out for all pairs as numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checkpoint.matching.bounds import best_name_gains
from checkpoint.matching.candidates import Pairs, candidate_pairs
from checkpoint.matching.comparisons import (
    FieldOutcomes,
    field_outcomes,
    record_fields,
    traveller_fields,
    traveller_names,
)
from checkpoint.matching.model import MatchingModel, confidences
from checkpoint.models import Traveller
from checkpoint.names import name_similarity, phonetic_key
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry import Registry


@dataclass(frozen=True)
class ScoredPairs:
    """The compared (traveller, record) pairs of a batch, as parallel arrays (one entry per pair, ordered by
    traveller then row), and the records they name (one entry per row)."""

    people: np.ndarray  # the traveller's position in the batch
    places: np.ndarray  # the record's position in `rows`
    outcomes: FieldOutcomes  # every field's outcome but the name's
    similarity: np.ndarray  # the name similarity; NaN: no name was compared (the traveller has none)
    rarity: np.ndarray  # the rarity of the name both show in this registry (`traveller_rarities`)
    weights: np.ndarray  # log-odds
    confidences: np.ndarray
    rows: np.ndarray  # the registry rows compared, ascending
    record_ids: list[str]  # each row's record id


def traveller_rarities(registry: Registry, names: Sequence[NormalisedName], model: MatchingModel) -> np.ndarray:
    """The rarity of each traveller's name in this registry, counted as a record's is (`MatchingModel.rarities`).

    A pair's name weighs by the commoner of the two names' rarities: the evidence is the part of the name both
    show. Where both show the whole name, the two rarities are one; where the traveller shows less of it
    (`MUHAMMAD RIZKI` for the record's `MUHAMMAD RIZKI MAULANA`), every `MUHAMMAD RIZKI …` of the registry agrees
    with the traveller as well, and the record's rarity alone would count a word nobody showed.
    """
    keys = [[phonetic_key(token) for token in name.tokens] for name in names]
    counts = registry.key_counts([key for name in keys for key in name])
    offsets = np.cumsum([0, *map(len, keys)])
    return model.rarities(counts, offsets, registry.size)


def score_pairs(registry: Registry, travellers: Sequence[Traveller], model: MatchingModel) -> ScoredPairs:
    """Every candidate pair of the screenable travellers, compared and weighed."""
    return score_candidates(registry, travellers, candidate_pairs(registry, travellers, model), model)


def score_candidates(
    registry: Registry, travellers: Sequence[Traveller], pairs: Pairs, model: MatchingModel
) -> ScoredPairs:
    """These (traveller, row) pairs of the screenable travellers, compared and weighed."""
    screenable = np.array([traveller.screenable for traveller in travellers], dtype=bool)
    wanted = screenable[pairs.people] if len(pairs.people) else np.zeros(0, dtype=bool)
    people = pairs.people[wanted]
    rows, places = np.unique(pairs.rows[wanted], return_inverse=True)
    places = places.astype(np.int64).reshape(-1)
    outcomes = field_outcomes(traveller_fields(travellers), record_fields(registry, rows), people, places)
    fields = model.field_weights(outcomes)
    rarity = model.rarities(*registry.token_counts(rows), registry.size)
    names = traveller_names(travellers)
    pair_named = np.array([not name.empty for name in names], dtype=bool)[people]
    if model.pruning.candidate_floor_bound:
        reachable = fields + best_name_gains(model, rarity)[places] >= model.decision.shown_weight
        kept = np.flatnonzero(~pair_named | reachable)
        people, places, pair_named, fields = people[kept], places[kept], pair_named[kept], fields[kept]
        outcomes = outcomes.at(kept)

    similarity = np.full(len(people), np.nan)
    compared = np.flatnonzero(pair_named)
    named_places = np.unique(places[compared])
    record_names = dict(zip(named_places.tolist(), registry.names(rows[named_places]), strict=True))
    similarity[compared] = [
        name_similarity(names[person], record_names[at])
        for person, at in zip(people[compared].tolist(), places[compared].tolist(), strict=True)
    ]
    pair_rarity = np.minimum(rarity[places], traveller_rarities(registry, names, model)[people])
    weights = model.pair_weights(fields, similarity, pair_rarity)
    return ScoredPairs(
        people=people,
        places=places,
        outcomes=outcomes,
        similarity=similarity,
        rarity=pair_rarity,
        weights=weights,
        confidences=confidences(weights),
        rows=rows,
        record_ids=registry.values("record_id", rows),
    )
