"""The one place checkpoint starts processes: work that is independent item by item, split across the cores.

A screening reads and matches every traveller on its own, against a registry that is memory-mapped and
already open. Forking after the registry is open gives each child the snapshot, its index and every
imported module for free (the pages are shared, not copied), so only the results travel back, pickled
through a pipe. Only the pipeline calls this module.

The batch is cut into chunks that the processes claim one at a time from a shared queue (a pipe holding the
chunk numbers), so a process that starts late or meets harder items simply claims fewer: the parent may load
the rule pack while the children have already begun (`start_shares`), then joins them.

Fork is used where the platform offers it (Linux); elsewhere, or for a small batch, the work runs in this
process. The results are the same either way (tests/pipeline/test_processes.py, tests/pipeline/test_screening.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from checkpoint.errors import record_worker_frames

T = TypeVar("T")

#: A chunk smaller than this is not worth claiming: each costs a round of vectorised calls, and a batch
#: under two chunks stays in one process (forking and pickling the results cost a few milliseconds).
MIN_CHUNK = 32
#: Chunks per worker: enough for the processes to even out, few enough to keep the per-chunk cost small.
CHUNKS_PER_WORKER = 8
#: The last `workers` chunks are cut this much finer, so that the workers finish together: with equal
#: chunks, a worker that draws slower ones is left with a whole chunk while the others wait.
TAIL_SPLIT = 4
_INDEX_BYTES = 4  # one chunk number in the queue
_MAX_CHUNKS = 4096  # the whole queue fits the pipe's buffer (64 KiB), so it is written before any fork

_ABORTED = 113  # a child's exit status when it could not even report its failure
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

_log = logging.getLogger(__name__)


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


def chunks(count: int, workers: int) -> list[range]:
    """`range(count)` cut into contiguous chunks, largest first: about CHUNKS_PER_WORKER near-equal ones per
    worker, the last `workers` of them cut TAIL_SPLIT times finer; each of at least MIN_CHUNK items (so a
    single chunk when `count` is small or there is one worker)."""
    parts = 1 if workers <= 1 else max(1, min(workers * CHUNKS_PER_WORKER, count // MIN_CHUNK, _MAX_CHUNKS))
    sizes = _near_equal(count, parts)
    if parts > workers:
        tail = sum(sizes[-workers:])
        pieces = max(workers, min(workers * TAIL_SPLIT, tail // MIN_CHUNK, _MAX_CHUNKS - parts + workers))
        sizes = sizes[:-workers] + _near_equal(tail, pieces)
    bounds = [0, *itertools.accumulate(sizes)]
    return [range(start, stop) for start, stop in itertools.pairwise(bounds)]


def _near_equal(count: int, parts: int) -> list[int]:
    """`count` as `parts` sizes differing by one at most, the larger first."""
    size, extra = divmod(count, parts)
    return [size + (part < extra) for part in range(parts)]


def start_shares(work: Callable[[range], list[T]], count: int, workers: int) -> Shares[T]:
    """`work(chunk)` for every chunk of `range(count)`, worked by this process and up to `workers - 1` forked
    children when there is more than one chunk and forking is possible. The children are forked now and
    claim chunks while this process does something else; `finish()` then joins them and gathers the
    results, concatenated in order. Used as a context manager, the children are stopped if the results are
    never asked for (an error in between).

    `work` must not depend on what another chunk computed, and must not write anything that must survive
    the child (files, logs): only its return value comes back. An exception in a child is raised by
    `finish()`, with the child's frames recorded on it (`errors.worker_frames`); the chunks of a child that
    died without reporting (killed, out of memory) are worked again in this process.
    """
    parts = chunks(count, workers) if can_fork() else [range(count)]
    return Shares(work, parts, min(workers - 1, len(parts) - 1))


class Shares(Generic[T]):
    """The chunks of one batch, claimed from a shared queue by this process and its forked children."""

    def __init__(self, work: Callable[[range], list[T]], parts: list[range], children: int) -> None:
        self._work = work
        self._parts = parts
        self._queue: int | None = None
        self._children: list[tuple[int, int]] = []
        self._done = False
        if children > 0:
            reader, writer = os.pipe()
            os.write(writer, b"".join(index.to_bytes(_INDEX_BYTES, "little") for index in range(len(parts))))
            os.close(writer)  # a claim on an empty queue then reads end-of-file: no chunk left
            self._queue = reader
            self._children = [_fork(work, parts, reader) for _ in range(children)]
        #: The process ids of the children started (for whoever checks that they are gone).
        self.pids = tuple(pid for pid, _ in self._children)
        if self.pids:
            _log.debug("worker processes started for %d chunks: %s", len(parts), self.pids)

    def finish(self) -> list[T]:
        """Every chunk's results, in order (once)."""
        if self._done:
            raise RuntimeError("the shares were already finished or cancelled")
        self._done = True
        try:
            done = _claim(self._work, self._parts, self._queue)
            self._close_queue()
            reports = []
            while self._children:  # every child reaped before anything is raised
                reports.append(_report(*self._children.pop(0)))
        except BaseException:  # this process failed or was interrupted: the children's work is not wanted
            self.cancel()
            raise
        for report in reports:
            done.update(_unpack(report))
        for index, part in enumerate(self._parts):  # claimed by a child that died before reporting
            if index not in done:
                done[index] = self._work(part)
        return [item for index in range(len(self._parts)) for item in done[index]]

    def cancel(self) -> None:
        """Stop and reap the children still running (nothing is gathered from them)."""
        self._done = True
        self._close_queue()
        while self._children:
            _discard(*self._children.pop())

    def _close_queue(self) -> None:
        if self._queue is not None:
            os.close(self._queue)
            self._queue = None

    def __enter__(self) -> Shares[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()


def _claim(work: Callable[[range], list[T]], parts: list[range], queue: int | None) -> dict[int, list[T]]:
    """Work chunks until none is left: all of them without a queue, else each chunk number read from it
    (a read of four bytes from a pipe is never split between two readers)."""
    if queue is None:
        return {index: work(part) for index, part in enumerate(parts)}
    done = {}
    while claimed := os.read(queue, _INDEX_BYTES):
        index = int.from_bytes(claimed, "little")
        done[index] = work(parts[index])
    return done


def _fork(work: Callable[[range], list[T]], parts: list[range], queue: int) -> tuple[int, int]:
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: claim, compute, send, and leave without running the parent's exit handlers
        os.close(reader)
        status = 0
        try:
            _die_with(parent)
            try:
                payload = pickle.dumps(("ok", _claim(work, parts, queue)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # everything is reported to the parent
                payload = _failure(error)
                status = 1
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # the parent sees no report and works the chunks this child claimed
            status = _ABORTED
        os._exit(status)
    os.close(writer)
    return pid, reader


def _die_with(parent: int) -> None:
    """Have the kernel kill this child the moment its parent dies (Linux `prctl(PR_SET_PDEATHSIG)`).

    A screening killed with `kill -9` (or by the out-of-memory killer) cannot stop its workers itself; without
    this they would match on for minutes, holding the registry's pages and a core, their work wanted by no one.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the request was made: nobody wants this work
        os._exit(_ABORTED)


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
    """Everything a child sent, once it has exited (it is stopped if this process is interrupted meanwhile)."""
    received = []
    try:
        while data := os.read(reader, 1 << 20):
            received.append(data)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
    return b"".join(received)


def _unpack(payload: bytes) -> dict[int, list[T]]:
    """A child's results by chunk number (none when it died before reporting, or while writing its report);
    its exception raised here."""
    try:
        report = pickle.loads(payload) if payload else None  # our own child's bytes, through our own pipe
    except Exception:  # cut short: the child was killed while writing
        report = None
    if report is None:
        return {}
    if report[0] == "ok":
        return dict(report[1])
    _, error, frames = report
    record_worker_frames(error, frames)
    raise error


def _discard(pid: int, reader: int) -> None:
    """Stop a child whose results are no longer wanted."""
    os.close(reader)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
