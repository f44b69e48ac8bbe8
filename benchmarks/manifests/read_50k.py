"""Reading a 50,000-traveller manifest into travellers: the cost of the file-level notes (issue 16).

Makes a CSV of 50,000 rows from the sample ferry and flight lists (pax_id renumbered, dates as they are:
day-first, DDMMMYY), then times `open_manifest` (reading, header resolution and, after issue 16, the column
notes) and `travellers` of every row, best of `--repeats`. Run it on two trees to compare:

    PYTHONPATH=/tmp/before python benchmarks/manifests/read_50k.py     # the code before
    python benchmarks/manifests/read_50k.py                            # this tree
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date
from pathlib import Path

import checkpoint
from checkpoint.manifests import open_manifest

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
TODAY = date(2026, 11, 28)


def write_manifest(path: Path, rows: int) -> None:
    with (SAMPLE / "ferry_batam.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        sample = list(reader)
        fields = list(reader.fieldnames or [])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for number in range(rows):
            writer.writerow({**sample[number % len(sample)], "pax_id": str(number + 1)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest_50k.csv"
        write_manifest(path, options.rows)
        timings = []
        for _ in range(options.repeats):
            started = time.perf_counter()
            rows = open_manifest(path, today=TODAY)
            travellers = rows.travellers(range(len(rows)))
            timings.append(time.perf_counter() - started)
        notes = getattr(rows, "notes", rows.raw.notes)
    print(f"checkpoint at {Path(checkpoint.__file__).parent}: {len(travellers):,} travellers, {len(notes)} note(s)")
    print("seconds per run: " + ", ".join(f"{t:.3f}" for t in timings) + f"; best {min(timings):.3f}")


if __name__ == "__main__":
    main()
