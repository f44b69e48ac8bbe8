"""Field-by-field comparison of a traveller with a record, and how much each outcome weighs.

Weights are log-odds in the manner of Fellegi–Sunter: agreement on a discriminating field adds, a
contradiction subtracts, and `confidence = 1 / (1 + e^-weight)`.

How they were obtained: `benchmarks/matching/calibrate.py` fits them by (mildly L2-penalised) logistic
regression on every (traveller, record) pair that blocking hands to `compare`, on labelled synthetic sets
that span registry sizes: seeds 1–8 at 20,000 records, 31/41/51/61 at 200,000 and 71/81 at 500,000 (77,938
pairs). The benchmark's seeds 11 and 23 and the million-record scale test (`scale.py`: seeds 5 and 7) are
held out, never used for fitting or tuning. So the confidence estimates the probability that the record is
the traveller, for a pair that reached the comparison, in a registry of that size; predicted and observed
shares agree within a few points in every band at every size. (A *match* shows another confidence, about
the traveller rather than the pair: see CLAIM_INTERCEPT.) Outcomes that the training data cannot
estimate keep hand-set weights: an OCR-equal passport, the NIK (manifests carry none), a different date of
birth and a disagreeing sex (never a match there: the fit could only say "minus infinity").

Registry size: the same name and birth date mean less in a larger registry, because it holds more people
with that name. An agreeing name therefore weighs by its *rarity in this registry*, -ln of the expected
number of records whose name would agree (`name_rarity`: records × (Π token shares + NAMESAKE_FLOOR), a
token's share counting every spelling of it: MOCHAMAD is as common as MUHAMMAD), not
by the token shares alone (as until 2026-11: fitted at 20,000 records only, it gave 0.21 % wrong-person
matches on a million records). The form was checked against the data: fitting ln(records) as one more
feature beside it leaves -0.07 (-0.49 beside the same rarity clipped as before, -0.34 without the floor);
NAMESAKE_FLOOR (the chance that another name agrees through spelling alone) was chosen on the training
deviance (1e-6 … 1e-4: best at 1e-5 and 2e-5, alike; 2e-5 leaves less to ln(records)). The fit found no
gain for rarity above one expected namesake and a steep loss below (RARITY_POINTS), so the old clipping
(common names floored at -2.91) is gone: SITI AMINAH with a birth date and no document is a match in
20,000 records and a candidate in a million.

What the fit says, in words: a slipped digit in the date of birth is evidence *against* (namesakes one
slip apart are common in a large registry: SITI FATIMAH 1992-09-19 and 1994-09-19), so a slipped date needs
a rare name or a document to be claimed; a day/month swap is worth little more than nothing at scale; a
renewed (different) passport costs about 2; an exact passport is fitted now (different people share a
number by chance in the larger sets, 38 pairs) at 8.9.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from checkpoint.models import Traveller
from checkpoint.names import name_similarity, normalise_name
from checkpoint.names.normalise import NormalisedName
from checkpoint.registry.keys import dob_number
from checkpoint.values import document_key

# Fitted by benchmarks/matching/calibrate.py (its default sets, 77,938 pairs); "hand" marks a hand-set weight.
PRIOR = -1.24  # log-odds that a record reaching the comparison is the traveller, before any evidence

PASSPORT_WEIGHTS = {"exact": 8.86, "ocr": 6.0, "different": -1.89, "missing": 0.0}  # ocr: hand
NIK_WEIGHTS = {"exact": 10.0, "different": -4.0, "missing": 0.0}  # hand
DOB_WEIGHTS = {"exact": 2.49, "swapped": 0.10, "one_digit": -2.39, "different": -6.0, "missing": 0.0}  # different: hand
SEX_WEIGHTS = {"agree": 1.26, "disagree": -3.0, "missing": 0.0}  # disagree: hand
#: Name similarity -> weight, linear between these points (flat below 0.7: different names).
NAME_POINTS = ((0.0, -7.86), (0.7, -7.86), (0.8, -5.60), (0.9, 2.25), (0.95, 5.28), (1.0, 5.92))
#: Similarity from which a name counts as agreeing (and its rarity adds).
NAME_AGREES = 0.85
_JUST_SHORT = math.nextafter(NAME_AGREES, 0.0)  # the highest similarity that does not agree
#: How much a name that agrees weighs for how common it is in *this* registry: rarity (see `name_rarity`,
#: -ln of the expected number of records whose name would agree) -> weight, linear between these points,
#: flat outside. 0 at rarity 0 (one such record expected); steeply negative for names that many records
#: share (SITI AMINAH in a million records), little gain for rarer names.
RARITY_POINTS = ((-10.0, -7.17), (-5.0, -4.73), (0.0, 0.0), (2.0, 0.82))
#: The rarity when it is unknown (no token counts, no name): the weight there is 0.
RARITY_PIVOT = 0.0

#: A claim's confidence is about the traveller, not the pair: the chance that its best record *is* it. The
#: pair's weight alone understates that: most strong pairs that are not the traveller lose to its own record,
#: also compared. So the claim adds credit for the best record's lead over the runner-up (or over the
#: candidate floor, when no other record reaches it), capped: `claim_weight`. Fitted by calibrate.py on
#: the training travellers' best records (their own record or not), the pair's weight as an offset. On the
#: held-out million-record test (scale.py), claims at 0.95–0.97 were wrong 2.2 % of the time, at 0.97–0.99
#: 1.5 %, at 0.99–0.999 0.25 %, above that never: the confidence says what it means, a little cautiously.
CLAIM_INTERCEPT, CLAIM_LEAD_SLOPE = 1.59, 0.073
CLAIM_LEAD_CAP = 8.0  # log-odds: beyond e^8 ≈ 3,000 times likelier than the runner-up, no more credit


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
                total += rarity_weight(self.rarity)
        return total

    def with_name(self, name: float) -> Evidence:
        """The same outcomes with this name similarity (built directly: `dataclasses.replace` is slow)."""
        return Evidence(name, self.rarity, self.date_of_birth, self.sex, self.passport_number, self.nik)

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


def claim_weight(best: float, runner_up: float) -> float:
    """The log-odds that the best record is the traveller: its weight plus credit for its lead over the
    runner-up's weight (which the caller floors at the candidate floor's)."""
    return best + CLAIM_INTERCEPT + CLAIM_LEAD_SLOPE * min(best - runner_up, CLAIM_LEAD_CAP)


def name_weight(similarity: float) -> float:
    """The log-odds weight of a name similarity (piecewise linear through NAME_POINTS)."""
    return _through(NAME_POINTS, similarity)


def rarity_weight(rarity: float) -> float:
    """The log-odds weight of an agreeing name's rarity (piecewise linear through RARITY_POINTS)."""
    return _through(RARITY_POINTS, rarity)


