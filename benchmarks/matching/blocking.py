"""What each blocking key keeps: recall of the true record and pairs per traveller, per key kind and together.

    python benchmarks/matching/blocking.py [--records 20000] [--travellers 2000] [--seed 11]
    python benchmarks/matching/blocking.py --store /tmp/checkpoint-bench/store_1000000 \
        --manifest /tmp/checkpoint-bench/manifest_1000000_500.csv     # at registry scale (speed.py's data)

For every registered traveller of a labelled set: is the true record found by the passport key (P), the
NIK (N), the date of birth and its swap (D), the name-token slip keys (S); by all of them together
(blocking); does it survive pruning, and the bound that drops a pair which could not reach the candidate
floor even with an identical name (the pairs compared: a true record dropped there could never have been
matched or listed)? Records per traveller say what each step costs. The cap and floors are the matching
model's (checkpoint/matching/model.json), which names this benchmark as what protects them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from checkpoint.manifests import read_manifest
from checkpoint.matching import MatchingModel, default_model
from checkpoint.matching.candidates import blocked_pairs, candidate_pairs
from checkpoint.models import Traveller
from checkpoint.registry import Registry, open_registry
from checkpoint.registry.keys import traveller_keys

TODAY = date(2026, 11, 28)
KIND_LABELS = (
    ("P", "passport (OCR-tolerant)"),
    ("N", "NIK"),
    ("D", "date of birth (or its swap) + an initial"),
    ("S", "name token + date, one digit blanked"),
    ("J", "whole name run together + year of birth"),
    ("K", "name's consonants run together + date, one digit blanked"),
)


MODEL = default_model()
#: The model without the candidate-floor bound: what pruning alone keeps.
UNBOUNDED = replace(MODEL, pruning=replace(MODEL.pruning, candidate_floor_bound=False))


def kinds_found(registry: Registry, traveller: Traveller, row: int | None) -> tuple[set[str], Counter[str]]:
    """Which key kinds find `row` for this traveller, and how many rows each kind brings."""
    keys = traveller_keys(traveller.passport_number, traveller.nik, traveller.date_of_birth, traveller.full_name)
    if not keys:
        return set(), Counter()
    hits = registry.look_up(keys, MODEL.pruning.name_block_cap)
    queries, rows = hits.keys, hits.rows
    found: set[str] = set()
    brought: Counter[str] = Counter()
    per_kind: dict[str, set[int]] = {}
    for query, found_row in zip(queries.tolist(), rows.tolist(), strict=True):
        per_kind.setdefault(keys[query][0], set()).add(found_row)
        if found_row == row:
            found.add(keys[query][0])
    for kind, rows_of_kind in per_kind.items():
        brought[kind] = len(rows_of_kind)
    return found, brought


def per_traveller(registry: Registry, travellers: list[Traveller], model: MatchingModel) -> dict[int, set[int]]:
    """The rows candidate generation keeps for each traveller, with this model's pruning."""
    pairs = candidate_pairs(registry, travellers, model)
    kept: dict[int, set[int]] = defaultdict(set)
    for person, row in zip(pairs.people.tolist(), pairs.rows.tolist(), strict=True):
        kept[person].add(row)
    return kept


def report(registry: Registry, travellers: list[Traveller], truth: list[str]) -> str:
    ids = registry.values("record_id")
    row_of = {record_id: row for row, record_id in enumerate(ids)}
    people, _, _ = blocked_pairs(registry, travellers, MODEL.pruning.name_block_cap)
    pruned = per_traveller(registry, travellers, UNBOUNDED)
    bounded = per_traveller(registry, travellers, MODEL)
    registered = [i for i, record_id in enumerate(truth) if record_id]
    hits: Counter[str] = Counter()
    brought: Counter[str] = Counter()
    blocked = kept = reaching = 0
    for index, traveller in enumerate(travellers):
        row = row_of.get(truth[index]) if truth[index] else None
        found, per_kind = kinds_found(registry, traveller, row)
        brought.update(per_kind)
        if row is None:
            continue
        hits.update(found)
        blocked += bool(found)
        kept += row in pruned.get(index, set())
        reaching += row in bounded.get(index, set())
    count = len(travellers)
    lines = [
        f"{count:,} travellers ({len(registered):,} registered) against {registry.size:,} records",
        "",
        "| key | recall of the true record | records per traveller |",
        "|:--|--:|--:|",
    ]
    for kind, label in KIND_LABELS:
        lines.append(f"| {label} | {hits[kind] / len(registered):.3f} | {brought[kind] / count:.1f} |")
    lines.append(f"| **all keys (blocking)** | {blocked / len(registered):.3f} | {len(people) / count:.1f} |")
    liked = sum(len(rows) for rows in pruned.values())
    lines.append(
        f"| **after pruning (dates, signatures, string likeness)** | {kept / len(registered):.3f} "
        f"| {liked / count:.1f} |"
    )
    compared = sum(len(rows) for rows in bounded.values())
    lines.append(
        f"| **… and the candidate-floor bound (the pairs compared)** | {reaching / len(registered):.3f} "
        f"| {compared / count:.1f} |"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--travellers", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--store", type=Path, help="a registry store (speed.py's) instead of a generated set")
    parser.add_argument("--manifest", type=Path, help="with --store: a manifest with a .labels.csv beside it")
    args = parser.parse_args()
    if args.store:
        registry = open_registry(args.store, args.store, today=TODAY)
        travellers = read_manifest(args.manifest, today=TODAY).travellers
        labels = pd.read_csv(args.manifest.with_suffix(".labels.csv"), dtype=str, keep_default_na=False)
        truth = labels["true_record_id"].tolist()
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from accuracy import build_set

        registry, travellers, label_frame = build_set(args.records, args.travellers, args.seed)
        truth = label_frame["true_record_id"].tolist()
    print(report(registry, travellers, truth))
    return 0


if __name__ == "__main__":
    sys.exit(main())
