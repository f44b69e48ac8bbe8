"""The speed benchmark's baseline: the same pack evaluated one traveller and one rule at a time, in plain Python.

This is how a rule engine is usually first written (a recursive three-valued evaluator over a dict per
traveller; group rules with a dict of counts). It shares nothing with `checkpoint.engine.evaluate` but the
validated pack and `render`, so it also serves as an independent check: `speed.py` compares every
traveller's verdict, score, rules hit and rules left unknown.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from checkpoint.engine.evaluate import render
from checkpoint.engine.facts import Facts
from checkpoint.engine.limits import pack_limit
from checkpoint.engine.pack import AllOf, AnyOf, Condition, Leaf, NotOf, Rule, RulePack, field_catalogue
from checkpoint.engine.patterns import Pattern
from checkpoint.models import Verdict

T, F, U = "T", "F", "U"


@dataclass(frozen=True)
class NaiveAssessment:
    verdict: Verdict
    risk_score: int
    hits: tuple[str, ...]
    explanations: tuple[str, ...]
    unknown: tuple[str, ...]
    could_be: Verdict | None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _leaf(leaf: Leaf, row: Mapping[str, Any], pack: RulePack, today: date, group: Mapping[str, Any]) -> str:
    if leaf.field.startswith("group."):
        return _count(leaf, group)
    value = row[leaf.field]
    if leaf.op == "exists":
        return F if _missing(value) else T
    if leaf.op == "missing":
        return T if _missing(value) else F
    if _missing(value):
        return U
    kind = field_catalogue()[leaf.field].type
    if kind in ("text", "code", "country"):
        text = str(value).casefold()
        if leaf.op in ("in_list", "not_in_list"):
            day = row["departure_date"] if isinstance(row["departure_date"], date) else today
            named = pack.lists[str(leaf.value)]
            inside = any(
                text in entry.values
                and (entry.start is None or entry.start <= day)
                and (entry.end is None or day < entry.end)
                for entry in named.entries
            )
            return T if inside == (leaf.op == "in_list") else F
        if leaf.op == "matches":
            pattern: Pattern = leaf.value  # type: ignore[assignment]
            return T if pattern.search(text[: pack_limit("matched_characters")]) else F
        return _compare(text, leaf.op, leaf.value)
    if kind == "bool":
        if not isinstance(value, bool):
            return F  # only a real boolean counts
        return _compare(value, leaf.op, leaf.value)
    if kind == "number":
        return _compare(float(value), leaf.op, leaf.value)
    return _compare(value, leaf.op, leaf.value)  # dates compare as dates


def _compare(value: Any, op: str, operand: Any) -> str:
    if op == "eq":
        result = value == operand
    elif op == "ne":
        result = value != operand
    elif op == "in":
        result = value in operand
    elif op == "not_in":
        result = value not in operand
    elif op == "between":
        result = operand[0] <= value <= operand[1]
    else:
        result = {"lt": value < operand, "le": value <= operand, "gt": value > operand, "ge": value >= operand}[op]
    return T if result else F


def _count(leaf: Leaf, group: Mapping[str, Any]) -> str:
    """Try every count the group's members could have."""
    size, sure, open_ = group["size"], group["sure"], group["open"]
    results = set()
    for members in range(sure, sure + open_ + 1):
        measured = {
            "group.size": size,
            "group.members": members,
            "group.members_unknown": open_,
            "group.share": members / size,
        }[leaf.field]
        if leaf.op == "eq":
            holds = math.isclose(measured, leaf.value)  # type: ignore[arg-type]
        elif leaf.op == "ne":
            holds = not math.isclose(measured, leaf.value)  # type: ignore[arg-type]
        elif leaf.op == "between":
            low, high = leaf.value  # type: ignore[misc]
            holds = low - 1e-9 <= measured <= high + 1e-9
        else:
            holds = _compare(measured, leaf.op, leaf.value) == T or (
                leaf.op in ("ge", "le") and math.isclose(measured, leaf.value)  # type: ignore[arg-type]
            )
        results.add(holds)
    return T if results == {True} else F if results == {False} else U


