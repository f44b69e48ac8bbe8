"""Candidate generation: which records could be each traveller, found by blocking keys, never by a scan.

Each key type is one vectorised pass over a registry column (`pyarrow.compute.index_in` against the set
of keys in the batch); the union of the key types' hits is the candidate set. Key types: passport number
(OCR-tolerant), NIK, date of birth, date of birth with day and month swapped, and each name token's
phonetic key with the birth year, and with the birth month and day (so one slipped digit anywhere in the
date of birth still finds the record through the name).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

from checkpoint.models import Traveller
from checkpoint.names import normalise_name, phonetic_key
from checkpoint.registry import Registry
from checkpoint.registry.prepare import name_day_keys, name_year_keys, swapped_dob_key
from checkpoint.values import document_key

#: Which registry column each traveller key is looked up in.
KEY_COLUMNS = {
    "passport": "_passport_key",
    "nik": "nik",
    "dob": "_dob_key",
    "dob_swap": "_dob_swap_key",
    "name_year": "_name_year_keys",
    "name_day": "_name_day_keys",
}


def traveller_keys(traveller: Traveller) -> dict[str, list[str]]:
    """The blocking keys of one traveller, by key type."""
    keys: dict[str, list[str]] = defaultdict(list)
    if traveller.passport_number:
        keys["passport"].append(document_key(traveller.passport_number))
    if traveller.nik:
        keys["nik"].append(traveller.nik)
    if traveller.date_of_birth:
        born = traveller.date_of_birth
        keys["dob"].append(born.strftime("%Y%m%d"))
        swapped = swapped_dob_key(born)
        if swapped:
            keys["dob"].append(swapped)
        if traveller.full_name:
            tokens = normalise_name(traveller.full_name).tokens
            keys["name_year"] = name_year_keys(tokens, born.year)
            keys["name_day"] = name_day_keys(tokens, born)
    return keys


#: A name key shared by more records than this (SITI|1990 in a large registry) is too common to block
#: on: the traveller is still found through the date of birth and through the rarer tokens of the name.
MAX_NAME_BLOCK = 300
_NAME_KEY_TYPES = ("name_year", "name_day")


def _hits(column: pa.ChunkedArray, wanted: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(registry rows, indexes into `wanted`) of every row whose key is wanted: one vectorised pass."""
    value_set = pa.array(wanted, type=pa.string())
    if pa.types.is_list(column.type):
        found = pc.index_in(pc.list_flatten(column), value_set=value_set)
        mask = pc.is_valid(found)
        rows = pc.filter(pc.list_parent_indices(column), mask)
        return rows.to_numpy().astype(np.int64), pc.filter(found, mask).to_numpy().astype(np.int64)
    found = pc.index_in(column, value_set=value_set)
    rows = pc.indices_nonzero(pc.is_valid(found))
    return rows.to_numpy().astype(np.int64), pc.take(found, rows).to_numpy().astype(np.int64)


def candidate_pairs(registry: Registry, travellers: Sequence[Traveller]) -> dict[int, set[int]]:
    """For each traveller index, the registry rows worth comparing field by field.

    Stage 1 (blocking): rows sharing at least one key with the traveller. Stage 2 (pruning, cheap): a row
    found only through the name or the date of birth is kept when the dates of birth are within one slip
    (equal, day/month swapped, one digit) and the names share enough letters; a row found through the
    passport or NIK is always kept. Pruned rows could never be a match: a different date of birth with no
    document agreeing outweighs any name.
    """
    people, rows, documented = _blocked_pairs(registry, travellers)
    pairs: dict[int, set[int]] = defaultdict(set)
    if not len(people):
        return pairs
    for person, row in zip(people[documented].tolist(), rows[documented].tolist(), strict=True):
        pairs[person].add(row)
    born = np.array([_dob_number(t.date_of_birth) for t in travellers], dtype=np.int64)
    close = ~documented & dates_within_one_slip(born[people], registry.dob_numbers[rows])
    people, rows = people[close], rows[close]
    names = registry.table.column("_name_tokens").take(pa.array(rows)).to_pylist()
    # Compared through phonetic keys, so old and new spellings (DJOKO / JOKO) pass.
    written = [" ".join(normalise_name(t.full_name).keys) if t.full_name else "" for t in travellers]
    for person, row, name in zip(people.tolist(), rows.tolist(), names, strict=True):
        keys = " ".join(phonetic_key(token) for token in (name or "").split())
        if name_prefilter(written[person], keys) >= NAME_PREFILTER:
            pairs[person].add(row)
    return pairs


