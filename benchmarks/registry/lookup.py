"""What looking a record up by hand costs at registry scale: `registry show` (by id) and `registry search`.

    python benchmarks/registry/lookup.py --store DIR/store_1000000 [--rounds 7] [--markdown FILE]

The store is one imported by this installation (`benchmarks/matching/speed.py --data DIR` makes a million
records); it is only read. Measured, each figure the median of `--rounds`:

1. finding a record by id in the opened snapshot, from the page cache: the scan `Registry.record` does (the
   id column's bytes compared with numpy, no text decoded), for ids at the start, middle and end, an unknown
   id of the same length (every row passes the length test), and an id typed in lower case (two scans); beside
   the alternatives: a sorted lookup (the ids' 64-bit hashes sorted once, then one binary search: what building
   the sorted array costs, at every import or every opening, and what a lookup then costs), and
   `pyarrow.compute.index` (a scan in C++; importing `pyarrow.compute` is timed in a fresh interpreter);
2. the same scan cold: a fresh process, the snapshot's records file evicted from the page cache first
   (`posix_fadvise(DONTNEED)`, that file only), timed inside the process once its imports are done;
3. `checkpoint registry show` and `checkpoint registry search` from process start to output, page cache warm.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

TODAY = "2026-11-28"

_COLD = """
import sys, time
from datetime import date
from pathlib import Path
from checkpoint.registry import open_registry
store = Path(sys.argv[1])
started = time.perf_counter()
registry = open_registry(store, store, today=date(2026, 11, 28))
opened = time.perf_counter()
record = registry.record(sys.argv[2])
print(opened - started, time.perf_counter() - opened, record is not None)
"""


def records_file(store: Path) -> Path:
    name = json.loads((store / "current.json").read_text(encoding="utf-8"))["file"]
    return store / "snapshots" / name


def evict(path: Path) -> None:
    """Drop this file's pages from the page cache (only its)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def median_ms(call: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """Median, lowest and highest milliseconds of `rounds` calls (after one call not counted)."""
    call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times)


def row(label: str, timing: tuple[float, float, float]) -> str:
    middle, low, high = timing
    return f"| {label} | {middle:,.2f} ms | {low:,.2f}–{high:,.2f} ms |"


def run(arguments: list[str], home: Path) -> tuple[float, str]:
    """Wall seconds of a process and its standard output."""
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *arguments], env=env, cwd=home, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{arguments[:4]} failed ({done.returncode}): {done.stderr[:500]}")
    return elapsed, done.stdout


