"""The checksums of a snapshot's files: recorded when the snapshot is written, checked whenever it is opened.

Each snapshot's records and index files are hashed with xxh3-128 when they are written, and the checksums are
kept outside the files they describe: in a small record beside them (`<snapshot>.checksums.json`) and, for
the current snapshot, in the store's pointer (`current.json`) too. Changed bytes (a failing disk, a bad copy,
an edit, a truncation) are found before a screening matches against them. A checksum is not a seal against
someone who can write the store: they can rewrite the record with the snapshot (and could import anything).

xxh3 hashes as fast as memory is read, many times faster than SHA-256; still, a million-record snapshot is
half a gigabyte, and reading it from a cold disk on every screening would cost as much as the screening
(`benchmarks/registry/results.md`). So a file that was verified is remembered (`$CHECKPOINT_HOME/cache/
verified`) by its device, inode, size, modification time and change time, with the checksum it matched, and
hashed again only when one of them differs. Any write to a file through the file system sets its change time
to the present, and no call sets it back (only changing the system clock does): what the memory does not see
is damage below the file system (a disk that silently returns other bytes), which `registry list` and
`registry use` still find, as they always hash in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checkpoint.cachefile import write_cache_file
from checkpoint.durable import write_atomically
from checkpoint.home import verified_cache_dir

ALGORITHM = "xxh3-128"
_SIDECAR_SUFFIX = ".checksums.json"

#: A verified file is remembered only if it had not changed for this long before it was hashed: where change
#: times are coarse (2 s on FAT), a write just after the hash could otherwise leave every time as it was.
_SETTLED_NS = 2_000_000_000
_BLOCK = 4 << 20


@dataclass(frozen=True)
class FileChecksum:
    """A file's size and xxh3-128 digest (hex)."""

    size: int
    digest: str


@dataclass(frozen=True)
class Checksums:
    """The checksums of a snapshot's files by file name, and how they were recorded."""

    files: tuple[tuple[str, FileChecksum], ...]
    how: str  # "import", or "first use" for a snapshot imported by a version that recorded none
    when: str  # UTC ISO-8601

    def of(self, name: str) -> FileChecksum | None:
        """The checksum recorded for the file of this name, if any."""
        return next((checksum for file, checksum in self.files if file == name), None)

    def to_json(self) -> dict[str, Any]:
        files = {name: {"size": checksum.size, ALGORITHM: checksum.digest} for name, checksum in self.files}
        return {"algorithm": ALGORITHM, "files": files, "recorded": self.how, "recorded_at": self.when}

    @classmethod
    def from_json(cls, data: Any) -> Checksums:
        """Read `to_json`'s form; ValueError if it is not that."""
        try:
            if data["algorithm"] != ALGORITHM:
                raise ValueError(f"checksums by {data['algorithm']}")
            files = tuple(
                (str(name), FileChecksum(int(entry["size"]), str(entry[ALGORITHM])))
                for name, entry in sorted(data["files"].items())
            )
            return cls(files, str(data["recorded"]), str(data["recorded_at"]))
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a checksum record ({error})") from None


def checksum_file(path: Path) -> FileChecksum:
    """The size and xxh3-128 of a file, read in blocks; OSError if it cannot be read."""
    import xxhash  # imported only when a file is hashed: a screening of a remembered snapshot never is

    digest = xxhash.xxh3_128()
    size = 0
    buffer = bytearray(_BLOCK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while read := handle.readinto(buffer):
            digest.update(view[:read])
            size += read
    return FileChecksum(size, digest.hexdigest())


def measure(paths: Sequence[Path], how: str) -> Checksums:
    """The checksums of these files as they are now (and remember them as verified)."""
    files = []
    for path in paths:
        before, started = os.stat(path), time.time_ns()
        checksum = checksum_file(path)
        _remember(path, before, checksum, started_ns=started)
        files.append((path.name, checksum))
    return Checksums(tuple(sorted(files)), how, datetime.now(UTC).replace(microsecond=0).isoformat())


def first_difference(paths: Sequence[Path], expected: Checksums, *, fresh: bool = False) -> Path | None:
    """The first of `paths` whose bytes are not those `expected` records (None when every one is).

    A file remembered as verified and unchanged since is not hashed again, unless `fresh`. OSError if a file
    cannot be read.
    """
    for path in paths:
        wanted = expected.of(path.name)
        if wanted is None:
            return path
        before = os.stat(path)
        if before.st_size != wanted.size:
            return path
        if not fresh and _remembered(path, before, wanted):
            continue
        started = time.time_ns()
        if checksum_file(path) != wanted:
            return path
        _remember(path, before, wanted, started_ns=started)
    return None


def sidecar_path(records: Path) -> Path:
    """Where the checksums of the snapshot whose records file is `records` are kept."""
    return records.with_name(records.name.split(".")[0] + _SIDECAR_SUFFIX)


def read_sidecar(records: Path) -> Checksums | None:
    """The checksums recorded beside a snapshot's records file; None if there are none; ValueError if unreadable."""
    try:
        text = sidecar_path(records).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ValueError(str(error)) from None
    try:
        return Checksums.from_json(json.loads(text))
    except json.JSONDecodeError as error:
        raise ValueError(str(error)) from None


def write_sidecar(records: Path, checksums: Checksums, *, replace: bool = True) -> None:
    """Record the checksums beside the snapshot, durably (FileExistsError if not `replace` and one is there)."""
    text = json.dumps(checksums.to_json(), indent=2) + "\n"
    write_atomically(sidecar_path(records), lambda handle: handle.write(text.encode()), replace=replace)


def _identity(stat: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes are changed through the file system (the change time always does)."""
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _memory_path(path: Path) -> Path:
    key = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()
    return verified_cache_dir() / f"{key[:32]}.json"


def _remembered(path: Path, stat: os.stat_result, wanted: FileChecksum) -> bool:
    try:
        memory = json.loads(_memory_path(path).read_text(encoding="utf-8"))
        return bool(memory["identity"] == _identity(stat) and memory[ALGORITHM] == wanted.digest)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _remember(path: Path, before: os.stat_result, checksum: FileChecksum, *, started_ns: int) -> None:
    """Remember a file as verified, if it did not change while it was hashed and had settled before."""
    try:
        after = os.stat(path)
    except OSError:
        return
    if _identity(after) != _identity(before) or before.st_ctime_ns > started_ns - _SETTLED_NS:
        return
    memory = {"file": str(path.resolve()), "identity": _identity(before), ALGORITHM: checksum.digest}
    write_cache_file(_memory_path(path), json.dumps(memory))