def _through(points: tuple[tuple[float, float], ...], x: float) -> float:
    """The piecewise-linear function through `points` at x, flat outside them."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


#: Token frequencies are smoothed towards a typical frequency as if this many records had been seen,
#: so a small registry (where every token looks common or unique) does not swing the weights.
PRIOR_RECORDS, PRIOR_FREQUENCY = 1000, 1 / 200


#: The chance that an unrelated record's name agrees with a given name through spelling alone (other
#: tokens, similarity >= NAME_AGREES): 1 in 50,000, fitted (see the module docstring). It keeps the
#: expected number of agreeing names growing with the registry even for a name whose tokens are unique.
NAMESAKE_FLOOR = 2e-5


def name_rarity(tokens: tuple[str, ...], counts: Mapping[str, int], records: int) -> float:
    """-ln(expected number of records whose name would agree with this one), in a registry of `records`.

    Expected number = records × (Π smoothed share of records carrying each token + NAMESAKE_FLOOR), tokens
    taken as independent: under 1 for a rare name, hundreds for SITI AMINAH in a million records. The
    registry size is in it: a registry 50 times larger holds 50 times more namesakes of every name, so the
    same agreement is worth less there.
    """
    total = records + PRIOR_RECORDS
    prior = PRIOR_RECORDS * PRIOR_FREQUENCY
    shares = math.prod((counts.get(token, 0) + prior) / total for token in tokens)
    return -math.log(total * (shares + NAMESAKE_FLOOR))


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
    return fields.with_name(name_similarity(traveller_name, name_of_record))


def best_case_weight(fields: Evidence) -> float:
    """The highest weight these field outcomes reach with any name similarity.

    The name weight rises with the similarity, and the rarity bonus (which may be negative) starts at
    NAME_AGREES: the best case is an identical name, or one just short of agreeing.
    """
    return fields.weight + best_name_gain(fields.rarity)


def best_name_gain(rarity: float) -> float:
    """What the best possible name adds to the weight of a record of this rarity: an identical name with
    its rarity, or one just short of agreeing (no rarity; better when the name is very common)."""
    return max(NAME_POINTS[-1][1] + rarity_weight(rarity), name_weight(_JUST_SHORT))


def _fields(traveller: Traveller, record: Mapping[str, Any], rarity: float) -> Evidence:
    """Every outcome but the name's (name None): `field_outcomes` for one pair."""
    one = np.zeros(1, dtype=np.int64)
    return field_outcomes([traveller], [record], one, one).evidence(0, rarity)


