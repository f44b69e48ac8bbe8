"""`checkpoint reconcile` at scale: accuracy against the labelled truth, speed and peak memory, Spark against one
machine, and `checkpoint screen` file by file as the baseline, in one run.

    python benchmarks/reconcile/run.py --registry /work/bench/registry_1000000.parquet \\
        --store STORE --departures 2000000 --days 30 --data /work/data-reconcile/bench \\
        [--spark 100000] [--baseline-files 40]

- the period: `synth.departures.write_departures` against the registry export (the store must hold the same
  export), made once per size and kept in --data;
- `checkpoint reconcile` of the whole period as a separate process (--workers: every core): wall time, and peak
  memory: the largest process's resident set and the whole process tree's proportional set size (PSS, shared
  pages counted once), sampled every half second;
- accuracy per placement record, "departed" against the truth's departed (precision, recall), and of the first
  departure's day and port for the records found;
- with --spark N: a period of N departures reconciled by both engines (`--engine spark --spark-master local[2]`),
  every table compared;
- with --baseline-files K: `checkpoint screen --manifest` of the period's first K files, one process each, scaled
  to the whole period per departure (stated as such).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "matching"))
from speed import tree_pss_kb  # the matching benchmark's process-tree memory sampler

LAST_DAY = date(2026, 11, 28)
TABLES = ("departures", "placements", "by_port", "by_destination", "by_week", "period")


def ensure_period(registry: Path, folder: Path, count: int, days: int) -> Path:
    """The period of `count` departures over `days` days against the export `registry`, made once."""
    from checkpoint.synth.departures import write_departures

    period = folder / f"period_{count}_{days}"
    if not (period / "departures.truth.csv").exists():
        period.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_departures(period, pd.read_parquet(registry), count=count, days=days, last_day=LAST_DAY, seed=7)
        print(f"made {count:,} departures in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    return period


def run(command: list[str], home: Path) -> tuple[float, float, float, str]:
    """Wall seconds, largest process's peak RSS (MB), peak PSS of the whole tree (MB), stdout of one command."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["CHECKPOINT_HOME"] = str(home)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tree = 0
    while child.poll() is None:
        tree = max(tree, tree_pss_kb(child.pid))
        time.sleep(0.5)
    out, err = child.communicate()
    elapsed = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise SystemExit(f"{command[3]} failed ({child.returncode}): {err.decode()[-2000:]}")
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return elapsed, peak / 1024, tree / 1024, out.decode()


def reconcile_command(period: Path, store: Path, out: Path, days: int, *extra: str) -> list[str]:
    first = LAST_DAY - timedelta(days=days - 1)
    return [
        sys.executable, "-m", "checkpoint", "reconcile", "--departures", str(period / "departures"),
        "--from", first.isoformat(), "--to", LAST_DAY.isoformat(), "--registry", str(store), "--out", str(out),
        *extra,
    ]  # fmt: skip


def accuracy(out: Path, truth: Path) -> dict[str, float]:
    """Precision and recall of "departed" per placement record, and how often the first day and port agree."""
    row = duckdb.sql(
        f"""
        WITH p AS (SELECT record_id, seen = 'departed' AS found, first_departure, first_port
                   FROM read_parquet('{out}/placements.parquet')),
             t AS (SELECT record_id, departed, first_departure AS day, port
                   FROM read_csv('{truth}', types={{'record_id': 'VARCHAR', 'first_departure': 'DATE'}}))
        SELECT count(*) FILTER (found AND departed) AS tp, count(*) FILTER (found AND NOT departed) AS fp,
               count(*) FILTER (NOT found AND departed) AS fn, count(*) AS records,
               count(*) FILTER (found AND departed AND first_departure = day AND first_port = port) AS same_first
        FROM p JOIN t USING (record_id)"""
    ).fetchall()[0]
    tp, fp, fn, records, same = row
    return {
        "records": records,
        "departed (truth)": tp + fn,
        "found": tp + fp,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "first day and port agree": same / tp if tp else 0.0,
    }


def same_tables(one: Path, other: Path) -> list[str]:
    """The tables that differ between two outputs (none when equal)."""
    return [
        name
        for name in TABLES
        if not pq.read_table(one / f"{name}.parquet").equals(pq.read_table(other / f"{name}.parquet"))
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=Path, required=True, help="the registry export the store was imported from")
    parser.add_argument("--store", type=Path, required=True, help="a store holding that export (copy it: it is tidied)")
    parser.add_argument("--departures", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--spark", type=int, default=0, help="departures of the Spark-vs-one-machine sample")
    parser.add_argument("--baseline-files", type=int, default=0)
    args = parser.parse_args()
    home = args.data / "home"
    home.mkdir(parents=True, exist_ok=True)

    period = ensure_period(args.registry, args.data, args.departures, args.days)
    out = args.data / f"out_{args.departures}"
    load = os.getloadavg()
    seconds, largest, tree, said = run(reconcile_command(period, args.store, out, args.days), home)
    print(said.splitlines()[0])
    print(f"\nload before: {load[0]:.1f}; after: {os.getloadavg()[0]:.1f}")
    print("| departures | records | wall | peak: largest process / tree (PSS) |\n|---:|---:|---:|---:|")
    counts = pq.read_table(out / "period.parquet").to_pylist()[0]
    print(f"| {counts['departures']:,} | 1,000,000 | {seconds:,.0f} s | {largest:,.0f} MB / {tree:,.0f} MB |")
    print("\naccuracy per placement record:")
    for name, value in accuracy(out, period / "departures.truth.csv").items():
        print(f"  {name}: {value:,.4f}" if isinstance(value, float) else f"  {name}: {value:,}")

    if args.baseline_files:
        files = sorted((period / "departures").rglob("*.csv"))[: args.baseline_files]
        rows, spent = 0, 0.0
        for path in files:
            rows += sum(1 for _ in path.open()) - 1
            command = [
                sys.executable, "-m", "checkpoint", "screen", "--manifest", str(path), "--registry", str(args.store),
                "--format", "jsonl", "--output", str(home / "screened.jsonl"), "--today", LAST_DAY.isoformat(),
                "--audit-log", str(home / "audit.jsonl"),
            ]  # fmt: skip
            spent += run(command, home)[0]
        scaled = spent / rows * counts["departures"]
        print(
            f"\nbaseline: checkpoint screen file by file, {len(files)} files / {rows:,} departures in {spent:,.0f} s "
            f"({rows / spent:,.0f} departures/s); scaled to {counts['departures']:,} departures: {scaled:,.0f} s"
        )

    if args.spark:
        sample = ensure_period(args.registry, args.data, args.spark, args.days)
        local = args.data / f"out_{args.spark}_local"
        spark = args.data / f"out_{args.spark}_spark"
        local_s = run(reconcile_command(sample, args.store, local, args.days), home)[0]
        spark_s = run(
            reconcile_command(sample, args.store, spark, args.days, "--engine", "spark", "--spark-master", "local[2]"),
            home,
        )[0]
        differing = same_tables(local, spark)
        print(
            f"\nSpark local[2] against one machine, {args.spark:,} departures: one machine {local_s:,.0f} s, "
            f"Spark {spark_s:,.0f} s; tables differing: {differing or 'none'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