#: token_set_ratio (0–100) of the normalised names below which a pair is not compared further.
NAME_PREFILTER = 60


def name_prefilter(a: str, b: str) -> float:
    """A cheap 0–100 likeness of two names: shared tokens in any order, or the same letters run together."""
    return max(fuzz.token_set_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))


def _dob_number(born: date | None) -> int:
    return born.year * 10000 + born.month * 100 + born.day if born else -1


def dates_within_one_slip(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: YYYYMMDD numbers equal, one digit apart, or with day and month swapped."""
    differing = np.zeros(len(a), dtype=np.int64)
    for power in range(8):
        differing += (a // 10**power % 10) != (b // 10**power % 10)
    swapped = (a // 10000 == b // 10000) & (a // 100 % 100 == b % 100) & (a % 100 == b // 100 % 100)
    return np.asarray((a >= 0) & ((differing <= 1) | swapped), dtype=bool)


def _blocked_pairs(registry: Registry, travellers: Sequence[Traveller]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every distinct (traveller, row) pair sharing a blocking key, as arrays, and which share a document.

    Kept as numpy arrays throughout: a large manifest blocks millions of pairs before pruning.
    """
    by_type: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, traveller in enumerate(travellers):
        for key_type, keys in traveller_keys(traveller).items():
            for key in keys:
                by_type[key_type][key].append(index)
    found_people: list[np.ndarray] = []
    found_rows: list[np.ndarray] = []
    found_documented: list[np.ndarray] = []
    for key_type, owners in by_type.items():
        wanted = list(owners)
        column = registry.table.column(KEY_COLUMNS[key_type])
        # A traveller's date of birth also finds records whose day and month were swapped at entry.
        sources = [column, registry.table.column(KEY_COLUMNS["dob_swap"])] if key_type == "dob" else [column]
        for source in sources:
            rows, positions = _hits(source, wanted)
            if key_type in _NAME_KEY_TYPES and len(positions):
                sizes = np.bincount(positions, minlength=len(wanted))
                keep = sizes[positions] <= MAX_NAME_BLOCK
                rows, positions = rows[keep], positions[keep]
            people, rows = _expand_owners(owners, wanted, rows, positions)
            found_people.append(people)
            found_rows.append(rows)
            found_documented.append(np.full(len(rows), key_type in ("passport", "nik")))
    if not found_people:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    people = np.concatenate(found_people)
    rows = np.concatenate(found_rows)
    documented = np.concatenate(found_documented)
    pair = people * max(registry.table.num_rows, 1) + rows
    # Distinct pairs; a pair is documented when any of its occurrences came from a document key.
    order = np.lexsort((~documented, pair))
    pair, documented = pair[order], documented[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    pair, documented = pair[first], documented[first]
    width = max(registry.table.num_rows, 1)
    return pair // width, pair % width, documented


def _expand_owners(
    owners: dict[str, list[int]], wanted: list[str], rows: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hits on key positions become (traveller, row) pairs: a key may belong to several travellers."""
    counts = np.array([len(owners[key]) for key in wanted], dtype=np.int64)
    flat = np.fromiter((person for key in wanted for person in owners[key]), dtype=np.int64, count=int(counts.sum()))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    repeat = counts[positions]
    offsets = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return flat[np.repeat(starts[positions], repeat) + offsets], np.repeat(rows, repeat)