#: The outcomes of each field, in the order of the codes `field_outcomes` gives them.
DATE_LEVELS = ("exact", "swapped", "one_digit", "different", "missing")
SEX_LEVELS = ("agree", "disagree", "missing")
DOCUMENT_LEVELS = ("exact", "ocr", "different", "missing")
NIK_LEVELS = ("exact", "different", "missing")


@dataclass(frozen=True)
class FieldOutcomes:
    """Every outcome but the name's for many (traveller, record) pairs: one code per pair and field, into the
    *_LEVELS. Dates: exact, day/month swapped, one keying slip (one digit of YYYYMMDD), different, missing;
    documents: exact, equal once look-alike characters are folded (`document_key`), different, missing."""

    date_of_birth: np.ndarray
    sex: np.ndarray
    passport_number: np.ndarray
    nik: np.ndarray

    def weights(self) -> np.ndarray:
        """Each pair's `Evidence.weight` without a name, summed in the same order (so to the same bits)."""
        documents = _lookup(PASSPORT_WEIGHTS, DOCUMENT_LEVELS, self.passport_number)
        documents = documents + _lookup(NIK_WEIGHTS, NIK_LEVELS, self.nik)
        person = _lookup(DOB_WEIGHTS, DATE_LEVELS, self.date_of_birth) + _lookup(SEX_WEIGHTS, SEX_LEVELS, self.sex)
        return np.asarray((PRIOR + documents) + person)

    def evidence(self, at: int, rarity: float) -> Evidence:
        """The `Evidence` (no name yet) of pair `at`."""
        return Evidence(
            name=None,
            rarity=rarity,
            date_of_birth=DATE_LEVELS[self.date_of_birth[at]],
            sex=SEX_LEVELS[self.sex[at]],
            passport_number=DOCUMENT_LEVELS[self.passport_number[at]],
            nik=NIK_LEVELS[self.nik[at]],
        )


def weights_with_names(fields: np.ndarray, similarity: np.ndarray, rarity: np.ndarray) -> np.ndarray:
    """`Evidence.weight` of many pairs, to the same bits: their `FieldOutcomes.weights()` plus each name's
    weight and, where the name agrees, its rarity's. NaN similarity: the name was not compared (no name)."""
    total = np.array(fields, dtype=np.float64)
    compared = ~np.isnan(similarity)
    values, inverse = np.unique(similarity[compared], return_inverse=True)
    # The scalar functions, once per distinct value (similarities are rounded, rarities per record).
    total[compared] += np.array([name_weight(value) for value in values.tolist()])[inverse]
    agrees = compared & (np.nan_to_num(similarity, nan=0.0) >= NAME_AGREES)
    values, inverse = np.unique(rarity[agrees], return_inverse=True)
    total[agrees] += np.array([rarity_weight(value) for value in values.tolist()])[inverse]
    return total


