"""One person listed more than once in a batch: the same passport number, or the same name and date of birth.

A manifest may list a traveller twice (under two pax_ids, typed twice by an agent, merged from two lists).
The manifest reader warns on each such row (`ManifestRows.flag_repeated_pax_ids`) and the group rules count
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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

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
    by_number: dict[Hashable, list[int]] = defaultdict(list)
    by_birth: dict[date, list[int]] = defaultdict(list)
    for position, traveller in enumerate(travellers):
        number = traveller.passport_number
        if number and _identifying(number):
            by_number[number].append(position)
        if traveller.date_of_birth is not None and traveller.full_name:
            by_birth[traveller.date_of_birth].append(position)
    # Names are normalised only where a birth date is shared: most rows of a batch need none.
    by_name: dict[Hashable, list[int]] = defaultdict(list)
    for born, positions in by_birth.items():
        if len(positions) > 1:
            for position in positions:
                name = normalise_name(travellers[position].full_name or "")
                if name.tokens:
                    by_name[(born, tuple(sorted(name.tokens)), tuple(sorted(name.father)))].append(position)
    return [
        Repeat(shared, tuple(positions))
        for shared, groups in ((PASSPORT, by_number), (NAME_AND_BIRTH, by_name))
        for positions in groups.values()
        if len(positions) > 1
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


def _identifying(number: str) -> bool:
    return len(number) >= _SHORTEST_NUMBER and any(char.isdigit() for char in number) and len(set(number)) > 2
