"""Appending one large screening to the audit log: this checkout against another installation, in one run.

    python benchmarks/audit/append.py [--entries 50000] [--rounds 3] [--against OTHER_PYTHON] [--markdown FILE]

Each measurement is a fresh process that builds `--entries` synthetic results (`ScreeningResult`s of made-up
travellers, most clear, some matched and hit by rules), then times `AuditLog(path).record(results, context)`
on an empty log in a temporary folder: the lock, the key, every entry's traveller key and line, the hash
chain, the write and fsync, the head file. Building the results is not timed. It also times how long the
log's inter-process lock is held (the longest hold during the record): what another screening, a desk
waiting to log one traveller, waits at most. The key and the clock are fixed, so the log's bytes depend only
on the code that writes it: the script prints each log's SHA-256 and says whether all runs wrote the same
bytes (two versions that write different formats on purpose do not).

`--against` names the Python of another installation of checkpoint (say, a virtual environment holding the
code before a change). Its runs start from a folder outside this checkout, so that they import their own
code; this checkout's runs import this checkout. The two alternate round by round (ABBA), so that a slower
moment of the machine is shared between them.

Last run: see `results.md` beside this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from checkpoint.models import ScreeningResult

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
#: A fixed key and time: every run writes the same log, whichever code writes it.
KEY = bytes(range(32))
MOMENT = datetime(2026, 11, 28, 6, 0, 0, tzinfo=UTC)


def synthetic_results(count: int, seed: int = 7) -> list[ScreeningResult]:
    """`count` screening results of made-up travellers (no real personal data)."""
    from checkpoint.models import Hit, Match, MatchOutcome, ScreeningResult, Traveller, Verdict

    rng = random.Random(seed)
    given = ("SITI", "DEWI", "NUR", "BUDI", "AGUS", "PUTU", "NI LUH", "RINA", "WAYAN", "EKO")
    family = ("AMINAH", "LESTARI", "HAYATI", "SANTOSO", "WIBOWO", "SETIAWAN", "SARI", "KURNIAWAN")
    rules = (Hit("NP-001", "visa", "high", 45, "…"), Hit("NP-002", "one way", "medium", 25, "…"))
    results: list[ScreeningResult] = []
    for number in range(1, count + 1):
        has_passport = rng.random() < 0.9
        traveller = Traveller(
            pax_id=f"PAX{number:06d}",
            row=number,
            full_name=f"{rng.choice(given)} {rng.choice(family)}",
            sex=rng.choice("MF"),
            date_of_birth=date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            nationality="IDN",
            passport_number=f"{rng.choice('XBC')}{rng.randrange(10**7):07d}" if has_passport else None,
            destination=rng.choice(("MYS", "SGP", "SAU", "HKG")),
        )
        flagged = rng.random() < 0.1
        match = Match(f"SP2MI-{rng.randrange(10**6):06d}", 0.97, "passport", {}) if rng.random() < 0.05 else None
        results.append(
            ScreeningResult(
                traveller=traveller,
                verdict=Verdict.REFER if flagged else Verdict.CLEAR,
                risk_score=45 if flagged else 0,
                outcome=MatchOutcome(match=match),
                hits=rules[:1] if flagged else (),
            )
        )
    return results


def measure_once(entries: int) -> dict[str, object]:
    """Child process: build the results, time one append to a fresh log and its lock's holds, and describe the
    log written."""
    import contextlib
    import gc

    import checkpoint
    from checkpoint.audit import AuditLog, ScreeningContext
    from checkpoint.audit import log as log_module

    holds: list[float] = []
    namespace = vars(log_module)
    take = namespace["exclusive"]  # what the log's `locked` takes the lock with, before and after the change

    @contextlib.contextmanager
    def timed(*args: object, **kwargs: object) -> Iterator[None]:
        with take(*args, **kwargs):
            taken = time.perf_counter()
            try:
                yield
            finally:
                holds.append(time.perf_counter() - taken)

    namespace["exclusive"] = timed
    results = synthetic_results(entries)
    context = ScreeningContext("officer-1", "TPI Soekarno-Hatta", "snap-1", "default@1", "ab" * 32, "0.1.0")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.jsonl"
        (Path(folder) / "audit.key").write_bytes(KEY)
        log = AuditLog(path, clock=lambda: MOMENT)
        gc.collect()
        start = time.perf_counter()
        written = log.record(results, context)
        seconds = time.perf_counter() - start
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert getattr(written, "count", written) == entries  # an int before the record said more
    held = max(holds)
    return {"seconds": seconds, "held": held, "sha256": digest, "code": str(Path(checkpoint.__file__).parent)}


def run(python: str, *, this_checkout: bool, entries: int) -> dict[str, object]:
    """One measurement in a new process of `python`: this checkout's code, or that installation's own."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if this_checkout:
        env["PYTHONPATH"] = str(REPO)
    with tempfile.TemporaryDirectory() as outside:
        done = subprocess.run(
            [python, str(Path(__file__).resolve()), "--child", "--entries", str(entries)],
            cwd=REPO if this_checkout else outside,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", help="the Python of another installation of checkpoint, measured alike")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_once(args.entries)))
        return 0

    versions = [("this checkout", sys.executable, True)]
    if args.against:
        versions.insert(0, ("--against", args.against, False))
    times: dict[str, list[float]] = {name: [] for name, _, _ in versions}
    held: dict[str, list[float]] = {name: [] for name, _, _ in versions}
    digests: set[str] = set()
    code: dict[str, str] = {}
    for round_number in range(args.rounds):
        order = versions if round_number % 2 == 0 else versions[::-1]
        for name, python, this_checkout in order:
            measured = run(python, this_checkout=this_checkout, entries=args.entries)
            times[name].append(float(str(measured["seconds"])))
            held[name].append(float(str(measured["held"])))
            digests.add(str(measured["sha256"]))
            code[name] = str(measured["code"])
            print(
                f"round {round_number + 1}: {name}: {times[name][-1]:.3f} s, lock held {held[name][-1]:.3f} s",
                file=sys.stderr,
            )

    lines = [
        f"Appending {args.entries:,} entries in one `AuditLog.record`, {args.rounds} rounds "
        f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores).",
        "",
        "| code | record, median | each round | lock held, median | each round |",
        "|---|---:|---|---:|---|",
    ]
    for name, _, _ in versions:
        each = ", ".join(f"{seconds:.2f}" for seconds in times[name])
        each_held = ", ".join(f"{seconds:.2f}" for seconds in held[name])
        lines.append(
            f"| {name} ({code[name]}) | {statistics.median(times[name]):.2f} s | {each} "
            f"| {statistics.median(held[name]):.2f} s | {each_held} |"
        )
    same = "the same bytes in every run" if len(digests) == 1 else f"{len(digests)} different logs: NOT the same bytes"
    lines += ["", f"Logs written: {same} (SHA-256 {', '.join(sorted(d[:16] for d in digests))}…)."]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