def field_outcomes(
    travellers: Sequence[Traveller], records: Sequence[Mapping[str, Any]], people: np.ndarray, places: np.ndarray
) -> FieldOutcomes:
    """The field outcomes of every pair (travellers[people[i]], records[places[i]]): each value is read once
    per traveller and per record, then the pairs are compared as numpy codes."""
    texts: dict[str, dict[str, int]] = {"sex": {}, "nik": {}, "passport": {}, "key": {}}

    def ids(values: Iterable[str | None], table: str) -> np.ndarray:
        known = texts[table]
        return np.array([known.setdefault(value, len(known)) if value else -1 for value in values], dtype=np.int64)

    def keys(values: Iterable[str | None]) -> np.ndarray:
        return ids((document_key(value) if value else None for value in values), "key")

    their_passports = [record["passport_number"] for record in records]
    our_passports = [traveller.passport_number for traveller in travellers]
    born = np.array([dob_number(traveller.date_of_birth) for traveller in travellers], dtype=np.int64)[people]
    record_born = np.array([dob_number(record["date_of_birth"]) for record in records], dtype=np.int64)[places]
    return FieldOutcomes(
        date_of_birth=date_levels(born, record_born),
        sex=_same_levels(
            ids((t.sex for t in travellers), "sex")[people], ids((r["sex"] for r in records), "sex")[places]
        ),
        passport_number=_document_levels(
            ids(our_passports, "passport")[people],
            ids(their_passports, "passport")[places],
            keys(our_passports)[people],
            keys(their_passports)[places],
        ),
        nik=_same_levels(
            ids((t.nik for t in travellers), "nik")[people], ids((r["nik"] for r in records), "nik")[places]
        ),
    )


def _lookup(weights: Mapping[str, float], levels: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    return np.asarray(np.array([weights[level] for level in levels], dtype=np.float64)[codes])


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


def _same_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """agree/exact (0), disagree/different (1) or missing (2) for ids of texts (-1: none)."""
    return np.asarray(np.select([(a < 0) | (b < 0), a == b], [2, 0], default=1))


def _document_levels(a: np.ndarray, b: np.ndarray, a_key: np.ndarray, b_key: np.ndarray) -> np.ndarray:
    """The document outcome for ids of the numbers and of their OCR-tolerant keys, as codes into DOCUMENT_LEVELS."""
    return np.asarray(np.select([(a < 0) | (b < 0), a == b, a_key == b_key], [3, 0, 1], default=2))


def traveller_name(traveller: Traveller) -> NormalisedName | None:
    """The traveller's normalised name, if any."""
    return normalise_name(traveller.full_name) if traveller.full_name else None


def name_rarity_many(counts: np.ndarray, offsets: np.ndarray, records: int) -> np.ndarray:
    """`name_rarity` of many records at once: `counts` holds each record's token counts one after another,
    record i's from offsets[i] to offsets[i + 1] (Arrow's list layout)."""
    total = records + PRIOR_RECORDS
    prior = PRIOR_RECORDS * PRIOR_FREQUENCY
    logs = np.log((counts.astype(np.float64) + prior) / total)
    starts, stops = offsets[:-1], offsets[1:]
    # Each record's own sum (not differences of one running sum, whose rounding would make a record's
    # rarity depend on which other records share the batch); 0 for a record without tokens.
    sums = np.add.reduceat(np.append(logs, 0.0), starts) if len(starts) else np.zeros(0)
    sums[starts == stops] = 0.0
    return np.asarray(-np.log(total * (np.exp(sums) + NAMESAKE_FLOOR)))


def best_case_weights(codes: np.ndarray, rarity: np.ndarray) -> np.ndarray:
    """Vectorised upper bound of `Evidence.weight` for pairs whose documents do not agree.

    `codes` index DATE_LEVELS (as `date_levels` gives them); sex is taken as agreeing and passport and NIK
    as missing (their best outcomes short of agreeing), and the name as the best it could be
    (`best_case_weight`). A pair below the candidate floor here is below it whatever is compared.
    """
    fixed = PRIOR + max(SEX_WEIGHTS.values()) + max(PASSPORT_WEIGHTS["missing"], PASSPORT_WEIGHTS["different"])
    fixed += max(NIK_WEIGHTS["missing"], NIK_WEIGHTS["different"])
    dates = _lookup(DOB_WEIGHTS, DATE_LEVELS, codes)
    return np.asarray(fixed + dates + best_name_gains(rarity))


def best_name_gains(rarity: np.ndarray) -> np.ndarray:
    """`best_name_gain` of many rarities at once."""
    xs, ys = zip(*RARITY_POINTS, strict=True)
    identical = NAME_POINTS[-1][1] + np.interp(rarity, xs, ys)  # flat outside, as `rarity_weight`
    return np.asarray(np.maximum(identical, name_weight(_JUST_SHORT)))
