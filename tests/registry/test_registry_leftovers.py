"""Interrupted imports leave no junk (issue 14, item 9), with real processes: a `checkpoint registry import` killed
mid-write, the next import or screening that finds its files, and an import still running whose files stay."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from checkpoint.synth import generate_registry
from checkpoint.synth.scale import generate_changes

from support.info import info_lines

TODAY = "2026-11-28"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: `durable.write_atomically`'s temporary files: `.<target>.<pid>.<hex>.tmp`.
TEMPORARY = re.compile(r"\.(?P<target>.+)\.(?P<pid>[0-9]+)\.[0-9a-f]{8}\.tmp")


@pytest.fixture(scope="module")
def large_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export large enough that writing its snapshot takes a moment a test can catch (20,000 records: the
    index is sorted before it is written, so only its writing is caught)."""
    path = tmp_path_factory.mktemp("export") / "registry_20000.csv"
    generate_registry(20_000, 5, date(2026, 11, 28)).to_csv(path, index=False)
    return path


def checkpoint(home: Path, *arguments: str) -> subprocess.Popen[bytes]:
    """A real `checkpoint` process with its own $CHECKPOINT_HOME."""
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    command = [sys.executable, "-m", "checkpoint", *arguments]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    done = checkpoint(home, *arguments)
    stdout, stderr = done.communicate(timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode, stdout.decode(), stderr.decode())


def temporaries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if TEMPORARY.fullmatch(path.name)) if folder.is_dir() else []


