"""The derived columns and blocking keys of a batch of records, worked out per distinct value and by numpy.

What `derive.derived_values` and `keys.record_keys` do one record at a time is done here for a batch of
records: the name parts (normalised name, phonetic keys, signature, initials) are worked out once per
distinct name and the date parts once per distinct date of birth, then spread over the rows by Arrow `take`
and numpy. Both give the same columns and the same keys (`tests/registry/test_registry_streaming.py` holds
them equal); `derive.py` stays the definition, this module the fast path of an import.

Key hashes are 64-bit FNV-1a over the key's UTF-8 bytes (`keys.key_hashes`), which has no finishing step: the
hash of `S{token}|` is the state from which the hash of `S{token}|1990_517` continues over the date's bytes,
so each row's keys cost a few vectorised multiplications.

How many records carry each name key counts every record of the registry, not of a batch: `TokenCounts` adds up
the batches' name keys, numbers them (the snapshot's vocabulary, `vocabulary.py`) and fills `_key_ids` once all
are read.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checkpoint.names import normalise_name, phonetic_key
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry.keys import (
    SLIP_POSITIONS,
    initials,
    key_hashes,
    name_signature,
    skeleton_of,
    swapped_dob,
)
from checkpoint.registry.schema import DERIVED, SCHEMA
from checkpoint.registry.vocabulary import KeyCounts

_PRIME = np.uint64(0x100000001B3)
_BLANK = ord("_")
_EPOCH = date(1970, 1, 1)


class _NameParts(NamedTuple):
    """What a distinct full name gives: the derived columns' values and the states its keys continue from."""

    text: str
    father: str
    phonetic: str
    low: int
    high: int
    initials: str  # the distinct first letters of its tokens, sounded and written, in order (`keys.initials`)
    slip_states: tuple[int, ...]  # state after `S{key}|` for each distinct phonetic key of a token of 2+ letters
    joined_state: int | None  # state after `J{whole name's key}|`, when it has 2+ letters
    skeleton_state: int | None  # state after `K{the name's skeleton}|`, when it has one (`keys.name_skeleton`)


@dataclass
class NameCache:
    """Name parts by full name, kept across the batches of one import (names repeat across a registry);
    emptied when it grows past `limit` names, so that it never holds more than a few hundred bytes times that
    (a million-record registry has ~200,000 distinct names: each is worked out once)."""

    limit: int = 300_000
    parts: dict[str, _NameParts] = field(default_factory=dict)

    def get(self, full_names: list[str]) -> list[_NameParts]:
        if len(self.parts) > self.limit:
            self.parts.clear()
        new = [full for full in dict.fromkeys(full_names) if full not in self.parts]
        self.parts.update(zip(new, _name_parts(new), strict=True))
        return [self.parts[full] for full in full_names]


def _name_parts(full_names: list[str]) -> list[_NameParts]:
    """The parts of these names, their keys' prefixes hashed together.

    What `derive.derived_values` and `keys.record_keys` make of a name, with each token's phonetic key worked
    out once. The names and whole-name keys of an import are worked out without their functions' caches: each
    comes once, and would only push out of them the tokens and the travellers' names that come again."""
    normalise, whole_key = normalise_name.__wrapped__, phonetic_key.__wrapped__
    found: list[tuple[NormalisedName, str, str, int, int, bool, bool]] = []
    prefixes: list[str] = []
    for full in full_names:
        name = normalise(full)
        keys = [phonetic_key(token) for token in name.tokens]
        phonetic = " ".join(keys)
        # As `record_keys` reads the stored `_name_tokens` back: split on whitespace.
        tokens = " ".join(name.tokens).split()
        if tokens != list(name.tokens):
            keys = [phonetic_key(token) for token in tokens]
        slips = sorted({key for key, token in zip(keys, tokens, strict=True) if len(token) > 1})
        joined = whole_key("".join(tokens)) if tokens else ""
        joins = [f"J{joined}|"] if len(joined) > 1 else []
        skeleton = skeleton_of(joined) if tokens else ""
        skeletons = [f"K{skeleton}|"] if skeleton else []
        starts = "".join(initials(tokens))
        found.append((name, phonetic, starts, len(prefixes), len(slips), bool(joins), bool(skeletons)))
        prefixes += [f"S{key}|" for key in slips]
        prefixes += joins
        prefixes += skeletons
    states = key_hashes(prefixes).tolist() if prefixes else []
    parts = []
    for name, phonetic, starts, start, slip_count, has_joined, has_skeleton in found:
        low, high = name_signature(phonetic.split())
        parts.append(
            _NameParts(
                text=" ".join(name.tokens),
                father=" ".join(name.father),
                phonetic=phonetic,
                low=low,
                high=high,
                initials=starts,
                slip_states=tuple(states[start : start + slip_count]),
                joined_state=states[start + slip_count] if has_joined else None,
                skeleton_state=states[start + slip_count + has_joined] if has_skeleton else None,
            )
        )
    return parts


