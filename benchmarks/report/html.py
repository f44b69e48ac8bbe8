"""The HTML report of a 50,000-traveller batch: the time to write it and the time a headless browser takes to
open it, with the JSON writer's time in the same run as the baseline (and the spreadsheet's and the table's).

    python benchmarks/report/html.py [--data /work/bench] [--rounds 5] [--out /tmp/checkpoint-report-bench]

The batch is screened once (the 50,000-traveller bench manifest against the million-record store, as
benchmarks/matching/speed.py made them in --data); then each writer writes it to a file through
`write_report` (the atomic write included), `--rounds` times, alternating, best and median kept. The page is
opened in Chromium over the DevTools pipe (tests/support/browser.py): seconds from navigation to the load event,
and console errors, which must be none. Issue 16's targets: written in ≤ 3 s, open in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

# This file is named html.py: its folder, which Python puts first on the path, would hide the standard library's
# `html` from the report writer; checkpoint is imported in main(), once the folder is off the path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parents[1] / "tests"))  # the tests' browser driver: support.browser

TODAY = date(2026, 11, 28)
FORMATS = ("html", "json", "xlsx", "table")


def main() -> None:
    from checkpoint.pipeline import screen_manifest
    from checkpoint.registry import open_registry
    from checkpoint.report import Batch, OutputFormat, write_report

    from support.browser import find_chromium, load_page

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/bench"))
    parser.add_argument("--travellers", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse the results screened by an earlier run")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "checkpoint-report-bench")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CHECKPOINT_HOME", str(options.out / "home"))

    manifest = options.data / f"manifest_1000000_{options.travellers}.csv"
    kept = options.out / f"run_{options.travellers}.pickle"  # --reuse: the writers measured again, not screening
    started = time.perf_counter()
    if options.reuse and kept.exists():
        run = pickle.loads(kept.read_bytes())  # our own file, written below
    else:
        registry = open_registry(options.data / "store_1000000", options.out / "store", today=TODAY)
        run = screen_manifest(manifest, registry, today=TODAY, audit_log=options.out / "audit.log")
        kept.write_bytes(pickle.dumps(run))
    screened = time.perf_counter() - started
    batch = Batch(
        results=run.results,
        notes=run.notes,
        pack_name=run.pack_name,
        pack_version=run.pack_version,
        registry_snapshot=run.registry_snapshot,
        screening_date=TODAY,
        group_rules=run.group_rules,
    )
    counts = {verdict: sum(r.verdict.value == verdict for r in run.results) for verdict in ("hold", "refer", "clear")}
    print(f"screened {len(run.results):,} travellers in {screened:.1f} s: {counts}", flush=True)

    times: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    target = {fmt: options.out / f"report.{'txt' if fmt == 'table' else fmt}" for fmt in FORMATS}
    for _ in range(options.rounds):
        for fmt in FORMATS:
            began = time.perf_counter()
            write_report(batch, OutputFormat(fmt), target[fmt])
            times[fmt].append(time.perf_counter() - began)
    sizes = {fmt: target[fmt].stat().st_size for fmt in FORMATS}

    browser = find_chromium()
    loads: list[float] = []
    problems: list[str] = []
    if browser:
        for _ in range(options.rounds):
            page = load_page(browser, options.out / "report.html", screenshot=False)
            loads.append(page.load_seconds)
            problems += page.problems

    print(f"\n{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; {options.rounds} rounds")
    print("| output | best | median | file |")
    print("|---|---|---|---|")
    for fmt in FORMATS:
        row = times[fmt]
        print(f"| {fmt} | {min(row):.2f} s | {statistics.median(row):.2f} s | {sizes[fmt] / 1e6:.1f} MB |")
    if loads:
        print(
            f"| html opened in Chromium (navigation to load event) | {min(loads):.2f} s | "
            f"{statistics.median(loads):.2f} s | console errors: {len(problems)} |"
        )
    else:
        print("no chromium on PATH: load time not measured")
    for problem in problems[:5]:
        print("  ", problem)


if __name__ == "__main__":
    main()
