"""Appending to the log: all of a batch or none, and never a line that no head or pending record vouches for.

Two appends: `record` (one entry per screened traveller) and `decide` (one officer's decision on a screening
entry), through the same steps below.

An append, in order:

1. before the lock: the installation key; every entry made (its traveller and pax keys) and encoded;
2. under the lock: the head read and checked (its MAC, and against the log's last line); an earlier append
   that was interrupted settled through its pending record (`pending.py`); the entries numbered and chained;
   the pending record written; the lines written at once and fsynced; the head replaced; the record removed.

So the lock is held for the chaining and the writes only, and another screening (a desk, say) waits for
that, not for the keys. A write that fails (a full disk, a file-size limit) takes the batch back: the log
and its head are left as they were before it, and the next screening, once there is room, works. The
core never prints: what the append found and settled comes back as notes, a long wait for the lock is
reported through `on_wait`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checkpoint import __version__
from checkpoint.audit.chain import (
    GENESIS_HASH,
    AuditChainError,
    Head,
    head_mac,
    head_path_for,
    line_hash,
    read_head,
    write_head,
)
from checkpoint.audit.decisions import DecisionError, decision_entry
from checkpoint.audit.entries import (
    DecisionEntry,
    EncodedEntry,
    ScreeningContext,
    encode_entry,
    entry_kind,
    entry_line,
    entry_time,
    screening_entry,
    written_keyed,
)
from checkpoint.audit.keys import KEY_FILE_NAME, load_key
from checkpoint.audit.pending import (
    Pending,
    Settlement,
    assess,
    pending_path_for,
    read_pending,
    remove_pending,
    write_pending,
)
from checkpoint.durable import PRIVATE, make_private_folder
from checkpoint.errors import AuditError
from checkpoint.filelocks import LockTimeout, exclusive
from checkpoint.i18n import text
from checkpoint.models import Decision, ScreeningResult

#: How long an append waits for another process's append before giving up: a large screening's append
#: holds the lock for well under a second, so a wait this long means a stuck process.
LOCK_TIMEOUT_SECONDS = 120.0

# Lines are ~500 bytes; one read from the end almost always finds the previous newline.
_TAIL_CHUNK = 64 * 1024
# Every line starts with its seq (`entry_line`): read without parsing the JSON when scanning for one.
_SEQ_PREFIX = re.compile(rb'\{"seq":(\d+),')


_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Appended:
    """What `AuditLog.record` did: entries `first`..`last` written (`count` of them; none for a preflight),
    and sentences about an interrupted earlier append it settled, or the head it keyed, for the caller to show."""

    count: int
    first: int
    last: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Answered:
    """The line of the screening entry a decision answers, as read before the lock: it must still be there,
    the same bytes at the same place, when the decision is chained after it."""

    seq: int
    offset: int
    line: bytes


@dataclass(frozen=True)
class AuditLog:
    """An audit log file; `record` appends one entry per screened traveller.

    `on_wait(seconds_waited)` is called while another process holds the log's lock for long (after half a
    second, then every few seconds), so that the caller can say why nothing happens.
    """

    path: Path
    lock_timeout: float = LOCK_TIMEOUT_SECONDS
    clock: Callable[[], datetime] = field(default=_utc_now, repr=False, compare=False)
    on_wait: Callable[[float], object] | None = field(default=None, repr=False, compare=False)

    @property
    def head_path(self) -> Path:
        """The file holding the seq, hash and MAC of the last entry."""
        return head_path_for(self.path)

    @property
    def pending_path(self) -> Path:
        """The record of an append in progress."""
        return pending_path_for(self.path)

    @property
    def lock_path(self) -> Path:
        """The inter-process lock file."""
        return lock_path_for(self.path)

    @property
    def key_path(self) -> Path:
        """The installation key used for traveller keys, pax keys and the head's MAC."""
        return self.path.parent / KEY_FILE_NAME

    def record(self, results: Sequence[ScreeningResult], context: ScreeningContext) -> Appended:
        """Append one entry per result, all or none; AuditError (the log left as it was) when they cannot be.

        With no results it still checks that the log can be written (and settles an interrupted append),
        which makes a cheap preflight.
        """
        try:
            make_private_folder(self.path.parent)
        except OSError as error:
            raise AuditError(text("audit.log.no_folder", folder=self.path.parent, reason=error.strerror)) from None
        key = self._key()
        time = entry_time(self.clock())
        encoded = [encode_entry(screening_entry(result, context, key, time=time)) for result in results]
        with locked(self.path, self.lock_timeout, on_wait=self.on_wait):
            return _Append(self, key).run(encoded)

    def decide(
        self,
        answers: int,
        decision: Decision | str,
        reason: str | None = None,
        note: str | None = None,
        officer: str | None = None,
        post: str | None = None,
    ) -> Appended:
        """Append an officer's decision (SPEC §3.1) on screening entry `answers` (its seq, as `record`'s
        `Appended` gave it); the decision's own seq is the result's `last`.

        `decision` is `cleared`, `referred` or `postponed`; `reason` one of `decisions.reason_codes()`; `note`
        the officer's free text (at most `NOTE_MAX_CHARACTERS`, kept in the log only). A later decision on the
        same screening supersedes an earlier one; both stay in the chain. Raises DecisionError (exit 3) when
        `answers` is not a screening entry of this log, UsageError for an unknown decision or reason or a note
        too long, and AuditError as `record` does. Appended under the same lock, pending record and head as a
        screening, so a desk's decisions and a batch's screenings never interleave.
        """
        entry = decision_entry(
            answers,
            decision,
            reason=reason,
            note=note,
            officer=officer,
            post=post,
            time=entry_time(self.clock()),
            tool_version=__version__,
        )
        answered = _answered_line(self.path, answers)  # before the key: a wrong seq creates nothing
        key = self._key()
        encoded = [encode_entry(entry)]
        with locked(self.path, self.lock_timeout, on_wait=self.on_wait):
            return _Append(self, key).run(encoded, answered)

    def _key(self) -> bytes:
        """The installation key, read before the lock (it is written whole, once); created under the lock."""
        if self.key_path.exists():
            return load_key(self.key_path)
        with locked(self.path, self.lock_timeout, on_wait=self.on_wait):
            if not self.key_path.exists() and self.head_path.exists():
                raise AuditError(text("audit.log.no_key", key=self.key_path))
            return load_key(self.key_path)


