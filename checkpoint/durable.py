"""The one way checkpoint writes a file: whole or not at all, and still there after a power cut.

Every writer (output files, the registry's snapshots and current pointer, the audit head and key, cache
files, synthetic data) goes through `write_atomically`: a temporary file beside the target (created
exclusively, owner-only), written, flushed and fsynced, renamed onto the target, then the folder fsynced so
that the rename itself is on disk. A reader sees the old file or the new one, never half of either; a
failure at any point leaves the target as it was and no temporary file behind. Only a process killed outright
leaves its temporary file: `abandoned_temporaries` finds those.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

#: Files checkpoint writes hold personal data or keys: owner-only unless a caller says otherwise.
PRIVATE = 0o600


def write_atomically(
    path: Path, write: Callable[[BinaryIO], object], *, mode: int = PRIVATE, replace: bool = True
) -> None:
    """Write `path` through `write(handle)` on a temporary file, then move it into place durably.

    `replace=False` never overwrites: if `path` exists (or appears meanwhile) it is kept and
    FileExistsError is raised. Any exception, an OSError included, is raised unchanged once the temporary
    file is gone; the caller turns it into its own error sentence.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")  # see _TEMPORARY
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            # link() fails when the target exists: whoever got there first wins, nobody overwrites.
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    sync_folder(path.parent)


def write_text_atomically(
    path: Path, write: Callable[[TextIO], object], *, mode: int = PRIVATE, newline: str | None = ""
) -> None:
    """`write_atomically` for text: UTF-8, with `newline` as `open` takes it ("" leaves line endings as
    written, which the CSV writer needs)."""

    def through_text(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline=newline)
        try:
            write(text)
            text.flush()
        finally:
            text.detach()  # the binary handle stays open for the fsync

    write_atomically(path, through_text, mode=mode)


def sync_folder(folder: Path) -> None:
    """fsync a folder so that a rename or a new file in it survives a power cut (where the OS allows it)."""
    if not hasattr(os, "O_DIRECTORY"):  # Windows: folders cannot be opened, renames are journalled
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


#: How `write_atomically` names its temporary files: `.<target>.<pid>.<8 hex digits>.tmp`.
_TEMPORARY = re.compile(r"\.(?P<target>.+)\.(?P<pid>[0-9]+)\.[0-9a-f]{8}\.tmp")


def abandoned_temporaries(folder: Path) -> list[Path]:
    """The temporary files `write_atomically` left in `folder` whose writing process no longer runs here.

    A process killed while writing (`kill -9`, a power cut) leaves its temporary file behind. The process id
    in the name tells whether its writer may still be writing *on this machine*; a folder shared with other
    machines needs a lock besides (the registry's `leftovers` module). A missing folder has none.
    """
    try:
        with os.scandir(folder) as entries:
            named = [(entry, _TEMPORARY.fullmatch(entry.name)) for entry in entries]
        files = [(entry, matched) for entry, matched in named if matched and entry.is_file(follow_symlinks=False)]
    except OSError:
        return []
    dead = [entry for entry, matched in files if not _process_alive(int(matched["pid"]))]
    return sorted(Path(folder) / entry.name for entry in dead)


def _process_alive(pid: int) -> bool:
    """Whether a process with this id runs here (one of another user counts: it may be writing)."""
    if os.name == "nt":  # os.kill would end the process there: every writer is taken to be alive
        return True
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists is checked
    except (ProcessLookupError, OverflowError):  # gone, or a number no process can have
        return False
    except PermissionError:
        return True
    return pid > 0


def make_private_folder(folder: Path) -> None:
    """Create `folder` and every missing folder above it owner-only (0700); folders that exist stay as they are.

    (`Path.mkdir(parents=True)` would give the parents the default permissions.) An OSError says why not.
    """
    missing = []
    current = Path(folder)
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            path.mkdir(mode=0o700)
