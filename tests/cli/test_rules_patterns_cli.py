"""`matches` patterns through the CLI: the classic catastrophic patterns run in linear time, and what RE2
cannot do is refused by `rules check` at its line and column."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()

#: Patterns that make a backtracking engine (Python's `re`) take minutes or more on 30 characters, and
#: whether each occurs in ALMOST (`(a|a?)+$` does: it matches the empty text at the end of any value).
CATASTROPHIC = {"(a|a)+$": False, "(a|aa)+$": False, "(a|a?)+$": True, "a*a*a*a*a*a*a*a*a*a*b": False}
ALMOST = "a" * 30 + "!"  # nearly matches every one of them: the worst case for backtracking

PACK_HEAD = """\
pack: {name: patterns, version: "1"}
policy: {refer_at: 30, hold_at: 70}
rules:
"""
RULE = """\
  - id: RX-00{number}
    title: {{id: pola {number}, en: pattern {number}}}
    severity: low
    score: 10
    explanation: {{en: 'visa {{visa_type}}', id: 'visa {{visa_type}}'}}
    when: {{field: visa_type, matches: '{pattern}'}}
    tests:
      - {{traveller: {{full_name: A, visa_type: '{almost}'}}, expect: {expect}}}
      - {{traveller: {{full_name: A, visa_type: '{fires}'}}, expect: fire}}
"""


def write_pack(folder: Path, patterns: dict[str, bool]) -> Path:
    rules = "".join(
        RULE.format(
            number=number,
            pattern=pattern,
            almost=ALMOST,
            expect="fire" if in_almost else "no_fire",
            fires="a" * 30 + ("b" if "b" in pattern else ""),
        )
        for number, (pattern, in_almost) in enumerate(patterns.items(), start=1)
    )
    pack = folder / "patterns.yaml"
    pack.write_text(PACK_HEAD + rules, encoding="utf-8")
    return pack


def run(*args: str | Path, home: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """The CLI in its own process (a pattern that backtracks would hang the test instead of failing it)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "checkpoint", *map(str, args)],
        env={**os.environ, "CHECKPOINT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, time.perf_counter() - started


def test_catastrophic_patterns_are_valid_and_run_in_linear_time(tmp_path: Path, registry_csv: Path) -> None:
    pack = write_pack(tmp_path, CATASTROPHIC)
    checked, _ = run("rules", "check", pack, home=tmp_path / "home")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested, seconds = run("rules", "test", pack, "--today", "2026-11-28", home=tmp_path / "home")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "8/8 case(s) passed in 4 rule(s)" in tested.stdout
    screened, screen_seconds = run(
        "screen", "--registry", registry_csv, "--rules", pack, "--name", "SITI AMINAH", "--visa-type", ALMOST,
        "--destination", "KUL", "--today", "2026-11-28", "--format", "json", home=tmp_path / "home",
    )  # fmt: skip
    assert screened.returncode in (0, 1), screened.stderr
    fired = {f"RX-00{n}" for n in range(1, 5) if f'"rule": "RX-00{n}"' in screened.stdout}
    assert fired == {"RX-003"}, screened.stdout  # almost, never quite, but for the one that matches anything
    # A whole process start is most of this; a backtracking engine takes minutes (the timeout fails it).
    assert seconds < 30 and screen_seconds < 30, (seconds, screen_seconds)


def test_what_re2_cannot_do_is_refused_by_rules_check_with_a_place_and_a_sentence(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, {r"^(GA)\1": False, "GA(?!8)": False, r"(?<=X)Y": False})
    checked = runner.invoke(app, ["rules", "check", str(pack)])
    assert checked.exit_code == 4
    lines = checked.stdout.splitlines()
    assert lines[0] == (
        f"{pack}:9:39: E207 the pattern uses '\\1'; backreferences are not supported: a pattern cannot require "
        "the same text twice"
    )
    assert lines[1].startswith(f"{pack}:18:39: E207 the pattern uses '(?!'; lookahead and lookbehind are not")
    assert lines[2].startswith(f"{pack}:27:39: E207 the pattern uses '(?<='; lookahead and lookbehind are not")
    assert "3 problems; the pack cannot be used" in checked.stderr