class _Append:
    """One append, under the lock: check, settle, chain, write (the steps of the module's docstring)."""

    def __init__(self, log: AuditLog, key: bytes) -> None:
        self.log, self.key = log, key
        self.notes: list[str] = []

    def run(self, encoded: Sequence[EncodedEntry], answered: _Answered | None = None) -> Appended:
        log = self.log
        try:
            # Owner-only, as every file the tool keeps (SPEC §8): it links screenings to travellers.
            descriptor = os.open(log.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, PRIVATE)
        except OSError as error:
            raise AuditError(text("audit.log.open", path=log.path, reason=error.strerror)) from None
        try:
            return self._append(descriptor, encoded, answered)
        except OSError as error:  # reading the log, or settling an interrupted append (writes are worded below)
            fix = text("audit.log.fix_full" if error.errno in _DISK_FULL else "audit.log.fix_other")
            raise AuditError(text("audit.log.io", path=log.path, reason=error.strerror, fix=fix)) from None
        finally:
            os.close(descriptor)

    def _append(self, descriptor: int, encoded: Sequence[EncodedEntry], answered: _Answered | None) -> Appended:
        log = self.log
        size = os.fstat(descriptor).st_size
        head = read_head(log.head_path)
        pending = self._read_pending()
        if pending is not None:
            size, head = self._settle(descriptor, size, head, pending)
        last = self._tail(descriptor, size, head)
        if answered is not None and (
            answered.seq > last.seq or os.pread(descriptor, len(answered.line), answered.offset) != answered.line
        ):
            raise AuditError(text("audit.log.answered_gone", path=log.path, seq=answered.seq))
        if not encoded:
            return Appended(0, last.seq + 1, last.seq, tuple(self.notes))
        lines, prev = [], last.hash
        for seq, entry in enumerate(encoded, start=last.seq + 1):
            line = entry_line(seq, entry, prev)
            prev = line_hash(line)
            lines.append(line)
        lines.append(b"")
        data = b"\n".join(lines)
        first, end = last.seq + 1, last.seq + len(encoded)
        record = Pending(first, end, size, len(data), last.hash, prev, hashlib.sha256(data).hexdigest())
        try:
            write_pending(log.pending_path, record.sealed(self.key))
        except OSError as error:
            raise self._failed(error, "audit.log.the_pending_record", log.pending_path, written=False) from None
        try:
            _write_all(descriptor, data)
            os.fsync(descriptor)
        except OSError as error:
            raise self._take_back(descriptor, size, error, "audit.log.the_log", log.path) from None
        try:
            write_head(log.head_path, self._sealed(end, prev))
        except OSError as error:
            raise self._take_back(descriptor, size, error, "audit.log.the_head", log.head_path) from None
        # The head records the entries now: a record left behind is recognised as finished next time.
        with contextlib.suppress(OSError):
            remove_pending(log.pending_path)
        if head is not None and head.mac is None:
            self.notes.append(text("audit.log.keyed"))
        return Appended(len(encoded), first, end, tuple(self.notes))

    def _read_pending(self) -> Pending | None:
        try:
            return read_pending(self.log.pending_path, self.key)
        except AuditChainError as error:
            raise self._refused(text("audit.log.pending", reason=error)) from None

    def _settle(self, descriptor: int, size: int, head: Head | None, pending: Pending) -> tuple[int, Head | None]:
        """Finish what an interrupted append left (`pending.py`); return the log's size and head afterwards."""
        log = self.log
        whole = _sha256(descriptor, pending.start, size) if size == pending.start + pending.length else None
        try:
            settlement = assess(pending, log.pending_path, size, head, whole)
        except AuditChainError as error:
            raise self._refused(text("audit.log.pending", reason=error)) from None
        span = {"first": pending.from_seq, "last": pending.to_seq, "base": pending.base.seq}
        if settlement is Settlement.WRITTEN_IN_PART:
            self._tail(descriptor, pending.start, head)  # what stays must be what the head records
            os.ftruncate(descriptor, pending.start)
            os.fsync(descriptor)
            size = pending.start
            self.notes.append(text("audit.log.taken_back", **span))
        elif settlement is Settlement.WRITTEN_WHOLE:
            self._tail(descriptor, pending.start, head)  # the lines before the sealed ones are the head's
            head = self._sealed(pending.to_seq, pending.hash)
            write_head(log.head_path, head)
            self.notes.append(text("audit.log.completed", **span))
        remove_pending(log.pending_path)
        return size, head

    def _tail(self, descriptor: int, size: int, head: Head | None) -> Head:
        """The seq and hash of the entry ending at byte `size`, which must be what the head records."""
        if size == 0:
            if head is not None and head.seq > 0:
                raise self._refused(text("audit.log.empty_with_head"))
            return Head(0, GENESIS_HASH)
        if os.pread(descriptor, 1, size - 1) != b"\n":
            raise self._refused(text("audit.log.incomplete"))
        line = _last_line(descriptor, size)
        entry = _json_object(line)
        seq = entry.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise self._refused(text("audit.log.unreadable_line"))
        if head is None:
            raise self._refused(text("audit.log.no_head", head=self.log.head_path.name))
        if head.mac is not None and not head.sealed_by(self.key):
            raise self._refused(text("audit.log.head_forged"))
        if head.mac is None and written_keyed(entry):
            raise self._refused(text("audit.log.head_downgraded"))
        digest = line_hash(line)
        if head.seq < seq:
            raise self._refused(text("audit.log.lines_after_head", seq=head.seq))
        if (head.seq, head.hash) != (seq, digest):
            raise self._refused(text("audit.log.head_mismatch"))
        return Head(seq, digest)

    def _sealed(self, seq: int, digest: str) -> Head:
        return Head(seq, digest, head_mac(self.key, seq, digest))

    def _refused(self, what: str) -> AuditError:
        return AuditError(text("audit.log.supervisor", path=self.log.path, what=what))

    def _take_back(self, descriptor: int, size: int, error: OSError, what: str, path: Path) -> AuditError:
        """Truncate the log to `size` after a failed write and say what failed; if even that fails, the pending
        record stays for the next append to settle."""
        try:
            os.ftruncate(descriptor, size)
            os.fsync(descriptor)
        except OSError as second:
            return self._failed(error, what, path, written=True, untaken=second)
        with contextlib.suppress(OSError):  # a record left behind now says "nothing written": removed next time
            remove_pending(self.log.pending_path)
        return self._failed(error, what, path, written=True)

    def _failed(
        self, error: OSError, what: str, path: Path, *, written: bool, untaken: OSError | None = None
    ) -> AuditError:
        failure = text("audit.log.cannot_write", what=text(what, path=path), reason=error.strerror)
        if untaken is not None:
            outcome = text("audit.log.not_taken_back", reason=untaken.strerror)
        else:
            outcome = text("audit.log.taken_back_too" if written else "audit.log.as_it_was")
        if error.errno in _DISK_FULL:
            fix = text("audit.log.fix_full")
        else:
            fix = text("audit.log.fix_size" if error.errno == errno.EFBIG else "audit.log.fix_other")
        return AuditError(text("audit.log.sentence", failure=failure, outcome=outcome, fix=fix))


