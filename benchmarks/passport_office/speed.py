"""A day's passport applications against a national-size registry, beside a flight's manifest in the same run.

    python benchmarks/passport_office/speed.py --data /work/bench [--applications 2000] [--repeat 7]

Uses the million-record registry and store that `benchmarks/matching/speed.py` made in --data, draws a day's
applications from its people with `checkpoint synth`'s generator (seed 99), and times the whole command
`checkpoint screen --applications FILE --registry STORE --format jsonl --output …` as a separate process, from
process start to the output written, after one warm-up run. The baseline beside it, in the same run and order
alternated: `checkpoint screen --manifest` of the 500-traveller bench manifest against the same store (issue 3's
bound: ≤ 1.0 s). Issue 17's target: 2,000 applications ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from checkpoint.synth.applications import generate_applications

TODAY = date(2026, 11, 28)


def timed(command: list[str], home: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env={**os.environ, "CHECKPOINT_HOME": str(home)}, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    store = options.data / f"store_{options.records}"
    manifest = options.data / f"manifest_{options.records}_500.csv"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        frame = pd.read_parquet(options.data / f"registry_{options.records}.parquet")
        applications, _, _ = generate_applications(frame, options.applications, 99, TODAY)
        path = work / "applications.csv"
        applications.to_csv(path, index=False)
        common = ["--registry", str(store), "--today", TODAY.isoformat(), "--format", "jsonl"]
        runs = {
            "applications": [sys.executable, "-m", "checkpoint", "screen", "--applications", str(path), *common],
            "manifest": [sys.executable, "-m", "checkpoint", "screen", "--manifest", str(manifest), *common],
        }
        for name, command in runs.items():
            command += ["--output", str(work / f"{name}.jsonl"), "--audit-log", str(work / f"{name}-audit.jsonl")]
            timed(command, work / "home")  # warm-up: bytecode, the pack's parsed form, the page cache
        seconds: dict[str, list[float]] = {name: [] for name in runs}
        for round_ in range(options.repeat):
            order = list(runs) if round_ % 2 == 0 else list(reversed(runs))
            for name in order:
                seconds[name].append(timed(runs[name], work / "home"))
    print(f"# {options.applications:,} applications against {options.records:,} records (2 cores)\n")
    print("| command | median | range | target |")
    print("|---|---:|---:|---:|")
    targets = {"applications": "≤ 1.0 s", "manifest": "(baseline) ≤ 1.0 s"}
    labels = {
        "applications": f"`screen --applications` ({options.applications:,} applications)",
        "manifest": "`screen --manifest` (500 travellers)",
    }
    for name, values in seconds.items():
        print(
            f"| {labels[name]} | {statistics.median(values):.2f} s | {min(values):.2f}–{max(values):.2f} s "
            f"| {targets[name]} |"
        )


if __name__ == "__main__":
    main()
