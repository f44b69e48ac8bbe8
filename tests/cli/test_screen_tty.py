"""`checkpoint screen` on a real terminal (a pseudo-terminal): what the officer reads once, not twice."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

SAMPLE = Path(__file__).parents[2] / "data" / "sample"

#: `pasport` misspelt: a data-quality note the run must give.
MANIFEST = """\
full_name,pasport,date_of_birth,sex,destination,visa_type,departure_date,return_date
RINA WULANDARI,C4455667,16/04/1989,F,SIN,tourist,28/11/2026,15/12/2026
AGUS PRASETYO,C7788990,23/10/1992,M,SIN,tourist,28/11/2026,15/12/2026
"""


def test_a_note_is_shown_once_when_the_table_and_its_summary_are_on_the_terminal(tmp_path: Path) -> None:
    manifest = tmp_path / "ferry.csv"
    manifest.write_text(MANIFEST, encoding="utf-8")
    command = [
        "-m",
        "checkpoint",
        "screen",
        "--manifest",
        str(manifest),
        "--registry",
        str(SAMPLE / "registry.parquet"),
    ]
    command += ["--today", "2026-11-28", "--lang", "en"]
    env = {**os.environ, "CHECKPOINT_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    child = pexpect.spawn(
        sys.executable, command, env=env, encoding="utf-8", timeout=60, dimensions=(50, 200), cwd=tmp_path
    )
    screen = child.read()
    child.close()
    assert child.exitstatus == 0, screen
    assert screen.count("column 'pasport' is not one checkpoint knows") == 1, screen
    assert screen.index("Data-quality notes") < screen.index("column 'pasport'")  # in the summary, not above it


def test_a_single_travellers_panel_keeps_the_note_on_stderr(tmp_path: Path) -> None:
    manifest = tmp_path / "ferry.csv"
    manifest.write_text("\n".join(MANIFEST.splitlines()[:2]) + "\n", encoding="utf-8")
    command = [
        "-m",
        "checkpoint",
        "screen",
        "--manifest",
        str(manifest),
        "--registry",
        str(SAMPLE / "registry.parquet"),
    ]
    command += ["--today", "2026-11-28", "--lang", "en"]
    env = {**os.environ, "CHECKPOINT_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    child = pexpect.spawn(
        sys.executable, command, env=env, encoding="utf-8", timeout=60, dimensions=(50, 200), cwd=tmp_path
    )
    screen = child.read()
    child.close()
    assert screen.count("column 'pasport' is not one checkpoint knows") == 1, screen
