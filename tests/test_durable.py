"""The one durable write: whole or not at all, owner-only, and nothing left behind, under real faults too."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

import pytest

from checkpoint.durable import abandoned_temporaries, make_private_folder, write_atomically, write_text_atomically


class WriterFailedError(RuntimeError):
    """Stands in for a bug or an interruption in the middle of writing."""


def half_then_fail(handle: BinaryIO) -> None:
    handle.write(b"partial\n" * 1000)
    handle.flush()
    raise WriterFailedError("midway")


def test_writes_the_file_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_atomically(target, lambda handle: handle.write(b"\x00data"))
    assert target.read_bytes() == b"\x00data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [target]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_text_atomically(target, lambda text: text.write("Ni Luh É\r\n"))
    assert target.read_bytes() == "Ni Luh É\r\n".encode()  # newline="": line endings as written


def test_a_failing_writer_leaves_the_previous_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous\n")
    with pytest.raises(WriterFailedError):
        write_atomically(target, half_then_fail)
    assert target.read_text() == "previous\n"
    assert list(tmp_path.iterdir()) == [target]


def test_an_interrupt_is_raised_and_cleaned_up(tmp_path: Path) -> None:
    def interrupted(text: TextIO) -> None:
        text.write("x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_text_atomically(tmp_path / "out.jsonl", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_without_replace_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "audit.key"
    write_atomically(target, lambda handle: handle.write(b"first"), replace=False)
    with pytest.raises(FileExistsError):
        write_atomically(target, lambda handle: handle.write(b"second"), replace=False)
    assert target.read_bytes() == b"first"
    assert list(tmp_path.iterdir()) == [target]


def test_a_missing_folder_is_an_os_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "no" / "out.csv", lambda handle: handle.write(b"x"))
    assert list(tmp_path.iterdir()) == []


def test_the_mode_can_be_widened_for_shared_files(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "shared.csv", lambda handle: handle.write(b"x"), mode=0o666)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "shared.csv").stat().st_mode) == 0o644


_FILE_SIZE_LIMITED = """
import resource, signal, sys
from pathlib import Path
from checkpoint.durable import write_atomically
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_atomically(Path(sys.argv[1]), lambda handle: handle.write(b"y" * 100_000))
except OSError as error:
    print(error.errno)
"""


def test_a_file_size_limit_fails_the_write_and_keeps_the_previous_file(tmp_path: Path) -> None:
    """`ulimit -f`: the real fault, in a child process so the limit does not touch the test run."""
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n")
    done = subprocess.run(
        [sys.executable, "-c", _FILE_SIZE_LIMITED, str(target)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "27"  # EFBIG
    assert target.read_text() == "previous\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_full_disk_fails_the_write_and_keeps_the_previous_file(small_disk: Path) -> None:
    target = small_disk / "current.json"
    target.write_text('{"snapshot_id": "old"}')
    with pytest.raises(OSError) as caught:
        write_atomically(target, lambda handle: handle.write(b"z" * 1_000_000))
    assert caught.value.errno == 28  # ENOSPC
    assert target.read_text() == '{"snapshot_id": "old"}'
    assert list(small_disk.iterdir()) == [target]


def test_a_private_folder_and_its_missing_parents_are_owner_only(tmp_path: Path) -> None:
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    make_private_folder(existing / "home" / "cache" / "packs")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o755  # what was there is left alone
    for folder in (existing / "home", existing / "home" / "cache", existing / "home" / "cache" / "packs"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    make_private_folder(existing / "home")  # already there: nothing to do


def test_a_private_folder_under_a_file_is_an_os_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        make_private_folder(tmp_path / "file" / "sub")


def test_abandoned_temporaries_are_those_whose_writer_no_longer_runs(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    abandoned = tmp_path / f".current.json.{dead_pid}.0a1b2c3d.tmp"
    running = tmp_path / f".snapshot.arrow.{os.getpid()}.0a1b2c3d.tmp"  # this process: still writing
    others = [
        tmp_path / "current.json",
        tmp_path / f".notes.{dead_pid}.tmp",  # not the durable write's naming
        tmp_path / f".x.{dead_pid}.ABCDEF12.tmp",  # nor this (the hex part is lower case)
    ]
    for path in (abandoned, running, *others):
        path.write_bytes(b"x")
    (tmp_path / f".folder.{dead_pid}.0a1b2c3d.tmp").mkdir()  # a folder is never one
    assert abandoned_temporaries(tmp_path) == [abandoned]
    assert abandoned_temporaries(tmp_path / "missing") == []


def test_a_killed_writer_leaves_a_temporary_file_that_is_then_abandoned(tmp_path: Path) -> None:
    """The naming `abandoned_temporaries` reads is the one `write_atomically` writes."""
    code = (
        "import os, sys; from pathlib import Path; from checkpoint.durable import write_atomically\n"
        "write_atomically(Path(sys.argv[1]), lambda handle: os.kill(os.getpid(), 9))"
    )
    died = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out.csv")], check=False)
    assert died.returncode == -9
    [left] = list(tmp_path.iterdir())
    assert abandoned_temporaries(tmp_path) == [left] and left.name.startswith(".out.csv.")
