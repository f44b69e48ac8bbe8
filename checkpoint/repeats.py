"""One person listed more than once in a batch: the same passport number, or the same name and date of birth.

A manifest may list a traveller twice (under two pax_ids, typed twice by an agent, merged from two lists).
The manifest reader warns on each such row (`ManifestRows.flag_repeats`) and the group rules count
the person once (`engine.groups`): "four travellers on one booking" must not be reached through one person
listed twice. Both ask this module, so that they agree on who is the same person.

Being the same person is decided strictly, since wrongly merging two travellers would hide one from a group
rule: the passport number as read (upper-case letters and digits, no look-alike folding), or the given-name
tokens as `names.normalise_name` gives them (titles dropped, spellings folded, in any order) together with
the date of birth and, when written, the tokens after BIN/BINTI. Sharing either makes two rows one person,
and so does a chain of them (A shares a passport with B, B a name and birth date with C).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter

from checkpoint.gcpause import cycle_collection_paused
from checkpoint.models import Traveller
from checkpoint.names import normalise_name

PASSPORT = "passport number"
NAME_AND_BIRTH = "name and date of birth"
#: Shorter numbers, numbers without a digit and numbers of one or two characters repeated (`000000`,
#: `A0000000`) are placeholders a manifest writes when it has no number, not a document.
_SHORTEST_NUMBER = 6


@dataclass(frozen=True, slots=True)
class Repeat:
    """Travellers of a batch (0-based positions, in order) who share an identifying value."""

    shared: str  # PASSPORT or NAME_AND_BIRTH
    positions: tuple[int, ...]


def repeated_listings(travellers: Sequence[Traveller]) -> list[Repeat]:
    """Every set of two or more travellers sharing a passport number, or a name and date of birth."""
    with cycle_collection_paused():  # many small lists and tuples, no cycles among them
        by_number: dict[str, list[int]] = defaultdict(list)
        by_birth: dict[date, list[int]] = defaultdict(list)
        for position, (number, born, name) in enumerate(map(_identity, travellers)):
            if number:
                by_number[number].append(position)
            if born is not None and name:
                by_birth[born].append(position)
        # Names are normalised only where a birth date is shared: most rows of a small batch need none.
        by_name: dict[tuple[date, str], list[int]] = defaultdict(list)
        for born, positions in by_birth.items():
            if len(positions) > 1:
                for position in positions:
                    key = _name_key(travellers[position].full_name or "")
                    if key:
                        by_name[(born, key)].append(position)
        return [
            *(
                Repeat(PASSPORT, tuple(rows))
                for number, rows in by_number.items()
                if len(rows) > 1 and _identifying(number)
            ),
            *(Repeat(NAME_AND_BIRTH, tuple(rows)) for rows in by_name.values() if len(rows) > 1),
        ]


def person_numbers(travellers: Sequence[Traveller], repeats: Sequence[Repeat] | None = None) -> list[int] | None:
    """For each traveller, the position of the first listing of the same person; None when nobody is listed
    twice (`repeats`: `repeated_listings` of these travellers, when already known)."""
    found = repeated_listings(travellers) if repeats is None else repeats
    if not found:
        return None
    first = list(range(len(travellers)))

    def root(position: int) -> int:
        while first[position] != position:
            first[position] = first[first[position]]
            position = first[position]
        return position

    for repeat in found:
        for position in repeat.positions[1:]:
            a, b = root(repeat.positions[0]), root(position)
            first[max(a, b)] = min(a, b)
    return [root(position) for position in range(len(travellers))]


#: What identifies a traveller here, read in one C call per traveller: passport number, birth date, name.
_identity = attrgetter("passport_number", "date_of_birth", "full_name")


@lru_cache(maxsize=200_000)
def _name_key(full_name: str) -> str:
    """The given-name tokens and the BIN/BINTI tokens of a name, each in a fixed order, as one text (whose
    hash Python keeps); empty when the name has no token."""
    name = normalise_name(full_name)
    if not name.tokens:
        return ""
    return " ".join(sorted(name.tokens)) + "/" + " ".join(sorted(name.father))


def _identifying(number: str) -> bool:
    return len(number) >= _SHORTEST_NUMBER and any(char.isdigit() for char in number) and len(set(number)) > 2
