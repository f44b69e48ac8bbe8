"""Shared fixtures: a small synthetic registry and manifest, and an isolated $CHECKPOINT_HOME."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

TODAY = date(2026, 11, 28)
FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def checkpoint_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own state folder: no test touches the real ~/.checkpoint."""
    home = tmp_path / "checkpoint-home"
    monkeypatch.setenv("CHECKPOINT_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def registry_csv() -> Path:
    return FIXTURES / "registry_small.csv"


@pytest.fixture
def manifest_csv() -> Path:
    return FIXTURES / "manifest_small.csv"


class Workers:
    """The worker processes `checkpoint.forked` started during a test."""

    def __init__(self) -> None:
        self.pids: list[int] = []

    def assert_reaped(self) -> None:
        """Every one has exited and been waited for (no zombie left)."""
        for pid in self.pids:
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)


@pytest.fixture
def forked_workers(monkeypatch: pytest.MonkeyPatch) -> Workers:
    """Records the process ids of the workers `checkpoint.forked` starts during the test."""
    from checkpoint import forked

    workers = Workers()
    fork = forked._fork

    def recorded_fork(*args: Any) -> tuple[int, int]:
        pid, reader = fork(*args)
        workers.pids.append(pid)
        return pid, reader

    monkeypatch.setattr(forked, "_fork", recorded_fork)
    return workers
