"""Field comparisons: the outcome of each field (date of birth, sex, passport, NIK) for many pairs at once.

An outcome is a code into the field's levels (`LEVELS`); the model (`model.py`) gives each level its weight.
Values are read once per traveller and per record, then every pair is compared as numpy codes: dates as
YYYYMMDD numbers (exact, day/month swapped, one keying slip, different, missing), texts as small integer ids
(documents also through their OCR-tolerant key: `values.document_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from checkpoint.models import Traveller
from checkpoint.names import normalise_name
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry import Registry
from checkpoint.registry.keys import dob_number
from checkpoint.values import document_key

#: The outcomes of each field, in the order of the codes `field_outcomes` gives them.
DATE_LEVELS = ("exact", "swapped", "one_digit", "different", "missing")
SEX_LEVELS = ("agree", "disagree", "missing")
DOCUMENT_LEVELS = ("exact", "ocr", "different", "missing")
NIK_LEVELS = ("exact", "different", "missing")
#: Every compared field (as `match.fields` names it) and its levels.
LEVELS = {
    "passport_number": DOCUMENT_LEVELS,
    "nik": NIK_LEVELS,
    "date_of_birth": DATE_LEVELS,
    "sex": SEX_LEVELS,
}

_NO_NAME = NormalisedName((), ())


@dataclass(frozen=True)
class ComparedFields:
    """The fields compared besides the name, one entry per traveller or per record."""

    born: np.ndarray  # YYYYMMDD, -1 when missing
    sex: Sequence[str | None]
    passport_number: Sequence[str | None]
    nik: Sequence[str | None]


def traveller_fields(travellers: Sequence[Traveller]) -> ComparedFields:
    """The travellers' compared fields."""
    return ComparedFields(
        born=np.array([dob_number(t.date_of_birth) for t in travellers], dtype=np.int64),
        sex=[t.sex for t in travellers],
        passport_number=[t.passport_number for t in travellers],
        nik=[t.nik for t in travellers],
    )


def record_fields(registry: Registry, rows: Sequence[int] | np.ndarray) -> ComparedFields:
    """The compared fields of these registry rows, read column by column."""
    return ComparedFields(
        born=registry.birth_numbers(rows),
        sex=registry.values("sex", rows),
        passport_number=registry.values("passport_number", rows),
        nik=registry.values("nik", rows),
    )


@dataclass(frozen=True)
class FieldOutcomes:
    """Every outcome but the name's for many pairs: one code per pair and field, into the field's `LEVELS`."""

    date_of_birth: np.ndarray
    sex: np.ndarray
    passport_number: np.ndarray
    nik: np.ndarray

    def at(self, pairs: np.ndarray) -> FieldOutcomes:
        """The outcomes of these pairs only."""
        return FieldOutcomes(self.date_of_birth[pairs], self.sex[pairs], self.passport_number[pairs], self.nik[pairs])

    def evidence(self, at: int, name: float | None) -> Evidence:
        """The `Evidence` of pair `at`, with its name similarity (None: no name was compared)."""
        return Evidence(
            name=name,
            date_of_birth=DATE_LEVELS[self.date_of_birth[at]],
            sex=SEX_LEVELS[self.sex[at]],
            passport_number=DOCUMENT_LEVELS[self.passport_number[at]],
            nik=NIK_LEVELS[self.nik[at]],
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """The outcomes of one traveller compared with one record, as a match shows them (SPEC §5 `fields`)."""

    name: float | None
    date_of_birth: str
    sex: str
    passport_number: str
    nik: str

    @property
    def method(self) -> str:
        """What the match rests on: the NIK, the passport, or the name and date of birth."""
        if self.nik == "exact":
            return "nik"
        if self.passport_number in ("exact", "ocr"):
            return "passport"
        return "name_dob"

    def fields(self) -> dict[str, float | str]:
        return {
            "name": "missing" if self.name is None else round(self.name, 3),
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "passport_number": self.passport_number,
            "nik": self.nik,
        }


def field_outcomes(
    ours: ComparedFields, theirs: ComparedFields, people: np.ndarray, places: np.ndarray
) -> FieldOutcomes:
    """The field outcomes of every pair (ours[people[i]], theirs[places[i]]): each text gets one id, shared
    by both sides, then the pairs are compared as numpy codes."""
    texts: dict[str, dict[str, int]] = {"sex": {}, "nik": {}, "passport": {}, "key": {}}

    def ids(values: Iterable[str | None], table: str) -> np.ndarray:
        known = texts[table]
        return np.array([known.setdefault(value, len(known)) if value else -1 for value in values], dtype=np.int64)

    def keys(values: Iterable[str | None]) -> np.ndarray:
        return ids((document_key(value) if value else None for value in values), "key")

    return FieldOutcomes(
        date_of_birth=date_levels(ours.born[people], theirs.born[places]),
        sex=_same_levels(ids(ours.sex, "sex")[people], ids(theirs.sex, "sex")[places]),
        passport_number=_document_levels(
            ids(ours.passport_number, "passport")[people],
            ids(theirs.passport_number, "passport")[places],
            keys(ours.passport_number)[people],
            keys(theirs.passport_number)[places],
        ),
        nik=_same_levels(ids(ours.nik, "nik")[people], ids(theirs.nik, "nik")[places]),
    )


def date_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The birth-date outcome of YYYYMMDD numbers (-1: missing), as codes into DATE_LEVELS."""
    levels = [DATE_LEVELS.index(level) for level in ("missing", "exact", "swapped", "one_digit")]
    tests = [(a < 0) | (b < 0), a == b, swapped_dates(a, b), differing_digits(a, b) == 1]
    return np.asarray(np.select(tests, levels, DATE_LEVELS.index("different")))


def swapped_dates(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise, for YYYYMMDD numbers: the same year, a's day is b's month and a's month b's day."""
    return np.asarray((a // 10000 == b // 10000) & (a // 100 % 100 == b % 100) & (a % 100 == b // 100 % 100))


def differing_digits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise, for YYYYMMDD numbers: how many of the eight digits differ."""
    differing = np.zeros(len(a), dtype=np.int64)
    for power in range(8):
        differing += (a // 10**power % 10) != (b // 10**power % 10)
    return differing


def dates_equal_or_swapped(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: YYYYMMDD numbers equal, or equal once day and month are exchanged."""
    return np.asarray((a == b) | swapped_dates(a, b), dtype=bool)


def dates_within_one_slip(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: YYYYMMDD numbers equal, one digit apart, or with day and month swapped."""
    return np.asarray((a >= 0) & ((differing_digits(a, b) <= 1) | swapped_dates(a, b)), dtype=bool)


def _same_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """agree/exact (0), disagree/different (1) or missing (2) for ids of texts (-1: none)."""
    return np.asarray(np.select([(a < 0) | (b < 0), a == b], [2, 0], default=1))


def _document_levels(a: np.ndarray, b: np.ndarray, a_key: np.ndarray, b_key: np.ndarray) -> np.ndarray:
    """The document outcome for ids of the numbers and of their OCR-tolerant keys, as codes into DOCUMENT_LEVELS."""
    return np.asarray(np.select([(a < 0) | (b < 0), a == b, a_key == b_key], [3, 0, 1], default=2))


def traveller_names(travellers: Sequence[Traveller]) -> list[NormalisedName]:
    """Each traveller's normalised name (an empty one when the traveller has none)."""
    return [normalise_name(t.full_name) if t.full_name else _NO_NAME for t in travellers]