def kleene(condition: Condition, row: Mapping[str, Any], pack: RulePack, today: date, group: Mapping[str, Any]) -> str:
    """T, F or U for one traveller."""
    if isinstance(condition, Leaf):
        return _leaf(condition, row, pack, today, group)
    if isinstance(condition, NotOf):
        return {T: F, F: T, U: U}[kleene(condition.part, row, pack, today, group)]
    values = [kleene(part, row, pack, today, group) for part in condition.parts]
    if isinstance(condition, AllOf):
        return F if F in values else U if U in values else T
    assert isinstance(condition, AnyOf)
    return T if T in values else U if U in values else F


def _group_key(row: Mapping[str, Any], by: str, index: int, today: date) -> str:
    value = row[by]
    key = "" if _missing(value) else "".join(str(value).split()).casefold()
    if not key:
        return f"\0alone{index}"
    if by == "flight":
        day = row["departure_date"] if isinstance(row["departure_date"], date) else today
        key += f"@{day.toordinal()}"
    return key


def _rule_outcomes(rule: Rule, rows: list[dict[str, Any]], pack: RulePack, today: date) -> list[tuple[str, dict]]:
    if rule.group is None:
        return [(kleene(rule.when, row, pack, today, {}), {}) for row in rows]
    spec = rule.group
    members = [kleene(spec.members, row, pack, today, {}) if spec.members else T for row in rows]
    keys = [_group_key(row, spec.by, index, today) for index, row in enumerate(rows)]
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"size": 0, "sure": 0, "open": 0})
    for key, member in zip(keys, members, strict=True):
        tally[key]["size"] += 1
        tally[key]["sure"] += member == T
        tally[key]["open"] += member == U
    result = []
    for row, key, member in zip(rows, keys, members, strict=True):
        group = tally[key]
        test = kleene(rule.when, row, pack, today, group)
        own = T if spec.lands_on == "everyone" else member
        combined = F if F in (own, test) else U if U in (own, test) else T
        shown = {
            "group.size": float(group["size"]),
            "group.members": float(group["sure"]),
            "group.members_unknown": float(group["open"]),
            "group.share": f"{round(100 * group['sure'] / group['size'])}%",
        }
        result.append((combined, shown))
    return result


def naive_evaluate(pack: RulePack, facts: Facts, today: date, language: str = "en") -> list[NaiveAssessment]:
    """Every traveller's verdict, one rule and one traveller at a time; what it could be (the verdict were
    every undecided rule to fire) when that is worse."""
    rows = [facts.row(position) for position in range(len(facts))]
    hits: list[list[Rule]] = [[] for _ in rows]
    texts: list[list[str]] = [[] for _ in rows]
    unknown: list[list[Rule]] = [[] for _ in rows]
    for rule in pack.active_rules:
        for index, (outcome, shown) in enumerate(_rule_outcomes(rule, rows, pack, today)):
            if outcome == T:
                hits[index].append(rule)
                texts[index].append(render(rule.explanation[language], {**rows[index], **shown}, language))
            elif outcome == U:
                unknown[index].append(rule)
    policy = pack.policy
    assessments = []
    for fired, explanation, undecided in zip(hits, texts, unknown, strict=True):
        score, verdict = _verdict(pack, fired)
        for rule in undecided:
            if rule.id in policy.unknown_verdicts:
                verdict = Verdict.worst(verdict, policy.unknown_verdicts[rule.id])
        _, worst = _verdict(pack, fired + undecided)
        could_be = Verdict.worst(worst, verdict)
        assessments.append(
            NaiveAssessment(
                verdict,
                score,
                tuple(sorted(r.id for r in fired)),
                tuple(sorted(explanation)),
                tuple(r.id for r in undecided),
                could_be if could_be.rank > verdict.rank else None,
            )
        )
    return assessments


def _verdict(pack: RulePack, fired: list[Rule]) -> tuple[int, Verdict]:
    """The score and verdict of these rules having fired: the best score per family, thresholds, forces."""
    policy = pack.policy
    best: dict[str, int] = {}
    for rule in fired:
        family = rule.family or rule.id
        best[family] = max(best.get(family, 0), rule.score)
    score = min(sum(best.values()), 100)
    verdict = Verdict.CLEAR
    if score >= policy.hold_at:
        verdict = Verdict.HOLD
    elif score >= policy.refer_at:
        verdict = Verdict.REFER
    for rule in fired:
        for forced in (policy.force_rules.get(rule.id), policy.force_severity.get(rule.severity)):
            if forced:
                verdict = Verdict.worst(verdict, forced)
    return score, verdict
