"""Evaluate a pack over a whole batch at once, in three-valued (Kleene) logic, and apply the policy.

Every condition yields two boolean columns: *surely true* and *surely false*; rows in neither are
*unknown* (a field was missing). `all` is true when every part is true and false when any is false; `any`
the reverse; `not` swaps them. A rule fires only when surely true; an unknown rule lists the missing fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from checkpoint.engine.pack import AllOf, AnyOf, Condition, Leaf, NotOf, Rule, RulePack, field_catalogue, leaves
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


def placeholders(template: str) -> list[str]:
    """The field names a template refers to."""
    return _PLACEHOLDER.findall(template)


def _text(column: pd.Series) -> pd.Series:
    return column.map(lambda v: str(v).casefold() if v is not None else "")


def _number(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def _leaf(leaf: Leaf, facts: pd.DataFrame, pack: RulePack, today: date) -> Truth:
    column = facts[leaf.field]
    known = column.notna().to_numpy(dtype=bool)
    if leaf.op == "exists":
        return known, ~known
    if leaf.op == "missing":
        return ~known, known
    kind = field_catalogue()[leaf.field].type
    value = leaf.value
    if kind in ("text", "code"):
        values = _text(column)
        if leaf.op in ("in_list", "not_in_list"):
            result = _in_list(values, facts, pack, str(value), today)
            if leaf.op == "not_in_list":
                result = ~result
        elif leaf.op == "matches":
            pattern: re.Pattern[str] = value  # type: ignore[assignment]
            result = values.map(lambda v: bool(pattern.search(v[:_MAX_MATCHED_LENGTH]))).to_numpy(dtype=bool)
        else:
            result = _compare(values, leaf.op, value)
    elif kind == "number":
        result = _compare(_number(column), leaf.op, value)
    elif kind == "date":
        days = column.map(lambda v: v.toordinal() if isinstance(v, date) else np.nan).astype(float)
        bound = tuple(d.toordinal() for d in value) if isinstance(value, tuple) else value.toordinal()  # type: ignore[attr-defined]
        result = _compare(days, leaf.op, bound)
    else:  # bool
        result = _compare(column.map(lambda v: v is True), leaf.op, value)
    return known & result, known & ~result


def _compare(values: pd.Series, op: str, value: object) -> np.ndarray:
    if op == "eq":
        result = values == value
    elif op == "ne":
        result = values != value
    elif op == "in":
        result = values.isin(value)  # type: ignore[arg-type]
    elif op == "not_in":
        result = ~values.isin(value)  # type: ignore[arg-type]
    elif op == "between":
        low, high = value  # type: ignore[misc]
        result = (values >= low) & (values <= high)
    else:
        result = {"lt": values < value, "le": values <= value, "gt": values > value, "ge": values >= value}[op]
    return result.fillna(False).to_numpy(dtype=bool)


def _in_list(values: pd.Series, facts: pd.DataFrame, pack: RulePack, name: str, today: date) -> np.ndarray:
    """Membership on each traveller's departure date, so a list's effective dates apply to the trip."""
    named = pack.lists[name]
    reference = facts["departure_date"].map(lambda d: d if isinstance(d, date) else today)
    result = np.zeros(len(values), dtype=bool)
    for day in reference.unique():
        rows = (reference == day).to_numpy(dtype=bool)
        result[rows] = values[rows].isin(named.members_on(day)).to_numpy(dtype=bool)
    return result


def truth(condition: Condition, facts: pd.DataFrame, pack: RulePack, today: date) -> Truth:
    """Surely-true and surely-false columns of a condition over the batch."""
    if isinstance(condition, Leaf):
        return _leaf(condition, facts, pack, today)
    if isinstance(condition, NotOf):
        true, false = truth(condition.part, facts, pack, today)
        return false, true
    parts = [truth(part, facts, pack, today) for part in condition.parts]
    trues = np.array([p[0] for p in parts])
    falses = np.array([p[1] for p in parts])
    if isinstance(condition, AllOf):
        return trues.all(axis=0), falses.any(axis=0)
    assert isinstance(condition, AnyOf)
    return trues.any(axis=0), falses.all(axis=0)


def render(template: str, row: pd.Series) -> str:
    """Fill an explanation template from one traveller's facts (missing values shown as '?')."""

    def value(match: re.Match[str]) -> str:
        found = row.get(match[1])
        if found is None:
            return "?"
        if isinstance(found, float) and found.is_integer():
            return str(int(found))
        if isinstance(found, bool):
            return "yes" if found else "no"
        return str(found)

    return _PLACEHOLDER.sub(value, template)


def evaluate(pack: RulePack, facts: pd.DataFrame, today: date, rules: Sequence[Rule] | None = None) -> list[Assessment]:
    """Hits, unknowns, score and verdict for every traveller in the facts table, in order."""
    count = len(facts)
    hits: list[list[Hit]] = [[] for _ in range(count)]
    unknown: list[list[Unknown]] = [[] for _ in range(count)]
    language = pack.policy.language
    for rule in pack.active_rules if rules is None else rules:
        true, false = truth(rule.when, facts, pack, today)
        for row in np.flatnonzero(true):
            explanation = render(rule.explanation[language], facts.iloc[row])
            hits[row].append(Hit(rule.id, rule.title, rule.severity, rule.score, explanation))
        undecided = np.flatnonzero(~true & ~false)
        if len(undecided):
            fields = [leaf.field for leaf in leaves(rule.when) if leaf.op not in ("exists", "missing")]
            missing = facts[list(dict.fromkeys(fields))].isna().to_numpy()
            names = list(dict.fromkeys(fields))
            for row in undecided:
                absent = tuple(name for name, gone in zip(names, missing[row], strict=True) if gone)
                unknown[row].append(Unknown(rule.id, absent))
    return [_verdict(pack, tuple(h), tuple(u)) for h, u in zip(hits, unknown, strict=True)]


def _verdict(pack: RulePack, hits: tuple[Hit, ...], unknown: tuple[Unknown, ...]) -> Assessment:
    """Apply the policy: family-capped score, thresholds, forced outcomes."""
    policy = pack.policy
    family_of = {rule.id: rule.family or rule.id for rule in pack.rules}
    best: dict[str, int] = {}
    for hit in hits:  # near-duplicate rules share a family: only the strongest counts
        family = family_of.get(hit.rule, hit.rule)
        best[family] = max(best.get(family, 0), hit.score)
    score = min(sum(best.values()), 100)
    verdict = Verdict.HOLD if score >= policy.hold_at else Verdict.REFER if score >= policy.refer_at else Verdict.CLEAR
    for hit in hits:
        forced = policy.force_rules.get(hit.rule) or policy.force_severity.get(hit.severity)
        if forced:
            verdict = Verdict.worst(verdict, forced)
    for item in unknown:
        if item.rule in policy.unknown_verdicts:
            verdict = Verdict.worst(verdict, policy.unknown_verdicts[item.rule])
    ordered = tuple(sorted(hits, key=lambda h: (_SEVERITY_ORDER.get(h.severity, 9), -h.score, h.rule)))
    return Assessment(verdict, score, ordered, unknown)