def derive_batch(spec: pa.Table, names: NameCache, counts: TokenCounts) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """A batch of prepared records (SPEC columns, every row with a name and a date of birth) in snapshot
    schema, `_key_ids` left empty for `TokenCounts.fill`; and the hashes of every key each row is filed
    under with the row's position in the batch (in row order; not unique)."""
    encoded = pc.dictionary_encode(spec.column("full_name").combine_chunks())
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    parts = _Columns(names.get(encoded.dictionary.to_pylist()))
    counts.add(list(parts.phonetic), np.bincount(indices, minlength=len(parts.text)))
    take = pa.array(indices)

    def spread(values: Sequence[object], kind: pa.DataType) -> pa.Array:
        return pa.array(values, type=kind).take(take)

    days = np.asarray(spec.column("date_of_birth").combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False))
    births = _Births(days)
    columns = {
        "_name_tokens": spread(parts.text, pa.string()),
        "_father_tokens": spread(parts.father, pa.string()),
        "_name_keys": spread(parts.phonetic, pa.string()),
        "_key_ids": pa.nulls(spec.num_rows, DERIVED["_key_ids"]),
        "_dob_number": pa.array(births.numbers[births.inverse], type=pa.int32()),
        "_signature_low": spread(parts.low, pa.uint64()),
        "_signature_high": spread(parts.high, pa.uint64()),
    }
    table = spec
    for name, column in columns.items():
        table = table.append_column(name, column)
    hashes, rows = _key_hashes(spec, parts, indices, births)
    # In row order (a radix sort when rows fit 16 bits): a stable sort by hash then sorts by hash and row.
    order = np.argsort(rows.astype(np.uint16) if spec.num_rows <= 1 << 16 else rows, kind="stable")
    hashes, rows = hashes[order], rows[order]
    return table.cast(SCHEMA), hashes, rows


class _Columns:
    """The parts of a batch's distinct names, a field at a time (one transposition, not a pass a field)."""

    def __init__(self, parts: list[_NameParts]) -> None:
        columns = list(zip(*parts, strict=True)) if parts else [()] * len(_NameParts._fields)
        self.text: tuple[str, ...] = columns[0]
        self.father: tuple[str, ...] = columns[1]
        self.phonetic: tuple[str, ...] = columns[2]
        self.low: tuple[int, ...] = columns[3]
        self.high: tuple[int, ...] = columns[4]
        self.initials: tuple[str, ...] = columns[5]
        self.slip_states: tuple[tuple[int, ...], ...] = columns[6]
        self.joined_state: tuple[int | None, ...] = columns[7]
        self.skeleton_state: tuple[int | None, ...] = columns[8]


def _optional(states: Sequence[int | None]) -> tuple[np.ndarray, np.ndarray]:
    """Which names have a state, and the states (0 where none)."""
    present = np.fromiter((state is not None for state in states), dtype=bool, count=len(states))
    values = np.fromiter((state or 0 for state in states), dtype=np.uint64, count=len(states))
    return present, values


