"""What claiming more would cost: recall and wrong-person matches as the decision's thresholds are lowered.

    python benchmarks/matching/tradeoff.py --data DIR [--sizes 20000,200000,1000000] [--seed 71]
        [--thresholds 0.95,0.9,0.8,0.7] [--leads 2.5,1.5] [--markdown out.md]

Reads the labelled sets `accuracy.py --data DIR` wrote (run it first with the same sizes, travellers and seed).
Every pair is scored once by this installation's matcher; only the decision (`model.json`'s `decision`: the
claim confidence needed and the lead over the runner-up) is varied, so each row is what the matcher would do
with those two numbers. For each: recall, the wrong-person rate (claims of a *different* registered person, over
all travellers) and recall of the travellers whose birth date slipped a digit or whose passport was renewed,
the variations whose recall the shipped thresholds keep lowest.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
from accuracy import breakdown, read_set, scores

from checkpoint.matching import EvidenceMatcher
from checkpoint.matching.decision import decide

#: Label columns and values whose recall each row reports (as `accuracy.py` names them).
WATCHED = (("dob_variation", "dob_digit"), ("passport_variation", "passport_renewed"))


def sweep(folder: Path, thresholds: Sequence[float], leads: Sequence[float]) -> pd.DataFrame:
    """One row per (threshold, lead): what the matcher claims on the set in `folder` with them."""
    registry, travellers, labels = read_set(folder)
    matcher = EvidenceMatcher()
    scored = matcher.scored_pairs(registry, travellers)
    truth = labels["true_record_id"]
    rows = []
    for lead in leads:
        for threshold in thresholds:
            decision = replace(matcher.model.decision, match_threshold=threshold, lead=lead)
            model = replace(matcher.model, decision=decision)
            outcomes = decide(scored, len(travellers), model)
            claimed = pd.Series([outcome.match.record_id if outcome.match else "" for outcome, _, _ in outcomes])
            found = scores(truth, claimed)
            row = {
                "threshold": threshold,
                "lead": lead,
                "recall": round(found["recall"], 4),
                "wrong": found["wrong"],
                "wrong_person_rate": f"{100 * found['wrong_person_rate']:.3f} %",
            }
            for column, value in WATCHED:
                row[value] = round(float(breakdown(labels, claimed, column)[value]), 3)
            per_name = breakdown(labels, claimed, "name_variation")
            row["lowest name variation"] = f"{per_name.idxmin()} {per_name.min():.3f}"
            rows.append(row)
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="the folder accuracy.py --data kept its sets in")
    parser.add_argument("--sizes", default="20000,200000,1000000")
    parser.add_argument("--travellers", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=71)
    parser.add_argument("--thresholds", default="0.95,0.9,0.8,0.7,0.6")
    parser.add_argument("--leads", default="2.5,1.5")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    thresholds = [float(value) for value in args.thresholds.split(",")]
    leads = [float(value) for value in args.leads.split(",")]
    lines = [f"# What claiming more would cost: seed {args.seed}, {args.travellers:,} travellers a set", ""]
    for size in (int(value) for value in args.sizes.split(",")):
        folder = args.data / f"set-{size}-{args.travellers}-{args.seed}"
        if not (folder / "labels.csv").exists():
            print(
                f"no set at {folder}: run accuracy.py --data {args.data} with these sizes and seed first",
                file=sys.stderr,
            )
            return 2
        table = sweep(folder, thresholds, leads)
        lines += [f"## {size:,} records", "", table.to_markdown(index=False), ""]
        print("\n".join(lines[-4:]), flush=True)
    if args.markdown:
        args.markdown.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
