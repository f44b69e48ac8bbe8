"""Blocking keys: what a record is filed under and what a traveller is looked up by (index: `index.py`).

A record is filed under several keys, each a short text with a one-letter kind:

    P  passport number, OCR-tolerant (`document_key`)        N  NIK
    D  date of birth YYYYMMDD (and its day/month swap) + the first letter of a name token, as its phonetic
       key begins and as it is written: finds the record whose name shares no token with the traveller's
       (NURHAYATI / NUR HAYATI, a mistyped mononym: EEUIS / EUIS) but still begins a word alike; a
       million-record registry has ~70 people per birth date, a few per date and initial
    S  a name token's phonetic key + the date of birth with one digit blanked, once for each of the six
       digits a keying slip plausibly hits (year tens and units, both month and both day digits): two
       dates one digit apart share exactly one such key, so a record whose date of birth slipped is
       found through any name token both sides share, in a block of a few records.
    J  the whole name's phonetic key run together + the year of birth: finds a space-stripped or split
       name (airline systems write DEDIKURNIAWAN; AULIASAPUTRI / AULIA SAPUTRI) that shares no token with
       the record, when its day or month slipped too (the D keys need the exact or swapped date).
    K  the consonants of the whole name's phonetic key run together (its skeleton: SUPRIYONO and
       SUPRIYONA, SLAMET and SALMET, MOHAMADSAPUTRA and MUHAMMAD SAPUTRA are all alike) + the date of
       birth with one digit blanked, as the S keys: finds a name that shares no token with its record
       (a vowel changed, two letters swapped, words run together) when the date slipped too, so that
       the record can at least be shown as a near miss.

A traveller is looked up under the same keys (`traveller_keys`; `Registry.look_up` finds the rows); a name
searched by hand without a date of birth, under its J key for every plausible year (`whole_name_keys`). Keys are
hashed to 64 bits (FNV-1a over UTF-8) and the index is two parallel arrays sorted by hash: (hash, record
row). Looking up a manifest is one `searchsorted` per key, never a pass over the registry. A hash collision
can only add a candidate, which field comparison then rejects. A new kind of key is added here: in
`record_keys` and `traveller_keys`, and in this list.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

import numpy as np
import pyarrow as pa

from checkpoint.names import normalise_name, phonetic_key
from checkpoint.values import document_key

#: Kinds of key that name a document: a record found through one is always compared.
DOCUMENT_KINDS = frozenset("PN")
#: Kinds of key built from a name token: a block larger than the matching model's cap (`name_block_cap`) is
#: too common to be worth comparing; the traveller is still found through the date of birth and the rarer
#: tokens.
NAME_KINDS = frozenset("SJK")

_DOUBLED = re.compile(r"(.)\1+")
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def key_hashes(keys: Sequence[str] | pa.Array) -> np.ndarray:
    """64-bit FNV-1a hashes of the keys' UTF-8 bytes, vectorised (one pass per character position)."""
    if isinstance(keys, pa.Array):
        array = keys.cast(pa.string()) if keys.type != pa.string() else keys
        _, offsets_buffer, data_buffer = array.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[array.offset : array.offset + len(array) + 1]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
        starts, lengths = offsets[:-1].astype(np.int64), np.diff(offsets).astype(np.int64)
    else:  # plain bytes, not `pa.array(list)`: pyarrow imports pandas to inspect a list
        encoded = [key.encode("utf-8") for key in keys]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        starts = np.cumsum(lengths) - lengths
    count = len(lengths)
    hashes = np.full(count, _FNV_OFFSET, dtype=np.uint64)
    active = np.arange(count)
    for position in range(int(lengths.max(initial=0))):
        active = active[lengths[active] > position]
        mixed = hashes[active] ^ data[starts[active] + position].astype(np.uint64)
        hashes[active] = mixed * _FNV_PRIME
    return hashes


def dob_number(born: date | None) -> int:
    """A date as the integer YYYYMMDD (-1 when missing), for vectorised comparisons."""
    return born.year * 10000 + born.month * 100 + born.day if born else -1


def swapped_dob(born: date) -> str | None:
    """The date with day and month exchanged (a common keying error) as YYYYMMDD, when that is another date."""
    if born.day > 12 or born.day == born.month:
        return None
    return f"{born.year:04d}{born.day:02d}{born.month:02d}"


#: Positions in YYYYMMDD a slip is keyed for: not the millennium or century digit (1990 -> 2990, 1090).
SLIP_POSITIONS = (2, 3, 4, 5, 6, 7)


def name_keys(tokens: Iterable[str], born: date | None) -> list[str]:
    """The S keys of a name: each token's phonetic key with the birth date, one slip position blanked."""
    if born is None:
        return []
    phonetic = sorted({phonetic_key(token) for token in tokens if len(token) > 1})
    digits = f"{born:%Y%m%d}"
    blanked = [f"{digits[:position]}_{digits[position + 1 :]}" for position in SLIP_POSITIONS]
    return [f"S{key}|{date_key}" for key in phonetic for date_key in blanked]


