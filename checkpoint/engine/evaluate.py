"""Evaluate a pack over a whole batch at once, in three-valued (Kleene) logic, and apply the policy.

Every condition yields two boolean columns: *surely true* and *surely false*; rows in neither are
*unknown* (a field was missing). `all` is true when every part is true and false when any is false; `any`
the reverse; `not` swaps them. A rule fires only when surely true; an unknown rule lists the missing fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from checkpoint.engine.pack import (
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    NamedList,
    NotOf,
    Rule,
    RulePack,
    field_catalogue,
    leaves,
)
from checkpoint.models import Hit, Unknown, Verdict

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_MAX_MATCHED_LENGTH = 200  # patterns only ever see this much of a value

Truth = tuple[np.ndarray, np.ndarray]  # (surely true, surely false)


@dataclass(frozen=True)
class Assessment:
    """What the pack concluded for one traveller."""

    verdict: Verdict
    risk_score: int
    hits: tuple[Hit, ...]
    unknown: tuple[Unknown, ...]


_NOTHING_FOUND = Assessment(Verdict.CLEAR, 0, (), ())


def placeholders(template: str) -> list[str]:
    """The field names a template refers to."""
    return _PLACEHOLDER.findall(template)


class _Columns:
    """Fact columns converted once per batch (as text, numbers or day numbers), however many leaves use them."""

    def __init__(self, facts: pd.DataFrame, today: date) -> None:
        self.facts = facts
        self.today = today
        self._known: dict[str, np.ndarray] = {}
        self._series: dict[tuple[str, str], pd.Series] = {}
        self._departure_days: np.ndarray | None = None

    def known(self, name: str) -> np.ndarray:
        if name not in self._known:
            self._known[name] = self.facts[name].notna().to_numpy(dtype=bool)
        return self._known[name]

    def converted(self, name: str, kind: str) -> pd.Series:
        """The column as casefolded text, numbers, day numbers or strict booleans (by field type)."""
        key = (name, kind)
        if key not in self._series:
            column = self.facts[name]
            if kind in ("text", "code", "country"):
                result = column.map(lambda v: str(v).casefold() if v is not None else "")
            elif kind == "number":
                result = pd.to_numeric(column, errors="coerce")
            elif kind == "date":
                result = column.map(lambda v: v.toordinal() if isinstance(v, date) else np.nan).astype(float)
            else:  # bool: only a real boolean counts, never a truthy string
                result = column.map(lambda v: bool(v) if isinstance(v, bool | np.bool_) else False)
            self._series[key] = result
        return self._series[key]

    def departure_days(self) -> np.ndarray:
        """Each traveller's departure day number (the screening date when not given): lists apply on it."""
        if self._departure_days is None:
            fallback = self.today.toordinal()
            self._departure_days = np.array(
                [v.toordinal() if isinstance(v, date) else fallback for v in self.facts["departure_date"]],
                dtype=np.int64,
            )
        return self._departure_days


def _leaf(leaf: Leaf, facts: pd.DataFrame, pack: RulePack, columns: _Columns) -> Truth:
    known = columns.known(leaf.field)
    if leaf.op == "exists":
        return known, ~known
    if leaf.op == "missing":
        return ~known, known
    kind = field_catalogue()[leaf.field].type
    value = leaf.value
    values = columns.converted(leaf.field, kind)
    if kind in ("text", "code", "country"):
        if leaf.op in ("in_list", "not_in_list"):
            result = _in_list(values, columns.departure_days(), pack.lists[str(value)])
            if leaf.op == "not_in_list":
                result = ~result
        elif leaf.op == "matches":
            pattern: re.Pattern[str] = value  # type: ignore[assignment]
            result = values.map(lambda v: bool(pattern.search(v[:_MAX_MATCHED_LENGTH]))).to_numpy(dtype=bool)
        else:
            result = _compare(values, leaf.op, value)
    elif kind == "date":
        bound = tuple(d.toordinal() for d in value) if isinstance(value, tuple) else value.toordinal()  # type: ignore[attr-defined]
        result = _compare(values, leaf.op, bound)
    else:  # number, bool
        result = _compare(values, leaf.op, value)
    return known & result, known & ~result


def _compare(values: pd.Series, op: str, value: Any) -> np.ndarray:
    result: pd.Series
    if op == "eq":
        result = values == value
    elif op == "ne":
        result = values != value
    elif op == "in":
        result = values.isin(value)
    elif op == "not_in":
        result = ~values.isin(value)
    elif op == "between":
        low, high = value
        result = (values >= low) & (values <= high)
    else:
        result = {"lt": values < value, "le": values <= value, "gt": values > value, "ge": values >= value}[op]
    return np.asarray(result.fillna(False).to_numpy(dtype=bool))


def _in_list(values: pd.Series, days: np.ndarray, named: NamedList) -> np.ndarray:
    """Membership on each traveller's departure day, so a list's effective dates apply to the trip."""
    # Same meaning as NamedList.members_on, one entry at a time instead of one day at a time.
    result = np.zeros(len(values), dtype=bool)
    for entry in named.entries:
        inside = values.isin(entry.values).to_numpy(dtype=bool)
        if entry.start is not None:
            inside = inside & (days >= entry.start.toordinal())
        if entry.end is not None:
            inside = inside & (days < entry.end.toordinal())
        result = result | inside
    return result


