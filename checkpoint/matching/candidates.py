"""Candidate generation: which records could be each traveller, found by blocking keys, never by a scan.

Stage 1 (blocking): every traveller key (`registry/keys.py`: passport, NIK, date of birth, name token +
birth year, name token + birth day) is looked up in the snapshot's sorted index (`Registry.look_up`), for
the whole manifest at once. Stage 2 (pruning, vectorised): a row found only through the name or the date
of birth is kept when the dates of birth are within one slip (equal, day/month swapped, one digit), the
names' letter-pair signatures overlap, a cheap string likeness (rapidfuzz, pairwise in C) is high enough,
and (the model's `candidate_floor_bound`) the weights could lift the pair to the lowest floor a record is
shown at (`Decision.shown_weight`) with an identical name; a row found through the passport or NIK is always
kept. The floors are the model's
`pruning` values; pruning never changes what the matcher reports (tests/matching/test_candidates.py): a
pruned row could not have been matched or listed. Each step reads only what it tests, for the pairs still
standing: birth dates for every blocked pair, signatures for fewer, names for fewer still.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from checkpoint.matching.bounds import best_case_weights
from checkpoint.matching.comparisons import date_levels, dates_equal_or_swapped, dates_within_one_slip
from checkpoint.matching.model import MatchingModel
from checkpoint.models import Traveller
from checkpoint.names import normalise_name, phonetic_key
from checkpoint.registry import Registry
from checkpoint.registry.keys import dob_number, name_signature, signature_overlap, traveller_keys


@dataclass(frozen=True)
class Pairs:
    """(traveller, registry row) pairs as parallel arrays, ordered by traveller, then row."""

    people: np.ndarray  # the traveller's position in the batch
    rows: np.ndarray


@dataclass(frozen=True)
class _Batch:
    """The travellers' lookup data, one entry per traveller."""

    born: np.ndarray  # YYYYMMDD, -1 when missing
    written: list[str]  # phonetic keys of the name, space-joined ("" when no name)
    joined: list[str]  # … and run together
    named: np.ndarray  # bool: the traveller has a name
    signature_low: np.ndarray
    signature_high: np.ndarray


def _batch(travellers: Sequence[Traveller]) -> _Batch:
    written = []
    signatures = []
    for traveller in travellers:
        tokens = normalise_name(traveller.full_name).tokens if traveller.full_name else ()
        keys = [phonetic_key(token) for token in tokens]
        written.append(" ".join(keys))
        signatures.append(name_signature(keys))
    return _Batch(
        born=np.array([dob_number(t.date_of_birth) for t in travellers], dtype=np.int64),
        written=written,
        joined=[name.replace(" ", "") for name in written],
        named=np.array([bool(name) for name in written], dtype=bool),
        signature_low=np.array([low for low, _ in signatures], dtype=np.uint64),
        signature_high=np.array([high for _, high in signatures], dtype=np.uint64),
    )


def candidate_pairs(registry: Registry, travellers: Sequence[Traveller], model: MatchingModel) -> Pairs:
    """The (traveller, row) pairs worth comparing field by field: blocked, then pruned by the model's floors."""
    people, rows, documented = blocked_pairs(registry, travellers, model.pruning.name_block_cap)
    if not len(people):
        return Pairs(people, rows)
    keep = documented | _plausible(registry, _batch(travellers), people, rows, documented, model)
    return Pairs(people[keep], rows[keep])


def _plausible(
    registry: Registry,
    batch: _Batch,
    people: np.ndarray,
    rows: np.ndarray,
    documented: np.ndarray,
    model: MatchingModel,
) -> np.ndarray:
    """Which of the pairs found without a document could be the same person: every test must hold, so
    they run cheapest and most selective first."""
    pruning = model.pruning
    candidates = np.flatnonzero(~documented)
    born = registry.birth_numbers(rows[candidates])
    theirs_born = batch.born[people[candidates]]
    close = dates_within_one_slip(theirs_born, born)
    candidates, born, theirs_born = candidates[close], born[close], theirs_born[close]
    their_low, their_high = registry.name_signatures(rows[candidates])
    overlap = signature_overlap(
        batch.signature_low[people[candidates]], batch.signature_high[people[candidates]], their_low, their_high
    )
    slipped = ~(dates_equal_or_swapped(theirs_born, born))
    alike = overlap >= np.where(slipped, pruning.slip_signature_floor, pruning.signature_floor)
    candidates, born, theirs_born, slipped = candidates[alike], born[alike], theirs_born[alike], slipped[alike]
    if pruning.candidate_floor_bound and len(candidates):
        found = rows[candidates]
        rarity = model.rarities(*registry.token_counts(found), registry.size)
        best = best_case_weights(model, date_levels(theirs_born, born), rarity)
        reachable = (best >= model.decision.shown_weight) | ~batch.named[people[candidates]]
        candidates, slipped = candidates[reachable], slipped[reachable]
    if len(candidates):
        theirs = registry.phonetic_names(rows[candidates])
        people_at = people[candidates].tolist()
        ours, ours_joined = (
            [batch.written[person] for person in people_at],
            [batch.joined[person] for person in people_at],
        )
        likeness = name_prefilter_many(ours, ours_joined, theirs)
        candidates = candidates[likeness >= np.where(slipped, pruning.slip_name_prefilter, pruning.name_prefilter)]
    result = np.zeros(len(people), dtype=bool)
    result[candidates] = True
    return result


def name_prefilter_many(a: list[str], a_joined: list[str], b: list[str]) -> np.ndarray:
    """A cheap 0–100 likeness of names, pair by pair over equal-length lists (rapidfuzz's C++ loop): shared
    tokens in any order (token_set_ratio), or the same letters run together (NURHAYATI / NUR HAYATI).
    `a_joined` holds the names of `a` run together (worked out once per traveller by the caller)."""
    shared = process.cpdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.float32)
    joined = process.cpdist(a_joined, [y.replace(" ", "") for y in b], scorer=fuzz.ratio, dtype=np.float32)
    return np.asarray(np.maximum(shared, joined))


def blocked_pairs(
    registry: Registry, travellers: Sequence[Traveller], name_block_cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every distinct (traveller, row) pair sharing a blocking key, ordered by traveller then row, and which
    share a document."""
    owners: list[int] = []
    keys: list[str] = []
    for person, traveller in enumerate(travellers):
        found = traveller_keys(traveller.passport_number, traveller.nik, traveller.date_of_birth, traveller.full_name)
        keys += found
        owners += [person] * len(found)
    hits = registry.look_up(keys, name_block_cap)
    if not len(hits.rows):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    people = np.asarray(owners, dtype=np.int64)[hits.keys]
    width = registry.size
    pair = people * width + hits.rows
    # Distinct pairs; a pair is documented when any of its occurrences came from a document key.
    order = np.lexsort((~hits.documented, pair))
    pair, documented = pair[order], hits.documented[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    pair, documented = pair[first], documented[first]
    return pair // width, pair % width, documented
