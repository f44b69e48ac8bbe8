"""Appending to the log: under the lock, after checking its tail against the head, all of a batch or none."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from checkpoint.audit.chain import GENESIS_HASH, head_path_for, line_hash, read_head, write_head
from checkpoint.audit.entries import ScreeningContext, entry_line, entry_time, screening_entry
from checkpoint.audit.keys import KEY_FILE_NAME, load_key
from checkpoint.durable import PRIVATE, make_private_folder
from checkpoint.errors import AuditError
from checkpoint.filelocks import LockTimeout, exclusive
from checkpoint.models import ScreeningResult

#: How long an append waits for another process's append before giving up.
LOCK_TIMEOUT_SECONDS = 10.0

# Lines are ~500 bytes; one read from the end almost always finds the previous newline.
_TAIL_CHUNK = 64 * 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AuditLog:
    """An audit log file; `record` appends one entry per screened traveller."""

    path: Path
    lock_timeout: float = LOCK_TIMEOUT_SECONDS
    clock: Callable[[], datetime] = field(default=_utc_now, repr=False, compare=False)

    @property
    def head_path(self) -> Path:
        """The file holding the seq and hash of the last entry."""
        return head_path_for(self.path)

    @property
    def lock_path(self) -> Path:
        """The inter-process lock file."""
        return lock_path_for(self.path)

    @property
    def key_path(self) -> Path:
        """The installation key used for traveller keys."""
        return self.path.parent / KEY_FILE_NAME

    def record(self, results: Sequence[ScreeningResult], context: ScreeningContext) -> int:
        """Append one entry per result under the lock and return how many were written.

        With no results it still checks that the log can be written, which makes a cheap preflight.
        """
        try:
            make_private_folder(self.path.parent)
        except OSError as error:
            raise AuditError(
                f"cannot create the audit log folder {self.path.parent} ({error.strerror}); "
                "create it or give --audit-log a writable path."
            ) from None
        with locked(self.path, self.lock_timeout):
            key = load_key(self.key_path)
            return self._append(results, context, key)

    def _append(self, results: Sequence[ScreeningResult], context: ScreeningContext, key: bytes) -> int:
        try:
            # Owner-only, as every file the tool keeps (SPEC §8): it links screenings to travellers.
            handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, PRIVATE), "a+b")
        except OSError as error:
            raise _write_error(self.path, error) from None
        with handle:
            last_seq, last_hash = self._tail(handle)
            if not results:
                return 0
            time = entry_time(self.clock())
            lines: list[bytes] = []
            prev = last_hash
            for seq, result in enumerate(results, start=last_seq + 1):
                line = entry_line(screening_entry(result, context, key, seq=seq, time=time, prev=prev))
                prev = line_hash(line)
                lines.append(line)
            size = handle.seek(0, os.SEEK_END)
            try:
                handle.write(b"".join(line + b"\n" for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as error:
                # Take back a half-written batch so the chain stays valid; if even that fails, the
                # incomplete last line stops the next append and shows up in `audit verify`.
                try:
                    handle.truncate(size)
                    os.fsync(handle.fileno())
                except OSError:
                    pass
                raise _write_error(self.path, error) from None
        write_head(self.head_path, last_seq + len(lines), prev)
        return len(lines)

    def _tail(self, handle: BinaryIO) -> tuple[int, str]:
        """The seq and hash of the last entry, read from the end; refuse a log that disagrees with its head."""
        size = handle.seek(0, os.SEEK_END)
        head = read_head(self.head_path)
        if size == 0:
            if head is not None and head[0] > 0:
                raise self._damaged("is empty but its head file records entries")
            return 0, GENESIS_HASH
        handle.seek(size - 1)
        if handle.read(1) != b"\n":
            raise self._damaged("ends with an incomplete line (an earlier append was interrupted)")
        line = _last_line(handle, size)
        try:
            seq = json.loads(line)["seq"]
        except (ValueError, TypeError, KeyError):
            seq = None
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise self._damaged("has an unreadable last line")
        digest = line_hash(line)
        if head is None:
            raise self._damaged(f"has lost its head file {self.head_path.name}")
        # A head behind the log is what an append interrupted between the log and the head leaves; the
        # entries after it chain onto it, and this append's head covers them again. Anything else is damage.
        if head[0] > seq or (head[0] == seq and head[1] != digest):
            raise self._damaged("no longer matches its head file (entries were removed or edited)")
        return seq, digest

    def _damaged(self, what: str) -> AuditError:
        return AuditError(
            f"the audit log {self.path} {what}; nothing more can be logged to it: ask a supervisor to run "
            f"`checkpoint audit verify {self.path}`, then move the log and its .head file aside to start "
            "a new one."
        )


def lock_path_for(log: Path) -> Path:
    """Where the lock file of `log` lives."""
    return log.with_name(log.name + ".lock")


@contextmanager
def locked(log: Path, timeout: float, *, optional: bool = False) -> Iterator[bool]:
    """Hold the log's inter-process lock; yield whether it is held (False only if `optional` and unusable)."""
    lock = ExitStack()
    try:
        lock.enter_context(exclusive(lock_path_for(log), timeout))  # taken here; the block runs below
    except LockTimeout:
        raise AuditError(
            f"the audit log {log} stayed locked by another checkpoint process for {timeout:g} s; "
            "try again, and if it persists check for a stuck checkpoint process."
        ) from None
    except OSError as error:
        if not optional:
            raise AuditError(
                f"cannot lock the audit log {log} ({error.strerror}); make its folder writable "
                "or give --audit-log a writable path."
            ) from None
        held = False
    else:
        held = True
    with lock:
        yield held


def _last_line(handle: BinaryIO, size: int) -> bytes:
    """The bytes of the last line (without its newline), read backwards from the end."""
    start = size - 1  # the final newline, already checked
    buffer = b""
    while start > 0:
        step = min(_TAIL_CHUNK, start)
        start -= step
        handle.seek(start)
        buffer = handle.read(step) + buffer
        newline_at = buffer.rfind(b"\n")
        if newline_at >= 0:
            return buffer[newline_at + 1 :]
    return buffer


def _write_error(path: Path, error: OSError) -> AuditError:
    return AuditError(
        f"cannot append to the audit log {path} ({error.strerror}); fix its permissions or free disk space, "
        "then screen again."
    )
