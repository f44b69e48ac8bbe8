"""Render `results.md` from the JSON the benchmarks wrote (`results/speed.json`, `results/accuracy-*.json`).

python benchmarks/rules/report.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NON_PROCEDURAL_TARGET = 0.95
ORDINARY_LIMIT = 0.02


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _pct(value: float) -> str:
    return f"{value * 100:.1f}"


def _target(row: dict[str, Any]) -> str:
    flagged = row["refer"] + row["hold"]
    if row["expected"] == "non_procedural":
        return "✓" if flagged >= NON_PROCEDURAL_TARGET else "✗"
    if row["expected"] == "ordinary":
        return "✓" if flagged <= ORDINARY_LIMIT else "✗"
    return ""


def speed_section(speed: dict[str, Any]) -> list[str]:
    details = speed["details"]
    lines = [
        "## Speed: 50 rules × 50,000 travellers",
        "",
        f"Pack: {details['rules']} active rules ({details['group_rules']} group rules), "
        f"{details['leaves']} field tests; facts: {details['travellers']:,} travellers "
        f"({details['source']}). Best of {details['repeats']}; {details['machine']}.",
        "",
        "| evaluation | seconds | travellers per second | vs. vectorised |",
        "|---|---:|---:|---:|",
    ]
    vectorised = speed["timings"]["vectorised"]
    for name, seconds in speed["timings"].items():
        lines.append(
            f"| {name} | {seconds:.3f} | {details['travellers'] / seconds:,.0f} | {seconds / vectorised:.1f}× |"
        )
    lines += [
        "",
        f"Target ≤ 1 s: **{'met' if vectorised <= 1.0 else 'missed'}** ({vectorised:.3f} s). "
        f"Both evaluations give the same verdict, score, hits, unknowns and `could_be` for every traveller: "
        f"**{'yes' if speed['agree'] else 'NO'}**.",
        "",
    ]
    return lines


def accuracy_section(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Accuracy per scenario",
        "",
        "Targets: ≥ 95% of non-procedural travellers `refer` or `hold`; ≤ 2% of ordinary travellers anything "
        "but `clear`. Each cell: % clear / % refer / % hold of the scenario's travellers, ✓/✗ against the target "
        "(registered workers, `procedural`, have no target: they should be clear).",
        "",
    ]
    for run in runs:
        d = run["details"]
        lines.append(
            f"- **{run['label']}**: pack {d['pack']} (sha256 {d['pack_sha256']}…, {d['rules']} active rules), "
            f"code {d['commit']}; registry {d['records']:,} records, seed {d['seed']}, "
            f"{d['manifests_per_kind']} manifests per trip, {d['seconds']} s."
        )
    for seed in sorted({run["details"]["seed"] for run in runs}):
        same = [run for run in runs if run["details"]["seed"] == seed]
        labels = [run["label"] for run in same]
        lines += ["", f"### Seed {seed}", ""]
        lines += ["| scenario | expected | n | " + " | ".join(labels) + " |", "|---|---|---:|" + "---|" * len(labels)]
        by_label = {run["label"]: {row["scenario"]: row for row in run["table"]} for run in same}
        for row in same[-1]["table"]:
            cells = []
            for label in labels:
                found = by_label[label].get(row["scenario"])
                cells.append(
                    "–"
                    if found is None
                    else f"{_pct(found['clear'])} / {_pct(found['refer'])} / {_pct(found['hold'])} {_target(found)}"
                )
            name = f"**{row['scenario']}**" if row["scenario"].startswith("all ") else row["scenario"]
            lines.append(
                f"| {name} | {row['expected']} | {row['n']:,} | " + " | ".join(c.rstrip() for c in cells) + " |"
            )
        lines += ["", f"Rules behind the flags of `{labels[-1]}` (non-clear travellers, top three):", ""]
        for row in same[-1]["table"]:
            if row["top_rules"]:
                lines.append(f"- {row['scenario']}: {', '.join(row['top_rules'])}")
    lines.append("")
    return lines


def report_path(results: Path) -> Path:
    """Where the Markdown goes for a results folder: the committed results.md for this folder's own
    `results/`, else beside the folder given with --out (a scratch run never rewrites the committed file)."""
    here = Path(__file__).resolve().parent
    return here / "results.md" if results.resolve() == here / "results" else results / "results.md"


def write_results(results: Path, target: Path) -> Path:
    """Write `target` from whatever results exist; return it."""
    lines = [
        "# Rule engine benchmarks: results",
        "",
        "Written by `speed.py` and `accuracy.py` in this folder (see README.md); do not edit by hand.",
        "",
    ]
    speed = results / "speed.json"
    if speed.exists():
        lines += speed_section(_load(speed))
    runs = [_load(path) for path in sorted(results.glob("accuracy-*.json"))]
    # By seed, then before ahead of after (labels such as `before`, `after`, `before-s23`, `after-s23`).
    runs.sort(key=lambda run: (run["details"]["seed"], not run["label"].startswith("before"), run["label"]))
    if runs:
        lines += accuracy_section(runs)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_results(HERE / "results", HERE / "results.md"))
    sys.exit(0)
