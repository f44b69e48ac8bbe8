"""Matching accuracy at registry scale: a labelled manifest screened against an imported registry store.

    python benchmarks/matching/scale.py [--store /tmp/checkpoint-bench/store_1000000]
        [--manifest /tmp/checkpoint-bench/manifest_1000000_50000.csv] [--markdown out.md] [--wrong wrong.csv]

The store and the manifest (with its labels beside it, `<manifest>.labels.csv`) are the ones
`benchmarks/matching/speed.py` makes (`--data` folder: registry seed 5, manifest seed 7, airline layout).
Nothing here is fitted or tuned on: the evidence weights come from `calibrate.py`'s training seeds.

Figures, as in `accuracy.py`: precision (of the matches claimed, the right person), recall (of the registered
travellers, matched to their own record), wrong-person rate (claimed matches to a different person, over all
travellers); per scenario, the travellers matched to the wrong person, and for the registered ones how many
were matched, left as a candidate (their record listed for the officer, not claimed) or missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from checkpoint import pipeline
from checkpoint.manifests import read_manifest
from checkpoint.registry import open_registry

TODAY = date(2026, 11, 28)
BENCH = Path(tempfile.gettempdir()) / "checkpoint-bench"  # speed.py's default --data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=BENCH / "store_1000000")
    parser.add_argument("--manifest", type=Path, default=BENCH / "manifest_1000000_50000.csv")
    parser.add_argument("--labels", type=Path, help="default: the manifest's .labels.csv beside it")
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown to this file")
    parser.add_argument("--wrong", type=Path, help="write the wrong-person matches (for diagnosis) to this CSV")
    args = parser.parse_args(argv)
    labels_path = args.labels or args.manifest.with_suffix(".labels.csv")

    started = time.perf_counter()
    registry = open_registry(args.store, args.store, today=TODAY)
    opened = time.perf_counter() - started
    travellers = read_manifest(args.manifest, today=TODAY).travellers
    labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    if len(labels) != len(travellers) or [t.pax_id for t in travellers] != labels["pax_id"].tolist():
        raise SystemExit(f"{labels_path.name} does not line up with the manifest's {len(travellers)} travellers")
    started = time.perf_counter()
    outcomes = pipeline.match(travellers, registry)  # on every core
    matched_seconds = time.perf_counter() - started

    truth = labels["true_record_id"]
    predicted = pd.Series([o.match.record_id if o.match else "" for o in outcomes])
    listed = pd.Series([any(c.record_id == t for c in o.candidates) for o, t in zip(outcomes, truth, strict=True)])
    registered, claimed = truth != "", predicted != ""
    right, wrong = claimed & (predicted == truth), claimed & (predicted != truth)
    frame = pd.DataFrame(
        {
            "scenario": labels["scenario"],
            "travellers": 1,
            "registered": registered,
            "matched": right,
            "candidate": registered & ~right & listed,
            "wrong_person": wrong,
        }
    )
    per = frame.groupby("scenario").sum(numeric_only=True).astype(int)
    per.loc["all"] = per.sum()
    per["recall"] = (per["matched"] / per["registered"]).where(per["registered"] > 0)
    per["wrong_person_rate"] = per["wrong_person"] / per["travellers"]
    precision = right.sum() / claimed.sum() if claimed.sum() else 1.0
    recall = right.sum() / registered.sum()
    lines = [
        f"# Matching at scale: {registry.size:,} records, {len(travellers):,} travellers ({args.manifest.name})",
        "",
        f"precision {precision:.4f}, recall {recall:.4f}, wrong-person rate {wrong.sum() / len(truth):.4%} "
        f"({int(wrong.sum())} of {len(truth):,}); claimed {int(claimed.sum()):,}",
        f"store opened in {opened:.1f} s, matched in {matched_seconds:.0f} s",
        "",
        per.astype(object).to_markdown(floatfmt=("", "", "", "", "", "", ".4f", ".4%")),
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.wrong:
        rows = [
            {
                "pax_id": travellers[at].pax_id,
                "name": travellers[at].full_name,
                "date_of_birth": travellers[at].date_of_birth,
                "scenario": labels["scenario"][at],
                "true_record_id": truth[at],
                "related_record_id": labels["related_record_id"][at],
                "matched": outcomes[at].match.record_id,  # type: ignore[union-attr]
                "matched_name": outcomes[at].record["full_name"],  # type: ignore[index]
                "matched_date_of_birth": outcomes[at].record["date_of_birth"],  # type: ignore[index]
                "confidence": outcomes[at].match.confidence,  # type: ignore[union-attr]
                **{f"evidence_{k}": v for k, v in outcomes[at].match.fields.items()},  # type: ignore[union-attr]
            }
            for at in wrong[wrong].index
        ]
        pd.DataFrame(rows).to_csv(args.wrong, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