class _Births:
    """The distinct dates of birth of a batch (days since 1970) and what keys need of each."""

    def __init__(self, days: np.ndarray) -> None:
        distinct, self.inverse = np.unique(days, return_inverse=True)
        born = [_EPOCH.fromordinal(_EPOCH.toordinal() + int(day)) for day in distinct.tolist()]
        written = [f"{day:%Y%m%d}" for day in born]
        swapped = [swapped_dob(day) for day in born]
        self.numbers = np.array([int(text) for text in written], dtype=np.int32)
        self.digits = np.frombuffer("".join(written).encode("ascii"), dtype=np.uint8).reshape(-1, 8)
        self.date_states = key_hashes([f"D{text}|" for text in written])
        self.has_swap = np.array([text is not None for text in swapped], dtype=bool)
        self.swap_states = key_hashes([f"D{text}|" for text in swapped if text is not None])
        self.swap_at = np.cumsum(self.has_swap) - 1  # position in swap_states of each date that has one


def _continue(states: np.ndarray, data: np.ndarray) -> np.ndarray:
    """FNV-1a states continued over the bytes in each row of `data` (rows × bytes, every row as long)."""
    hashes = states.astype(np.uint64, copy=True)
    for column in range(data.shape[1]):
        hashes = (hashes ^ data[:, column].astype(np.uint64)) * _PRIME
    return hashes


def _slipped(states: np.ndarray, digits: np.ndarray) -> list[np.ndarray]:
    """FNV-1a states continued over each row's 8 date digits with one slip position blanked, for each of
    `SLIP_POSITIONS` in turn: the digits before the blank are hashed once for every position."""
    columns = digits.astype(np.uint64).T
    before = [states.astype(np.uint64, copy=True)]  # before[n]: the states after the first n digits
    for column in columns[: max(SLIP_POSITIONS)]:
        before.append((before[-1] ^ column) * _PRIME)
    found = []
    for position in SLIP_POSITIONS:
        hashes = (before[position] ^ np.uint64(_BLANK)) * _PRIME
        for column in columns[position + 1 :]:
            hashes = (hashes ^ column) * _PRIME
        found.append(hashes)
    return found


@cache
def _document_table() -> np.ndarray:
    """`document_key` of each ASCII byte, as a table of bytes."""
    from checkpoint.values import document_key

    return np.frombuffer(document_key("".join(map(chr, range(128)))).encode("ascii"), dtype=np.uint8)


def _document_keys(numbers: pa.Array) -> pa.Array:
    """`document_key` of each passport number (ASCII letters and digits, as `document_number` leaves them),
    byte by byte through a table; any other number through `document_key` itself."""
    numbers = numbers.cast(pa.string())
    _, offsets, data = numbers.buffers()
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    if (raw >= 128).any():
        from checkpoint.values import document_key

        return pa.array([document_key(number) for number in numbers.to_pylist()], type=pa.string())
    keyed = pa.py_buffer(_document_table()[raw].tobytes())
    return pa.Array.from_buffers(pa.string(), len(numbers), [None, offsets, keyed], offset=numbers.offset)


