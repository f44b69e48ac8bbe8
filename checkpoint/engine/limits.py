"""The limits a rule pack must keep (limits.csv): how large a file, how deep its nesting, how long a pattern.

They protect the tool, not the rules: a pack beyond them is a mistake or an attack, refused with a problem
that names the limit. rules/README.md quotes them for pack authors (a test keeps the two in step).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def pack_limits() -> dict[str, int]:
    """Every limit by name (limits.csv)."""
    text = files("checkpoint.engine").joinpath("limits.csv").read_text(encoding="utf-8")
    return {row["name"]: int(row["value"]) for row in csv.DictReader(text.splitlines())}


def pack_limit(name: str) -> int:
    """One limit: `file_bytes`, `nesting_levels`, `pattern_characters` or `matched_characters`."""
    return pack_limits()[name]