def stopped_while_writing(
    home: Path, folder: Path, target: re.Pattern[str], *arguments: str, changed: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `checkpoint ARGUMENTS` and stop it (SIGSTOP) the moment its temporary file for `target` appears in
    `folder`: a real process, frozen mid-write. Tried a few times, as the file exists for milliseconds; the
    file `changed` gets one more line before each new try (an import does not store the same export twice)."""
    for attempt in range(5):
        if attempt and changed is not None:
            with changed.open("a", encoding="utf-8") as handle:
                handle.write("\n")
        process = checkpoint(home, *arguments)
        while process.poll() is None:
            if writing(folder, target):
                process.send_signal(signal.SIGSTOP)
                waited_until_stopped(process)
                if writing(folder, target):  # still there once stopped: it did not finish meanwhile
                    return process
                process.send_signal(signal.SIGCONT)
                break
        process.communicate()
    raise AssertionError(f"`checkpoint {' '.join(arguments)}` never showed a temporary file in {folder}")


def writing(folder: Path, target: re.Pattern[str]) -> bool:
    """Whether a temporary file for `target` is in `folder`."""
    names = temporaries(folder)
    return any(target.fullmatch(TEMPORARY.fullmatch(name)["target"]) for name in names)  # type: ignore[index]


def waited_until_stopped(process: subprocess.Popen[bytes]) -> None:
    """Wait until the kernel reports the process stopped (state T in /proc), so that what it wrote is final."""
    status = Path(f"/proc/{process.pid}/stat")
    for _ in range(1000):
        try:
            if status.read_text().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                return
        except (OSError, IndexError):
            return
        time.sleep(0.001)


def killed(process: subprocess.Popen[bytes]) -> None:
    """kill -9, and reap it (a dead process that is not reaped still has its id)."""
    process.kill()
    process.communicate()
    assert process.returncode == -signal.SIGKILL


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A state folder whose store already holds a snapshot (the small fixture registry), so screenings run."""
    home = tmp_path / "home"
    imported = run(home, "registry", "import", str(FIXTURES / "registry_small.csv"), "--today", TODAY)
    assert imported.returncode == 0, imported.stderr
    yield home


def screen(home: Path, *options: str) -> subprocess.CompletedProcess[str]:
    manifest = FIXTURES / "manifest_small.csv"
    return run(home, "screen", "--manifest", str(manifest), "--format", "json", "--today", TODAY, *options)


@pytest.mark.parametrize("next_run", ["import", "screen"])
def test_a_killed_import_leaves_files_that_the_next_import_or_screening_removes(
    next_run: str, home: Path, large_export: Path
) -> None:
    snapshots = home / "registry" / "snapshots"
    before = sorted(path.name for path in snapshots.iterdir())
    # Killed while writing the records file: its index is already complete, its records half-written.
    importing = stopped_while_writing(
        home,
        snapshots,
        re.compile(r"[0-9TZ]+-[0-9a-f]+\.arrow"),
        "registry", "import", str(large_export), "--today", TODAY,
        changed=large_export,
    )  # fmt: skip
    killed(importing)
    assert len(temporaries(snapshots)) == 1  # the half-written records
    # (a try not caught in time left a whole snapshot: the orphan is the index without its records)
    indexes = [name for name in os.listdir(snapshots) if name.endswith(".index.arrow") and name not in before]
    [orphan] = [name for name in indexes if not (snapshots / name.replace(".index.arrow", ".arrow")).exists()]

    if next_run == "import":
        # --allow-shrink: a try that was not caught in time made the large export current
        done = run(home, "registry", "import", str(FIXTURES / "registry_small.csv"), "--today", TODAY, "--allow-shrink")
        assert done.returncode == 0, done.stderr
        assert "removed 1 file left in" in done.stderr and "by an interrupted import" in done.stderr
    else:
        assert screen(home).returncode == 1
    assert temporaries(snapshots) == []
    # The lone index (and vocabulary) is kept while an import could still be writing its records (ten minutes),
    # then removed.
    assert (snapshots / orphan).exists()
    old = time.time() - 3600
    for piece in snapshots.glob(f"{orphan.split('.')[0]}.*"):
        os.utime(piece, (old, old))
    assert screen(home).returncode == 1
    assert not (snapshots / orphan).exists()
    left = {path.name.split(".")[0] for path in snapshots.iterdir() if not path.name.startswith(".")}
    assert orphan.split(".")[0] not in left


def test_a_change_file_killed_mid_write_leaves_the_store_usable_as_it_was(
    home: Path, large_export: Path, tmp_path: Path
) -> None:
    import json

    import pandas as pd

    snapshots = home / "registry" / "snapshots"
    assert run(home, "registry", "import", str(large_export), "--today", TODAY).returncode == 0
    changes = tmp_path / "changes.csv"
    generate_changes(pd.read_csv(large_export, dtype=str), 3000, 7, date(2026, 11, 28)).to_csv(changes, index=False)
    applying = stopped_while_writing(
        home,
        snapshots,
        re.compile(r"[0-9TZ]+-[0-9a-f]+\.(index\.|keys\.|dead\.)?arrow"),
        "registry", "import", "--changes", str(changes), "--today", TODAY,
        changed=changes,
    )  # fmt: skip
    [half] = temporaries(snapshots)
    interrupted = TEMPORARY.fullmatch(half)["target"].split(".")[0]  # type: ignore[index]
    killed(applying)
    pointer = json.loads((home / "registry" / "current.json").read_text())
    assert pointer["snapshot_id"] != interrupted and not (snapshots / f"{interrupted}.arrow").exists()
    info = run(home, "registry", "info")
    assert info.returncode == 0 and info_lines(info.stdout)["snapshot"] == pointer["snapshot_id"]
    assert screen(home).returncode == 1
    assert temporaries(snapshots) == []
    # The next change file applies to the snapshot the store still holds.
    with changes.open("a", encoding="utf-8") as handle:
        handle.write("\n")
    again = run(home, "registry", "import", "--changes", str(changes), "--today", TODAY)
    assert again.returncode == 0, again.stderr
    assert screen(home).returncode == 1


def test_a_screening_killed_while_caching_a_prepared_export_leaves_nothing_behind_for_long(
    home: Path, large_export: Path
) -> None:
    cache = home / "cache" / "registry"
    screening = stopped_while_writing(
        home,
        cache,
        re.compile(r"[0-9a-f]{32}\.index\.arrow"),
        "screen", "--registry", str(large_export), "--name", "SITI AMINAH", "--today", TODAY,
    )  # fmt: skip
    killed(screening)
    assert len(temporaries(cache)) == 1
    assert screen(home).returncode == 1  # any screening tidies the cache
    assert temporaries(cache) == []


def test_the_files_of_an_import_still_running_are_never_removed(home: Path, large_export: Path) -> None:
    snapshots = home / "registry" / "snapshots"
    running = stopped_while_writing(
        home, snapshots, re.compile(r"[0-9TZ]+-[0-9a-f]+\.index\.arrow"), "registry", "import", str(large_export)
    )
    try:
        [its_own] = temporaries(snapshots)
        # And a temporary file of a writer this machine cannot see (another host sharing the folder: its process
        # id means nothing here); while any import holds the folder's writers lock, it stays too.
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        elsewhere = snapshots / f".20260101T000000Z-00000000.arrow.{gone.stdout.strip()}.0123abcd.tmp"
        elsewhere.write_bytes(b"half")

        assert screen(home).returncode == 1
        other = run(home, "registry", "import", str(FIXTURES / "registry_small.csv"), "--today", TODAY)
        assert other.returncode == 0, other.stderr
        assert temporaries(snapshots) == sorted([its_own, elsewhere.name])
    finally:
        running.send_signal(signal.SIGCONT)
    stdout, stderr = running.communicate(timeout=120)
    assert running.returncode == 0, stderr.decode()
    finished = stdout.decode().split(" as snapshot ")[1].split()[0]
    assert its_own.startswith(f".{finished}.index.arrow.")
    assert temporaries(snapshots) == [elsewhere.name]  # the stopped import renamed its own into place
    info = run(home, "registry", "info")
    assert info_lines(info.stdout)["snapshot"] == finished  # it finished last, so it is current
    assert screen(home).returncode in (0, 1)
    assert temporaries(snapshots) == []  # no import runs now: the stranger's file goes
