"""Pausing Python's cycle collector around work that builds many objects and no reference cycles.

The collector runs whenever allocations outnumber deallocations by a threshold, and a full collection walks
every live object. Reading a large table or screening a large manifest allocates millions of small objects
(rows, evidence, outcomes: none in a cycle), so it would run thousands of times, each pass longer than the
last (benchmarks/matching/results-speed.md gives what that cost). Reference counting still frees the rest.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Run the block with the cycle collector off (and restore it as it was, even on error)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
