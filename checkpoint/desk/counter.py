"""Desk travellers' ids: the post, the day and a sequence (`TPI-CGK-20261207-0042`), never a bare "1".

The sequence lives in one small owner-only file under $CHECKPOINT_HOME, taken under a lock, so that two desk
sessions of one post on one machine never hand out the same id.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from checkpoint.durable import make_private_folder, write_atomically
from checkpoint.filelocks import exclusive

_LOCK_SECONDS = 10.0
_NOT_ID = re.compile(r"[^A-Z0-9]+")


def next_pax_id(folder: Path, post: str | None, day: date) -> str:
    """The next id of this post on this day; a counter that cannot be kept costs nothing but uniqueness across
    sessions (OSError from the folder is the caller's)."""
    prefix = _NOT_ID.sub("-", (post or "DESK").upper()).strip("-") or "DESK"
    key = f"{prefix}-{day:%Y%m%d}"
    make_private_folder(folder)
    counters = folder / "counters.json"
    with exclusive(folder / "counters.lock", _LOCK_SECONDS):
        try:
            known = json.loads(counters.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            known = {}
        if not isinstance(known, dict):  # damaged: counting starts again (ids stay unique within a session)
            known = {}
        number = int(known.get(key, 0)) + 1
        kept = {name: count for name, count in known.items() if name.endswith(f"{day:%Y%m%d}")}  # today's only
        kept[key] = number
        write_atomically(counters, lambda handle: handle.write(json.dumps(kept, sort_keys=True).encode()))
    return f"{key}-{number:04d}"
