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


EDITION_NON_PROCEDURAL = 0.97
EDITION_ORDINARY = 0.01
FAIRNESS_RATIO = 2.0
FAIRNESS_MIN_GROUP = 100


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _full_cell(row: dict[str, Any]) -> str:
    """Full data: % referred or held (non-procedural), % not cleared (ordinary), % held (procedural)."""
    if row["expected"] == "non_procedural":
        return f"{_pct(row['flagged'])} {_mark(row['flagged'] >= EDITION_NON_PROCEDURAL)}"
    if row["expected"] == "ordinary":
        return f"{_pct(row['flagged'])} {_mark(row['flagged'] <= EDITION_ORDINARY)}"
    return f"{_pct(row['flagged'])} (held {_pct(row['held'])}) {_mark(row['held'] == 0)}"


def _airline_cell(row: dict[str, Any]) -> str:
    """Airline data alone: % flagged or on the worklist (non-procedural: every one), % on the worklist."""
    listed = f"{_pct(row['airline_flagged_or_listed'])} / {_pct(row['airline_listed'])}"
    if row["expected"] == "non_procedural":
        return f"{listed} {_mark(row['airline_flagged_or_listed'] == 1.0)}"
    return listed


def _fair(fairness: dict[str, dict[str, Any]]) -> bool:
    for kind in ("sex", "age_group"):
        rates = [g["rate"] for name, g in fairness.items() if name.startswith(kind) and g["n"] >= FAIRNESS_MIN_GROUP]
        if rates and max(rates) > FAIRNESS_RATIO * min(rates):
            return False
    return True


def edition_section(runs: list[dict[str, Any]]) -> list[str]:
    """Issue 19: each pack on the same labelled manifests, full data and airline data alone, per seed."""
    lines = [
        "## The default pack's editions: full data and airline data alone (issue 19)",
        "",
        "Written by `edition.py` (see README.md). **Full data**: % of the scenario's travellers referred or held "
        "(target ≥ 97% for non-procedural), not cleared (≤ 1% for ordinary), and for registered workers on the "
        "procedural path (READY or DEPARTED for the country flown to, work visa) % not cleared and % held (target: "
        "none held). **Airline data alone** (no visa type, ticket or return date): % flagged or on the worklist / % "
        "on the worklist (every non-procedural traveller flagged or listed).",
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
        same = sorted((run for run in runs if run["details"]["seed"] == seed), key=lambda run: run["details"]["pack"])
        labels = [run["label"] for run in same]
        lines += ["", f"### Seed {seed}", ""]
        head = (
            " | ".join(f"{label}: full" for label in labels)
            + " | "
            + " | ".join(f"{label}: airline" for label in labels)
        )
        lines += [f"| scenario | expected | n | {head} |", "|---|---|---:|" + "---|" * (2 * len(labels))]
        by_label = {run["label"]: {row["scenario"]: row for row in run["scenarios"]} for run in same}
        for row in same[-1]["scenarios"]:
            found = [by_label[label].get(row["scenario"]) for label in labels]
            full = [("–" if f is None else _full_cell(f)) for f in found]
            airline = [("–" if f is None else _airline_cell(f)) for f in found]
            lines.append(
                f"| {row['scenario']} | {row['expected']} | {row['n']:,} | " + " | ".join(full + airline) + " |"
            )
        lines += ["", "| measure | target | " + " | ".join(labels) + " |", "|---|---|" + "---|" * len(labels)]
        measures = [
            (
                "non-procedural referred or held",
                "≥ 97%",
                lambda r: _pct(r["totals"]["non_procedural"]["flagged"]) + "%",
            ),
            ("ordinary not cleared", "≤ 1%", lambda r: _pct(r["totals"]["ordinary"]["flagged"]) + "%"),
            (
                "procedural path held (of n)",
                "0",
                lambda r: f"{r['procedural_path_held']} of {r['procedural_path_n']:,}",
            ),
            (
                "airline: non-procedural flagged or listed (bare clear)",
                "100%",
                lambda r: (
                    f"{_pct(r['totals']['non_procedural']['airline_flagged_or_listed'])}% "
                    f"({r['totals']['non_procedural']['airline_bare_clear']})"
                ),
            ),
            ("airline: ordinary on the worklist", "—", lambda r: _pct(r["totals"]["ordinary"]["airline_listed"]) + "%"),
            (
                "airline: non-procedural share, first fifth of the worklist / whole worklist",
                "≥ 2×",
                lambda r: (
                    f"{_pct(r['worklist']['first_fifth'])}% / {_pct(r['worklist']['whole'])}% "
                    f"({r['worklist']['first_fifth'] / max(r['worklist']['whole'], 1e-9):.1f}×)"
                ),
            ),
        ]
        for name, target, cell in measures:
            lines.append(f"| {name} | {target} | " + " | ".join(cell(run) for run in same) + " |")
        lines += [
            "",
            "False referrals (anything but clear) of ordinary adults, full data: count of n (rate); target: no "
            "group's rate more than twice another's where both have ≥ 100 travellers.",
            "",
            "| group | " + " | ".join(labels) + " |",
            "|---|" + "---|" * len(labels),
        ]
        for group in same[-1]["fairness"]:
            cells = []
            for run in same:
                g = run["fairness"][group]
                cells.append(f"{g['false_referrals']} of {g['n']:,} ({g['rate'] * 100:.2f}%)")
            lines.append(f"| {group} | " + " | ".join(cells) + " |")
        lines.append("| **ratio target met** | " + " | ".join(_mark(_fair(run["fairness"])) for run in same) + " |")
        lines += ["", f"Rules behind the flags of `{labels[-1]}` (full data, non-clear travellers, top three):", ""]
        for row in same[-1]["scenarios"]:
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
    editions = [_load(path) for path in sorted(results.glob("edition-*.json"))]
    if editions:
        lines += edition_section(editions)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_results(HERE / "results", HERE / "results.md"))
    sys.exit(0)
