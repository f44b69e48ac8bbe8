"""The audit log (SPEC §7): an append-only, hash-chained JSON Lines file, one entry per screened traveller.

Files, all in the log's folder (`audit.jsonl` stands for the log's name):

- `audit.jsonl`       one compact JSON object per line; `prev` is the SHA-256 of the previous line's exact
                      bytes (without its newline), 64 zeros on the first line, so any edited, removed or
                      reordered line breaks the chain;
- `audit.jsonl.head`  `{"seq": N, "hash": "…"}` of the last entry, replaced atomically after every
                      append, so that removing lines from the end (which leaves a valid chain) is
                      detected too;
- `audit.jsonl.lock`  the inter-process lock every append (and the start of a verification) takes;
- `audit.key`         32 random bytes (mode 0600), the per-installation HMAC key of the traveller keys.

The traveller key is HMAC-SHA256(key, normalised passport number + nationality + date of birth), or
(normalised name + date of birth) when there is no passport number. A plain hash would be brute-forced over
the ~10^9 passport numbers; with the HMAC only someone holding `audit.key` can link entries to a person: an
auditor who has the key and a document recomputes `traveller_key(...)` for it and searches the log for that
value (trying without nationality or date of birth if the screening may have lacked them). Losing the key
does not break the chain; it only makes the keys unlinkable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from checkpoint.durable import PRIVATE, write_atomically
from checkpoint.errors import AuditError
from checkpoint.filelocks import LockTimeout, exclusive
from checkpoint.models import ScreeningResult

#: The `prev` of the first entry.
GENESIS_HASH = "0" * 64
#: How long an append waits for another process's append before giving up.
LOCK_TIMEOUT_SECONDS = 10.0
KEY_FILE_NAME = "audit.key"
KEY_BYTES = 32
#: Hex characters kept from the HMAC: 128 bits, ample against collisions among travellers.
TRAVELLER_KEY_HEX = 32

# Bumped if the key material ever changes, so that old and new keys can never be confused.
_KEY_SCHEME = "checkpoint-traveller-key-v1"
# A separator that cannot survive normalisation, so that ("AB", "C") and ("A", "BC") never collide.
_SEP = "\x1f"
# Lines are ~500 bytes; one read from the end almost always finds the previous newline.
_TAIL_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """Who screened and with what: the same for every traveller of one screening."""

    officer: str | None
    post: str | None
    registry_snapshot: str
    rule_pack_version: str
    rule_pack_hash: str
    tool_version: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One screened traveller's line of the log (SPEC §7); the field order is the key order on disk."""

    seq: int
    time: str
    officer: str | None
    post: str | None
    pax_id: str
    traveller_key: str | None
    verdict: str
    risk_score: int
    rules: tuple[str, ...]
    record_id: str | None
    registry_snapshot: str
    rule_pack_version: str
    rule_pack_hash: str
    tool_version: str
    prev: str


#: The keys of every entry, in their order on disk.
ENTRY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AuditEntry))

# `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`: compact, text as it is (no \u escapes). Made
# once; an entry cannot contain itself, so no circular check.
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def entry_line(entry: AuditEntry) -> bytes:
    """The entry's line in the log, without the newline: its fields as compact JSON, in order, in UTF-8."""
    return _LINE_ENCODER.encode({name: getattr(entry, name) for name in ENTRY_FIELDS}).encode()


def screening_entry(
    result: ScreeningResult, context: ScreeningContext, key: bytes, *, seq: int, time: str, prev: str
) -> AuditEntry:
    """The entry recording one screened traveller, as number `seq` of the log, after the line hashed `prev`."""
    traveller, match = result.traveller, result.outcome.match
    return AuditEntry(
        seq=seq,
        time=time,
        officer=context.officer,
        post=context.post,
        pax_id=traveller.pax_id,
        traveller_key=traveller_key(
            key,
            passport_number=traveller.passport_number,
            nationality=traveller.nationality,
            date_of_birth=traveller.date_of_birth,
            full_name=traveller.full_name,
        ),
        verdict=result.verdict.value,
        risk_score=result.risk_score,
        rules=tuple(hit.rule for hit in result.hits),
        record_id=match.record_id if match else None,
        registry_snapshot=context.registry_snapshot,
        rule_pack_version=context.rule_pack_version,
        rule_pack_hash=context.rule_pack_hash,
        tool_version=context.tool_version,
        prev=prev,
    )


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of a successful verification."""

    path: Path
    entries: int
    head: str


class AuditChainError(AuditError):
    """The log does not verify; `line` is the first bad line (None when no single line is to blame)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def traveller_key(
    key: bytes,
    *,
    passport_number: str | None,
    nationality: str | None,
    date_of_birth: date | None,
    full_name: str | None,
) -> str | None:
    """A 32-hex-character HMAC naming the traveller to key holders only; None when nothing identifies them."""
    passport = _normalise_passport(passport_number)
    dob = date_of_birth.isoformat() if date_of_birth else ""
    if passport:
        parts = [_KEY_SCHEME, "passport", passport, (nationality or "").strip().upper(), dob]
    else:
        name = _normalise_name(full_name)
        if not name:
            # An empty key would be shared by every unidentifiable row and falsely link them.
            return None
        parts = [_KEY_SCHEME, "name", name, dob]
    digest = hmac.new(key, _SEP.join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:TRAVELLER_KEY_HEX]


