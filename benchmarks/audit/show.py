"""Reading a large audit log: `checkpoint audit show` (table, jsonl, --summary, filtered) and `audit decide`.

    python benchmarks/audit/show.py [--entries 50000] [--decisions 1000] [--rounds 3] [--markdown FILE]

Builds one log in a temporary folder: `--entries` synthetic screenings (`append.py`'s travellers: most clear,
one in ten referred on a rule) appended in batches of 500, then `--decisions` decisions taken one by one
through `AuditLog.decide` on referred travellers, as a desk or `audit decide` would (a tenth of them a second
decision that supersedes the first). Then it times each command in a fresh process, from start to exit, with
the output going to /dev/null (what a supervisor waits for), `--rounds` times, and reports the median and
every round. `audit verify` is timed beside them for scale.

Last run: see `results.md` beside this script.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from append import KEY, synthetic_results  # noqa: E402  (the same made-up travellers)

COMMANDS: list[tuple[str, list[str]]] = [
    ("audit show --summary", ["audit", "show", "--summary"]),
    ("audit show --summary --format jsonl", ["audit", "show", "--summary", "--format", "jsonl"]),
    ("audit show (table)", ["audit", "show"]),
    ("audit show --format jsonl", ["audit", "show", "--format", "jsonl"]),
    ("audit show --verdict refer --decision none", ["audit", "show", "--verdict", "refer", "--decision", "none"]),
    ("audit decide PAX_ID (a traveller near the start)", ["audit", "decide", "PAX000011", "--decision", "cleared"]),
    ("audit verify", ["audit", "verify"]),
]


def build(folder: Path, entries: int, decisions: int) -> Path:
    """The log: `entries` screenings in batches of 500, then `decisions` decisions on referred travellers."""
    from checkpoint.audit import AuditLog, ScreeningContext
    from checkpoint.models import Decision

    path = folder / "audit.jsonl"
    (folder / "audit.key").write_bytes(KEY)
    start = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    results = synthetic_results(entries)
    posts = ("TPI Soekarno-Hatta", "TPI Batam", "TPI Nunukan")
    for index in range(0, entries, 500):
        moment = start + timedelta(minutes=index // 50)
        context = ScreeningContext(f"officer-{index % 7}", posts[index % 3], "snap-1", "default@1", "ab" * 32, "0.1.0")
        AuditLog(path, clock=lambda moment=moment: moment).record(results[index : index + 500], context)
    referred = [seq for seq, result in enumerate(results, start=1) if result.verdict.value != "clear"]
    rng = random.Random(11)
    chosen = rng.sample(referred, min(decisions, len(referred)))
    log = AuditLog(path, clock=lambda: start + timedelta(days=1))
    codes = ("no_work_intent", "work_papers_missing", "documents_complete", None)
    for number, seq in enumerate(chosen):
        decision = rng.choice(tuple(Decision))
        log.decide(seq, decision, reason=rng.choice(codes), officer="officer-9", post=posts[number % 3])
        if number % 10 == 0:  # a second decision, superseding the first
            log.decide(seq, Decision.POSTPONED, reason="cannot_explain_trip", note="catatan petugas")
    return path


def time_command(arguments: list[str], path: Path, home: Path) -> float:
    """Seconds from start to exit of `checkpoint ARGUMENTS --audit-log PATH` in a fresh process."""
    command = [sys.executable, "-m", "checkpoint", *arguments, "--audit-log", str(path)]
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(arguments)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = build(Path(folder), options.entries, options.decisions)
        built = time.perf_counter() - started
        lines = path.read_bytes().count(b"\n")
        size = path.stat().st_size / 1e6
        rows = []
        for label, arguments in COMMANDS:
            rounds = [time_command(arguments, path, Path(folder) / "home") for _ in range(options.rounds)]
            rows.append((label, statistics.median(rounds), rounds))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report = [
        f"{lines:,} entries ({options.entries:,} screenings, the rest decisions), {size:.1f} MB, built in "
        f"{built:.0f} s; {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, load "
        f"{load:.1f} at the end.",
        "",
        "| command (start to exit, output to /dev/null) | median | each round |",
        "|---|---:|---|",
        *(
            f"| `{label}` | {median:.2f} s | {', '.join(f'{r:.2f}' for r in rounds)} |"
            for label, median, rounds in rows
        ),
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if options.markdown:
        options.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
