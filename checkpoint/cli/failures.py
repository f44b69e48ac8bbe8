"""Internal errors: write a redacted traceback to the error log, never to the screen.

Exception messages can quote input values (names, passport numbers), so the log keeps only the exception
types and the code locations (file, line, function) — enough for support, nothing personal.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from checkpoint import __version__
from checkpoint.durable import PRIVATE, make_private_folder
from checkpoint.errors import worker_frames
from checkpoint.home import error_log
from checkpoint.i18n import text


def redacted_traceback(error: BaseException) -> str:
    """The traceback of `error` and its causes, without any exception message or local value."""
    lines: list[str] = []
    current: BaseException | None = error
    while current is not None:
        lines.append(f"{type(current).__module__}.{type(current).__qualname__} (message withheld)")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
        frames = worker_frames(current)
        if frames:
            lines += ["raised in a worker process at:", *frames]
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by / during handling of:")
    return "\n".join(lines)


def report_internal_error(error: BaseException) -> Path | str:
    """Append the redacted traceback to the error log; return where it went (or why it could not)."""
    path = error_log()
    entry = f"--- {datetime.now(UTC).isoformat()} checkpoint {__version__}\n{redacted_traceback(error)}\n"
    try:
        make_private_folder(path.parent)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(entry)
    except OSError:
        return text("cli.no_error_log")
    return path
