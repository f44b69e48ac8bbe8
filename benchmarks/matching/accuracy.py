"""Matching accuracy on labelled synthetic data, beside two baselines run in the same script.

    python benchmarks/matching/accuracy.py [--records 20000] [--travellers 2000] [--seed 11]

A labelled set comes from `checkpoint synth`: registered travellers under every name variation (with
birth-date slips and renewed passports), hard decoys (same common name, siblings sharing the father's
name, twins) and strangers. Each traveller's truth is one record id or none. For every matcher:

- precision: of the matches claimed, how many are the right person;
- recall: of the registered travellers, how many are matched to their own record;
- wrong-person rate: claimed matches to a *different* registered person, over all travellers;
- recall per name variation, birth-date variation and layout.

Baselines: (1) rapidfuzz `token_sort_ratio` >= 85 over all registry names plus an equal date of birth;
(2) exact date-of-birth blocking plus Jaro-Winkler >= 0.9 on the whole name. Both are given every
traveller's plain name (upper-cased), as a simple matcher would see it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from checkpoint.manifests import travellers_from_table
from checkpoint.matching import EvidenceMatcher
from checkpoint.models import Traveller
from checkpoint.registry import Registry
from checkpoint.registry.store import load_registry_file
from checkpoint.sources import RawTable
from checkpoint.synth import generate_matching_set, generate_registry

TODAY = date(2026, 11, 28)
LAYOUTS = ("full_name", "airline", "surname_given")

Predict = Callable[[Registry, Sequence[Traveller]], list[str | None]]


def evidence_matcher(registry: Registry, travellers: Sequence[Traveller]) -> list[str | None]:
    """checkpoint's matcher: the record id it claims, or None."""
    return [o.match.record_id if o.match else None for o in EvidenceMatcher().match(registry, travellers)]


def _plain(name: str | None) -> str:
    return " ".join((name or "").upper().replace("/", " ").split())


def baseline_token_sort(registry: Registry, travellers: Sequence[Traveller]) -> list[str | None]:
    """Baseline 1: token_sort_ratio >= 85 against every registry name, then the date of birth must agree."""
    names = [_plain(n) for n in registry.values("full_name")]
    dobs = registry.values("date_of_birth")
    ids = registry.values("record_id")
    out: list[str | None] = []
    for traveller in travellers:
        if not traveller.full_name:
            out.append(None)
            continue
        scores = process.cdist([_plain(traveller.full_name)], names, scorer=fuzz.token_sort_ratio, workers=-1)[0]
        best: tuple[float, str] | None = None
        for index in np.flatnonzero(scores >= 85):
            if dobs[index] == traveller.date_of_birth and (best is None or scores[index] > best[0]):
                best = (float(scores[index]), ids[index])
        out.append(best[1] if best else None)
    return out


def baseline_dob_jaro(registry: Registry, travellers: Sequence[Traveller]) -> list[str | None]:
    """Baseline 2: records with exactly the same date of birth, then Jaro-Winkler >= 0.9 on the name."""
    by_dob: dict[date, list[int]] = defaultdict(list)
    for index, born in enumerate(registry.values("date_of_birth")):
        by_dob[born].append(index)
    names = [_plain(n) for n in registry.values("full_name")]
    ids = registry.values("record_id")
    out: list[str | None] = []
    for traveller in travellers:
        name = _plain(traveller.full_name)
        best: tuple[float, str] | None = None
        for index in by_dob.get(traveller.date_of_birth, []) if name else []:
            score = JaroWinkler.normalized_similarity(name, names[index])
            if score >= 0.9 and (best is None or score > best[0]):
                best = (score, ids[index])
        out.append(best[1] if best else None)
    return out


MATCHERS: dict[str, Predict] = {
    "checkpoint": evidence_matcher,
    "baseline token_sort>=85 + dob": baseline_token_sort,
    "baseline dob block + JW>=0.9": baseline_dob_jaro,
}


