"""What importing a national registry costs: a full export of 1,000,000 and 5,000,000 records, and a day's
5,000 changes applied to the million-record snapshot (then `--chain` more days, each made from the records the
day before left); beside an installation from before (`--before`), in the same run.

    python benchmarks/registry/import.py --data DIR --before /path/to/before/bin/python [--sizes 1000000 5000000]
        [--changes 5000] [--chain 3] [--markdown FILE]

Each import is a fresh `python -m checkpoint registry import` process with its own $CHECKPOINT_HOME (and run
from it, so that no source tree in the working folder is imported instead of the installation), timed
by `/usr/bin/time -v` (wall clock and the peak resident memory of the process). The registries are made once
in DIR with `checkpoint.synth.scale` (Parquet; the million is part 0 of the five million), the change file
with `generate_changes`. The load average is read before each run: the machine may be shared.

The snapshots the two installations make of the million are compared: the same records, derived columns and
index (their metadata aside: the snapshot id and time differ), and the same count for every name token of every
record (stored per record before issue 18; since, as key ids into the snapshot's vocabulary and its counts).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TODAY = "2026-11-28"


def make_data(data: Path, sizes: list[int], changes: int) -> dict[str, Path]:
    """The registries (registry_N.parquet) and the change file for the million, made if missing."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from checkpoint.synth.scale import generate_changes, registry_parts

    data.mkdir(parents=True, exist_ok=True)
    made = {}
    for size in sizes:
        path = (data / f"registry_{size}.parquet").resolve()
        if not path.exists():
            writer = None
            for frame in registry_parts(size, 7, date.fromisoformat(TODAY)):
                table = pa.Table.from_pandas(frame, preserve_index=False)
                writer = writer or pq.ParquetWriter(path, table.schema, compression="zstd")
                writer.write_table(table)
            assert writer is not None
            writer.close()
        made[f"registry_{size}"] = path
    smallest = min(sizes)
    change_file = (data / f"changes_{smallest}_{changes}.csv").resolve()
    if not change_file.exists():
        registry = pd.read_parquet(made[f"registry_{smallest}"])
        generate_changes(registry, changes, 7, date.fromisoformat(TODAY)).to_csv(change_file, index=False)
    made["changes"] = change_file
    return made


def make_chain(data: Path, registry: Path, first: Path, days: int) -> list[Path]:
    """`days` more change files, each a day's changes (as many as the first's) to the records the days before
    left (the first change file's, then each made here, applied to the registry in order), made if missing."""
    import pandas as pd

    from checkpoint.synth.scale import generate_changes

    records = pd.read_parquet(registry)
    changes = pd.read_csv(first, dtype=str, keep_default_na=False)
    made = []
    for day in range(1, days + 1):
        records = _applied(records, changes)
        path = (data / f"{first.stem}_day{day + 1}.csv").resolve()
        if not path.exists():
            generate_changes(records, len(changes), 7 + day, date.fromisoformat(TODAY)).to_csv(path, index=False)
        changes = pd.read_csv(path, dtype=str, keep_default_na=False)
        made.append(path)
    return made


