"""Work split across forked processes: the same results, in order, whatever happens to a child."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint import forked
from checkpoint.forked import MIN_SHARE, map_shares, shares, worker_frames

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="work is split only where the platform can fork")


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=8))
def test_shares_cover_every_item_once_in_order(count: int, workers: int) -> None:
    parts = shares(count, workers)
    assert [item for part in parts for item in part] == list(range(count))
    assert len(parts) <= workers
    assert len(parts) == 1 or min(len(part) for part in parts) >= MIN_SHARE
    assert max(len(part) for part in parts) - min(len(part) for part in parts) <= 1


def squares_with_pids(part: range) -> list[tuple[int, int]]:
    return [(item * item, os.getpid()) for item in part]


def test_the_results_are_those_of_one_process_in_input_order() -> None:
    results = map_shares(squares_with_pids, 1000, 3)
    assert [value for value, _ in results] == [item * item for item in range(1000)]
    pids = [pid for _, pid in results]
    assert pids[0] == os.getpid()  # the first share is worked here
    assert len(set(pids)) == 3  # the others in two children


def test_a_small_batch_stays_in_this_process() -> None:
    results = map_shares(squares_with_pids, MIN_SHARE, 4)
    assert {pid for _, pid in results} == {os.getpid()}


class Refused(ValueError):
    pass


def test_a_childs_exception_is_raised_here_with_its_type_and_frames() -> None:
    parent = os.getpid()

    def fails_in_a_child(part: range) -> list[int]:
        if os.getpid() != parent:
            raise Refused("not here")
        return list(part)

    with pytest.raises(Refused) as raised:
        map_shares(fails_in_a_child, 200, 2)
    assert any("fails_in_a_child" in frame for frame in worker_frames(raised.value))


def test_a_child_that_dies_without_reporting_has_its_share_done_here() -> None:
    parent = os.getpid()

    def dies_in_a_child(part: range) -> list[int]:
        if os.getpid() != parent:
            os._exit(9)  # as if killed
        return list(part)

    assert map_shares(dies_in_a_child, 300, 3) == list(range(300))


def test_a_failure_here_stops_and_reaps_the_children(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    started: list[int] = []
    fork = forked._fork

    def recorded_fork(*args: Any) -> tuple[int, int]:
        pid, reader = fork(*args)
        started.append(pid)
        return pid, reader

    def fails_here(part: range) -> list[int]:
        if os.getpid() == parent:
            raise Refused("here")
        return list(part)

    monkeypatch.setattr(forked, "_fork", recorded_fork)
    with pytest.raises(Refused):
        map_shares(fails_here, 200, 2)
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(started[0], os.WNOHANG)
