"""What checking a snapshot's checksums costs at registry scale, warm and cold, beside another installation.

    python benchmarks/registry/integrity.py --data DIR [--before OTHER_PYTHON] [--rounds 5] [--markdown FILE]

DIR holds `store_1000000` (a store imported by this installation: its snapshot has checksums) and
`manifest_1000000_500.csv`, as `benchmarks/matching/speed.py --data DIR` makes them. Measured:

1. hashing the current snapshot's records and index files (~540 MB at a million records) with xxh3-128 (the
   checksum used), xxh3-64, SHA-256 and BLAKE2b, from the page cache and from disk ("cold": the two files
   evicted from the page cache with posix_fadvise(DONTNEED) first, which leaves every other file cached, so
   the machine's other users are not disturbed; on a VM the host may still cache what the guest evicts);
2. opening the store for screening (`open_registry`, timed inside a fresh process once its imports are done):
   this installation ("after") with its memory of verified files (hit) and without it (every file hashed),
   warm and cold; and the `--before` installation, which checks nothing;
3. `checkpoint screen` of 500 travellers from process start to output file, cold (the snapshot evicted before
   each run), this installation (with its memory, and without) beside `--before`; the warm figure is
   `benchmarks/matching/speed.py --before`'s;
4. `checkpoint registry list` (which hashes every kept snapshot in full), warm and cold.

Every figure is the median of `--rounds` runs, the installations alternating.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TODAY = "2026-11-28"

_OPEN = """
import sys, time
from datetime import date
from pathlib import Path
from checkpoint.registry import open_registry
store = Path(sys.argv[1])
started = time.perf_counter()
registry = open_registry(store, store, today=date(2026, 11, 28))
print(time.perf_counter() - started)
"""


def snapshot_files(store: Path) -> list[Path]:
    """The current snapshot's records and index files."""
    import json

    name = json.loads((store / "current.json").read_text(encoding="utf-8"))["file"]
    records = store / "snapshots" / name
    return [records, records.with_name(name.removesuffix(".arrow") + ".index.arrow")]


def evict(paths: list[Path]) -> None:
    """Drop these files' pages from the page cache (only theirs)."""
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)


def hash_seconds(paths: list[Path], make: Callable[[], object]) -> float:
    started = time.perf_counter()
    buffer = bytearray(4 << 20)
    view = memoryview(buffer)
    for path in paths:
        digest = make()
        with path.open("rb", buffering=0) as handle:
            while read := handle.readinto(buffer):
                digest.update(view[:read])  # type: ignore[attr-defined]
    return time.perf_counter() - started


def hashing(paths: list[Path], rounds: int) -> list[str]:
    import xxhash

    size = sum(path.stat().st_size for path in paths)
    lines = [
        f"### Hashing the snapshot's two files ({size / 1e6:,.0f} MB)",
        "",
        "| algorithm | page cache | GB/s | cold | GB/s |",
        "|---|---:|---:|---:|---:|",
    ]
    algorithms: list[tuple[str, Callable[[], object]]] = [
        ("xxh3-128 (used)", xxhash.xxh3_128),
        ("xxh3-64", xxhash.xxh3_64),
        ("SHA-256", hashlib.sha256),
        ("BLAKE2b", hashlib.blake2b),
    ]
    for name, make in algorithms:
        hash_seconds(paths, make)
        warm = statistics.median(hash_seconds(paths, make) for _ in range(rounds))
        colds = []
        for _ in range(rounds):
            evict(paths)
            colds.append(hash_seconds(paths, make))
        cold = statistics.median(colds)
        lines.append(f"| {name} | {warm * 1000:,.0f} ms | {size / warm / 1e9:.1f} | {cold * 1000:,.0f} ms | "
                     f"{size / cold / 1e9:.1f} |")  # fmt: skip
    return lines


