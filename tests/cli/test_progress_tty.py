"""Progress through a real pseudo-terminal (issue 16): drawn on stderr only when it is a terminal and `--quiet` is
not given; `--verbose` times each phase, terminal or not; Ctrl-C stops an import with exit 130 and the store
unchanged."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
MANIFEST = SAMPLE / "flight_cgk_kul.csv"
TODAY = ["--today", "2026-11-28"]
#: What rich draws for a spinner frame: erase the line, then the frame.
DRAWN = "\x1b[2K"


def environment(home: Path) -> dict[str, str]:
    env = {**os.environ, "CHECKPOINT_HOME": str(home), "COLUMNS": "110", "LINES": "40"}
    env.pop("CHECKPOINT_LANG", None)
    return env


def on_a_terminal(home: Path, *arguments: str) -> tuple[str, int]:
    """Run checkpoint with stdin, stdout and stderr on a pseudo-terminal; what it wrote and its exit code."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "checkpoint", *arguments],
        env=environment(home),
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 110),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, child.signalstatus
    return child.before, child.exitstatus


def piped(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *arguments],
        capture_output=True,
        text=True,
        env=environment(home),
        timeout=120,
        check=False,
    )


def export(path: Path, records: int) -> Path:
    with (SAMPLE / "registry.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[: records + 1]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_an_import_shows_its_phases_on_a_terminal_and_nothing_of_them_elsewhere(tmp_path: Path) -> None:
    registry = export(tmp_path / "siskop2mi_2026-11-27.csv", 2000)
    shown, code = on_a_terminal(tmp_path / "tty", "registry", "import", str(registry), *TODAY)
    assert code == 0, shown
    for phase in (
        "Comparing siskop2mi_2026-11-27.csv with the snapshots kept",
        "Reading, checking and normalising siskop2mi_2026-11-27.csv",
        "Writing the snapshot (2,000 placement records)",
    ):
        assert f"{phase} " in shown
    assert "imported 2,000 records from siskop2mi_2026-11-27.csv" in shown

    done = piped(tmp_path / "pipe", "registry", "import", str(registry), *TODAY)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "\x1b" not in done.stdout  # no progress, no note: the file names its date
    assert done.stdout.startswith("imported 2,000 records")

    quiet, code = on_a_terminal(tmp_path / "quiet", "registry", "import", str(registry), *TODAY, "--quiet")
    assert code == 0 and DRAWN not in quiet and "Reading" not in quiet
    assert quiet.strip().startswith("imported 2,000 records") and "store:" not in quiet


def test_verbose_times_each_phase_on_a_terminal_or_not(tmp_path: Path) -> None:
    registry = export(tmp_path / "registry_2026-11-27.csv", 300)
    done = piped(tmp_path / "home", "registry", "import", str(registry), *TODAY, "--verbose")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines[:3]] == [
        "Comparing registry_2026-11-27.csv with the snapshots kept",
        "Reading, checking and normalising registry_2026-11-27.csv",
        "Writing the snapshot (300 placement records)",
    ]
    assert all(line.endswith(" s") for line in lines[:3]) and lines[3].startswith("checkpoint: done in ")
    assert "\x1b" not in done.stderr

    both = piped(tmp_path / "home", "registry", "import", str(registry), "--quiet", "--verbose")
    assert both.returncode == 2 and "--quiet and --verbose cannot be used together" in both.stderr


def test_screening_a_manifest_with_an_export_as_registry_shows_its_phases_on_a_terminal(tmp_path: Path) -> None:
    registry = export(tmp_path / "registry.csv", 1000)
    arguments = ["screen", "--registry", str(registry), "--manifest", str(MANIFEST), *TODAY, "--format", "csv"]
    shown, code = on_a_terminal(tmp_path / "tty", *arguments, "--output", str(tmp_path / "out.csv"))
    assert code in (0, 1), shown
    travellers = len((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()) - 1
    for phase in (
        "Reading, checking and normalising registry.csv",
        "Reading flight_cgk_kul.csv",
        f"Matching {travellers} travellers against the registry",
        f"Applying the rules to {travellers} travellers",
        f"Writing {travellers} screenings to the audit log",
    ):
        assert f"{phase} " in shown

    done = piped(tmp_path / "pipe", *arguments)
    assert done.returncode in (0, 1), done.stderr
    assert "Matching" not in done.stderr and "\x1b" not in done.stderr


def test_a_day_of_applications_is_counted_in_applications_not_travellers(tmp_path: Path) -> None:
    applications = ["--applications", str(SAMPLE / "applications.csv"), "--registry", str(SAMPLE / "registry.parquet")]
    done = piped(tmp_path / "home", "screen", *applications, *TODAY, "--verbose", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert "Matching 200 applications against the registry" in done.stderr
    assert "Applying the rules to 200 applications" in done.stderr
    assert "travellers" not in done.stderr


def test_ctrl_c_stops_an_import_with_exit_130_and_the_store_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = piped(home, "registry", "import", str(export(tmp_path / "first.csv", 50)), *TODAY)
    assert first.returncode == 0, first.stderr
    before = sorted(path.name for path in (home / "registry").rglob("*"))
    # An export that arrives slowly: a named pipe nobody writes to holds the import in its first phase.
    slow = tmp_path / "slow.csv"
    os.mkfifo(slow)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "checkpoint", "registry", "import", str(slow), *TODAY],
        env=environment(home),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 110),
    )
    child.expect("Comparing slow.csv with the snapshots kept")
    child.sendintr()  # the officer presses Ctrl-C
    child.expect("checkpoint: import interrupted; the registry store is unchanged")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert sorted(path.name for path in (home / "registry").rglob("*")) == before
    info = piped(home, "registry", "info")
    assert "first.csv" in info.stdout


def test_the_desk_shows_the_preparation_of_an_export_then_opens(tmp_path: Path) -> None:
    registry = export(tmp_path / "registry.csv", 1000)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "checkpoint", "desk", "--registry", str(registry), *TODAY, "--post", "TPI-CGK", "--lang", "id"],
        env=environment(tmp_path / "home"),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 110),
    )
    child.expect("Membaca, memeriksa dan menormalkan registry.csv")
    child.expect("Siap: 1.000 data penempatan")
    child.expect("Paspor berikutnya")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