def load_key(path: Path) -> bytes:
    """Read the installation key at `path`, creating it (32 random bytes, mode 0600) on first use."""
    if not path.exists():
        _create_key(path)
    try:
        key = path.read_bytes()
    except OSError as error:
        raise AuditError(
            f"cannot read the audit key {path} ({error.strerror}); run checkpoint as the user who owns it."
        ) from None
    if len(key) != KEY_BYTES:
        raise AuditError(
            f"the audit key {path} is damaged (not {KEY_BYTES} bytes); restore it from a backup "
            "before screening, or traveller keys will no longer match earlier entries."
        )
    return key


def _create_key(path: Path) -> None:
    """Write a fresh key (owner-only) that no reader sees half of; if another process wrote one meanwhile,
    theirs is kept and both use it."""

    def write(handle: BinaryIO) -> None:
        handle.write(secrets.token_bytes(KEY_BYTES))

    try:
        try:
            write_atomically(path, write, mode=PRIVATE, replace=False)
        except FileExistsError:
            return
        except OSError:
            # A filesystem without hard links (FAT, some network shares) cannot put a file in place only if
            # absent; the log's lock keeps other appends out, so replacing is safe enough there.
            if not path.exists():
                write_atomically(path, write, mode=PRIVATE)
    except OSError as error:
        raise AuditError(
            f"cannot create the audit key {path} ({error.strerror}); make its folder writable "
            "or give --audit-log a writable path."
        ) from None


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
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AuditError(
                f"cannot create the audit log folder {self.path.parent} ({error.strerror}); "
                "create it or give --audit-log a writable path."
            ) from None
        with _locked(self.path, self.lock_timeout):
            key = load_key(self.key_path)
            return self._append(results, context, key)

    def _append(self, results: Sequence[ScreeningResult], context: ScreeningContext, key: bytes) -> int:
        try:
            handle = self.path.open("a+b")
        except OSError as error:
            raise _write_error(self.path, error) from None
        with handle:
            last_seq, last_hash = self._tail(handle)
            if not results:
                return 0
            stamp = self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            lines: list[bytes] = []
            prev = last_hash
            for seq, result in enumerate(results, start=last_seq + 1):
                line = entry_line(screening_entry(result, context, key, seq=seq, time=stamp, prev=prev))
                prev = hashlib.sha256(line).hexdigest()
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
        _write_head(self.head_path, last_seq + len(lines), prev)
        return len(lines)

    def _tail(self, handle: BinaryIO) -> tuple[int, str]:
        """The seq and hash of the last entry, read from the end; refuse a log that disagrees with its head."""
        size = handle.seek(0, os.SEEK_END)
        head = _read_head(self.head_path)
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
        digest = hashlib.sha256(line).hexdigest()
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


def verify(path: Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS) -> VerifyReport:
    """Check the chain and the head file; raise AuditChainError naming the first bad line."""
    head_file = head_path_for(path)
    if not path.is_file():
        if head_file.exists():
            raise AuditChainError(
                f"no audit log at {path}, but its head file exists: the log was removed or moved; "
                "restore it from a backup.",
                None,
            )
        raise AuditChainError(f"no audit log at {path}; check the path.", None)
    size, head = _snapshot(path, lock_timeout)
    entries, last_hash = _verify_chain(path, size)
    if head is None:
        if entries:
            raise AuditChainError(
                f"the audit log {path} has {entries} entries but its head file {head_file.name} is missing, "
                "so lines removed from the end would go unnoticed; restore the head file from a backup.",
                None,
            )
    elif head[0] > entries:
        raise AuditChainError(
            f"the audit log {path} ends at line {entries} but its head file records {head[0]} entries: "
            f"line {entries + 1} onwards was removed.",
            entries + 1,
        )
    elif head[0] < entries:
        raise AuditChainError(
            f"the audit log {path} has {entries} entries but its head file records {head[0]}: line "
            f"{head[0] + 1} onwards was added by hand, or the last append was interrupted before it "
            "updated the head.",
            head[0] + 1,
        )
    elif head[1] != last_hash:
        raise AuditChainError(
            f"the audit log {path}: line {entries} does not match its head file: the last line was edited.",
            entries,
        )
    return VerifyReport(path=path, entries=entries, head=last_hash)


def _snapshot(path: Path, lock_timeout: float) -> tuple[int, tuple[int, str] | None]:
    """The log's size and head, read together under the lock so that a running append is not half-seen.

    The log is append-only, so checking its first `size` bytes afterwards needs no lock; a read-only copy
    (where no lock file can be made) is read as it is.
    """
    with _locked(path, lock_timeout, optional=True):
        return path.stat().st_size, _read_head(head_path_for(path))