def lock_path_for(log: Path) -> Path:
    """Where the lock file of `log` lives."""
    return log.with_name(log.name + ".lock")


@contextmanager
def locked(
    log: Path, timeout: float, *, optional: bool = False, on_wait: Callable[[float], object] | None = None
) -> Iterator[bool]:
    """Hold the log's inter-process lock; yield whether it is held (False only if `optional` and unusable)."""
    lock = ExitStack()
    try:
        lock.enter_context(exclusive(lock_path_for(log), timeout, on_wait))  # taken here; the block runs below
    except LockTimeout:
        raise AuditError(text("audit.log.locked", path=log, timeout=timeout)) from None
    except OSError as error:
        if not optional:
            raise AuditError(text("audit.log.cannot_lock", path=log, reason=error.strerror)) from None
        held = False
    else:
        held = True
    with lock:
        yield held


def _write_all(descriptor: int, data: bytes) -> None:
    """Write every byte (a write may take fewer than asked), unbuffered: nothing is held back for later."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _sha256(descriptor: int, start: int, end: int) -> str:
    """The SHA-256 of the log's bytes from `start` to `end`."""
    digest = hashlib.sha256()
    while start < end:
        chunk = os.pread(descriptor, min(1 << 20, end - start), start)
        if not chunk:
            break
        digest.update(chunk)
        start += len(chunk)
    return digest.hexdigest()


