"""Candidate generation: which records could be each traveller, found by blocking keys, never by a scan.

Stage 1 (blocking): every traveller key (`registry/keys.py`: passport, NIK, date of birth, name token +
birth year, name token + birth day) is looked up in the snapshot's sorted index by binary search, for the
whole manifest at once. Stage 2 (pruning, vectorised): a row found only through the name or the date of
birth is kept when the dates of birth are within one slip (equal, day/month swapped, one digit), the
names' letter-pair signatures overlap, a cheap string likeness (rapidfuzz, pairwise in C) is high enough,
and (given the matcher's floor) the fitted weights could lift the pair to the candidate floor with an
identical name; a row found through the passport or NIK is always kept. Pruning never changes what the
matcher reports (tests/matching/test_candidates.py): a pruned row could not have been matched or listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from checkpoint.matching.evidence import (
    best_case_weights,
    date_levels,
    differing_digits,
    name_rarity_many,
    swapped_dates,
)
from checkpoint.models import Traveller
from checkpoint.names import normalise_name, phonetic_key
from checkpoint.registry import Registry
from checkpoint.registry.gather import lists_at, numpy_view, values_at
from checkpoint.registry.keys import (
    DOCUMENT_KINDS,
    MAX_NAME_BLOCK,
    NAME_KINDS,
    dob_number,
    key_hashes,
    name_signature,
    signature_overlap,
    traveller_keys,
)

#: Share of the shorter name's letter pairs the other must hold to be compared further. Set low: it only
#: has to throw out unrelated names of a date-of-birth block (measured in benchmarks/matching/).
SIGNATURE_FLOOR = 0.5
#: … and for a pair whose dates of birth are one digit apart, which only a near-identical name can make worth
#: showing (see SLIP_NAME_PREFILTER). On the million-record manifest (50,000 travellers) no such pair under
#: 0.7 reached the candidate floor (the highest: confidence 0.03), two between 0.70 and 0.75 did (0.42):
#: 0.6 leaves a margin and keeps ~16 pairs a traveller out of the string comparisons.
SLIP_SIGNATURE_FLOOR = 0.6
#: token_set_ratio (0–100) of the phonetic names below which a pair is not compared further …
NAME_PREFILTER = 60
#: … and for a pair whose dates of birth are one digit apart: a slipped date is evidence *against* (the
#: fitted weight is negative), so only a near-identical name can make such a record worth showing. On the
#: benchmark sets no pair under 80 reached the candidate floor; 75 leaves a margin (benchmarks/matching/).
#: (85 was tried: on the million-record manifest one pair at 80.9 reached the floor, a candidate at 0.35.)
SLIP_NAME_PREFILTER = 75


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


def candidate_pairs(
    registry: Registry, travellers: Sequence[Traveller], floor: float | None = None
) -> dict[int, set[int]]:
    """For each traveller index, the registry rows worth comparing field by field.

    With a `floor` (a weight: the matcher's candidate floor), a pair found without a document is also
    dropped when even an identical name could not lift it there (`evidence.best_case_weights`).
    """
    people, rows, documented = blocked_pairs(registry, travellers)
    pairs: dict[int, set[int]] = defaultdict(set)
    if not len(people):
        return pairs
    keep = documented | _plausible(registry, _batch(travellers), people, rows, documented, floor)
    for person, row in zip(people[keep].tolist(), rows[keep].tolist(), strict=True):
        pairs[person].add(row)
    return pairs


def _plausible(
    registry: Registry,
    batch: _Batch,
    people: np.ndarray,
    rows: np.ndarray,
    documented: np.ndarray,
    floor: float | None = None,
) -> np.ndarray:
    """Which of the pairs found without a document could be the same person: every test must hold, so
    they run cheapest and most selective first."""
    keep = ~documented
    candidates = np.flatnonzero(keep)
    table = registry.table

    def column(name: str, at: np.ndarray, dtype: type[np.generic]) -> np.ndarray:
        return np.asarray(numpy_view(table.column(name), dtype)[rows[at]])  # the mapped column, gathered by numpy

    born = column("_dob_number", candidates, np.int32).astype(np.int64)
    theirs_born = batch.born[people[candidates]]
    close = dates_within_one_slip(theirs_born, born)
    candidates, born, theirs_born = candidates[close], born[close], theirs_born[close]
    overlap = signature_overlap(
        batch.signature_low[people[candidates]],
        batch.signature_high[people[candidates]],
        column("_signature_low", candidates, np.uint64),
        column("_signature_high", candidates, np.uint64),
    )
    slipped = ~(dates_equal_or_swapped(theirs_born, born))
    alike = overlap >= np.where(slipped, SLIP_SIGNATURE_FLOOR, SIGNATURE_FLOOR)
    candidates, born, theirs_born, slipped = candidates[alike], born[alike], theirs_born[alike], slipped[alike]
    if floor is not None and len(candidates):
        reachable = _best_case_weights(registry, rows[candidates], theirs_born, born) >= floor
        reachable |= ~batch.named[people[candidates]]
        candidates, slipped = candidates[reachable], slipped[reachable]
    if len(candidates):
        theirs = [name or "" for name in values_at(table.column("_name_keys"), rows[candidates])]
        people_at = people[candidates].tolist()
        ours, ours_joined = (
            [batch.written[person] for person in people_at],
            [batch.joined[person] for person in people_at],
        )
        likeness = name_prefilter_many(ours, ours_joined, theirs)
        candidates = candidates[likeness >= np.where(slipped, SLIP_NAME_PREFILTER, NAME_PREFILTER)]
    result = np.zeros(len(people), dtype=bool)
    result[candidates] = True
    return result


def _best_case_weights(registry: Registry, rows: np.ndarray, theirs: np.ndarray, born: np.ndarray) -> np.ndarray:
    """The highest weight each pair (dates within one slip, no document shared) could reach."""
    return best_case_weights(date_levels(theirs, born), rarities(registry, rows))


def rarities(registry: Registry, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """`evidence.name_rarity` of these records, from the token counts stored with the snapshot, vectorised."""
    flat, offsets = lists_at(registry.table.column("_token_counts"), rows, np.int32)
    return name_rarity_many(flat, offsets, registry.table.num_rows)


def name_prefilter_many(a: list[str], a_joined: list[str], b: list[str]) -> np.ndarray:
    """A cheap 0–100 likeness of names, pair by pair over equal-length lists (rapidfuzz's C++ loop): shared
    tokens in any order (token_set_ratio), or the same letters run together (NURHAYATI / NUR HAYATI).
    `a_joined` holds the names of `a` run together (worked out once per traveller by the caller)."""
    shared = process.cpdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.float32)
    joined = process.cpdist(a_joined, [y.replace(" ", "") for y in b], scorer=fuzz.ratio, dtype=np.float32)
    return np.asarray(np.maximum(shared, joined))


def dates_equal_or_swapped(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: YYYYMMDD numbers equal, or equal once day and month are exchanged."""
    return np.asarray((a == b) | swapped_dates(a, b), dtype=bool)


def dates_within_one_slip(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: YYYYMMDD numbers equal, one digit apart, or with day and month swapped."""
    return np.asarray((a >= 0) & ((differing_digits(a, b) <= 1) | swapped_dates(a, b)), dtype=bool)


def blocked_pairs(registry: Registry, travellers: Sequence[Traveller]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every distinct (traveller, row) pair sharing a blocking key, as arrays, and which share a document."""
    owners: list[int] = []
    keys: list[str] = []
    for person, traveller in enumerate(travellers):
        found = traveller_keys(traveller.passport_number, traveller.nik, traveller.date_of_birth, traveller.full_name)
        keys += found
        owners += [person] * len(found)
    if not keys or registry.table.num_rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    kinds = np.array([key[0] for key in keys])
    caps = np.where(np.isin(kinds, list(NAME_KINDS)), MAX_NAME_BLOCK, np.iinfo(np.int64).max)
    queries, rows = registry.index.lookup(key_hashes(keys), caps)
    people = np.asarray(owners, dtype=np.int64)[queries]
    documented = np.isin(kinds, list(DOCUMENT_KINDS))[queries]
    width = registry.table.num_rows
    pair = people * width + rows
    # Distinct pairs; a pair is documented when any of its occurrences came from a document key.
    order = np.lexsort((~documented, pair))
    pair, documented = pair[order], documented[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    pair, documented = pair[first], documented[first]
    return pair // width, pair % width, documented