def run(python: str, arguments: list[str], home: Path) -> tuple[float, str]:
    """Wall seconds of a process (started outside any checkout, as installed) and its standard output."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["CHECKPOINT_HOME"] = str(home)
    started = time.perf_counter()
    done = subprocess.run([python, *arguments], env=env, cwd=home, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{arguments[:3]} failed ({done.returncode}): {done.stderr[:500]}")
    return elapsed, done.stdout


def opening(store: Path, before: str | None, rounds: int, home: Path) -> list[str]:
    files = snapshot_files(store)
    verified = home / "cache" / "verified"
    cases: list[tuple[str, str, bool, bool]] = [  # label, python, remembered, cold
        ("after, verified files remembered, page cache", sys.executable, True, False),
        ("after, verified files remembered, cold", sys.executable, True, True),
        ("after, nothing remembered (every file hashed), page cache", sys.executable, False, False),
        ("after, nothing remembered (every file hashed), cold", sys.executable, False, True),
    ]
    if before:
        cases += [
            ("before (no check), page cache", before, True, False),
            ("before (no check), cold", before, True, True),
        ]
    times: dict[str, list[float]] = {label: [] for label, *_ in cases}
    run(sys.executable, ["-c", _OPEN, str(store)], home)  # remembers the files (the snapshot has settled)
    for _ in range(rounds):
        for label, python, remembered, cold in cases:
            if not remembered:
                shutil.rmtree(verified, ignore_errors=True)
            if cold:
                evict(files)
            else:  # read back into the page cache (a cold case before may have left them out)
                hash_seconds(files, hashlib.sha256)
            times[label].append(float(run(python, ["-c", _OPEN, str(store)], home)[1]))
            if not remembered:
                run(sys.executable, ["-c", _OPEN, str(store)], home)  # remembered again for the next case
    lines = [
        "### Opening the store for screening (`open_registry`)",
        "",
        "| case | median | range |",
        "|---|---:|---:|",
    ]
    for label, values in times.items():
        lines.append(f"| {label} | {statistics.median(values) * 1000:,.1f} ms | "
                     f"{min(values) * 1000:,.1f}–{max(values) * 1000:,.1f} ms |")  # fmt: skip
    return lines


def screening_cold(store: Path, manifest: Path, before: str | None, rounds: int, home: Path) -> list[str]:
    files = snapshot_files(store)
    out = home / "out.jsonl"
    screen = ["-m", "checkpoint", "screen", "--registry", str(store), "--manifest", str(manifest), "--format",
              "jsonl", "--output", str(out), "--today", TODAY, "--audit-log", str(home / "audit.jsonl")]  # fmt: skip
    cases: list[tuple[str, str, bool]] = [
        ("after, verified files remembered", sys.executable, True),
        ("after, nothing remembered (every file hashed)", sys.executable, False),
    ]
    if before:
        cases.append(("before (no check)", before, True))
    for _, python, _ in cases:  # warm-up: bytecode, the parsed rule pack
        run(python, screen, home)
    times: dict[str, list[float]] = {label: [] for label, *_ in cases}
    for round_number in range(rounds):
        for label, python, remembered in cases if round_number % 2 == 0 else cases[::-1]:
            if not remembered:
                shutil.rmtree(home / "cache" / "verified", ignore_errors=True)
            evict(files)
            times[label].append(run(python, screen, home)[0])
            if not remembered:
                run(sys.executable, ["-c", _OPEN, str(store)], home)
    lines = [
        f"### `checkpoint screen` of {manifest.name}, process start to file, the snapshot cold",
        "",
        "| installation | median | range |",
        "|---|---:|---:|",
    ]
    for label, values in times.items():
        lines.append(f"| {label} | {statistics.median(values):.2f} s | {min(values):.2f}–{max(values):.2f} s |")
    return lines


def listing(store: Path, rounds: int, home: Path) -> list[str]:
    files = [path for path in (store / "snapshots").iterdir() if path.name.endswith(".arrow")]
    size = sum(path.stat().st_size for path in files)
    command = ["-m", "checkpoint", "registry", "list", "--store", str(store)]
    hash_seconds(files, hashlib.sha256)  # into the page cache
    warm = statistics.median(run(sys.executable, command, home)[0] for _ in range(rounds))
    colds = []
    for _ in range(rounds):
        evict(files)
        colds.append(run(sys.executable, command, home)[0])
    kept = len([path for path in files if not path.name.endswith(".index.arrow")])
    return [
        f"### `checkpoint registry list`: {kept} snapshot(s), {size / 1e6:,.0f} MB hashed in full, start to end",
        "",
        f"page cache {warm:.2f} s, cold {statistics.median(colds):.2f} s (medians of {rounds})",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--before", metavar="PYTHON", help="the python of another installation (before a change)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    store = args.data / f"store_{args.records}"
    manifest = args.data / f"manifest_{args.records}_500.csv"
    lines = [f"## Snapshot integrity at {args.records:,} records ({os.cpu_count()} cores)", ""]
    lines += hashing(snapshot_files(store), args.rounds)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        lines += ["", *opening(store, args.before, args.rounds, home)]
        lines += ["", *screening_cold(store, manifest, args.before, args.rounds, home)]
        lines += ["", *listing(store, args.rounds, home)]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
