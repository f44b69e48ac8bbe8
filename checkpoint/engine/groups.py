"""Group rules: travellers grouped by a shared key, and the (partly known) count of members in each group.

A group rule first decides its member condition for every traveller, then counts per group (numpy
`bincount` over group numbers): the members surely meeting it, and those undecided. One person listed twice
(`Facts.persons`) counts once: as a sure member when any of their rows is one. The true count lies
between the two bounds, so a test on it is true when every possible count passes, false when none does,
and unknown otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from checkpoint.engine.conditions import Columns, Truth, truth
from checkpoint.engine.facts import Facts
from checkpoint.engine.pack import GroupSpec, Leaf, RulePack

_TOLERANCE = 1e-9  # shares times sizes are floats: 0.3 x 10 must count as 3
#: What an unknown group rule lists for a field missing on *another* member of the traveller's group.
OTHER_MEMBERS = "members."


@dataclass(frozen=True)
class GroupFacts:
    """A group rule's facts, one value per traveller: the group, its size and its (partly known) member count."""

    ids: np.ndarray
    size: np.ndarray
    members: np.ndarray  # surely meeting the member condition
    undecided: np.ndarray  # member condition unknown
    member_truth: Truth

    def bounds(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lowest count, highest count, scale): `field op v` holds for a count k when `k op v * scale`."""
        one = np.ones(len(self.size))
        if name == "group.size":
            return self.size, self.size, one
        if name == "group.members_unknown":
            return self.undecided, self.undecided, one
        high = self.members + self.undecided
        if name == "group.share":
            return self.members, high, self.size
        return self.members, high, one

    def test(self, leaf: Leaf) -> Truth:
        """A test on a group fact, over the count's whole range."""
        low, high, scale = self.bounds(leaf.field)
        return count_test(low, high, leaf.op, leaf.value, scale)

    def in_group(self, flags: np.ndarray) -> np.ndarray:
        """For each traveller, how many travellers of their group have the flag."""
        groups = int(self.ids.max(initial=-1)) + 1
        return np.asarray(np.bincount(self.ids, weights=flags, minlength=groups)[self.ids], dtype=float)

    def shown(self, name: str) -> np.ndarray:
        """A group fact as explanations show it: whole counts, the share as a percentage of the group."""
        if name == "group.share":
            percent = np.rint(100 * self.members / self.size).astype(np.int64)
            return np.asarray(np.char.add(percent.astype(str), "%"), dtype=object)
        low, _, _ = self.bounds(name)
        return np.asarray(low.astype(np.int64).astype(str), dtype=object)


def group_facts(spec: GroupSpec, facts: Facts, pack: RulePack, columns: Columns) -> GroupFacts:
    """Decide the member condition for every traveller and count, per group, who surely meets it."""
    count = len(facts)
    if spec.members is None:
        member_truth: Truth = (np.ones(count, dtype=bool), np.zeros(count, dtype=bool))
    else:
        member_truth = truth(spec.members, facts, pack, columns.today, columns)
    ids = columns.group_ids(spec.by)
    groups = int(ids.max(initial=-1)) + 1
    true, false = member_truth
    undecided = ~true & ~false
    # Who is counted: each traveller, or, when someone is listed twice, each person in the group once.
    counted, sure, unsure = (
        (ids, true, undecided) if facts.persons is None else _once(ids, facts.persons, true, undecided)
    )

    def per_group(flags: np.ndarray | None) -> np.ndarray:
        return np.asarray(np.bincount(counted, weights=flags, minlength=groups)[ids], dtype=float)

    return GroupFacts(ids, per_group(None), per_group(sure), per_group(unsure), member_truth)


def _once(
    ids: np.ndarray, persons: np.ndarray, true: np.ndarray, undecided: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The group of each person in each group (one entry per person, however often listed), whether they
    surely meet the member condition (on any of their rows) and whether that is undecided (on no row sure,
    on some row unknown)."""
    span = int(persons.max(initial=0)) + 1
    distinct, entry = np.unique(ids * span + persons, return_inverse=True)  # one entry per (group, person)
    entry = entry.ravel()
    sure = np.bincount(entry, weights=true, minlength=len(distinct)) > 0
    unsure = (np.bincount(entry, weights=undecided, minlength=len(distinct)) > 0) & ~sure
    return distinct // span, sure, unsure


def count_test(low: np.ndarray, high: np.ndarray, op: str, value: Any, scale: np.ndarray) -> Truth:
    """A test on a whole count known to lie in [low, high]: true if every count passes, false if none can."""
    if op in ("eq", "ne", "between"):
        first, last = value if op == "between" else (value, value)
        floor, ceiling = first * scale, last * scale
        surely = (low >= floor - _TOLERANCE) & (high <= ceiling + _TOLERANCE)
        lowest = np.maximum(low, np.ceil(floor - _TOLERANCE))
        highest = np.minimum(high, np.floor(ceiling + _TOLERANCE))
        possible = lowest <= highest  # some whole count in [low, high] passes
        return (~possible, surely) if op == "ne" else (surely, ~possible)
    bound = value * scale
    if op == "ge":
        return low >= bound - _TOLERANCE, high < bound - _TOLERANCE
    if op == "gt":
        return low > bound + _TOLERANCE, high <= bound + _TOLERANCE
    if op == "le":
        return high <= bound + _TOLERANCE, low > bound + _TOLERANCE
    assert op == "lt"
    return high < bound - _TOLERANCE, low >= bound - _TOLERANCE
