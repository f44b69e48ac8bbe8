"""Conditions over a whole batch at once, in three-valued (Kleene) logic.

Every condition yields two boolean columns: *surely true* and *surely false*; rows in neither are
*unknown* (a field was missing). `all` is true when every part is true and false when any is false; `any`
the reverse; `not` swaps them. Fact columns are converted once per batch (`Columns`), however many leaves
use them; a group fact is tested by the group rule's own facts (`groups.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

import numpy as np

from checkpoint.engine.columnar import factorize, number, strict_bools
from checkpoint.engine.facts import Facts
from checkpoint.engine.limits import pack_limit
from checkpoint.engine.pack import AllOf, AnyOf, Condition, Leaf, NamedList, NotOf, RulePack, field_catalogue
from checkpoint.engine.patterns import Pattern

Truth = tuple[np.ndarray, np.ndarray]  # (surely true, surely false)


class GroupTest(Protocol):
    """What a group rule brings to its `when`: the truth of a test on a group fact (`group.*`)."""

    def test(self, leaf: Leaf) -> Truth: ...


class Columns:
    """Fact columns converted once per batch, however many leaves use them.

    A column is factorised once: its distinct values and each row's code into them (-1: missing). Text
    tests run on the distinct values (a manifest repeats a few visa types and countries) and are spread
    back to the rows by code; numbers and dates become float arrays, booleans strict boolean arrays.
    """

    def __init__(self, facts: Facts, today: date) -> None:
        self.facts = facts
        self.today = today
        self._factorized: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._converted: dict[str, np.ndarray] = {}
        self._departure_days: np.ndarray | None = None
        self._groups: dict[str, np.ndarray] = {}

    def factorized(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of a column; code -1 marks a missing value (None, NaN, NaT)."""
        if name not in self._factorized:
            self._factorized[name] = factorize(self.facts[name])
        return self._factorized[name]

    def known(self, name: str) -> np.ndarray:
        return self.factorized(name)[0] >= 0

    def per_distinct(self, name: str, convert: Callable[[Any], Any], missing: Any, dtype: Any) -> np.ndarray:
        """`convert` applied to each distinct value once, spread to the rows (`missing` where missing)."""
        codes, distinct = self.factorized(name)
        converted = np.array([*(convert(value) for value in distinct), missing], dtype=dtype)
        return np.asarray(converted[codes])  # a missing value (code -1) takes the last entry

    def text(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values casefolded) of a text, code or country column."""
        key = f"text:{name}"
        codes, distinct = self.factorized(name)
        if key not in self._converted:
            self._converted[key] = np.array([str(value).casefold() for value in distinct], dtype=object)
        return codes, self._converted[key]

    def converted(self, name: str, kind: str) -> np.ndarray:
        """A number, date (day number) or bool column as an array; missing numbers and dates are NaN."""
        key = f"{kind}:{name}"
        if key not in self._converted:
            if kind == "number":
                result = self.per_distinct(name, number, np.nan, float)
            elif kind == "date":
                result = self.per_distinct(name, _day_number, np.nan, float)
            else:  # bool: only a real boolean counts, never a truthy string (nor 1, which equals True)
                result = strict_bools(self.facts[name])
            self._converted[key] = result
        return self._converted[key]

    def group_ids(self, by: str) -> np.ndarray:
        """Each traveller's group number for a group key; a traveller without the key is a group of one.

        Keys are compared without case and spaces (`qx7p2a` is `QX7P2A`, `GA 820` is `GA820`); a flight is
        one flight on one departure date.
        """
        if by not in self._groups:
            keys = self.per_distinct(by, _key, "", object)
            if by == "flight":
                days = self.departure_days().astype(str).astype(object)
                keys = np.where(keys == "", keys, keys + "@" + days)
            keys[keys == ""] = None
            codes = factorize(keys)[0]
            alone = codes < 0
            codes[alone] = codes.max(initial=-1) + 1 + np.arange(int(alone.sum()))
            self._groups[by] = codes
        return self._groups[by]

    def departure_days(self) -> np.ndarray:
        """Each traveller's departure day number (the screening date when not given): lists apply on it."""
        if self._departure_days is None:
            fallback = self.today.toordinal()
            self._departure_days = self.per_distinct(
                "departure_date", lambda v: v.toordinal() if isinstance(v, date) else fallback, fallback, np.int64
            )
        return self._departure_days