def _last_line(descriptor: int, size: int) -> bytes:
    """The bytes of the line ending at byte `size` (without its newline), read backwards."""
    start = size - 1  # the final newline, already checked
    buffer = b""
    while start > 0:
        step = min(_TAIL_CHUNK, start)
        start -= step
        buffer = os.pread(descriptor, step, start) + buffer
        newline_at = buffer.rfind(b"\n")
        if newline_at >= 0:
            return buffer[newline_at + 1 :]
    return buffer


def _answered_line(path: Path, answers: int) -> _Answered:
    """Where the line of screening entry `answers` starts, and its bytes; read from the end backwards, as a
    desk's decision answers one of the last lines. DecisionError when the log holds no such screening."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise DecisionError(text("audit.decide.no_entry", path=path, seq=answers)) from None
    except OSError as error:
        raise AuditError(text("audit.log.open", path=path, reason=error.strerror)) from None
    try:
        for offset, line in _lines_backwards(descriptor, os.fstat(descriptor).st_size):
            found = _SEQ_PREFIX.match(line)
            seq = int(found.group(1)) if found else None
            if seq == answers:
                entry = _json_object(line)
                kind = entry_kind(entry)
                if kind == "screening" and entry:
                    return _Answered(answers, offset, line)
                if kind == DecisionEntry.KIND:
                    raise DecisionError(
                        text("audit.decide.not_screening", seq=answers, answers=entry.get("answers", "?"))
                    )
                raise AuditError(text("audit.log.unreadable_entry", path=path, seq=answers))
            if seq is None or seq < answers:  # lines are in seq order: it is not further back
                break
    finally:
        os.close(descriptor)
    raise DecisionError(text("audit.decide.no_entry", path=path, seq=answers))


def _lines_backwards(descriptor: int, size: int) -> Iterator[tuple[int, bytes]]:
    """The complete lines of the first `size` bytes, last first, each with the offset where it starts
    (without its newline); bytes after the last newline (an append being written) are passed over."""
    position, buffer, ended = size, b"", False
    while True:
        if not ended:
            newline = buffer.rfind(b"\n")
            if newline >= 0:
                buffer, ended = buffer[: newline + 1], True
                continue
        elif buffer:
            start = buffer.rfind(b"\n", 0, len(buffer) - 1) + 1
            if start > 0 or position == 0:
                yield position + start, buffer[start:-1]
                buffer = buffer[:start]
                continue
        if position == 0:
            return
        step = min(_TAIL_CHUNK, position)
        position -= step
        buffer = os.pread(descriptor, step, position) + buffer


def _json_object(line: bytes) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) else {}
