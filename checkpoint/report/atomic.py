"""Write an output file all at once or not at all (SPEC §5: temporary file, then rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, cast

from checkpoint.errors import UsageError


def write_atomically(path: Path, writer: Callable[[TextIO], object]) -> None:
    """Run `writer` on a temporary file beside `path`, then rename it onto `path`; never leave a partial file.

    The file is UTF-8 with `newline=""` (the CSV writer chooses its own line endings). A new file gets the
    temporary file's owner-only permissions (0600), which suits personal data. Any OSError becomes a
    UsageError naming the path; any other exception is re-raised unchanged after the temporary file is removed.
    """
    path = Path(path)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
            mode="w",
            encoding="utf-8",
            newline="",
            delete=False,
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
        )
    except OSError as error:
        raise _cannot_write(path, error) from None
    temporary = Path(handle.name)
    try:
        with handle:
            writer(cast(TextIO, handle))  # the wrapper delegates every TextIO method to the file
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise
    _sync_directory(path.parent)


def _cannot_write(path: Path, error: OSError) -> UsageError:
    reason = error.strerror or type(error).__name__
    return UsageError(f"cannot write output file {path}: {reason[:1].lower()}{reason[1:]}; choose another --output")


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable after a power cut; best effort, and not possible on Windows.
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