def _ragged(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For lists of these lengths: the list of every element, and its position in its list."""
    owner = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    return owner, np.arange(int(lengths.sum())) - starts[owner]


def _key_hashes(spec: pa.Table, parts: _Columns, names: np.ndarray, births: _Births) -> tuple[np.ndarray, np.ndarray]:
    """The hashes of every key of `keys.record_keys` for each row, with the row's position in the batch."""
    hashes: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    # P and N: the documents.
    passports = spec.column("passport_number").combine_chunks()
    present = np.flatnonzero(np.asarray(passports.is_valid().to_numpy(zero_copy_only=False)))
    if len(present):
        hashes.append(key_hashes(pc.binary_join_element_wise("P", _document_keys(passports.take(present)), "")))
        rows.append(present)
    nik = spec.column("nik").combine_chunks()
    present = np.flatnonzero(np.asarray(nik.is_valid().to_numpy(zero_copy_only=False)))
    if len(present):
        hashes.append(key_hashes(pc.binary_join_element_wise("N", nik.take(pa.array(present)), "")))
        rows.append(present)
    date_of = births.inverse
    # D: the date of birth (and its swap) with each initial.
    lengths = np.fromiter(map(len, parts.initials), dtype=np.int64, count=len(parts.initials))
    points = np.frombuffer("".join(parts.initials).encode("utf-32-le"), dtype=np.uint32)
    distinct, flat = np.unique(points, return_inverse=True)  # in code point order: as `sorted` orders letters
    initial_chars = [chr(point) for point in distinct.tolist()]
    offsets = np.cumsum(lengths) - lengths
    row_of, nth = _ragged(lengths[names])
    initial_of = flat[offsets[names][row_of] + nth]
    main_states = births.date_states[date_of[row_of]]
    swapped = births.has_swap[date_of[row_of]]
    swap_rows, swap_initials = row_of[swapped], initial_of[swapped]
    swap_states = births.swap_states[births.swap_at[date_of[swap_rows]]]
    for number, initial in enumerate(initial_chars):
        data = np.frombuffer(initial.encode("utf-8"), dtype=np.uint8)
        for states, owners, chosen in (
            (main_states, row_of, initial_of == number),
            (swap_states, swap_rows, swap_initials == number),
        ):
            count = int(chosen.sum())
            hashes.append(_continue(states[chosen], np.broadcast_to(data, (count, len(data)))))
            rows.append(owners[chosen])
    # S: each name key with the date of birth, one slip position blanked at a time.
    slip_lengths = np.fromiter(map(len, parts.slip_states), dtype=np.int64, count=len(parts.slip_states))
    slip_flat = np.fromiter(itertools.chain.from_iterable(parts.slip_states), dtype=np.uint64)
    slip_offsets = np.cumsum(slip_lengths) - slip_lengths
    row_of, nth = _ragged(slip_lengths[names])
    states = slip_flat[slip_offsets[names][row_of] + nth]
    for found in _slipped(states, births.digits[date_of[row_of]]):
        hashes.append(found)
        rows.append(row_of)
    # J: the whole name's key with the year of birth.
    joined, joined_states = _optional(parts.joined_state)
    having = np.flatnonzero(joined[names])
    hashes.append(_continue(joined_states[names[having]], births.digits[date_of[having]][:, :4]))
    rows.append(having)
    # K: the name's skeleton with the date of birth, one slip position blanked at a time.
    skeletal, skeleton_states = _optional(parts.skeleton_state)
    having = np.flatnonzero(skeletal[names])
    for found in _slipped(skeleton_states[names[having]], births.digits[date_of[having]]):
        hashes.append(found)
        rows.append(having)
    return np.concatenate(hashes), np.concatenate(rows).astype(np.uint32)


class TokenCounts:
    """How many records carry each phonetic name key, over every batch of an import (`vocabulary.py`)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, phonetic_names: list[str], records: np.ndarray) -> None:
        """Count the keys of these distinct names, each carried by so many records."""
        for name, count in zip(phonetic_names, records.tolist(), strict=True):
            if count:
                for key in name.split():
                    self.counts[key] += count

    def fill(self, table: pa.Table) -> pa.Table:
        """The table with `_key_ids` worked out from its `_name_keys`: each key's id is its place in the
        vocabulary (`vocabulary`: the keys in the order first counted)."""
        offsets, flat = key_lists(table.column("_name_keys"))
        keys = pa.array(list(self.counts), type=pa.string())
        ids = pc.index_in(flat, value_set=keys) if len(flat) else pa.array([], type=pa.int32())
        column = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), ids.cast(pa.int32()))
        return table.set_column(table.schema.get_field_index("_key_ids"), "_key_ids", column)

    def vocabulary(self) -> KeyCounts:
        """The keys counted, in the order first counted (the ids `fill` gives), and their counts."""
        keys = pa.array(list(self.counts), type=pa.string())
        return KeyCounts(keys, np.fromiter(self.counts.values(), dtype=np.int32, count=len(self.counts)))


def key_lists(name_keys: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each record's name keys as Arrow's list layout: offsets (one more than records) and the keys in a row,
    as `str.split` gives them (no key for an empty name)."""
    if isinstance(name_keys, pa.ChunkedArray):
        name_keys = name_keys.combine_chunks() if name_keys.num_chunks else pa.array([], type=pa.string())
    split = pc.utf8_split_whitespace(name_keys.fill_null(""))
    lengths = np.asarray(pc.list_value_length(split).to_numpy(zero_copy_only=False), dtype=np.int64)
    empty = np.asarray(pc.equal(name_keys.fill_null(""), "").to_numpy(zero_copy_only=False), dtype=bool)
    flat = pc.list_flatten(split)
    if empty.any():
        flat = flat.filter(pc.not_equal(flat, ""))
        lengths[empty] = 0
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets, flat
