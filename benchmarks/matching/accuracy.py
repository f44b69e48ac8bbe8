"""Matching accuracy on labelled synthetic data at several registry sizes, beside two baselines, before and after.

    python benchmarks/matching/accuracy.py [--sizes 20000,200000,1000000] [--travellers 2000] [--seed 11]
        [--before /work/venv-end/bin/python] [--data DIR] [--markdown out.md]
        [--decoy-trips placement]

A labelled set comes from `checkpoint synth` for each size, with the same traveller mix: registered travellers
under every name variation (with birth-date slips and renewed passports), hard decoys (same common name,
siblings sharing the father's name, twins) and strangers, in three manifest layouts. The registry export and
the manifests are written as files and read through the real readers, by this installation and, with
`--before`, by another one's python (the code before a change) on the very same files. Each traveller's truth
is one record id or none. For every matcher:

- precision: of the matches claimed, how many are the right person;
- recall: of the registered travellers, how many are matched to their own record;
- wrong-person rate: claimed matches to a *different* registered person, over all travellers;
- missed / missed_listed: the registered travellers not matched to their own record, and the share of them
  whose own record is among the `candidates` (what the counter shows as near misses);
- others_with_candidates: the share of travellers who are not registered (decoys, strangers) shown any
  candidate (an officer's time: a rule asks to check a near miss of a one-way traveller);
- recall per name variation, birth-date variation, passport variation, layout and scenario.

`--decoy-trips placement` puts every decoy on a work visa to the placement country of the record it resembles
and every stranger on a work visa to the placement country it goes to (the same people otherwise): the stress
set for any evidence drawn from the journey, which an unregistered worker on a work visa (DOMAIN.md §3) shares
with the registered person she resembles. With `--before`, the wrong-person matches this installation makes
that the other does not are listed.

Baselines: (1) rapidfuzz `token_sort_ratio` >= 85 over all registry names plus an equal date of birth (brute
force: run up to `--brute-force-up-to` records); (2) exact date-of-birth blocking plus Jaro-Winkler >= 0.9 on the
whole name. Both are given every traveller's plain name (upper-cased), as a simple matcher would see it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
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

from checkpoint.manifests import read_manifest, travellers_from_table
from checkpoint.matching import EvidenceMatcher
from checkpoint.models import Traveller
from checkpoint.registry import Registry
from checkpoint.registry.store import load_registry_file  # where --before installations have it too
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


BRUTE_FORCE = "baseline token_sort>=85 + dob"
MATCHERS: dict[str, Predict] = {
    "checkpoint": evidence_matcher,
    BRUTE_FORCE: baseline_token_sort,
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


def write_set(folder: Path, records: int, travellers: int, seed: int, decoy_trips: str = "none") -> None:
    """The registry export and the three layouts' manifests with their labels, as files in `folder` (made once):
    every matcher, this installation's or another's (`--before`), reads the same files through the real readers."""
    if (folder / "labels.csv").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    frame = generate_registry(records, seed, TODAY)
    frame.to_parquet(folder / "registry.parquet", index=False)
    all_labels = []
    per_layout = travellers // len(LAYOUTS)
    for offset, layout in enumerate(LAYOUTS):
        manifest, labels = generate_matching_set(
            frame, per_layout, seed + offset, TODAY, layout=layout, decoy_trips=decoy_trips
        )
        manifest.to_csv(folder / f"{layout}.csv", index=False)
        all_labels.append(labels.assign(layout=layout))
    pd.concat(all_labels, ignore_index=True).to_csv(folder / "labels.csv", index=False)


def read_set(folder: Path) -> tuple[Registry, list[Traveller], pd.DataFrame]:
    """The registry and the travellers of a set written by `write_set`, and their labels."""
    registry = load_registry_file(folder / "registry.parquet", today=TODAY)
    travellers = [t for layout in LAYOUTS for t in read_manifest(folder / f"{layout}.csv", today=TODAY).travellers]
    labels = pd.read_csv(folder / "labels.csv", dtype=str, keep_default_na=False)
    return registry, travellers, labels


def predict_outcomes(folder: Path) -> dict[str, object]:
    """This installation's matcher on a set: each traveller's claimed record id ("" for none), its candidates'
    record ids, and the seconds the matching took (the registry loaded)."""
    registry, travellers, _ = read_set(folder)
    started = time.perf_counter()
    outcomes = EvidenceMatcher().match(registry, travellers)
    return {
        "match": [o.match.record_id if o.match else "" for o in outcomes],
        "candidates": [[c.record_id for c in o.candidates] for o in outcomes],
        "seconds": time.perf_counter() - started,
    }


def predict_before(folder: Path, python: str) -> dict[str, object]:
    """`predict_outcomes` run by another installation's python (the code before a change), with a home of its
    own so that neither reuses a registry the other prepared."""
    out = folder / "before.json"
    environment = dict(os.environ, CHECKPOINT_HOME=str(folder / "home-before"))
    subprocess.run([python, __file__, "--predict", str(folder), str(out)], check=True, env=environment)
    return dict(json.loads(out.read_text(encoding="utf-8")))


def listed_share(truth: pd.Series, predicted: pd.Series, candidates: Sequence[Sequence[str]]) -> tuple[float, int]:
    """Of the registered travellers not matched to their own record, the share whose record is among the
    candidates, and how many were not matched."""
    missed = [at for at in range(len(truth)) if truth[at] and predicted[at] != truth[at]]
    listed = sum(truth[at] in candidates[at] for at in missed)
    return (listed / len(missed) if missed else 1.0), len(missed)


def why_not_listed(
    registry: Registry, travellers: Sequence[Traveller], truth: pd.Series, run: dict[str, object]
) -> pd.Series:
    """For the registered travellers missed with their own record not among the candidates, the step that lost
    it: not found by any blocking key, pruned before the comparison, compared but below the candidate floor,
    or above the floor but behind `max_candidates` better records."""
    from checkpoint.matching.candidates import blocked_pairs, candidate_pairs
    from checkpoint.matching.model_file import default_model
    from checkpoint.matching.scoring import score_candidates

    model = default_model()
    row_of = {record_id: row for row, record_id in enumerate(registry.values("record_id"))}
    reasons = []
    for at, (claimed, listed) in enumerate(zip(run["match"], run["candidates"], strict=True)):  # type: ignore[call-overload]
        own = truth[at]
        if not own or claimed == own or own in listed:
            continue
        row, traveller = row_of[own], [travellers[at]]
        if row not in blocked_pairs(registry, traveller, model.pruning.name_block_cap)[1]:
            reasons.append("not blocked")
            continue
        pairs = candidate_pairs(registry, traveller, model)
        if row not in pairs.rows:
            reasons.append("pruned")
            continue
        scored = score_candidates(registry, traveller, pairs, model)
        places = np.flatnonzero(scored.rows[scored.places] == row)
        if not len(places) or scored.confidences[places[0]] < model.decision.candidate_floor:
            reasons.append("below the candidate floor")
        else:
            reasons.append("behind the candidate cap")
    return pd.Series(reasons, dtype=object).value_counts()


def new_wrong_person(
    folder: Path,
    travellers: Sequence[Traveller],
    labels: pd.DataFrame,
    predictions: dict[str, pd.Series],
) -> list[str]:
    """The wrong-person matches this installation makes that `--before`'s does not, one line each:
    the traveller's scenario and layout, its synthetic name and birth date beside the claimed record's, and
    whether the claimed record is the one the traveller was made to resemble."""
    base = predictions.get("checkpoint before")
    if base is None:
        return []
    frame = pd.read_parquet(folder / "registry.parquet", columns=["record_id", "full_name", "date_of_birth"])
    records = frame.astype(str).set_index("record_id")
    truth = labels["true_record_id"]
    lines = ["", "### Wrong-person matches checkpoint makes that checkpoint before does not", ""]
    rows = []
    predicted = predictions["checkpoint"]
    new = (predicted != "") & (predicted != truth) & (predicted != base)
    for at in np.flatnonzero(new.to_numpy()).tolist():
        claimed = records.loc[predicted[at]]
        label, traveller = labels.iloc[at], travellers[at]
        rows.append(
            {
                "scenario": label["scenario"],
                "layout": label["layout"],
                "traveller": f"{traveller.full_name} {traveller.date_of_birth}",
                "claimed record": f"{claimed['full_name']} {claimed['date_of_birth']}",
                "the record it resembles": predicted[at] == label["related_record_id"],
            }
        )
    return [*lines, pd.DataFrame(rows).to_markdown(index=False) if rows else "none"]


def _per_value(labels: pd.DataFrame, predictions: dict[str, pd.Series], column: str) -> pd.DataFrame:
    """Recall of every matcher per value of a label column, with the registered travellers counted."""
    labels = labels.reset_index(drop=True)
    found = {
        name: breakdown(labels, predicted.reset_index(drop=True), column) for name, predicted in predictions.items()
    }
    counts = labels[labels["true_record_id"] != ""].groupby(column).size().rename("registered")
    return pd.DataFrame(found).join(counts).sort_values("checkpoint")


def size_report(
    folder: Path,
    records: int,
    seed: int,
    before: str | None,
    brute_force_up_to: int,
    skip_baselines: bool,
) -> list[str]:
    """Every matcher on one set, and the tables for it."""
    registry, travellers, labels = read_set(folder)
    truth = labels["true_record_id"]
    runs: dict[str, dict[str, object]] = {}
    if before:
        runs["checkpoint before"] = predict_before(folder, before)
    runs["checkpoint"] = predict_outcomes(folder)
    if not skip_baselines:
        for name, predict in MATCHERS.items():
            if name == "checkpoint" or (name == BRUTE_FORCE and records > brute_force_up_to):
                continue
            started = time.perf_counter()
            claimed = [p or "" for p in predict(registry, travellers)]
            runs[name] = {"match": claimed, "candidates": None, "seconds": time.perf_counter() - started}
    rows, predictions = [], {}
    for name, run in runs.items():
        predicted = pd.Series(run["match"])
        predictions[name] = predicted
        row = {"matcher": name, **scores(truth, predicted)}
        if run["candidates"] is not None:
            share, missed = listed_share(truth, predicted, run["candidates"])  # type: ignore[arg-type]
            row["missed"], row["missed_listed"] = missed, round(share, 4)
            unregistered = [bool(listed) for listed, own in zip(run["candidates"], truth, strict=True) if not own]  # type: ignore[call-overload]
            row["others_with_candidates"] = round(sum(unregistered) / max(len(unregistered), 1), 4)
        rows.append({**row, "seconds": round(float(run["seconds"]), 2)})  # type: ignore[arg-type]
    table = pd.DataFrame(rows).set_index("matcher")
    skipped = (
        ""
        if records <= brute_force_up_to or skip_baselines
        else f"; {BRUTE_FORCE} not run above {brute_force_up_to:,} records"
    )
    lines = [
        f"## {records:,} records, {len(travellers):,} travellers, seed {seed}",
        "",
        f"registered {int((truth != '').sum())}, decoys {int((labels['related_record_id'] != '').sum())}, "
        f"others {int(((truth == '') & (labels['related_record_id'] == '')).sum())}{skipped}",
        "",
        table.to_markdown(floatfmt=".4f"),
    ]
    for column in ("name_variation", "dob_variation", "passport_variation", "layout", "scenario"):
        lines += [
            "",
            f"### Recall by {column}",
            "",
            _per_value(labels, predictions, column).to_markdown(floatfmt=".3f"),
        ]
    # The name's own part: the same, among travellers whose birth date is as registered (no slip to weigh).
    dated = (labels["dob_variation"] == "exact").to_numpy()
    per = _per_value(
        labels[dated], {name: predicted[dated] for name, predicted in predictions.items()}, "name_variation"
    )
    lines += ["", "### Recall by name_variation, the birth date as registered", "", per.to_markdown(floatfmt=".3f")]
    mine = predictions["checkpoint"]
    wrong = labels[(mine != "") & (mine != truth)]
    why = why_not_listed(registry, travellers, truth, runs["checkpoint"])
    lost = ", ".join(f"{reason} {count}" for reason, count in why.items()) or "none"
    lines += ["", f"checkpoint: {len(wrong)} wrong-person matches; missed without their record listed: {lost}"]
    return lines + new_wrong_person(folder, travellers, labels, predictions)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000", help="registry sizes, comma-separated (20000,200000,1000000)")
    parser.add_argument("--records", type=int, help="one registry size (the same as --sizes with one size)")
    parser.add_argument("--travellers", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--data", type=Path, help="keep the generated sets here between runs (default: a temporary folder)"
    )
    parser.add_argument(
        "--before",
        metavar="PYTHON",
        help="also run the matcher of another installation (the code before a change) on the same files",
    )
    parser.add_argument(
        "--brute-force-up-to", type=int, default=200_000, help=f"largest registry the {BRUTE_FORCE} baseline is run on"
    )
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument(
        "--decoy-trips",
        choices=("none", "placement"),
        default="none",
        help="placement: decoys and strangers on work visas to placement countries (default none)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown to this file")
    parser.add_argument("--predict", nargs=2, type=Path, metavar=("SET", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.predict:  # run by --before's python
        folder, out = args.predict
        out.write_text(json.dumps(predict_outcomes(folder)), encoding="utf-8")
        return 0

    sizes = [args.records] if args.records else [int(size) for size in args.sizes.split(",")]
    lines = [
        f"# Matching accuracy: {', '.join(f'{size:,}' for size in sizes)} records, seed {args.seed}, "
        f"decoy trips {args.decoy_trips}"
    ]
    with tempfile.TemporaryDirectory() as scratch:
        base = args.data or Path(scratch)
        for records in sizes:
            trips = "" if args.decoy_trips == "none" else f"-trips-{args.decoy_trips}"
            folder = base / f"set-{records}-{args.travellers}-{args.seed}{trips}"
            write_set(folder, records, args.travellers, args.seed, args.decoy_trips)
            lines += [
                "",
                *size_report(folder, records, args.seed, args.before, args.brute_force_up_to, args.skip_baselines),
            ]
            print("\n".join(lines), file=sys.stderr)
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
