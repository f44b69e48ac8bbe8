"""The desk's answer time through a real pseudo-terminal, beside today's one-shot `checkpoint screen --mrz`.

    python benchmarks/desk/latency.py [--data /tmp/checkpoint-bench] [--passports 100] [--one-shot 20]

A `checkpoint desk` session (against the million-record store that `matching/speed.py` made in --data) is
driven as a document reader drives it: both MRZ lines typed, each with Enter. Measured per passport: from the
second MRZ line sent to the panel's last line read back (the verdict, the record, the reasons, all written),
then a decision is recorded (timed too). Also the session's start: from the process started to its "ready"
line (registry and rule pack loaded). Beside it, in the same run, `checkpoint screen --mrz L1 L2` for the
first passports: one process each, start to exit. Issue 15's targets: ≤ 20 ms median per passport, ≤ 1 s to load.
The passports are those of the 500-traveller manifest's travellers (their MRZ written with the check digits).
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
import pexpect

from checkpoint.synth.passports import sample_passports

TODAY = date(2026, 11, 28)


def passports(manifest: Path, count: int) -> list[tuple[str, str]]:
    """MRZ lines for the first `count` usable travellers of a manifest in airline layout."""
    frame = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    labels = pd.DataFrame({"scenario": ["any"] * len(frame)})  # in manifest order
    lines = sample_passports(frame, labels, TODAY, count=count)
    return list(zip(lines[::2], lines[1::2], strict=True))


def desk_session(store: Path, home: Path, mrz: list[tuple[str, str]]) -> tuple[float, list[float], list[float]]:
    """(seconds to ready, milliseconds per passport, milliseconds per decision) of one desk session."""
    env = {**os.environ, "CHECKPOINT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [
        "-m", "checkpoint", "desk", "--registry", str(store), "--today", TODAY.isoformat(), "--lang", "en",
        "--destination", "KUL", "--port", "CGK", "--post", "BENCH", "--audit-log", str(home / "audit.jsonl"),
    ]  # fmt: skip
    started = time.perf_counter()
    session = pexpect.spawn(
        sys.executable, command, env=env, cwd=str(home), encoding="utf-8", timeout=60, dimensions=(60, 110)
    )
    session.delaybeforesend = None  # pexpect's default 50 ms pause before each line would be timed too
    session.expect("Ready: ")
    ready = time.perf_counter() - started
    answers, decisions = [], []
    for line1, line2 in mrz:
        session.expect("Next passport")
        session.sendline(line1)
        session.expect("Second MRZ line")
        sent = time.perf_counter()
        session.sendline(line2)
        session.expect("logged as audit entry #[0-9]+")
        answers.append((time.perf_counter() - sent) * 1000)
        session.expect("Decision")
        sent = time.perf_counter()
        session.sendline("1")
        session.expect("recorded \\(audit entry #")
        decisions.append((time.perf_counter() - sent) * 1000)
    session.expect("Next passport")
    session.sendeof()
    session.expect(pexpect.EOF)
    return ready, answers, decisions


def one_shot(store: Path, home: Path, mrz: list[tuple[str, str]]) -> list[float]:
    """Milliseconds of `checkpoint screen --mrz` per passport, process start to exit."""
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timings = []
    for line1, line2 in mrz:
        command = [
            sys.executable, "-m", "checkpoint", "screen", "--registry", str(store), "--mrz", line1, line2,
            "--destination", "KUL", "--today", TODAY.isoformat(), "--audit-log", str(home / "one.jsonl"),
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=home, capture_output=True, check=False)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "checkpoint-bench")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--passports", type=int, default=100)
    parser.add_argument("--one-shot", type=int, default=20)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    store = args.data / f"store_{args.records}"
    mrz = passports(args.data / f"manifest_{args.records}_500.csv", args.passports)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        desk_session(store, home, mrz[:3])  # warm-up: bytecode, parsed pack, page cache, verified snapshot
        ready, answers, decisions = desk_session(store, home, mrz)
        shots = one_shot(store, home, mrz[: args.one_shot])

    def summary(values: list[float]) -> str:
        ordered = sorted(values)
        return f"median {statistics.median(ordered):.1f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1]:.1f} ms"

    lines = [
        f"# The desk: {len(mrz)} passports against {args.records:,} records ({os.cpu_count()} cores)",
        "",
        f"- session ready (registry and pack loaded): {ready:.2f} s",
        f"- one passport, second MRZ line sent to panel written: {summary(answers)}",
        f"- one decision, sent to recorded: {summary(decisions)}",
        f"- baseline, `checkpoint screen --mrz` per passport, process start to exit ({len(shots)}): {summary(shots)}",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
