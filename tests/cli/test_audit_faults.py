"""The audit log under real faults, through the `checkpoint` command run as a user runs it: a disk that fills
up, a file-size limit (`ulimit -f`), and another screening holding the log while a desk screening waits."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from checkpoint.audit import LOCK_TIMEOUT_SECONDS, head_path_for

from support.faults import leave_free, mounted_tmpfs, run_checkpoint

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "tests" / "fixtures" / "registry_small.csv"
FLIGHT = REPO / "data" / "sample" / "flight_cgk_kul.csv"  # 298 synthetic travellers: a batch of ~140 KB
DESK = ("--name", "SITI AMINAH", "--dob", "1990-05-17", "--destination", "KUL")  # synthetic
PAGE = 4096


def screen(
    home: Path, log: Path, *traveller: str, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    return run_checkpoint(
        "screen", "--registry", REGISTRY, "--today", "2026-11-28", "--format", "jsonl", "--audit-log", log,
        *traveller, home=home, file_size_limit=file_size_limit,
    )  # fmt: skip


def verify(home: Path, log: Path) -> subprocess.CompletedProcess[str]:
    return run_checkpoint("audit", "verify", log, home=home)


def batch_bytes(home: Path, scratch: Path) -> int:
    """How many bytes screening FLIGHT appends to a log (measured on a scratch log; this warms the caches too,
    so that the runs under test write nothing but the log)."""
    done = screen(home, scratch, "--manifest", FLIGHT)
    assert done.returncode == 1, done.stderr
    return scratch.stat().st_size


def state(log: Path) -> tuple[bytes, bytes]:
    return log.read_bytes(), head_path_for(log).read_bytes()


def assert_left_as_it_was(log: Path, before: tuple[bytes, bytes]) -> None:
    assert state(log) == before  # no partial batch, no line without its newline, the head unchanged
    assert not log.with_name(log.name + ".pending").exists()


def assert_next_screening_works(home: Path, log: Path, entries: int) -> None:
    again = screen(home, log, "--manifest", FLIGHT)
    assert again.returncode == 1, again.stderr
    checked = verify(home, log)
    assert checked.returncode == 0, checked.stderr
    assert f"audit log OK: {entries} entries" in checked.stdout


def assert_one_true_sentence(done: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert done.returncode == 5, done.stderr
    assert done.stdout == ""  # nothing is shown unless it was logged
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("checkpoint: "), done.stderr
    assert "nothing of this screening was logged" in lines[0]
    for phrase in phrases:
        assert phrase in lines[0]
    assert "internal error" not in lines[0] and "SITI" not in lines[0]


@pytest.mark.parametrize("where", ["halfway", "in the last buffered part"])
def test_a_file_size_limit_while_appending_leaves_the_log_as_it_was(tmp_path: Path, where: str) -> None:
    """`ulimit -f`: the write past the limit fails (EFBIG) rather than the process being killed (SIGXFSZ);
    the batch is taken back, whichever part of it reached the file."""
    home, log = tmp_path / "home", tmp_path / "audit" / "audit.jsonl"
    batch = batch_bytes(home, tmp_path / "scratch" / "audit.jsonl")
    assert screen(home, log, *DESK).returncode in (0, 1)
    before = state(log)
    size = len(before[0])
    limit = size + (batch // 2 if where == "halfway" else batch - 2000)  # Python buffers the last 8 KiB

    done = screen(home, log, "--manifest", FLIGHT, file_size_limit=limit)

    assert done.returncode == 5, done.stderr
    assert_left_as_it_was(log, before)
    assert_one_true_sentence(done, "File too large", "ulimit -f")
    assert_next_screening_works(home, log, entries=1 + 298)


# Pages left free on the disk before the batch, given the log's size and the batch's: all but the last few KB
# of the lines (the part Python's buffered writes keep for last); the lines but not the new head; the lines and
# one page (this code's pending record takes it, so the head finds none).
ROOM = {
    "most of the lines": lambda size, batch: pages(size + batch - 5000) - pages(size),
    "the lines, not the head": lambda size, batch: pages(size + batch) - pages(size),
    "the lines and one page": lambda size, batch: pages(size + batch) - pages(size) + 1,
}


def pages(size: int) -> int:
    return -(-size // PAGE)


@pytest.mark.parametrize("room", list(ROOM))
def test_a_full_disk_while_appending_leaves_the_log_as_it_was(tmp_path: Path, room: str) -> None:
    """A real small disk (tmpfs) that fills up while the batch or its head is written: the batch is taken back."""
    home = tmp_path / "home"
    batch = batch_bytes(home, tmp_path / "scratch" / "audit.jsonl")
    with mounted_tmpfs(tmp_path / "disk", "512k") as disk:
        log = disk / "audit" / "audit.jsonl"
        assert screen(home, log, *DESK).returncode in (0, 1)
        before = state(log)
        filler = leave_free(disk, ROOM[room](len(before[0]), batch))

        done = screen(home, log, "--manifest", FLIGHT)

        assert done.returncode == 5, done.stderr
        assert_left_as_it_was(log, before)
        assert_one_true_sentence(done, "No space left on device", "free disk space")
        filler.unlink()
        assert_next_screening_works(home, log, entries=1 + 298)


_HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from checkpoint.audit import lock_path_for
from checkpoint.filelocks import exclusive
with exclusive(lock_path_for(Path(sys.argv[1])), 10):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_desk_screening_waits_for_a_long_append_with_a_message(tmp_path: Path) -> None:
    """Another process holds the log (as a long batch append does): the desk screening says why it waits,
    then screens and logs once the log is free."""
    home, log = tmp_path / "home", tmp_path / "audit" / "audit.jsonl"
    assert screen(home, log, *DESK).returncode in (0, 1)  # the log, its key and the caches exist
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_THE_LOCK, str(log), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        done = screen(home, log, *DESK)
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=60)
    assert done.returncode in (0, 1), done.stderr
    waiting = [line for line in done.stderr.splitlines() if "waiting for another screening" in line]
    assert waiting == ["checkpoint: waiting for another screening to finish writing the audit log …"]
    assert waited >= 2  # it did wait for the holder
    assert len(log.read_bytes().splitlines()) == 2
    assert verify(home, log).returncode == 0


def test_the_wait_for_another_append_is_long() -> None:
    """A minute or more: a desk screening outwaits any batch append rather than failing after 10 s."""
    assert LOCK_TIMEOUT_SECONDS >= 60
