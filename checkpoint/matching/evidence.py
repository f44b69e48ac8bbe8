"""Field-by-field comparison of a traveller with a record, and how much each outcome weighs.

Weights are log-odds in the manner of Fellegi–Sunter: agreement on a discriminating field adds, a
contradiction subtracts, and `confidence = 1 / (1 + e^-weight)`.

How they were obtained: `benchmarks/matching/calibrate.py` fits them by (mildly L2-penalised) logistic
regression on every (traveller, record) pair that blocking hands to `compare`, on the labelled synthetic
sets of seeds 1–8 (the benchmark's seeds 11 and 23 are held out, never used for fitting or tuning). So the
confidence estimates the probability that the record is the traveller, for a pair that reached the
comparison, on that data; the fit's predicted and observed shares agree within a few points in every band.
Outcomes that the training data cannot estimate keep hand-set weights: an exact or OCR-equal passport (a
different person never shares one there), the NIK (manifests carry none), a different date of birth and a
disagreeing sex (never a match there: the fit could only say "minus infinity").

What the fit says, in words: a slipped digit in the date of birth is evidence *against* (namesakes one
slip apart are common in a large registry: SITI FATIMAH 1992-09-19 and 1994-09-19), so a slipped date needs
a rare name or a document to be claimed; a renewed (different) passport costs about 2.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from checkpoint.models import Traveller
from checkpoint.names import name_similarity, normalise_name
from checkpoint.names.normalise import NormalisedName
from checkpoint.values import document_key

# Fitted by benchmarks/matching/calibrate.py (seeds 1-8, 27,600 pairs); "hand" marks a hand-set weight.
PRIOR = -1.07  # log-odds that a record reaching the comparison is the traveller, before any evidence

PASSPORT_WEIGHTS = {"exact": 8.0, "ocr": 6.0, "different": -2.06, "missing": 0.0}  # exact, ocr: hand
NIK_WEIGHTS = {"exact": 10.0, "different": -4.0, "missing": 0.0}  # hand
DOB_WEIGHTS = {"exact": 1.93, "swapped": 0.77, "one_digit": -2.66, "different": -6.0, "missing": 0.0}  # different: hand
SEX_WEIGHTS = {"agree": 1.32, "disagree": -3.0, "missing": 0.0}  # disagree: hand
#: Name similarity -> weight, linear between these points (flat below 0.7: different names).
NAME_POINTS = ((0.0, -6.26), (0.7, -6.26), (0.8, -1.79), (0.9, 0.28), (0.95, 3.70), (1.0, 4.08))
#: Similarity from which a name counts as agreeing (and its rarity adds).
NAME_AGREES = 0.85
#: A name that agrees counts more when it is rare (Fellegi–Sunter frequency-based weights): the bonus is
#: (rarity - RARITY_PIVOT) / RARITY_SCALE, clipped, where rarity = sum over the record's name tokens of
#: ln(records / records carrying the token). SITI AMINAH sits near the pivot; a rare clan name far above.
#: Scale and bonus range are fitted (the pivot and the clipping at pivot -6 / +8 are the fit's choice).
RARITY_PIVOT, RARITY_SCALE, RARITY_BONUS = 8.0, 2.06, (-2.91, 3.88)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The comparison of one traveller with one record."""

    name: float | None
    rarity: float
    date_of_birth: str
    sex: str
    passport_number: str
    nik: str

    @property
    def weight(self) -> float:
        total = PRIOR
        total += PASSPORT_WEIGHTS[self.passport_number] + NIK_WEIGHTS[self.nik]
        total += DOB_WEIGHTS[self.date_of_birth] + SEX_WEIGHTS[self.sex]
        if self.name is not None:
            total += name_weight(self.name)
            if self.name >= NAME_AGREES:
                low, high = RARITY_BONUS
                total += min(max((self.rarity - RARITY_PIVOT) / RARITY_SCALE, low), high)
        return total

    @property
    def method(self) -> str:
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


def name_weight(similarity: float) -> float:
    """The log-odds weight of a name similarity (piecewise linear through NAME_POINTS)."""
    for (x0, y0), (x1, y1) in itertools.pairwise(NAME_POINTS):
        if similarity <= x1:
            return y0 + (y1 - y0) * (similarity - x0) / (x1 - x0)
    return NAME_POINTS[-1][1]