def truth(
    condition: Condition, facts: pd.DataFrame, pack: RulePack, today: date, columns: _Columns | None = None
) -> Truth:
    """Surely-true and surely-false columns of a condition over the batch."""
    columns = columns or _Columns(facts, today)
    if isinstance(condition, Leaf):
        return _leaf(condition, facts, pack, columns)
    if isinstance(condition, NotOf):
        true, false = truth(condition.part, facts, pack, today, columns)
        return false, true
    parts = [truth(part, facts, pack, today, columns) for part in condition.parts]
    trues = np.array([p[0] for p in parts]).reshape(len(parts), len(facts))
    falses = np.array([p[1] for p in parts]).reshape(len(parts), len(facts))
    if isinstance(condition, AllOf):
        return np.asarray(trues.all(axis=0)), np.asarray(falses.any(axis=0))
    assert isinstance(condition, AnyOf)
    return np.asarray(trues.any(axis=0)), np.asarray(falses.all(axis=0))


def render(template: str, row: Mapping[str, object]) -> str:
    """Fill an explanation template from one traveller's facts (missing values shown as '?')."""

    def value(match: re.Match[str]) -> str:
        found = row.get(match[1])
        if found is None or (isinstance(found, float) and found != found):
            return "?"
        if isinstance(found, bool | np.bool_):
            return "yes" if found else "no"
        if isinstance(found, float) and found.is_integer():
            return str(int(found))
        return str(found)

    return _PLACEHOLDER.sub(value, template)


def evaluate(pack: RulePack, facts: pd.DataFrame, today: date, rules: Sequence[Rule] | None = None) -> list[Assessment]:
    """Hits, unknowns, score and verdict for every traveller in the facts table, in order."""
    count = len(facts)
    hits: list[list[Hit]] = [[] for _ in range(count)]
    unknown: list[list[Unknown]] = [[] for _ in range(count)]
    language = pack.policy.language
    columns = _Columns(facts, today)
    for rule in pack.active_rules if rules is None else rules:
        true, false = truth(rule.when, facts, pack, today, columns)
        fired = np.flatnonzero(true)
        if len(fired):
            template = rule.explanation[language]
            used = {
                name: facts[name].to_numpy(dtype=object)
                for name in dict.fromkeys(placeholders(template))
                if name in facts.columns
            }
            for row in fired:
                explanation = render(template, {name: column[row] for name, column in used.items()})
                hits[row].append(Hit(rule.id, rule.title, rule.severity, rule.score, explanation))
        undecided = np.flatnonzero(~true & ~false)
        if len(undecided):
            tested = (leaf.field for leaf in leaves(rule.when) if leaf.op not in ("exists", "missing"))
            names = list(dict.fromkeys(tested))
            missing = np.column_stack([~columns.known(name) for name in names])[undecided]
            # Rows missing the same fields share one Unknown: a handful of kinds, however large the batch.
            kinds, which = np.unique(missing, axis=0, return_inverse=True)
            shared = [Unknown(rule.id, tuple(n for n, gone in zip(names, kind, strict=True) if gone)) for kind in kinds]
            for position, index in zip(undecided.tolist(), which.ravel().tolist(), strict=True):
                unknown[position].append(shared[index])
    family_of = {rule.id: rule.family or rule.id for rule in pack.rules}
    return [_verdict(pack, family_of, tuple(h), tuple(u)) for h, u in zip(hits, unknown, strict=True)]


def _verdict(
    pack: RulePack, family_of: Mapping[str, str], hits: tuple[Hit, ...], unknown: tuple[Unknown, ...]
) -> Assessment:
    """Apply the policy: family-capped score, thresholds, forced outcomes."""
    if not hits and not unknown:  # most travellers: nothing to weigh
        return _NOTHING_FOUND
    policy = pack.policy
    best: dict[str, int] = {}
    for hit in hits:  # near-duplicate rules share a family: only the strongest counts
        family = family_of.get(hit.rule, hit.rule)
        best[family] = max(best.get(family, 0), hit.score)
    score = min(sum(best.values()), 100)
    verdict = Verdict.HOLD if score >= policy.hold_at else Verdict.REFER if score >= policy.refer_at else Verdict.CLEAR
    for hit in hits:
        # Both kinds of force are floors: a rule entry does not hide its severity's entry.
        for forced in (policy.force_rules.get(hit.rule), policy.force_severity.get(hit.severity)):
            if forced:
                verdict = Verdict.worst(verdict, forced)
    for item in unknown:
        if item.rule in policy.unknown_verdicts:
            verdict = Verdict.worst(verdict, policy.unknown_verdicts[item.rule])
    ordered = tuple(sorted(hits, key=lambda h: (_SEVERITY_ORDER.get(h.severity, 9), -h.score, h.rule)))
    return Assessment(verdict, score, ordered, unknown)