def scores(truth: pd.Series, predicted: pd.Series) -> dict[str, float]:
    """Precision, recall, F1 and wrong-person rate of predicted record ids against the truth."""
    registered = truth != ""
    claimed = predicted != ""
    right = claimed & (predicted == truth)
    wrong_person = claimed & (predicted != truth)
    precision = right.sum() / claimed.sum() if claimed.sum() else 1.0
    recall = right.sum() / registered.sum() if registered.sum() else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "wrong_person_rate": float(wrong_person.sum() / len(truth)),
        "claimed": int(claimed.sum()),
        "wrong": int(wrong_person.sum()),
    }


def build_set(records: int, travellers: int, seed: int) -> tuple[Registry, list[Traveller], pd.DataFrame]:
    """A registry and a labelled traveller set across the three name layouts."""
    frame = generate_registry(records, seed, TODAY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.parquet"
        frame.to_parquet(path, index=False)
        registry = load_registry_file(path, today=TODAY)
    all_travellers: list[Traveller] = []
    all_labels: list[pd.DataFrame] = []
    per_layout = travellers // len(LAYOUTS)
    for offset, layout in enumerate(LAYOUTS):
        manifest, labels = generate_matching_set(frame, per_layout, seed + offset, TODAY, layout=layout)
        manifest = manifest.astype(object).where(manifest.notna(), None)
        batch = travellers_from_table(RawTable.from_frame(manifest, source=f"{layout}.csv"), today=TODAY)
        labels = labels.assign(layout=layout)
        all_travellers.extend(batch)
        all_labels.append(labels)
    labels = pd.concat(all_labels, ignore_index=True).fillna("")
    return registry, all_travellers, labels


def breakdown(labels: pd.DataFrame, predicted: pd.Series, column: str) -> pd.Series:
    """Recall of registered travellers per value of a label column."""
    registered = labels["true_record_id"] != ""
    right = (predicted == labels["true_record_id"]) & registered
    grouped = pd.DataFrame({"key": labels[column], "registered": registered, "right": right})
    totals = grouped[grouped["registered"]].groupby("key")[["registered", "right"]].sum()
    return (totals["right"] / totals["registered"]).sort_values()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--travellers", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown to this file")
    args = parser.parse_args(argv)

    registry, travellers, labels = build_set(args.records, args.travellers, args.seed)
    truth = labels["true_record_id"]
    rows = []
    predictions: dict[str, pd.Series] = {}
    for name, predict in MATCHERS.items():
        if args.skip_baselines and name != "checkpoint":
            continue
        started = time.perf_counter()
        predicted = pd.Series([p or "" for p in predict(registry, travellers)])
        elapsed = time.perf_counter() - started
        predictions[name] = predicted
        rows.append({"matcher": name, **scores(truth, predicted), "seconds": round(elapsed, 2)})
    table = pd.DataFrame(rows).set_index("matcher")
    lines = [
        f"# Matching accuracy: {args.records:,} records, {len(travellers):,} travellers, seed {args.seed}",
        "",
        f"registered {int((truth != '').sum())}, decoys {int((labels['related_record_id'] != '').sum())}, "
        f"others {int(((truth == '') & (labels['related_record_id'] == '')).sum())}",
        "",
        table.to_markdown(floatfmt=".4f"),
    ]
    for column in ("name_variation", "dob_variation", "passport_variation", "layout", "scenario"):
        per = pd.DataFrame({name: breakdown(labels, predicted, column) for name, predicted in predictions.items()})
        lines += ["", f"## Recall by {column}", "", per.to_markdown(floatfmt=".3f")]
    mine = predictions["checkpoint"]
    missed = labels[(truth != "") & (mine != truth)]
    wrong = labels[(mine != "") & (mine != truth)]
    lines += ["", f"checkpoint: {len(missed)} registered travellers not matched, {len(wrong)} wrong-person matches"]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
