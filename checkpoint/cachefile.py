"""Files under $CHECKPOINT_HOME/cache: written whole or not at all, and never a reason to fail.

A cache entry that cannot be written only costs time on the next run, so writing is best effort.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from checkpoint.durable import make_private_folder, write_atomically


def write_cache_file(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target` durably, creating its folder; give up quietly on any OSError."""
    with contextlib.suppress(OSError):
        make_private_folder(target.parent)
        write_atomically(target, lambda handle: handle.write(text.encode("utf-8")))
