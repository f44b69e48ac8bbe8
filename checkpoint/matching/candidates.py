"""Candidate generation: which records could be each traveller, found by blocking keys, never by a scan.

Each key type is one vectorised pass over a registry column (`pyarrow.compute.index_in` against the set
of keys in the batch); the union of the key types' hits is the candidate set. Key types: passport number
(OCR-tolerant), NIK, date of birth, date of birth with day and month swapped, and each name token's
phonetic key with the birth year, and with the birth month and day (so one slipped digit anywhere in the
date of birth still finds the record through the name).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from checkpoint.models import Traveller
from checkpoint.names import normalise_name
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


def _hits(column: pa.ChunkedArray, wanted: list[str]) -> Iterable[tuple[int, int]]:
    """(registry row, index into `wanted`) for every row whose key is wanted."""
    if not wanted:
        return []
    value_set = pa.array(wanted, type=pa.string())
    if pa.types.is_list(column.type):
        flat = pc.list_flatten(column)
        parents = pc.list_parent_indices(column)
        found = pc.index_in(flat, value_set=value_set)
        mask = pc.is_valid(found)
        return zip(pc.filter(parents, mask).to_pylist(), pc.filter(found, mask).to_pylist(), strict=True)
    found = pc.index_in(column, value_set=value_set)
    rows = pc.indices_nonzero(pc.is_valid(found))
    return zip(rows.to_pylist(), pc.take(found, rows).to_pylist(), strict=True)


def candidate_pairs(registry: Registry, travellers: Sequence[Traveller]) -> dict[int, set[int]]:
    """For each traveller index, the registry rows sharing at least one blocking key with it."""
    pairs: dict[int, set[int]] = defaultdict(set)
    by_type: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, traveller in enumerate(travellers):
        for key_type, keys in traveller_keys(traveller).items():
            for key in keys:
                by_type[key_type][key].append(index)
    for key_type, owners in by_type.items():
        wanted = list(owners)
        column = registry.table.column(KEY_COLUMNS[key_type])
        # A traveller's date of birth also finds records whose day and month were swapped at entry.
        sources = [column, registry.table.column(KEY_COLUMNS["dob_swap"])] if key_type == "dob" else [column]
        for source in sources:
            for row, position in _hits(source, wanted):
                for traveller_index in owners[wanted[position]]:
                    pairs[traveller_index].add(row)
    return pairs
