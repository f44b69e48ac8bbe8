"""The inter-process lock on a file: exclusive between processes, a timeout, released after the block."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from checkpoint.filelocks import LockTimeout, exclusive, exclusive_if_free, shared


def test_a_second_holder_waits_out_the_timeout_then_gets_it_after_the_first(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    with exclusive(path, 1.0):
        started = time.monotonic()
        with pytest.raises(LockTimeout), exclusive(path, 0.05):
            pass
        assert time.monotonic() - started >= 0.05
    with exclusive(path, 0.05):  # released by the first block
        assert path.exists()


def test_sharers_hold_the_lock_together_and_keep_out_an_exclusive_holder(tmp_path: Path) -> None:
    """(flock(2) locks belong to an open file, so two opens in one process exclude each other as two processes do.)"""
    path = tmp_path / "x.lock"
    with shared(path, 1.0), shared(path, 0.05):  # a second sharer does not wait
        with exclusive_if_free(path) as free:
            assert free is False
        with pytest.raises(LockTimeout), exclusive(path, 0.05):
            pass
    with exclusive_if_free(path) as free:
        assert free is True
        with pytest.raises(LockTimeout), shared(path, 0.05):  # the exclusive holder keeps sharers out
            pass
    with shared(path, 0.05):  # and lets go after its block
        pass


def test_exclusive_if_free_says_no_when_the_lock_file_cannot_be_made(tmp_path: Path) -> None:
    with exclusive_if_free(tmp_path / "missing-folder" / "x.lock") as free:
        assert free is False


def test_an_error_in_the_block_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    with pytest.raises(OSError, match="disk full"), exclusive(path, 1.0):
        raise OSError("disk full")
    with exclusive(path, 0.05):
        pass


def _hold(path: Path, taken: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event) -> None:
    with exclusive(path, 5.0):
        taken.set()
        release.wait(10)


def test_a_lock_held_by_another_process_excludes_this_one_until_it_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    context = multiprocessing.get_context("spawn")
    taken, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(path, taken, release))
    holder.start()
    try:
        assert taken.wait(30)
        with pytest.raises(LockTimeout), exclusive(path, 0.1):
            pass
        release.set()
        with exclusive(path, 10.0):  # waits for the holder to leave its block
            pass
    finally:
        release.set()
        holder.join(30)
    assert holder.exitcode == 0


def test_a_lock_file_that_cannot_be_made_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError), exclusive(tmp_path / "missing-folder" / "x.lock", 0.05):
        pass


def test_a_long_wait_is_reported_through_on_wait(tmp_path: Path) -> None:
    """After half a second the waiter hears how long it has waited (once here: the next notice is later)."""
    path = tmp_path / "x.lock"
    waited: list[float] = []
    # Another open file description: the same process is kept out too.
    with exclusive(path, 5.0), pytest.raises(LockTimeout), exclusive(path, 0.8, on_wait=waited.append):
        pass
    assert len(waited) == 1 and 0.5 <= waited[0] < 0.8
    with exclusive(path, 0.05, on_wait=waited.append):  # taken at once: nothing to report
        pass
    assert len(waited) == 1
