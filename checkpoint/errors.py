"""The one exception family of the core; the CLI maps each class to an exit code (SPEC §2).

Messages are shown to the officer as they are: one or two sentences naming the file, the row or line,
and what to do. They must never contain a traveller's name or a document number.
"""

from __future__ import annotations

from collections.abc import Sequence


class CheckpointError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = 70


class UsageError(CheckpointError):
    """The options given do not make sense together."""

    exit_code = 2


class InputDataError(CheckpointError):
    """An input file (manifest, registry export, MRZ) cannot be read or lacks what is required."""

    exit_code = 3


class ConfigError(CheckpointError):
    """The registry store or a rule pack is missing or invalid."""

    exit_code = 4


class OutputError(CheckpointError):
    """The results could not be written where the officer asked (a full disk, a folder gone); the screening
    itself may have succeeded and been logged, which the message then says."""

    exit_code = 73  # sysexits' EX_CANTCREAT: not a usage error, nothing wrong with the options


class AuditError(CheckpointError):
    """The audit log cannot be written or does not verify; the tool stops rather than screen unlogged."""

    exit_code = 5


def record_worker_frames(error: BaseException, frames: Sequence[str]) -> None:
    """Note on an exception raised in a worker process where it was raised there (file:line in function)."""
    error.worker_frames = tuple(frames)  # type: ignore[attr-defined]


def worker_frames(error: BaseException) -> tuple[str, ...]:
    """The frames a worker process recorded on an exception it raised (empty for this process's own)."""
    return tuple(getattr(error, "worker_frames", ()))