def compare_dates(a: date | None, b: date | None) -> str:
    """exact, swapped (day/month), one_digit (one keying slip), different, or missing."""
    if a is None or b is None:
        return "missing"
    if a == b:
        return "exact"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "swapped"
    x = a.year * 10000 + a.month * 100 + a.day
    y = b.year * 10000 + b.month * 100 + b.day
    differing = 0
    while x or y:  # digits of YYYYMMDD that differ
        x, x_digit = divmod(x, 10)
        y, y_digit = divmod(y, 10)
        differing += x_digit != y_digit
    return "one_digit" if differing == 1 else "different"


def compare_documents(a: str | None, b: str | None) -> str:
    """exact, ocr (equal once look-alike characters are folded), different, or missing."""
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    return "ocr" if document_key(a) == document_key(b) else "different"


#: Token frequencies are smoothed towards a typical frequency as if this many records had been seen,
#: so a small registry (where every token looks common or unique) does not swing the weights.
PRIOR_RECORDS, PRIOR_FREQUENCY = 1000, 1 / 200


def name_rarity(tokens: tuple[str, ...], counts: Mapping[str, int], records: int) -> float:
    """How unusual a name is: the sum over its tokens of -ln(smoothed share of records carrying it)."""
    total = records + PRIOR_RECORDS
    prior = PRIOR_RECORDS * PRIOR_FREQUENCY
    return sum(-math.log((counts.get(token, 0) + prior) / total) for token in tokens)


def compare(
    traveller: Traveller,
    traveller_name: NormalisedName | None,
    record: dict[str, Any],
    counts: Mapping[str, int] | None = None,
    records: int = 0,
) -> Evidence:
    """Compare one traveller with one record (record = registry columns of that row)."""
    name = record_name(record)
    rarity = RARITY_PIVOT if counts is None else name_rarity(name.tokens, counts, records)
    evidence = compare_prepared(traveller, traveller_name, record, name, rarity)
    assert evidence is not None  # no floor, always compared
    return evidence


def record_name(record: Mapping[str, Any]) -> NormalisedName:
    """A registry record's stored normalised name."""
    return NormalisedName(tuple(record["_name_tokens"].split()), tuple((record["_father_tokens"] or "").split()))


def compare_prepared(
    traveller: Traveller,
    traveller_name: NormalisedName | None,
    record: Mapping[str, Any],
    name_of_record: NormalisedName,
    rarity: float,
    floor: float | None = None,
) -> Evidence | None:
    """`compare` with the record's name and rarity already worked out (once per record, not per pair).

    With a `floor` (a weight), None when even an identical name could not lift the pair to it: the
    name, the costliest part, is then not compared at all.
    """
    named = traveller_name is not None and not traveller_name.empty
    fields = _fields(traveller, record, rarity if named else RARITY_PIVOT)
    if not named:
        return fields
    if floor is not None and best_case_weight(fields) < floor:
        return None
    assert traveller_name is not None
    return replace(fields, name=name_similarity(traveller_name, name_of_record))


def best_case_weight(fields: Evidence) -> float:
    """The highest weight these field outcomes reach with any name similarity.

    The name weight rises with the similarity, and the rarity bonus (which may be negative) starts at
    NAME_AGREES: the best case is an identical name, or one just short of agreeing.
    """
    return fields.weight + _best_name_gain(fields.rarity)


@lru_cache(maxsize=100_000)
def _best_name_gain(rarity: float) -> float:
    """What the best possible name adds to the weight of a record of this rarity (worked out once)."""
    fields = Evidence(None, rarity, "missing", "missing", "missing", "missing")
    best = max(replace(fields, name=1.0).weight, replace(fields, name=math.nextafter(NAME_AGREES, 0.0)).weight)
    return best - fields.weight


def _fields(traveller: Traveller, record: Mapping[str, Any], rarity: float) -> Evidence:
    """Every outcome but the name's (name None)."""
    sex = (
        "missing"
        if not traveller.sex or not record["sex"]
        else "agree"
        if traveller.sex == record["sex"]
        else "disagree"
    )
    nik = (
        "missing"
        if not traveller.nik or not record["nik"]
        else "exact"
        if traveller.nik == record["nik"]
        else "different"
    )
    return Evidence(
        name=None,
        rarity=rarity,
        date_of_birth=compare_dates(traveller.date_of_birth, record["date_of_birth"]),
        sex=sex,
        passport_number=compare_documents(traveller.passport_number, record["passport_number"]),
        nik=nik,
    )


def traveller_name(traveller: Traveller) -> NormalisedName | None:
    """The traveller's normalised name, if any."""
    return normalise_name(traveller.full_name) if traveller.full_name else None
