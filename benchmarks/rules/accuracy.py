"""Verdicts per labelled scenario: the real screening pipeline on synthetic manifests, with a rule pack.

    python benchmarks/rules/accuracy.py --label after [--pack rules/] [--manifests 16] [--seed 11]

A registry of 20,000 records and, for each sample trip of `checkpoint synth` (an airline list CGK → KUL, a
Batam ferry list, an umrah group to Jeddah), `--manifests` manifests from fixed seeds. Each manifest plan is
the sample one with more non-procedural travellers and the scenarios it lacks added (so every ordinary kind
and every non-procedural pattern is measured on enough people); each manifest is screened on its own, as a
border post screens one departure, by `checkpoint.pipeline.screen_travellers` with the matcher of the tree
the script runs on.

Targets (issue 4): >= 95% of non-procedural travellers refer or hold; <= 2% of ordinary travellers anything
but clear. Registered workers (procedural) are shown too: they should be clear.

"Before" is measured on the code and pack of a commit, unpacked elsewhere (see README.md); this script only
uses interfaces that exist there. Results go to `results/accuracy-<label>.json` and `results.md` (with
`--out DIR`: both into DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

import checkpoint
from checkpoint.engine import default_pack_path, load_pack
from checkpoint.manifests import travellers_from_table
from checkpoint.pipeline import screen_travellers
from checkpoint.registry import open_registry
from checkpoint.sources import RawTable
from checkpoint.synth import SCENARIOS, generate_registry, generate_travellers, manifest_plan

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 28)
KINDS = ("flight", "ferry", "umrah")
#: Scenario counts per manifest that replace or add to the sample plan's (travellers per manifest).
PLAN_CHANGES: Mapping[str, Mapping[str, int]] = {
    "flight": {
        "sibling_decoy": 4,
        "twin_decoy": 4,
        "cancelled_record": 4,
        "wrong_destination": 4,
        "minor_record": 2,
        "record_not_ready": 3,
        "work_visa_no_record": 4,
        "scam_route_transit": 4,
    },
    "ferry": {
        "family": 12,
        "student": 4,
        "sibling_decoy": 2,
        "twin_decoy": 2,
        "cancelled_record": 2,
        "wrong_destination": 2,
        "record_not_ready": 2,
        "work_visa_no_record": 2,
    },
    "umrah": {
        "sibling_decoy": 2,
        "twin_decoy": 2,
        "umrah_oneway_no_record": 5,
        "registered_domestic_sau": 3,
        "ziarah_visa": 3,
    },
}
NON_PROCEDURAL_TARGET = 0.95  # at least this share refer or hold
ORDINARY_LIMIT = 0.02  # at most this share anything but clear


def plan_for(kind: str) -> dict[str, Any]:
    """The sample plan of `kind` with the benchmark's scenario counts."""
    plan = manifest_plan(kind)
    plan["scenarios"] = {**plan["scenarios"], **PLAN_CHANGES[kind]}
    return plan


def commit() -> str:
    """The commit of the code the script runs on (with '+changes' when the tree differs from it)."""
    root = Path(checkpoint.__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "checkpoint", "rules"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}+changes" if dirty else head