def in_process(store: Path, rounds: int, home: Path) -> list[str]:
    import numpy as np

    os.environ["CHECKPOINT_HOME"] = str(home)
    from checkpoint.registry import open_registry
    from checkpoint.registry.keys import key_hashes

    registry = open_registry(store, store, today=date.fromisoformat(TODAY))
    ids = registry.values("record_id", [0, registry.size // 2, registry.size - 1])
    unknown = "X" * len(ids[1])  # the same length as the ids: every row passes the length test
    lines = [
        f"### Finding one record by id in {registry.size:,} records, page cache warm",
        "",
        "| how | median | range |",
        "|---|---:|---:|",
    ]
    cases = [
        ("the first id", ids[0]),
        ("the middle id", ids[1]),
        ("the last id", ids[2]),
        ("an unknown id of the same length", unknown),
        ("the middle id typed in lower case", ids[1].lower()),
    ]
    for label, wanted in cases:
        lines.append(row(f"scan (`Registry.record`): {label}", median_ms(lambda w=wanted: registry.record(w), rounds)))
    import pyarrow as pa

    # The snapshot's id column, mapped from its file by pyarrow (what the alternatives would search).
    column = pa.ipc.open_file(pa.memory_map(str(records_file(store)), "r")).read_all().column("record_id")
    build = median_ms(lambda: np.argsort(key_hashes(column.chunks[0])), rounds)
    lines.append(row("sorted lookup: building the sorted hashes (every import or opening)", build))
    hashes = key_hashes(column.chunks[0])
    order = np.argsort(hashes)
    ordered = hashes[order]

    def sorted_lookup(wanted: str) -> object:
        query = key_hashes([wanted])[0]
        at = int(np.searchsorted(ordered, query))
        if at < len(ordered) and ordered[at] == query:
            return registry.records([int(order[at])])[0]
        return None

    lines.append(
        row("sorted lookup: one lookup once built, middle id", median_ms(lambda: sorted_lookup(ids[1]), rounds))
    )
    import pyarrow.compute as pc

    lines.append(row("`pyarrow.compute.index`, middle id", median_ms(lambda: pc.index(column, ids[1]), rounds)))
    imports = [float(run(["-c", "import time, pyarrow; t = time.perf_counter(); import pyarrow.compute; "
                               "print(time.perf_counter() - t)"], home)[1]) * 1000 for _ in range(rounds)]  # fmt: skip
    lines.append(row("importing `pyarrow.compute` (fresh interpreter, pyarrow already imported)",
                     (statistics.median(imports), min(imports), max(imports))))  # fmt: skip
    return lines


def cold(store: Path, rounds: int, home: Path) -> list[str]:
    path = records_file(store)
    run(["-c", _COLD, str(store), "SP2MI-0500001"], home)  # the store's files remembered as verified
    opened, found = [], []
    for _ in range(rounds):
        evict(path)
        first, second, _ = run(["-c", _COLD, str(store), "SP2MI-0500001"], home)[1].split()
        opened.append(float(first) * 1000)
        found.append(float(second) * 1000)
    return [
        "### The same scan cold (records file evicted first; fresh process, imports excluded)",
        "",
        "| step | median | range |",
        "|---|---:|---:|",
        row("opening the store (`open_registry`)", (statistics.median(opened), min(opened), max(opened))),
        row("finding the middle id (`Registry.record`)", (statistics.median(found), min(found), max(found))),
    ]


def commands(store: Path, rounds: int, home: Path) -> list[str]:
    base = ["-m", "checkpoint", "registry"]
    cases = [
        ("`registry show SP2MI-0500001`", [*base, "show", "SP2MI-0500001"]),
        ("`registry show` of an unknown id (exit 3)", [*base, "show", "SP2MI-9999999"]),
        ("`registry search --name 'HASAN KURNIAWAN' --dob 1997-07-28`",
         [*base, "search", "--name", "HASAN KURNIAWAN", "--dob", "1997-07-28"]),
        ("`registry search --name 'SITI AMINAH'` (a name alone: 3,498 found, 10 listed)",
         [*base, "search", "--name", "SITI AMINAH"]),
        ("`checkpoint --version` (the interpreter and the CLI alone)", ["-m", "checkpoint", "--version"]),
    ]  # fmt: skip
    lines = [
        "### Commands from process start to output, page cache warm",
        "",
        "| command | median | range |",
        "|---|---:|---:|",
    ]
    for label, arguments in cases:
        if arguments[2:3] == ["registry"]:
            arguments = [*arguments, "--registry", str(store), "--today", TODAY]
        times = []
        for _ in range(rounds + 1):
            env = {**os.environ, "CHECKPOINT_HOME": str(home)}
            started = time.perf_counter()
            subprocess.run([sys.executable, *arguments], env=env, cwd=home, capture_output=True, check=False)
            times.append((time.perf_counter() - started) * 1000)
        times = times[1:]
        lines.append(row(label, (statistics.median(times), min(times), max(times))))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--markdown", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        lines = in_process(options.store, options.rounds, home)
        lines += ["", *cold(options.store, options.rounds, home)]
        lines += ["", *commands(options.store, options.rounds, home)]
    text = "\n".join(lines) + "\n"
    print(text)
    if options.markdown:
        options.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
