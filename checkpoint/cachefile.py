"""Files under $CHECKPOINT_HOME/cache: written whole or not at all, and never a reason to fail.

A cache entry that cannot be written only costs time on the next run, so writing is best effort: a
temporary file beside the target, then a rename (a reader never sees half an entry).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_cache_file(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target` atomically, creating its folder; give up quietly on any OSError."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