def run(pack_path: Path, manifests: int, seed: int, records: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per screened traveller (scenario, expected, verdict, rules hit, matched) and run details."""
    pack = load_pack(pack_path)
    rows: list[tuple[str, str, str, str, bool]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        registry_file = Path(work) / "registry.parquet"
        generate_registry(records, seed, TODAY).to_parquet(registry_file)
        # A state folder of our own: no registry cache shared with other runs or code versions.
        os.environ["CHECKPOINT_HOME"] = str(Path(work) / "home")
        registry = open_registry(registry_file, Path(work) / "store", today=TODAY)
        frame = pd.read_parquet(registry_file)
        for kind in KINDS:
            plan = plan_for(kind)
            for number in range(manifests):
                manifest, labels = generate_travellers(frame, plan, seed * 1000 + number, TODAY, kind=kind)
                cells = manifest.astype(object).where(manifest.notna(), None)
                travellers = travellers_from_table(RawTable.from_frame(cells, f"{kind}-{number}"), today=TODAY)
                results = screen_travellers(travellers, registry, pack, today=TODAY)
                for label, result in zip(labels.itertuples(), results, strict=True):
                    hits = ",".join(hit.rule for hit in result.hits)
                    rows.append(
                        (label.scenario, label.expected, result.verdict.value, hits, result.outcome.match is not None)
                    )
    details = {
        "pack": f"{pack.name} {pack.version}",
        "pack_sha256": pack.sha256[:12],
        "rules": len(pack.active_rules),
        "commit": commit(),
        "records": records,
        "seed": seed,
        "manifests_per_kind": manifests,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return pd.DataFrame(rows, columns=["scenario", "expected", "verdict", "hits", "matched"]), details


def summarise(screened: pd.DataFrame) -> list[dict[str, Any]]:
    """Per scenario (in SCENARIOS order): count, shares of clear/refer/hold, how many were matched."""
    table: list[dict[str, Any]] = []
    for name, scenario in SCENARIOS.items():
        rows = screened[screened["scenario"] == name]
        if rows.empty:
            continue
        shares = rows["verdict"].value_counts(normalize=True)
        top = rows.loc[rows["verdict"] != "clear", "hits"].str.split(",").explode().value_counts().head(3)
        table.append(
            {
                "scenario": name,
                "expected": scenario.expected,
                "n": len(rows),
                "clear": float(shares.get("clear", 0.0)),
                "refer": float(shares.get("refer", 0.0)),
                "hold": float(shares.get("hold", 0.0)),
                "matched": float(rows["matched"].mean()),
                "top_rules": [f"{rule} ({count})" for rule, count in top.items() if rule],
            }
        )
    for expected in ("non_procedural", "ordinary", "procedural"):
        rows = screened[screened["expected"] == expected]
        shares = rows["verdict"].value_counts(normalize=True)
        table.append(
            {
                "scenario": f"all {expected}",
                "expected": expected,
                "n": len(rows),
                "clear": float(shares.get("clear", 0.0)),
                "refer": float(shares.get("refer", 0.0)),
                "hold": float(shares.get("hold", 0.0)),
                "matched": float(rows["matched"].mean()),
                "top_rules": [],
            }
        )
    return table


def verdict_on_target(row: Mapping[str, Any]) -> str:
    """'yes'/'NO' against the issue's targets for the row's kind of traveller ('' for registered workers)."""
    if row["expected"] == "non_procedural":
        return "yes" if row["refer"] + row["hold"] >= NON_PROCEDURAL_TARGET else "NO"
    if row["expected"] == "ordinary":
        return "yes" if row["refer"] + row["hold"] <= ORDINARY_LIMIT else "NO"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True, help="name of this measurement, e.g. before or after")
    parser.add_argument("--pack", type=Path, default=None, help="rule pack (default: the shipped pack)")
    parser.add_argument("--manifests", type=int, default=16, help="manifests per sample trip (default 16)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results",
        help="folder for the JSON results (and, unless the default, results.md)",
    )
    parser.add_argument("--rows", type=Path, default=None, help="also write every screened traveller as CSV")
    parser.add_argument("--code", default=None, help="what code this is, when not a git checkout (e.g. a commit)")
    args = parser.parse_args(argv)
    screened, details = run(args.pack or default_pack_path(), args.manifests, args.seed, args.records)
    if args.code:
        details["commit"] = args.code
    table = summarise(screened)
    print(f"{args.label}: {details}")
    header = f"{'scenario':30} {'expected':15} {'n':>6} {'clear':>7} {'refer':>7} {'hold':>7}  target"
    print(header)
    for row in table:
        print(
            f"{row['scenario']:30} {row['expected']:15} {row['n']:6d} {row['clear']:7.1%} {row['refer']:7.1%} "
            f"{row['hold']:7.1%}  {verdict_on_target(row)}"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    result = {"label": args.label, "details": details, "table": table}
    (args.out / f"accuracy-{args.label}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.rows:
        screened.to_csv(args.rows, index=False)
    sys.path.insert(0, str(HERE))
    from report import report_path, write_results  # the benchmark's own renderer, next to this script

    print(f"wrote {write_results(args.out, report_path(args.out))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
