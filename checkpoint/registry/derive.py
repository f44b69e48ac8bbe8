"""The derived columns and the blocking index of a registry table, and the fingerprint of what made them.

Normalised names, phonetic keys (and their ids in the snapshot's vocabulary) and name signatures are computed
here once per snapshot and stored with it, so that screening only looks up and compares. They depend on name
normalisation, its tables and the key definitions: a snapshot records the `fingerprint` it was derived with,
and one derived differently is derived again in memory (with a note) rather than matched with stale keys.

The fingerprint is of *behaviour*, not of source files: the name tables' bytes, `DERIVED_VERSION`, and
what derivation makes of probe records built from every table entry and the hard cases (titles, BIN/BINTI,
Muhammad forms, old spellings, particles, merged names, each slip key). A refactor that changes nothing
keeps snapshots valid; a change to what a record is filed under makes them stale.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import pyarrow as pa

from checkpoint.cachefile import write_cache_file
from checkpoint.names import normalise_name, phonetic_key
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.keys import dob_number, name_signature, record_keys, traveller_keys
from checkpoint.registry.schema import DERIVED, SCHEMA, SPEC_SCHEMA

#: Bump when the stored columns change meaning in a way the probes below cannot see.
DERIVED_VERSION = 3  # 2: token counts by phonetic key, not by spelling; 3: key ids into a vocabulary, not counts

_PROBE_NAMES = (
    "SITI AMINAH BINTI KARSO",
    "H. MOCH. SOEHARTO, S.PD",
    "DJOKO TJAHJONO",
    "NI LUH PUTU SRI ARTINI",
    "NURHAYATI",
    "NUR HAYATI",
    "MUH. RIZKY",
    "ABD. RACHMAN BIN SJARIFUDDIN",
    "WAHYUNI/SRI MRS",
    "FNU/HARYANTI",
    "M FIRMAN",
    "YUSUF",
    "YUSUF YUSUF",
    "SITI AMINAH NURHAYATI RAHMAWATI PUTRIKAR",
    "1WAN 5ETIAWAN",
    "O'NEIL D'SOUZA-PUTRI",
)
_PROBE_DATES = (date(1990, 5, 17), date(2001, 12, 3), date(1985, 2, 1))


#: Name tables that only the similarity reads, at screening time: not part of what a snapshot holds.
SCREENING_ONLY_TABLES = frozenset({"keyboard.csv", "distinct_given.csv"})


@cache
def fingerprint() -> str:
    """A digest of what derivation does: the name tables, DERIVED_VERSION, and its output on probe records.

    Not the name *similarity* code or the index code: they run at screening time only. Working it out
    derives every probe (a cost on every start), and it can only change with the code, so it is kept under
    $CHECKPOINT_HOME/cache keyed by the interpreter and the size and time of the files derivation runs
    (`_DERIVATION_CODE`).
    """
    cached = _fingerprint_cache()
    try:
        found = cached.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        found = ""
    if len(found) == 16 and all(char in "0123456789abcdef" for char in found):
        return found
    value = _fingerprint()
    write_cache_file(cached, value)
    return value


#: What derivation runs: these folders and files of the package (their size and time key the cache).
_DERIVATION_CODE = ("names", "names/tables", "registry", "values.py")


def _fingerprint_cache() -> Path:
    from checkpoint.home import derived_cache_dir

    package = Path(__file__).resolve().parents[1]
    code = hashlib.sha256(sys.version.encode())
    for part in _DERIVATION_CODE:
        place = package / part
        entries = sorted(os.scandir(place), key=lambda entry: entry.name) if place.is_dir() else [place]
        for entry in entries:
            if entry.name.endswith((".py", ".csv")):
                stat = entry.stat()
                code.update(f"{part}/{entry.name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return derived_cache_dir() / f"fingerprint-{code.hexdigest()[:32]}.txt"


def _fingerprint() -> str:
    digest = hashlib.sha256(f"derived-{DERIVED_VERSION}".encode())
    tables = files("checkpoint.names").joinpath("tables")
    probes = list(_PROBE_NAMES)
    for entry in sorted(tables.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".csv") and entry.name not in SCREENING_ONLY_TABLES:
            digest.update(entry.read_bytes())
            rows = csv.reader(io.StringIO(entry.read_text(encoding="utf-8")))
            probes += [f"SITI {row[0]} AMINAH" for row in list(rows)[1:] if row]
    births = [_PROBE_DATES[index % len(_PROBE_DATES)] for index in range(len(probes))]
    columns = derived_values(probes, births)
    for name in sorted(columns):
        digest.update(repr(columns[name]).encode())
    for probe, born, tokens in zip(probes, births, columns["_name_tokens"], strict=True):
        digest.update(repr(record_keys("B1234567", "3201011705900001", born, str(tokens).split())).encode())
        digest.update(repr(traveller_keys("B1O34567", None, born, probe)).encode())
    return digest.hexdigest()[:16]


def derived_columns(full_names: Sequence[str], births: Sequence[date | None]) -> dict[str, pa.Array]:
    """The derived columns (schema.DERIVED) for records with these names and dates of birth."""
    values = derived_values(full_names, births)
    return {column: pa.array(values[column], type=DERIVED[column]) for column in DERIVED}


def derived_values(full_names: Sequence[str], births: Sequence[date | None]) -> dict[str, list[object]]:
    """The derived columns as Python lists (what `derived_columns` stores)."""
    cache: dict[str, NormalisedName] = {}
    names = []
    for full in full_names:
        name = cache.get(full)
        if name is None:
            name = cache[full] = normalise_name(full)
        names.append(name)
    signatures = {}
    phonetic = {}
    for name in cache.values():
        phonetic[name.text] = " ".join(phonetic_key(token) for token in name.tokens)
        signatures[name.text] = name_signature(phonetic[name.text].split())
    # A token's rarity counts every spelling that compares equal to it (MOCHAMAD with MUHAMMAD, AISJAH with
    # AISYAH): the records a traveller's name would agree with, not those written the same way.
    keys = [phonetic[name.text].split() for name in names]
    vocabulary: dict[str, int] = {}  # the keys in the order first seen (as `batch.TokenCounts` numbers them)
    return {
        "_name_tokens": [name.text for name in names],
        "_father_tokens": [" ".join(name.father) for name in names],
        "_name_keys": [phonetic[name.text] for name in names],
        "_key_ids": [[vocabulary.setdefault(key, len(vocabulary)) for key in record] for record in keys],
        "_dob_number": [dob_number(born) for born in births],
        "_signature_low": [signatures[name.text][0] for name in names],
        "_signature_high": [signatures[name.text][1] for name in names],
    }


def with_derived(table: pa.Table) -> pa.Table:
    """A table holding the SPEC columns, in snapshot schema with the derived columns computed afresh."""
    spec = table.select(SPEC_SCHEMA.names).cast(SPEC_SCHEMA)
    derived = derived_columns(spec.column("full_name").to_pylist(), spec.column("date_of_birth").to_pylist())
    for name, column in derived.items():
        spec = spec.append_column(name, column)
    return spec.cast(SCHEMA)


def blocking_index(table: pa.Table) -> BlockingIndex:
    """The sorted blocking index of a table holding the SPEC columns and `_name_tokens`."""

    def keys() -> Iterator[list[str]]:  # a slice of rows at a time: no column of a million Python objects
        needed = table.select(["passport_number", "nik", "date_of_birth", "_name_tokens"])
        for batch in needed.to_batches(max_chunksize=100_000):
            columns = [column.to_pylist() for column in batch.columns]
            for passport, nik, born, tokens in zip(*columns, strict=True):
                yield record_keys(passport, nik, born, (tokens or "").split())

    return BlockingIndex.build(keys())
