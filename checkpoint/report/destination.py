"""Where an output file may go: a file in a writable folder, never a device, never over the tool's state or inputs.

Checked before anything is screened (SPEC §5: the output is written only after screening succeeded, so a
destination that cannot or must not take it would otherwise cost a screening that is logged for nothing).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checkpoint.errors import UsageError
from checkpoint.i18n import text


@dataclass(frozen=True)
class Protected:
    """A file (or, with `inside`, every file under a folder) that an output must never replace."""

    path: Path
    what: str  # the catalog key of its name in a refusal: "report.protected.audit_log" ("the audit log")…
    inside: bool = False


def check_destination(output: Path, protected: Sequence[Protected]) -> None:
    """UsageError (one sentence) when `output` is a folder, a device or a pipe, one of `protected` (links
    followed), or in a folder that does not exist or cannot be written."""
    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise UsageError(text("report.output.unusable", output=output, reason=error.strerror)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(text("report.output.folder", output=output))
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(text("report.output.device", output=output))
    target = Path(os.path.realpath(output))
    for guarded in protected:
        place = Path(os.path.realpath(guarded.path))
        if target == place or (guarded.inside and place in target.parents):
            refusal = "report.output.is_protected" if target == place else "report.output.inside_protected"
            raise UsageError(text(refusal, output=output, what=text(guarded.what)))
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise UsageError(text("report.output.no_folder", output=output))
