"""Work split across forked processes: the same results, in order, whatever happens to a child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.errors import worker_frames
from checkpoint.pipeline import processes
from checkpoint.pipeline.processes import MIN_CHUNK, chunks, start_shares

from support.processes import assert_reaped, map_shares

pytestmark = pytest.mark.skipif(not processes.can_fork(), reason="work is split only where the platform can fork")


@given(st.integers(min_value=0, max_value=50_000), st.integers(min_value=1, max_value=64))
def test_chunks_cover_every_item_once_in_order(count: int, workers: int) -> None:
    parts = chunks(count, workers)
    assert [item for part in parts for item in part] == list(range(count))
    sizes = [len(part) for part in parts]
    assert len(parts) == 1 or min(sizes) >= MIN_CHUNK
    assert sizes == sorted(sizes, reverse=True)  # largest first: the last claims are the small ones
    assert workers > 1 or len(parts) == 1
    assert len(parts) <= 4096  # the queue of chunk numbers fits the pipe before any fork


def test_the_last_chunks_are_finer_so_the_workers_finish_together() -> None:
    sizes = [len(part) for part in chunks(50_000, 2)]
    assert len(sizes) == 14 + 8 and set(sizes[:14]) == {3125} and set(sizes[14:]) == {781, 782}
    assert [len(part) for part in chunks(500, 2)] == [34] * 5 + [33] * 10  # too small to cut finer


def squares_with_pids(part: range) -> list[tuple[int, int]]:
    return [(item * item, os.getpid()) for item in part]


def test_the_results_are_those_of_one_process_in_input_order() -> None:
    parent = os.getpid()

    def slow_here(part: range) -> list[tuple[int, int]]:
        if os.getpid() == parent:
            time.sleep(0.05)  # the children claim the rest meanwhile
        return squares_with_pids(part)

    results = map_shares(slow_here, 5000, 3)
    assert [value for value, _ in results] == [item * item for item in range(5000)]
    assert {pid for _, pid in results} != {parent}  # children claimed chunks while this process was slow


def test_a_small_batch_or_one_worker_stays_in_this_process() -> None:
    for count, workers in ((2 * MIN_CHUNK - 1, 4), (10_000, 1)):
        results = map_shares(squares_with_pids, count, workers)
        assert {pid for _, pid in results} == {os.getpid()} and len(results) == count


def test_children_start_before_the_results_are_asked_for() -> None:
    parent = os.getpid()
    with start_shares(squares_with_pids, 2000, 2) as started:
        time.sleep(0.3)  # this process does something else; the child claims every chunk meanwhile
        results = started.finish()
    assert [value for value, _ in results] == [item * item for item in range(2000)]
    assert parent not in {pid for _, pid in results}


class Refused(ValueError):
    pass


def test_a_childs_exception_is_raised_here_with_its_type_and_frames() -> None:
    parent = os.getpid()

    def fails_in_a_child(part: range) -> list[int]:
        if os.getpid() != parent:
            raise Refused("not here")
        time.sleep(0.05)
        return list(part)

    with pytest.raises(Refused) as raised:
        map_shares(fails_in_a_child, 2000, 2)
    assert any("fails_in_a_child" in frame for frame in worker_frames(raised.value))


def test_the_chunks_of_a_child_that_dies_without_reporting_are_done_here() -> None:
    parent = os.getpid()

    def dies_in_a_child(part: range) -> list[int]:
        if os.getpid() != parent:
            os._exit(9)  # as if killed, holding the chunk it claimed
        time.sleep(0.01)
        return list(part)

    assert map_shares(dies_in_a_child, 3000, 3) == list(range(3000))


def test_a_failure_here_or_an_abandoned_start_stops_and_reaps_the_children() -> None:
    parent = os.getpid()

    def fails_here(part: range) -> list[int]:
        if os.getpid() == parent:
            raise Refused("here")
        time.sleep(0.05)
        return list(part)

    with pytest.raises(Refused), start_shares(fails_here, 2000, 2) as failed:
        failed.finish()
    with start_shares(fails_here, 2000, 3) as abandoned:
        pass  # never finished: the context stops the children
    assert len(failed.pids) == 1 and len(abandoned.pids) == 2
    assert_reaped(failed.pids + abandoned.pids)


class Interrupted(Exception):
    pass


def test_an_interrupt_while_waiting_for_the_children_stops_and_reaps_them() -> None:
    parent = os.getpid()
    first = [True]

    def slow_in_children(part: range) -> list[int]:
        if os.getpid() != parent:
            time.sleep(5)
        elif first.pop() if first else False:
            time.sleep(0.1)  # the children claim their first chunks meanwhile (else this process may take all)
        return list(part)

    def interrupt(*_: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    began = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)  # while this process waits for the children's reports
        with pytest.raises(Interrupted), start_shares(slow_in_children, 2000, 3) as started:
            started.finish()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - began < 4  # the children were stopped, not waited for
    assert len(started.pids) == 2
    assert_reaped(started.pids)


def test_a_report_cut_short_counts_as_no_report() -> None:
    whole = processes.pickle.dumps(("ok", {0: [1, 2, 3]}))
    assert processes._unpack(whole) == {0: [1, 2, 3]}
    assert processes._unpack(whole[: len(whole) // 2]) == {} and processes._unpack(b"") == {}


_ORPHANED = """
import sys, time
from checkpoint.pipeline.processes import start_shares

def slow(part):
    time.sleep(60)
    return list(part)

with start_shares(slow, 4000, 3) as started:
    print(*started.pids, flush=True)
    time.sleep(60)  # killed meanwhile
"""


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (an exited child its new parent has yet to reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_workers_die_within_a_second_of_their_parent_killed() -> None:
    """`kill -9` of a screening leaves no worker matching on for nobody (a real parent, really killed)."""
    parent = subprocess.Popen([sys.executable, "-c", _ORPHANED], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        parent.kill()
        parent.wait()
        killed = time.monotonic()
        while any(alive(pid) for pid in workers) and time.monotonic() - killed < 10:
            time.sleep(0.02)
        assert not any(alive(pid) for pid in workers)
        assert time.monotonic() - killed < 1.0
    finally:
        parent.kill()
        parent.wait()
