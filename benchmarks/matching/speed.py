"""Screening speed at registry scale, beside a brute-force baseline measured in the same run.

    python benchmarks/matching/speed.py [--records 1000000] [--sizes 500,50000] [--data /tmp/checkpoint-bench]
        [--changes FILE]

What it measures (the issue's targets in brackets), after one warm-up run (bytecode compiled as pip does
at install, the rule pack's parsed form cached, the snapshot in the OS page cache):
- `checkpoint screen` on a manifest, as a separate process, from process start to the output file written,
  with its peak memory: the largest process's resident set, and the whole process tree's (the command forks
  workers for a large manifest) sampled in one more run [500 travellers <= 1.0 s; 50,000 <= 10 s; peak <= 3 GB];
- one traveller matched in-process once the registry is loaded [<= 20 ms];
- the brute-force baseline: rapidfuzz `token_sort_ratio` of each traveller against every registry name
  (all cores), timed on a sample of travellers and scaled to the manifest size (stated as such).

Data comes from `checkpoint synth` (fixed seeds) and is kept in --data between runs. With `--changes`, that change
file is applied to each store once the export is imported (`registry import --changes`): screening then runs
against the snapshot a day's changes make (layered on the import since issue 18).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from checkpoint.manifests import read_manifest
from checkpoint.matching import EvidenceMatcher
from checkpoint.registry import import_registry, open_registry

TODAY = date(2026, 11, 28)


def ensure_data(folder: Path, records: int, sizes: list[int]) -> tuple[Path, dict[int, Path]]:
    """The synthetic registry export and manifests, generated once and reused."""
    from checkpoint.synth import generate_matching_set, generate_registry

    folder.mkdir(parents=True, exist_ok=True)
    registry_path = folder / f"registry_{records}.parquet"
    frame = None
    if not registry_path.exists():
        frame = generate_registry(records, 5, TODAY)
        frame.to_parquet(registry_path, index=False)
    manifests = {}
    for size in sizes:
        path = folder / f"manifest_{records}_{size}.csv"
        if not path.exists():
            frame = frame if frame is not None else pd.read_parquet(registry_path)
            manifest, labels = generate_matching_set(frame, size, 7, TODAY, layout="airline")
            manifest.to_csv(path, index=False)
            labels.to_csv(path.with_suffix(".labels.csv"), index=False)
        manifests[size] = path
    return registry_path, manifests


def run_screen(
    store: Path, manifest: Path, home: Path, *, sample_memory: bool = False, python: str = sys.executable
) -> tuple[float, float, int]:
    """Wall seconds of one `checkpoint screen` process, its memory (MB) and its exit code.

    The memory is the largest resident set of the process or any worker it forked (`ru_maxrss`); with
    `sample_memory`, it is instead the peak of the whole process tree's proportional set size (PSS: shared
    pages such as the mapped registry counted once, split between the processes that map them), sampled
    every 10 ms. Sampling costs CPU, so timed runs do not sample.
    """
    out = home / f"{manifest.stem}.jsonl"
    command = [
        python, "-m", "checkpoint", "screen", "--registry", str(store), "--manifest", str(manifest),
        "--format", "jsonl", "--output", str(out), "--today", TODAY.isoformat(),
        "--audit-log", str(home / "audit.jsonl"),
    ]  # fmt: skip
    # As installed: pip compiles bytecode at install time, so the child may cache it too (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would make every run recompile the package).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["CHECKPOINT_HOME"] = str(home)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    # Started outside any checkout: `python -m` puts the working folder first on sys.path.
    child = subprocess.Popen(command, env=env, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tree_peak_kb = 0
    if sample_memory:
        while child.poll() is None:
            tree_peak_kb = max(tree_peak_kb, tree_pss_kb(child.pid))
            time.sleep(0.01)
    _, stderr = child.communicate()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if child.returncode not in (0, 1):
        raise SystemExit(f"screen failed ({child.returncode}): {stderr.decode()[:500]}")
    memory_kb = tree_peak_kb if sample_memory else max(peak, before)
    return elapsed, memory_kb / 1024, child.returncode


def tree_pss_kb(pid: int) -> int:
    """Summed PSS (kB) of a process and its descendants now (0 for any that has already gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def brute_force_seconds_per_traveller(store: Path, manifest: Path, sample: int) -> float:
    """The baseline: every traveller's name against every registry name (token_sort_ratio, all cores)."""
    registry = open_registry(store, store, today=TODAY)
    names = [" ".join(str(n).split()) for n in registry.values("full_name")]
    travellers = [t for t in read_manifest(manifest, today=TODAY).travellers if t.full_name][:sample]
    started = time.perf_counter()
    for traveller in travellers:
        process.cdist([traveller.full_name], names, scorer=fuzz.token_sort_ratio, score_cutoff=85, workers=-1)
    return (time.perf_counter() - started) / len(travellers)


def single_traveller_ms(store: Path, manifest: Path, count: int) -> tuple[float, float]:
    """Median and 95th-percentile milliseconds to match one traveller with the registry loaded."""
    registry = open_registry(store, store, today=TODAY)
    travellers = read_manifest(manifest, today=TODAY).travellers[:count]
    matcher = EvidenceMatcher()
    matcher.match(registry, travellers[:1])  # warm: token counts, caches
    timings = []
    for traveller in travellers:
        started = time.perf_counter()
        matcher.match(registry, [traveller])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def import_with(python: str, registry_path: Path, store: Path) -> None:
    """The export imported into `store` by another installation's python: a snapshot's name keys are derived by
    the code that screens with it (a snapshot derived by other code is derived again in memory on every run,
    which would time the derivation, not the screening)."""
    script = (
        "import sys; from datetime import date; from pathlib import Path; "
        "from checkpoint.registry import import_registry; "
        "import_registry(Path(sys.argv[1]), Path(sys.argv[2]), today=date.fromisoformat(sys.argv[3]))"
    )
    # -I: not the working folder first on sys.path, where a checkout would stand in for the installation.
    subprocess.run([python, "-I", "-c", script, str(registry_path), str(store), TODAY.isoformat()], check=True)


def apply_changes_with(python: str, changes: Path, store: Path) -> None:
    """A change file applied to `store` by an installation's python (as `registry import --changes` does)."""
    script = (
        "import sys; from datetime import date; from pathlib import Path; "
        "from checkpoint.registry.store import import_changes; "
        "import_changes(Path(sys.argv[1]), Path(sys.argv[2]), today=date.fromisoformat(sys.argv[3]))"
    )
    subprocess.run([python, "-I", "-c", script, str(changes), str(store), TODAY.isoformat()], check=True)


def paired(stores: dict[str, Path], manifests: dict[int, Path], sizes: list[int], before: str, pairs: int) -> list[str]:
    """Each size screened by the installation `before` and by this one (each against the store it imported),
    the order alternated round by round (ABBA), so that the machine's drift weighs on both alike: medians and
    the paired differences."""
    lines = [
        f"Paired with `{before}` (before) against `{sys.executable}` (after), {pairs} rounds, order alternated:",
        "",
        "| travellers | before (median) | after (median) | after − before, paired median | after faster in |",
        "|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as home:
        pythons = {"before": before, "after": sys.executable}
        for label, python in pythons.items():  # warm-up: bytecode, parsed rule pack, page cache
            run_screen(stores[label], manifests[sizes[0]], Path(home), python=python)
        for size in sizes:
            times: dict[str, list[float]] = {"before": [], "after": []}
            for round_number in range(pairs):
                order = list(pythons.items())
                for label, python in order if round_number % 2 == 0 else order[::-1]:
                    times[label].append(run_screen(stores[label], manifests[size], Path(home), python=python)[0])
            differences = [new - old for old, new in zip(times["before"], times["after"], strict=True)]
            faster = sum(difference < 0 for difference in differences)
            lines.append(
                f"| {size:,} | {statistics.median(times['before']):.2f} s | {statistics.median(times['after']):.2f} s "
                f"| {statistics.median(differences):+.2f} s | {faster} of {pairs} |"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="500,50000")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "checkpoint-bench")
    parser.add_argument("--baseline-sample", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="runs per manifest size below 10,000 (median shown)")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument(
        "--before",
        metavar="PYTHON",
        help="the python of another installation (the code before a change): each size is then also run by both, "
        "in alternating order (ABBA), each against a store it imported itself (store_N_before in --data), and the "
        "paired differences reported",
    )
    parser.add_argument("--pairs", type=int, default=8, help="rounds of the paired comparison per size")
    parser.add_argument("--changes", type=Path, help="a change file applied to each store after the import")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    registry_path, manifests = ensure_data(args.data, args.records, sizes)
    store = args.data / f"store_{args.records}"
    started = time.perf_counter()
    # Also when the store exists: a snapshot derived by other code is imported again (kept as it is otherwise).
    import_registry(registry_path, store, today=TODAY)
    import_seconds = time.perf_counter() - started
    if args.changes:
        apply_changes_with(sys.executable, args.changes, store)

    lines = [f"# Screening speed: {args.records:,} records ({os.cpu_count()} cores)", ""]
    if args.changes:
        lines += [f"against the snapshot {args.changes.name} makes of the import", ""]
    lines.append(f"registry import (normalise + keys, once per snapshot): {import_seconds:.1f} s (~0 if reused)")
    lines += [
        "",
        "| travellers | checkpoint screen, process start to file | peak memory: largest process / whole tree "
        "| brute force (scaled) | ratio |",
    ]
    lines.append("|---:|---:|---:|---:|---:|")
    per_traveller = brute_force_seconds_per_traveller(store, manifests[sizes[0]], args.baseline_sample)
    with tempfile.TemporaryDirectory() as home:
        run_screen(store, manifests[sizes[0]], Path(home))  # warm-up: bytecode, parsed rule pack, page cache
        for size in sizes:
            runs = [run_screen(store, manifests[size], Path(home)) for _ in range(args.repeat if size < 10_000 else 1)]
            _, tree_mb, _ = run_screen(store, manifests[size], Path(home), sample_memory=True)
            seconds = statistics.median(run[0] for run in runs)
            peak_mb = max(run[1] for run in runs)
            brute = per_traveller * size
            low, high = min(run[0] for run in runs), max(run[0] for run in runs)
            shown = f"{seconds:.2f} s" + (f" (median of {len(runs)}, {low:.2f}–{high:.2f})" if len(runs) > 1 else "")
            memory = f"{peak_mb:,.0f} MB / {tree_mb:,.0f} MB"
            lines.append(f"| {size:,} | {shown} | {memory} | {brute:,.0f} s | {brute / seconds:,.0f}× |")
    median, p95 = single_traveller_ms(store, manifests[sizes[0]], 200)
    lines += [
        "",
        f"one traveller, registry loaded: median {median:.1f} ms, p95 {p95:.1f} ms "
        f"(brute force: {per_traveller * 1000:,.0f} ms)",
        f"brute force timed on {args.baseline_sample} travellers against all {args.records:,} names and scaled",
    ]
    if args.before:
        store_before = args.data / f"store_{args.records}_before"
        import_with(args.before, registry_path, store_before)
        if args.changes:
            apply_changes_with(args.before, args.changes, store_before)
        stores = {"before": store_before, "after": store}
        lines += ["", *paired(stores, manifests, sizes, args.before, args.pairs)]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
