"""Real faults for tests: a small filesystem that fills up, a file-size limit, a command run as a user runs it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest


@contextmanager
def mounted_tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (`64k`, `256k`) mounted at `mount`, a real disk that fills up; the test is skipped
    where this user may not mount one."""
    mount.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("this machine does not let the tests mount a small filesystem")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def free_bytes(folder: Path) -> int:
    """The bytes still free on the filesystem holding `folder`."""
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def leave_free(folder: Path, pages: int, *, page: int = 4096) -> Path:
    """Fill the (tmpfs) filesystem holding `folder` with one file so that exactly `pages` pages stay free;
    return that file (remove it to make room again)."""
    filler = folder / "filler.bin"
    size = free_bytes(folder) - pages * page
    assert size >= 0, "the filesystem has less room than the test needs"
    with filler.open("wb") as handle:
        handle.write(b"\0" * size)
    assert free_bytes(folder) == pages * page
    return filler


def run_checkpoint(
    *args: object,
    home: Path,
    file_size_limit: int | None = None,
    timeout: float = 120,
    stdout: IO[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`checkpoint ARGS…` in a new process with $CHECKPOINT_HOME at `home`, as a shell user runs it: with
    `file_size_limit`, under `ulimit -f` (RLIMIT_FSIZE, and the kernel's SIGXFSZ left as it is); with `stdout`,
    its standard output goes to that file, as a shell's `>` sends it."""

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    env = {**os.environ, "CHECKPOINT_HOME": str(home), "NO_COLOR": "1"}
    if file_size_limit is not None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # no cached bytecode written past the limit while importing
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *map(str, args)],
        env=env,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=limit,
    )


_INTERRUPTED_APPEND = """
import os, signal, sys
from pathlib import Path
from checkpoint.audit import AuditLog, ScreeningContext, log
from checkpoint.models import ScreeningResult, Traveller, Verdict

path, where, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def half_then_die(descriptor, data):
    os.write(descriptor, data[: len(data) // 2])
    die()

if where == "before the head":
    log.write_head = die
else:
    log._write_all = half_then_die
context = ScreeningContext("officer-9", "TPI Kualanamu", "snap", "1", "00" * 32, "0.1.0")
travellers = [Traveller(pax_id=f"K-{n}", row=n, passport_number=f"K{n:07d}") for n in range(1, count + 1)]
AuditLog(path).record([ScreeningResult(t, Verdict.CLEAR, 0) for t in travellers], context)
"""


def interrupt_append(log: Path, where: str, count: int = 3) -> None:
    """Append `count` synthetic entries to `log` in a process killed (SIGKILL, as by a power cut) at `where`:
    "before the head" (every line written, the head not yet) or "in the lines" (half their bytes written).

    The process dies at that exact point because the step after it is replaced, in that process only, by a
    kill: the one way to stop a real process between two writes every time.
    """
    assert where in ("before the head", "in the lines")
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_APPEND, str(log), where, str(count)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -9, done.stderr
