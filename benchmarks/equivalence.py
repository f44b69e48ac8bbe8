"""Do two installations of checkpoint screen alike? Every output and audit entry, compared byte for byte.

    python benchmarks/equivalence.py --before /path/to/old-venv/bin/python --after .venv/bin/python
        [--bench /tmp/checkpoint-bench]

For a refactor that must not change results: each installation screens every sample and fixture manifest
(and, with --bench, the 500- and 50,000-traveller manifests against the million-record store that
`matching/speed.py` made there) in every machine format, from a folder outside any checkout, with its own
$CHECKPOINT_HOME, the same audit key and the same registry store. The outputs must be identical, and so
must the audit entries apart from `time` and the `prev` hash that chains the times in (each log must also
verify); where the log's format changed between the two, the fields both write are compared, and the
others named once. Prints one line per screening and exits 1
at the first difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-11-28"
SAMPLE = REPO / "data" / "sample"
MANIFESTS = [
    *sorted(
        path for path in SAMPLE.glob("*.csv") if not path.name.endswith(".labels.csv") and "registry" not in path.name
    ),
    *sorted((REPO / "tests" / "fixtures" / "manifests").iterdir()),
    *sorted((REPO / "tests" / "fixtures" / "paxlst").iterdir()),
]
FORMATS = ("json", "jsonl", "csv", "table")


def screenings(registry: str, bench: Path | None) -> list[tuple[str, list[str]]]:
    """(label, arguments after `checkpoint screen`) of every screening compared."""
    runs = []
    for manifest in MANIFESTS:
        for output_format in FORMATS:
            runs.append(
                (
                    f"{manifest.name} {output_format}",
                    ["--registry", registry, "--manifest", str(manifest), "--format", output_format],
                )
            )
    desk = ["--name", "SRI WAHYUNI", "--dob", "06/02/2002", "--sex", "F", "--passport", "C5586812"]
    runs.append(("desk traveller", ["--registry", registry, *desk, "--destination", "KUL", "--format", "json"]))
    if bench is not None:
        store = bench / "store_1000000"
        for size in (500, 50_000):
            manifest = bench / f"manifest_1000000_{size}.csv"
            runs.append(
                (
                    f"{manifest.name} × 1M jsonl",
                    ["--registry", str(store), "--manifest", str(manifest), "--format", "jsonl"],
                )
            )
    return runs


def run(python: str, arguments: list[str], work: Path) -> tuple[int, bytes, list[dict[str, object]]]:
    """Exit code, output bytes and audit entries (without time and prev) of one screening."""
    home, out, log = work / "home", work / "out", work / "audit.jsonl"
    for stale in (out, log, log.with_name(log.name + ".head")):
        stale.unlink(missing_ok=True)
    command = [
        python,
        "-m",
        "checkpoint",
        "screen",
        *arguments,
        "--today",
        TODAY,
        "--output",
        str(out),
        "--audit-log",
        str(log),
    ]
    done = subprocess.run(
        command, cwd=work, env={"CHECKPOINT_HOME": str(home), "PATH": "/usr/bin:/bin"}, capture_output=True
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"{python}: exit {done.returncode}: {done.stderr.decode()[-400:]}")
    verified = subprocess.run([python, "-m", "checkpoint", "audit", "verify", str(log)], cwd=work, capture_output=True)
    if verified.returncode != 0:
        raise SystemExit(f"{python}: the audit log does not verify: {verified.stderr.decode()[-400:]}")
    entries = [json.loads(line) for line in log.read_bytes().splitlines()]
    return (
        done.returncode,
        out.read_bytes(),
        [{k: v for k, v in e.items() if k not in ("time", "prev")} for e in entries],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the python of the installation before the change")
    parser.add_argument("--after", required=True, help="the python of the installation after the change")
    parser.add_argument("--bench", type=Path, help="speed.py's data folder, to compare at registry scale too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before, after = Path(folder) / "before", Path(folder) / "after"
        for work in (before, after):
            work.mkdir()
            key = work / "audit.key"  # the same installation key, so the traveller keys can be compared
            key.write_bytes(bytes(range(32)))
            key.chmod(0o600)
        # One store, imported once, for both: an export given as --registry gets a snapshot id made of the
        # time it was prepared, which would differ between the two.
        store = Path(folder) / "store"
        imported = subprocess.run(
            [
                args.before,
                "-m",
                "checkpoint",
                "registry",
                "import",
                str(SAMPLE / "registry.csv"),
                "--store",
                str(store),
                "--today",
                TODAY,
            ],
            cwd=folder,
            env={"CHECKPOINT_HOME": str(store), "PATH": "/usr/bin:/bin"},
            capture_output=True,
        )
        if imported.returncode != 0:
            raise SystemExit(f"registry import failed: {imported.stderr.decode()[-400:]}")
        told = False
        for label, arguments in screenings(str(store), args.bench):
            old, new = run(args.before, arguments, before), run(args.after, arguments, after)
            # A change of the log's format (a field renamed, added or dropped) is said once; the fields both
            # versions write must still agree.
            fields = [set(entry) for entry in old[2][:1] + new[2][:1]]
            common = set.intersection(*fields) if fields else set()
            if len(fields) == 2 and fields[0] != fields[1] and not told:
                gone, new_fields = sorted(fields[0] - fields[1]), sorted(fields[1] - fields[0])
                print(f"note: audit fields only before: {gone}, only after: {new_fields}")
                told = True
            shared = [[{k: v for k, v in entry.items() if k in common} for entry in side[2]] for side in (old, new)]
            same = old[:2] == new[:2] and shared[0] == shared[1]
            verdict = "same" if same else "DIFFERENT"
            print(f"{verdict:9} {label}: exit {new[0]}, {len(new[1]):,} bytes, {len(new[2]):,} entries")
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