def _verify_chain(path: Path, size: int) -> tuple[int, str]:
    """Walk the first `size` bytes line by line; return the number of entries and the last line's hash."""
    expected_prev = GENESIS_HASH
    number = 0
    remaining = size
    try:
        handle = path.open("rb")
    except OSError as error:
        raise AuditError(f"cannot read the audit log {path} ({error.strerror}); check its permissions.") from None
    with handle:
        for raw in handle:
            if remaining <= 0:
                break
            chunk = raw[:remaining]
            remaining -= len(chunk)
            number += 1
            if not chunk.endswith(b"\n"):
                raise AuditChainError(
                    f"the audit log {path}: line {number} is incomplete (no newline): an append was interrupted.",
                    number,
                )
            line = chunk[:-1]
            entry = _parse(path, number, line)
            seq, prev = entry["seq"], entry["prev"]
            if seq != number:
                raise AuditChainError(
                    f"the audit log {path}: line {number} holds entry {seq}, expected {number}: "
                    "lines were removed, reordered or copied here.",
                    number,
                )
            if prev != expected_prev:
                if number == 1:
                    raise AuditChainError(
                        f"the audit log {path}: line 1 does not start the chain (its prev is not zeros): "
                        "the start of the log was removed.",
                        1,
                    )
                # The seqs are in order, so the likeliest cause is an edit of the line before this one.
                raise AuditChainError(
                    f"the audit log {path}: line {number - 1} does not match the prev hash recorded in "
                    f"line {number}: line {number - 1} was edited (or the prev of line {number}).",
                    number - 1,
                )
            expected_prev = hashlib.sha256(line).hexdigest()
    return number, expected_prev


def _parse(path: Path, number: int, line: bytes) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        # JSONDecodeError's msg names only the problem and position, never the content.
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
        raise AuditChainError(
            f"the audit log {path}: line {number} is not valid JSON ({reason}): it was edited or damaged.",
            number,
        ) from None
    if not isinstance(entry, dict):
        raise AuditChainError(f"the audit log {path}: line {number} is not a JSON object.", number)
    seq, prev = entry.get("seq"), entry.get("prev")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(prev, str):
        raise AuditChainError(
            f"the audit log {path}: line {number} lacks a valid seq or prev field: it was edited.", number
        )
    return entry


def head_path_for(log: Path) -> Path:
    """Where the head file of `log` lives."""
    return log.with_name(log.name + ".head")


def lock_path_for(log: Path) -> Path:
    """Where the lock file of `log` lives."""
    return log.with_name(log.name + ".lock")


@contextmanager
def _locked(log: Path, timeout: float, *, optional: bool = False) -> Iterator[bool]:
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


def _read_head(path: Path) -> tuple[int, str] | None:
    """The (seq, hash) recorded in the head file, or None when there is none."""
    try:
        data = json.loads(path.read_bytes())
        seq, digest = data["seq"], data["hash"]
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AuditError(f"cannot read the audit head file {path} ({error.strerror}); check its permissions.") from None
    except (ValueError, TypeError, KeyError):
        seq = digest = None
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(digest, str):
        raise AuditChainError(
            f"the audit head file {path} is damaged; restore it from a backup, then run `checkpoint audit verify`.",
            None,
        )
    return seq, digest


def _write_head(path: Path, seq: int, digest: str) -> None:
    """Replace the head file durably: a reader sees the old head or the new one."""
    data = json.dumps({"seq": seq, "hash": digest}).encode("ascii") + b"\n"
    try:
        # As readable as the log beside it (umask permitting): whoever may verify the log needs its head.
        write_atomically(path, lambda handle: handle.write(data), mode=0o666)
    except OSError as error:
        raise AuditError(
            f"the entries were appended to the audit log but its head file {path} could not be written "
            f"({error.strerror}); fix the folder's permissions or free disk space, then screen again."
        ) from None


def _write_error(path: Path, error: OSError) -> AuditError:
    return AuditError(
        f"cannot append to the audit log {path} ({error.strerror}); fix its permissions or free disk space, "
        "then screen again."
    )


_NOT_PASSPORT_CHARACTER = re.compile(r"[^0-9A-Z]+")
# Any script's letters and digits survive, so a name written in another alphabet still yields a key.
_NOT_NAME_CHARACTER = re.compile(r"[\W_]+")


def _normalise_passport(value: str | None) -> str:
    """Upper-case letters and digits only, so `a 123-456` and the MRZ's `A123456<<` agree."""
    return _NOT_PASSPORT_CHARACTER.sub("", (value or "").upper())


def _normalise_name(value: str | None) -> str:
    """Accents dropped, upper case, every run of other characters a single space."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_NAME_CHARACTER.sub(" ", plain.upper()).split())