def record_keys(passport: str | None, nik: str | None, born: date | None, name_tokens: Iterable[str]) -> list[str]:
    """Every key one record is filed under (a traveller with the same fields is looked up under the same)."""
    keys = _document_keys(passport, nik)
    if born is not None:
        tokens = list(name_tokens)
        dates = [f"{born:%Y%m%d}"] + ([swapped] if (swapped := swapped_dob(born)) else [])
        keys += [f"D{day}|{initial}" for day in dates for initial in initials(tokens)]
        keys += name_keys(tokens, born) + joined_keys(tokens, born) + skeleton_keys(tokens, born)
    return keys


_VOWELS = str.maketrans("", "", "AEIOUY")
#: Consonants a skeleton needs to be worth a key: fewer (ANI, EKO, ENOK) would file unrelated names together;
#: three (MARYATI, DIAN RAHAYU, LALU SALEH) keep a block of a few records with the date one digit blanked.
SKELETON_LENGTH = 3


def name_skeleton(tokens: Sequence[str]) -> str:
    """The consonants of the whole name's phonetic key run together, doubles merged; "" when shorter than
    SKELETON_LENGTH (too common to file a name under)."""
    return skeleton_of(phonetic_key("".join(tokens))) if tokens else ""


def skeleton_of(joined_key: str) -> str:
    """The skeleton of a whole name's phonetic key run together (`name_skeleton`, from the key)."""
    skeleton = _DOUBLED.sub(r"\1", joined_key.translate(_VOWELS))
    return skeleton if len(skeleton) >= SKELETON_LENGTH else ""


def skeleton_keys(tokens: Sequence[str], born: date) -> list[str]:
    """The K keys: the name's skeleton (`name_skeleton`) with the birth date, one slip position blanked."""
    skeleton = name_skeleton(tokens)
    if not skeleton:
        return []
    digits = f"{born:%Y%m%d}"
    return [f"K{skeleton}|{digits[:position]}_{digits[position + 1 :]}" for position in SLIP_POSITIONS]


def joined_keys(tokens: Sequence[str], born: date) -> list[str]:
    """The J key: the phonetic key of the whole name written as one word, with the year of birth."""
    joined = phonetic_key("".join(tokens)) if tokens else ""
    return [f"J{joined}|{born.year:04d}"] if len(joined) > 1 else []


def whole_name_keys(full_name: str, years: Iterable[int]) -> list[str]:
    """The J key of a name for each of these years of birth: how a name is looked up when no date of birth is
    known (`registry search` by hand; screening never does), finding the records whose whole name sounds the same."""
    tokens = normalise_name(full_name).tokens
    return [key for year in years for key in joined_keys(tokens, date(year, 1, 1))]


def _document_keys(passport: str | None, nik: str | None) -> list[str]:
    """The P and N keys: the same for a record and a traveller."""
    return ([f"P{document_key(passport)}"] if passport else []) + ([f"N{nik}"] if nik else [])


def initials(tokens: Iterable[str]) -> list[str]:
    """The distinct first letters of the tokens' phonetic keys (DJOKO and JOKO both begin with Y) and of the
    tokens as written: a slip in a name's first letters can change its sound's (EEUIS sounds I, EUIS E)."""
    return sorted({letter for token in tokens if token for letter in (phonetic_key(token)[0], token[0])})


def traveller_keys(passport: str | None, nik: str | None, born: date | None, full_name: str | None) -> list[str]:
    """The keys to look a traveller up under.

    The date of birth is looked up as written only: a record is filed under its own date and its swap,
    so a swapped entry on either side is found.
    """
    keys = _document_keys(passport, nik)
    if born is not None and full_name:
        tokens = normalise_name(full_name).tokens
        keys += [f"D{born:%Y%m%d}|{initial}" for initial in initials(tokens)]
        keys += name_keys(tokens, born) + joined_keys(tokens, born) + skeleton_keys(tokens, born)
    return keys


def name_signature(phonetic_tokens: Iterable[str]) -> tuple[int, int]:
    """A 128-bit set of the letter pairs of a name's phonetic keys (each token prefixed by a start mark).

    Two spellings of one name share most pairs whatever the token order, merging or truncation; two
    different names share few. Compared with `signature_overlap`, vectorised over millions of pairs, it
    discards the bulk of a date-of-birth block before any string comparison.
    """
    bits = 0
    for token in phonetic_tokens:
        bits |= _pair_bits(token)
    return bits & 0xFFFFFFFFFFFFFFFF, bits >> 64


@lru_cache(maxsize=100_000)
def _pair_bits(token: str) -> int:
    """The signature bits of one phonetic token (a registry's names share a few tens of thousands of tokens)."""
    bits = 0
    for first, second in itertools.pairwise("^" + token):
        bits |= 1 << (((ord(first) << 8 | ord(second)) * 2654435761 >> 11) & 127)
    return bits


def signature_overlap(a_low: np.ndarray, a_high: np.ndarray, b_low: np.ndarray, b_high: np.ndarray) -> np.ndarray:
    """Element-wise share of the smaller signature's letter pairs found in the other (0 when either is empty)."""
    shared = np.bitwise_count(a_low & b_low).astype(np.int32) + np.bitwise_count(a_high & b_high)
    a_size = np.bitwise_count(a_low).astype(np.int32) + np.bitwise_count(a_high)
    b_size = np.bitwise_count(b_low).astype(np.int32) + np.bitwise_count(b_high)
    smaller = np.minimum(a_size, b_size)
    return np.where(smaller > 0, shared / np.maximum(smaller, 1), 0.0)
