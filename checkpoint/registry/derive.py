"""The derived columns and the blocking index of a registry table, and the fingerprint of the code that made them.

Normalised names, phonetic keys, name signatures and token counts are computed here once per snapshot
and stored with it, so that screening only looks up and compares. They depend on the name tables and on
this code: a snapshot records the `fingerprint` it was derived with, and one derived by other code is
derived again in memory (with a note) rather than matched with stale keys.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import pyarrow as pa

from checkpoint.names import normalise_name, phonetic_key
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry import keys as keys_module
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.keys import dob_number, name_signature, record_keys
from checkpoint.registry.schema import DERIVED, SCHEMA, SPEC_SCHEMA


@cache
def fingerprint() -> str:
    """A digest of everything derived data depends on: this module, the keys, name normalisation and its tables.

    Not the name *similarity* code: it is used at comparison time only, so changing it keeps snapshots valid.
    """
    digest = hashlib.sha256()
    names = files("checkpoint.names")
    sources = [Path(__file__), Path(keys_module.__file__), Path(str(names.joinpath("normalise.py")))]
    tables = names.joinpath("tables")
    for entry in sorted(tables.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".csv"):
            digest.update(entry.read_bytes())
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def derived_columns(full_names: Sequence[str], births: Sequence[date | None]) -> dict[str, pa.Array]:
    """The derived columns (schema.DERIVED) for records with these names and dates of birth."""
    cache: dict[str, NormalisedName] = {}
    names = []
    for full in full_names:
        name = cache.get(full)
        if name is None:
            name = cache[full] = normalise_name(full)
        names.append(name)
    counts = Counter(token for name in names for token in name.tokens)
    signatures = {}
    phonetic = {}
    for name in cache.values():
        phonetic[name.text] = " ".join(phonetic_key(token) for token in name.tokens)
        signatures[name.text] = name_signature(phonetic[name.text].split())
    columns = {
        "_name_tokens": [name.text for name in names],
        "_father_tokens": [" ".join(name.father) for name in names],
        "_name_keys": [phonetic[name.text] for name in names],
        "_token_counts": [[counts[token] for token in name.tokens] for name in names],
        "_dob_number": [dob_number(born) for born in births],
        "_signature_low": [signatures[name.text][0] for name in names],
        "_signature_high": [signatures[name.text][1] for name in names],
    }
    return {column: pa.array(values, type=DERIVED[column]) for column, values in columns.items()}


def with_derived(table: pa.Table) -> pa.Table:
    """A table holding the SPEC columns, in snapshot schema with the derived columns computed afresh."""
    spec = table.select(SPEC_SCHEMA.names).cast(SPEC_SCHEMA)
    derived = derived_columns(spec.column("full_name").to_pylist(), spec.column("date_of_birth").to_pylist())
    for name, column in derived.items():
        spec = spec.append_column(name, column)
    return spec.cast(SCHEMA)


def blocking_index(table: pa.Table) -> BlockingIndex:
    """The sorted blocking index of a table holding the SPEC columns and `_name_tokens`."""
    columns = [table.column(name).to_pylist() for name in ("passport_number", "nik", "date_of_birth", "_name_tokens")]
    return BlockingIndex.build(
        record_keys(passport, nik, born, (tokens or "").split())
        for passport, nik, born, tokens in zip(*columns, strict=True)
    )
