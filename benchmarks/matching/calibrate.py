"""Fit the matcher's evidence weights by logistic regression on labelled candidate pairs, and print them.

    python benchmarks/matching/calibrate.py [--seeds 1 2 3 4 5 6 7 8] [--records 20000] [--travellers 2000]

Training data: the labelled sets of `accuracy.py` for seeds that are *not* the benchmark's (11 and 23 stay
held out). Every (traveller, record) pair that blocking hands to the comparison is one example, labelled 1
when the record is the traveller's own. Each pair's field outcomes (`compare`, unchanged) become features:

- an indicator per outcome of passport number, date of birth and sex ("missing" is the reference, weight 0);
- the name similarity through the hat-function basis of `NAME_KNOTS` (so the fitted coefficients are the
  y-values of the piecewise-linear `NAME_POINTS` table);
- the name rarity, clipped to `RARITY_CLIP` around `RARITY_PIVOT`, when the name agrees (`NAME_AGREES`).

The intercept is `PRIOR`. Outcomes that are too rare in either class to be estimated (an exact passport
is never a different person's here; travellers on manifests carry no NIK) keep their hand-set weight as a
fixed offset. A mild L2 penalty keeps the fit finite where the classes separate. The fit is
Newton–Raphson (IRLS) in numpy; it prints the weights as Python constants for `checkpoint/matching/
evidence.py`, then the matcher's precision and recall on the training seeds at a few thresholds.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from accuracy import build_set  # run as a script: accuracy.py sits beside it

from checkpoint.matching import evidence as ev
from checkpoint.matching.candidates import candidate_pairs
from checkpoint.matching.evidence import Evidence, compare, traveller_name
from checkpoint.matching.matcher import _rows, _token_counts

#: Name-similarity knots of the piecewise-linear name weight; below the first the weight is flat (names
#: that far apart are different names, however far: a finer curve there only fits noise).
NAME_KNOTS = (0.7, 0.8, 0.9, 0.95, 1.0)
#: Rarity (in ln units) is clipped to pivot + this range before it counts.
RARITY_CLIP = (-6.0, 8.0)
#: An outcome needs this many examples in each class to be fitted; else its hand-set weight is kept.
MIN_PER_CLASS = 25
PENALTY = 0.5  # L2 on every coefficient but the intercept

FIELDS = {
    "passport_number": ("exact", "ocr", "different"),
    "nik": ("exact", "different"),
    "date_of_birth": ("exact", "swapped", "one_digit", "different"),
    "sex": ("agree", "disagree"),
}
HAND = {
    "passport_number": ev.PASSPORT_WEIGHTS,
    "nik": ev.NIK_WEIGHTS,
    "date_of_birth": ev.DOB_WEIGHTS,
    "sex": ev.SEX_WEIGHTS,
}


@dataclass
class Pairs:
    """Compared pairs of the training seeds: evidence, label, and which traveller each belongs to."""

    evidence: list[Evidence]
    label: np.ndarray
    traveller: np.ndarray
    registered: int


def collect(seeds: Sequence[int], records: int, travellers: int) -> Pairs:
    """Every compared (traveller, record) pair of the training seeds, with its label."""
    evidence: list[Evidence] = []
    labels: list[int] = []
    owners: list[int] = []
    registered = 0
    offset = 0
    for seed in seeds:
        registry, batch, frame = build_set(records, travellers, seed)
        truth = frame["true_record_id"].tolist()
        registered += sum(1 for t in truth if t)
        pairs = candidate_pairs(registry, batch)
        compared = _rows(registry.table, sorted({row for found in pairs.values() for row in found}))
        total = registry.table.num_rows
        for index, traveller in enumerate(batch):
            if not traveller.screenable:
                continue
            name = traveller_name(traveller)
            for row in sorted(pairs.get(index, ())):
                record = compared[row]
                evidence.append(compare(traveller, name, record, _token_counts(record), total))
                labels.append(int(record["record_id"] == truth[index]))
                owners.append(offset + index)
        offset += len(batch)
    return Pairs(evidence, np.array(labels), np.array(owners), registered)


def hats(similarity: float) -> list[float]:
    """The hat-function basis of NAME_KNOTS at one similarity (weights of a linear interpolation)."""
    out = [0.0] * len(NAME_KNOTS)
    similarity = max(similarity, NAME_KNOTS[0])
    for at in range(len(NAME_KNOTS) - 1):
        x0, x1 = NAME_KNOTS[at], NAME_KNOTS[at + 1]
        if similarity <= x1:
            share = (similarity - x0) / (x1 - x0)
            out[at], out[at + 1] = 1 - share, share
            return out
    out[-1] = 1.0
    return out


def features(e: Evidence) -> dict[str, float]:
    """The named features of one pair (absent = 0)."""
    out: dict[str, float] = {}
    for field in FIELDS:
        outcome = getattr(e, field)
        if outcome != "missing":
            out[f"{field}:{outcome}"] = 1.0
    if e.name is not None:
        for knot, value in zip(NAME_KNOTS, hats(e.name), strict=True):
            if value:
                out[f"name@{knot}"] = value
        if e.name >= ev.NAME_AGREES:
            low, high = RARITY_CLIP
            out["rarity"] = min(max(e.rarity - ev.RARITY_PIVOT, low), high)
    return out


def fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray, penalty: float) -> np.ndarray:
    """Penalised logistic regression by IRLS; column 0 is the unpenalised intercept."""
    beta = np.zeros(x.shape[1])
    ridge = np.full(x.shape[1], penalty)
    ridge[0] = 0.0
    for _ in range(100):
        eta = x @ beta + offset
        p = 1 / (1 + np.exp(-eta))
        gradient = x.T @ (y - p) - ridge * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def decide(weights: np.ndarray, owner: np.ndarray, threshold: float, lead: float) -> dict[int, int]:
    """Per traveller, the index of the claimed pair (the matcher's rule), by pair weight."""
    claimed: dict[int, int] = {}
    order = np.lexsort((-weights, owner))
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and owner[order[end]] == owner[order[start]]:
            end += 1
        best = order[start]
        runner = weights[order[start + 1]] if end - start > 1 else -math.inf
        if 1 / (1 + math.exp(-weights[best])) >= threshold and weights[best] - runner >= lead:
            claimed[int(owner[best])] = int(best)
        start = end
    return claimed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7, 8])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--travellers", type=int, default=2_000)
    args = parser.parse_args(argv)
    # accuracy.py draws its three layouts from seed, seed + 1 and seed + 2: keep clear of 11 and 23.
    if {11, 12, 13, 23, 24, 25} & {seed + shift for seed in args.seeds for shift in (0, 1, 2)}:
        parser.error("seeds 11 and 23 (and 9-10, 21-22, whose layouts overlap them) are held out; train on others")

    pairs = collect(args.seeds, args.records, args.travellers)
    rows = [features(e) for e in pairs.evidence]
    y = pairs.label.astype(float)
    names = sorted({key for row in rows for key in row})
    fitted, fixed = [], []
    for key in names:
        present = np.array([key in row for row in rows])
        positives, negatives = int((present & (y == 1)).sum()), int((present & (y == 0)).sum())
        hand_set = ":" in key and min(positives, negatives) < MIN_PER_CLASS
        (fixed if hand_set else fitted).append(key)
        print(f"# {key:28} matches {positives:6}  non-matches {negatives:6}  {'hand-set' if hand_set else 'fitted'}")
    x = np.array([[1.0] + [row.get(key, 0.0) for key in fitted] for row in rows])
    offset = np.array([sum(HAND[k.split(":")[0]][k.split(":")[1]] for k in fixed if k in row) for row in rows])
    beta = fit(x, y, offset, PENALTY)
    coef = dict(zip(["intercept", *fitted], beta.tolist(), strict=True))
    print(f"# {len(y)} pairs ({int(y.sum())} matches) from seeds {args.seeds}\n")

    def weight(field: str, outcome: str) -> float:
        key = f"{field}:{outcome}"
        return coef.get(key, HAND[field][outcome] if key in fixed or outcome != "missing" else 0.0)

    print(f"PRIOR = {coef['intercept']:.2f}")
    for field, table in (
        ("passport_number", "PASSPORT_WEIGHTS"),
        ("nik", "NIK_WEIGHTS"),
        ("date_of_birth", "DOB_WEIGHTS"),
        ("sex", "SEX_WEIGHTS"),
    ):
        outcomes = (*FIELDS[field], "missing")
        print(f"{table} = {{" + ", ".join(f'"{o}": {weight(field, o):.2f}' for o in outcomes) + "}")
    curve = [coef[f"name@{knot}"] for knot in NAME_KNOTS]
    if any(b < a for a, b in itertools.pairwise(curve)):
        print("# warning: the fitted name weight is not monotone in the similarity")
    points = ", ".join(f"({knot}, {y:.2f})" for knot, y in [(0.0, curve[0]), *zip(NAME_KNOTS, curve, strict=True)])
    print(f"NAME_POINTS = ({points})")
    scale = 1 / coef["rarity"] if coef.get("rarity", 0) > 0 else math.inf
    low, high = (bound * coef.get("rarity", 0.0) for bound in RARITY_CLIP)
    print(f"RARITY_PIVOT, RARITY_SCALE, RARITY_BONUS = {ev.RARITY_PIVOT}, {scale:.2f}, ({low:.2f}, {high:.2f})")

    weights = x @ beta + offset
    probability = 1 / (1 + np.exp(-weights))
    print("\n# calibration on the training pairs: predicted vs observed share of matches")
    for low_edge, high_edge in ((0, 0.05), (0.05, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 0.99), (0.99, 1.01)):
        inside = (probability >= low_edge) & (probability < high_edge)
        if inside.any():
            print(
                f"#   [{low_edge:.2f}, {high_edge:.2f}): {int(inside.sum()):6} pairs, "
                f"predicted {probability[inside].mean():.3f}, observed {y[inside].mean():.3f}"
            )
    print("\n# the matcher's rule on the training seeds (lead 2.0 log-odds): fitted, then evidence.py as it is")
    current = np.array([e.weight for e in pairs.evidence])
    for threshold, scored in [(t, weights) for t in (0.9, 0.95, 0.98, 0.99)] + [(0.95, current)]:
        claimed = decide(scored, pairs.traveller, threshold, 2.0)
        right = sum(int(y[at]) for at in claimed.values())
        print(
            f"#   threshold {threshold}: claimed {len(claimed)}, wrong {len(claimed) - right}, "
            f"recall {right / pairs.registered:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
