"""What long work says while it runs: phases, each with how much of it is done when that is known.

The core never prints: a registry import, the preparation of an export given with `--registry` and the
screening of a manifest announce their phases to a `Progress` they are given; the CLI's (`cli/progress.py`)
draws them on a terminal and times them for `--verbose`. `SILENT` is for every other caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

#: Called with how many more units of a phase are done.
Advance = Callable[[int], None]


class Progress(Protocol):
    """Where work reports its phases."""

    def phase(self, description: str, total: int | None = None) -> AbstractContextManager[Advance]:
        """A phase of the work, described in the run's language, with its size in units when known; the
        context yields the function to call as units are done."""
        ...


class _Silent:
    """A `Progress` that shows nothing."""

    def phase(self, description: str, total: int | None = None) -> AbstractContextManager[Advance]:
        return _nothing()


@contextmanager
def _nothing() -> Iterator[Advance]:
    yield lambda done: None


SILENT: Progress = _Silent()
