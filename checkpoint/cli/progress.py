"""Progress on a terminal (`checkpoint.progress`), `--quiet` and `--verbose`, the same way in every command.

- Progress is drawn on stderr only when stderr is a terminal and `--quiet` is not given, and it is erased when
  each phase ends (rich's transient display): a log file or a pipe never receives a spinner.
- `--verbose` adds one line per phase on stderr, with how long it took, and the whole command's time, terminal
  or not: what a supervisor pastes into a support request.
- `--quiet` leaves the results and the warnings about them; the commands drop their other notes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import typer

from checkpoint.errors import UsageError
from checkpoint.i18n import text
from checkpoint.progress import Advance


class TerminalProgress:
    """A `checkpoint.progress.Progress` drawn with rich on a terminal, timed for `--verbose`."""

    def __init__(self, stream: TextIO, *, show: bool, verbose: bool) -> None:
        self.stream = stream
        self.show = show
        self.verbose = verbose

    @contextmanager
    def phase(self, description: str, total: int | None = None) -> Iterator[Advance]:
        started = time.perf_counter()
        if self.show:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = [SpinnerColumn(), TextColumn("{task.description}")]
            if total:
                columns += [BarColumn(), MofNCompleteColumn()]
            console = Console(file=self.stream, highlight=False, markup=False, emoji=False)
            with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as shown:
                task = shown.add_task(description, total=total)
                yield lambda done: shown.advance(task, done)
        else:
            yield lambda done: None
        if self.verbose:
            typer.echo(text("progress.took", phase=description, seconds=time.perf_counter() - started), err=True)


@contextmanager
def terminal_progress(*, quiet: bool, verbose: bool, stream: TextIO | None = None) -> Iterator[TerminalProgress]:
    """The progress of one command run: shown on a terminal unless `quiet`, timed when `verbose` (which then
    also says how long the whole command took)."""
    if quiet and verbose:
        raise UsageError(text("progress.quiet_and_verbose"))
    out = stream or sys.stderr
    started = time.perf_counter()
    yield TerminalProgress(out, show=not quiet and _is_terminal(out), verbose=verbose)
    if verbose:
        typer.echo(text("progress.total", seconds=time.perf_counter() - started), err=True)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False
