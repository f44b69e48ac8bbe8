"""What the pipeline's worker processes did, seen from a test: which were started, and that they are gone."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import pytest

from checkpoint.pipeline.processes import start_shares

T = TypeVar("T")


def started_workers(caplog: pytest.LogCaptureFixture) -> list[tuple[int, ...]]:
    """The process ids of each set of workers the pipeline started while `caplog` listened at DEBUG level
    to `checkpoint.pipeline.processes`."""
    return [
        record.args[1]  # type: ignore[index,misc]
        for record in caplog.records
        if record.name == "checkpoint.pipeline.processes" and record.msg.startswith("worker processes started")
    ]


def assert_reaped(pids: tuple[int, ...]) -> None:
    """Every one of these child processes has exited and been waited for (no zombie left)."""
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def map_shares(work: Callable[[range], list[T]], count: int, workers: int) -> list[T]:
    """`start_shares(...).finish()` in one call, for tests that need nothing between the two."""
    with start_shares(work, count, workers) as started:
        return started.finish()
