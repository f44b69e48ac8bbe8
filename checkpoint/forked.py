"""Splitting work that is independent item by item across the machine's cores, in forked processes.

A screening's matching is the same computation for every traveller, against a registry that is memory-mapped
and already open. Forking after the registry is open gives each child the snapshot, its index and every
imported module for free (the pages are shared, not copied), so only the results travel back, pickled through
a pipe. The parent works on the first share itself while the children work on theirs.

Fork is used where the platform offers it (Linux); elsewhere, or for a small batch, the work runs in this
process. The results are the same either way (tests/test_forked.py, tests/matching/test_matcher.py).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

#: A share smaller than this is not worth a process: forking, pickling the results and reading them back
#: cost a few milliseconds.
MIN_SHARE = 64

_ABORTED = 113  # a child's exit status when it could not even report its failure


def usable_cores() -> int:
    """How many cores this process may run on (its CPU affinity where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether work may be split into forked processes here (POSIX fork, and not on macOS, where system
    libraries are not safe to use in a forked child)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def shares(count: int, workers: int) -> list[range]:
    """`range(count)` cut into at most `workers` contiguous shares of at least MIN_SHARE (one share when
    `count` is small), as equal as possible."""
    parts = max(1, min(workers, count // MIN_SHARE))
    size, extra = divmod(count, parts)
    bounds = [0]
    for part in range(parts):
        bounds.append(bounds[-1] + size + (part < extra))
    return [range(start, stop) for start, stop in itertools.pairwise(bounds)]


def map_shares(work: Callable[[range], list[T]], count: int, workers: int) -> list[T]:
    """`work(share)` for every share of `range(count)`, concatenated in order: the first share in this
    process, the others in forked children when there is more than one share and forking is possible.

    `work` must not depend on what another share computed, and must not write anything that must survive
    the child (files, logs): only its return value comes back. An exception in a child is raised here, with
    the child's frames recorded on it (`worker_frames`); a child that died without reporting (killed, out of
    memory) has its share computed again in this process.
    """
    parts = shares(count, workers) if can_fork() else [range(count)]
    if len(parts) == 1:
        return work(parts[0])
    children = [_fork(work, part) for part in parts[1:]]
    try:
        results = work(parts[0])
    except BaseException:
        for pid, reader in children:
            _discard(pid, reader)
        raise
    reports = [_report(pid, reader) for pid, reader in children]  # every child reaped before anything is raised
    for report, part in zip(reports, parts[1:], strict=True):
        results.extend(_unpack(report, work, part))
    return results


def _fork(work: Callable[[range], list[T]], part: range) -> tuple[int, int]:
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running the parent's exit handlers
        os.close(reader)
        status = 0
        try:
            try:
                payload = pickle.dumps(("ok", work(part)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # everything is reported to the parent
                payload = _failure(error)
                status = 1
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # the parent sees no report and recomputes the share
            status = _ABORTED
        os._exit(status)
    os.close(writer)
    return pid, reader


def _failure(error: BaseException) -> bytes:
    frames = [
        f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(error.__traceback__)
    ]
    try:
        return pickle.dumps(("error", error, frames), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # one that cannot be pickled travels as its type's name
        substitute = RuntimeError(f"{type(error).__module__}.{type(error).__qualname__} in a worker process")
        return pickle.dumps(("error", substitute, frames), protocol=pickle.HIGHEST_PROTOCOL)


def _report(pid: int, reader: int) -> bytes:
    with os.fdopen(reader, "rb") as pipe:
        payload = pipe.read()
    os.waitpid(pid, 0)
    return payload


def _unpack(payload: bytes, work: Callable[[range], list[T]], part: range) -> list[T]:
    if not payload:  # the child died before it could report: do its share here
        return work(part)
    report = pickle.loads(payload)  # our own child's bytes, through our own pipe
    if report[0] == "ok":
        return list(report[1])
    _, error, frames = report
    error.worker_frames = frames
    raise error


def _discard(pid: int, reader: int) -> None:
    """Stop a child whose results are no longer wanted."""
    os.close(reader)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def worker_frames(error: BaseException) -> Sequence[str]:
    """The frames a worker process recorded on an exception it raised (empty for this process's own)."""
    return tuple(getattr(error, "worker_frames", ()))