def _applied(records: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The records after a change file: those changed or deleted taken out, the upserted ones put at the end."""
    import pandas as pd

    upserts = changes[changes["op"] == "upsert"].drop(columns="op").replace("", None)
    kept = records[~records["record_id"].isin(changes["record_id"])]
    return pd.concat([kept, upserts], ignore_index=True)


def timed(python: str, home: Path, *arguments: str) -> tuple[float, float, str] | str:
    """Wall seconds and peak resident MB of `python -m checkpoint ARGUMENTS`, and the load average before; or
    what the command said when it failed."""
    before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    command = ["/usr/bin/time", "-v", python, "-m", "checkpoint", *arguments, "--today", TODAY, "--quiet"]
    # Run from the home folder: `python -m` puts the working folder first on the path, and a source tree there
    # would be imported instead of the installation being measured.
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=home)
    if done.returncode != 0:
        return [line for line in done.stderr.splitlines() if line.startswith("checkpoint:")][-1:][0]
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and peak, done.stderr
    parts = [float(part) for part in wall.group(1).split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    return seconds, int(peak.group(1)) / 1024, before


def current_files(home: Path) -> tuple[Path, Path]:
    import json

    store = home / "registry"
    name = json.loads((store / "current.json").read_text(encoding="utf-8"))["file"]
    records = store / "snapshots" / name
    return records, records.with_name(name.removesuffix(".arrow") + ".index.arrow")


def same_snapshots(first: Path, second: Path) -> bool:
    """The two stores' current snapshots hold the same records, derived columns and index, and give every name
    token of every record the same count (`_token_counts`, or `_key_ids` into the vocabulary beside)."""
    import numpy as np
    import pyarrow as pa

    def table(path: Path) -> pa.Table:
        return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all().replace_schema_metadata(None)

    def counts(records: Path, found: pa.Table) -> np.ndarray:
        if "_token_counts" in found.column_names:
            return np.asarray(found.column("_token_counts").combine_chunks().flatten())
        vocabulary = table(records.with_name(records.name.removesuffix(".arrow") + ".keys.arrow"))
        ids = np.asarray(found.column("_key_ids").combine_chunks().flatten())
        return np.asarray(vocabulary.column("count"))[ids]

    (records_a, index_a), (records_b, index_b) = current_files(first), current_files(second)
    a, b = table(records_a), table(records_b)
    shared = [name for name in a.column_names if name in b.column_names]
    return (
        a.select(shared).equals(b.select(shared))
        and table(index_a).equals(table(index_b))
        and np.array_equal(counts(records_a, a), counts(records_b, b))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--before", required=True, help="python of the installation to compare with")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--chain", type=int, default=0, help="change files applied after the first, each timed")
    parser.add_argument("--markdown", type=Path)
    options = parser.parse_args()
    files = make_data(options.data, options.sizes, options.changes)
    lines = []
    for label, python in (("after", sys.executable), ("before", options.before)):
        where = subprocess.run(
            [python, "-c", "import checkpoint; print(checkpoint.__file__)"],
            capture_output=True, text=True, cwd=tempfile.gettempdir(), check=True,
        )  # fmt: skip
        lines.append(f"{label}: {python} imports {where.stdout.strip()}  ")
    lines += ["", "| run | wall | peak memory | load average before |", "|---|---:|---:|---|"]
    print("\n".join(lines), flush=True)

    def row(label: str, measured: tuple[float, float, str] | str) -> None:
        if isinstance(measured, str):
            lines.append(f"| {label} | failed: {measured} | | |")
        else:
            seconds, peak, before = measured
            lines.append(f"| {label} | {seconds:.1f} s | {peak:,.0f} MB | {before} |")
        print(lines[-1], flush=True)

    with tempfile.TemporaryDirectory(dir=options.data) as scratch:
        homes: dict[str, Path] = {}
        for size in options.sizes:
            export = files[f"registry_{size}"]
            for label, python in (("after", sys.executable), ("before", options.before)):
                home = Path(scratch) / f"{label}_{size}"
                row(f"import {size:,}, {label}", timed(python, home, "registry", "import", str(export)))
                homes[f"{label}_{size}"] = home
        smallest = min(options.sizes)
        same = same_snapshots(homes[f"after_{smallest}"], homes[f"before_{smallest}"])
        lines.append(f"\nSnapshots of {smallest:,} records identical (records, derived columns, index): {same}\n")
        print(lines[-1], flush=True)
        chain = make_chain(options.data, files[f"registry_{smallest}"], files["changes"], options.chain)
        for day, change in enumerate([files["changes"], *chain], start=1):
            for label, python in (("after", sys.executable), ("before", options.before)):
                home = homes[f"{label}_{smallest}"]
                measured = timed(python, home, "registry", "import", "--changes", str(change))
                row(f"changes {options.changes:,} on {smallest:,}, day {day}, {label}", measured)
    if options.markdown:
        options.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
