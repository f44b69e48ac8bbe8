"""Locks between processes, held on a lock file: exclusive with a timeout, shared, or exclusive if free now.

On POSIX it is `flock(2)` on the lock file, as the `filelock` package takes it there (so a checkpoint that
still used that package and this one exclude each other). Elsewhere (Windows) that package is used,
imported only there: on Linux importing it costs every screening tens of milliseconds, and it hooks into
every fork (the pipeline's workers included).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

#: The first wait between two tries; it doubles up to _LONGEST_WAIT.
_FIRST_WAIT = 0.001
_LONGEST_WAIT = 0.05
#: A wait this long is worth telling the user about (through `on_wait`), and again after each _NOTICE_EVERY.
NOTICE_AFTER = 0.5
_NOTICE_EVERY = 15.0


class LockTimeout(Exception):
    """Another process held the lock for the whole timeout."""


@contextmanager
def exclusive(path: Path, timeout: float, on_wait: Callable[[float], object] | None = None) -> Iterator[None]:
    """Hold the lock on `path` (created if missing) for the block; LockTimeout if it stays taken for `timeout`
    seconds; an OSError if the lock file cannot be opened (a read-only folder).

    `on_wait(seconds_waited)` is called once the lock has been waited for NOTICE_AFTER seconds, then every
    _NOTICE_EVERY seconds (on POSIX), so that the caller can say why nothing happens.
    """
    if fcntl is None:  # pragma: no cover - not on POSIX
        import filelock

        try:
            with filelock.FileLock(str(path), timeout=timeout):
                yield
        except filelock.Timeout:
            raise LockTimeout(str(path)) from None
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _take(descriptor, timeout, on_wait)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _take(descriptor: int, timeout: float, on_wait: Callable[[float], object] | None) -> None:
    started = time.monotonic()
    deadline = started + timeout
    notice = started + NOTICE_AFTER
    wait = _FIRST_WAIT
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            now = time.monotonic()
            left = deadline - now
            if left <= 0:
                raise LockTimeout("the lock stayed taken") from None
            if on_wait is not None and now >= notice:
                on_wait(now - started)
                notice = now + _NOTICE_EVERY
            time.sleep(min(wait, left))
            wait = min(wait * 2, _LONGEST_WAIT)


@contextmanager
def shared(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock on `path` (created if missing) shared for the block: any number of sharers hold it together,
    and none while a process holds it exclusively. LockTimeout and OSError as for `exclusive`. Where there is
    no flock(2) (Windows) nothing is locked: `exclusive_if_free` never gets the lock there either."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:  # an exclusive holder (`exclusive_if_free`) keeps it for moments: no backing off needed
            try:
                fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout("the lock stayed taken") from None
                time.sleep(_LONGEST_WAIT)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def exclusive_if_free(path: Path) -> Iterator[bool]:
    """Try once for the lock on `path` exclusively: the block gets True holding it, False when another process
    holds it (shared or not), when the lock file cannot be opened, or where there is no flock(2)."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        yield False
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield False
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held = True
    except OSError:  # BlockingIOError: taken
        held = False
    try:
        yield held
    finally:
        if held:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