def _key(value: Any) -> str:
    """A group key without case and spaces (most are plain letters and digits already)."""
    text = str(value)
    return text.casefold() if text.isalnum() else "".join(text.split()).casefold()


def _day_number(value: Any) -> float:
    return float(value.toordinal()) if isinstance(value, date) else np.nan


def _leaf(leaf: Leaf, pack: RulePack, columns: Columns, group: GroupTest | None) -> Truth:
    if leaf.field.startswith("group."):
        assert group is not None, f"{leaf.field} outside a group rule"  # the condition reader refuses it
        return group.test(leaf)
    known = columns.known(leaf.field)
    if leaf.op == "exists":
        return known, ~known
    if leaf.op == "missing":
        return ~known, known
    kind = field_catalogue()[leaf.field].type
    value = leaf.value
    if kind in ("text", "code", "country"):
        codes, distinct = columns.text(leaf.field)
        if leaf.op in ("in_list", "not_in_list"):
            result = _in_list(codes, distinct, columns.departure_days(), pack.lists[str(value)])
            if leaf.op == "not_in_list":
                result = ~result
        else:
            if leaf.op == "matches":
                pattern: Pattern = value  # type: ignore[assignment]
                seen = pack_limit("matched_characters")  # patterns only ever see this much of a value
                each = np.fromiter((pattern.search(v[:seen]) for v in distinct), bool, len(distinct))
            else:
                each = _compare(distinct, leaf.op, value)
            result = np.append(each, False)[codes]  # a missing value (code -1) takes the last entry
    elif kind == "date":
        bound = tuple(d.toordinal() for d in value) if isinstance(value, tuple) else value.toordinal()  # type: ignore[attr-defined]
        result = _compare(columns.converted(leaf.field, kind), leaf.op, bound)
    else:  # number, bool
        result = _compare(columns.converted(leaf.field, kind), leaf.op, value)
    return known & result, known & ~result


def _compare(values: np.ndarray, op: str, value: Any) -> np.ndarray:
    """Compare an array with a rule's operand (NaN compares false)."""
    if op == "eq":
        result = values == value
    elif op == "ne":
        result = values != value
    elif op in ("in", "not_in"):
        if values.dtype == object:  # the distinct values of a text column: a few
            inside = np.fromiter((v in value for v in values), bool, len(values))
        else:
            inside = np.isin(values, list(value))
        result = inside if op == "in" else ~inside
    elif op == "between":
        low, high = value
        result = (values >= low) & (values <= high)
    else:
        result = {"lt": values < value, "le": values <= value, "gt": values > value, "ge": values >= value}[op]
    return np.asarray(result, dtype=bool)


def _in_list(codes: np.ndarray, distinct: np.ndarray, days: np.ndarray, named: NamedList) -> np.ndarray:
    """Membership on each traveller's departure day, so a list's effective dates apply to the trip."""
    # An entry is in force from its start (inclusive) until its end (exclusive).
    result = np.zeros(len(codes), dtype=bool)
    for entry in named.entries:
        inside = np.append(np.fromiter((v in entry.values for v in distinct), bool, len(distinct)), False)[codes]
        if entry.start is not None:
            inside = inside & (days >= entry.start.toordinal())
        if entry.end is not None:
            inside = inside & (days < entry.end.toordinal())
        result = result | inside
    return result


def truth(
    condition: Condition,
    facts: Facts,
    pack: RulePack,
    today: date,
    columns: Columns | None = None,
    group: GroupTest | None = None,
) -> Truth:
    """Surely-true and surely-false columns of a condition over the batch (`group`: a group rule's facts)."""
    columns = columns or Columns(facts, today)
    if isinstance(condition, Leaf):
        return _leaf(condition, pack, columns, group)
    if isinstance(condition, NotOf):
        true, false = truth(condition.part, facts, pack, today, columns, group)
        return false, true
    parts = [truth(part, facts, pack, today, columns, group) for part in condition.parts]
    trues = np.array([p[0] for p in parts]).reshape(len(parts), len(facts))
    falses = np.array([p[1] for p in parts]).reshape(len(parts), len(facts))
    if isinstance(condition, AllOf):
        return np.asarray(trues.all(axis=0)), np.asarray(falses.any(axis=0))
    assert isinstance(condition, AnyOf)
    return np.asarray(trues.any(axis=0)), np.asarray(falses.all(axis=0))
