"""Column headers as people write them, mapped to the field names of SPEC §4 (aliases in columns.csv).

Headers match case-insensitively, ignoring spaces, dots, dashes and underscores: `Passport No.`,
`passport_no` and `PASSPORT-NO` are the same header. An exact field name wins over an alias, and an alias
only counts for the fields the caller asks about (registry and manifest share the table).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files

_IGNORED = re.compile(r"[\s._\-\ufeff]+")


def header_key(header: object) -> str:
    """The comparison form of a header: lower-case, without spaces, dots, dashes, underscores or BOM."""
    return _IGNORED.sub("", str(header)).lower()


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    text = files("checkpoint").joinpath("columns.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        table.setdefault(header_key(row["alias"]), []).append(row["field"])
    return {alias: tuple(dict.fromkeys(fields)) for alias, fields in table.items()}


@cache
def _known_keys() -> frozenset[str]:
    aliases = _aliases()
    return frozenset(aliases) | {header_key(field) for fields in aliases.values() for field in fields}


def is_known_header(header: object) -> bool:
    """True when a header names some field or alias (used to tell a header row from a title above it)."""
    return header_key(header) in _known_keys()


def resolve_headers(headers: Sequence[object], fields: Iterable[str]) -> dict[str, int]:
    """Map each wanted field to the index of the first header naming it (exact names before aliases)."""
    wanted = {header_key(field): field for field in fields}
    keys = [header_key(header) for header in headers]
    found: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in wanted and wanted[key] not in found:
            found[wanted[key]] = index
    aliases = _aliases()
    for index, key in enumerate(keys):
        if index in found.values():
            continue
        for field in aliases.get(key, ()):
            if field in wanted.values() and field not in found:
                found[field] = index
                break
    return found


#: How alike (rapidfuzz ratio, 0-100) an unknown header must be to a known name to be offered in its place.
_CLOSE_ENOUGH = 80


def closest_field(header: object, fields: Iterable[str]) -> str | None:
    """The field among `fields` whose name or alias is most like `header` (`pasport` → `passport_number`),
    None when none is close: what a note offers for a header nothing recognises."""
    from rapidfuzz import fuzz, process  # only when a file has a header nobody knows

    wanted = set(fields)
    names: dict[str, str] = {header_key(field): field for field in wanted}
    for alias, aliased in _aliases().items():
        for field in aliased:
            if field in wanted:
                names.setdefault(alias, field)
    best = process.extractOne(header_key(header), list(names), scorer=fuzz.ratio, score_cutoff=_CLOSE_ENOUGH)
    return None if best is None else names[best[0]]
