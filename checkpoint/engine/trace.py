"""Why a rule decided as it did for one traveller: its condition tree with each part's truth and the values tested.

`rules test` shows it under a failing case, so that a supervisor sees which test decided the outcome (the
field, the operator, the value the rule writes, the traveller's value, and whether that test was true, false
or unknown) without running the rule by hand. A part *decides* when the outcome of the part above it rests
on it: a false part of an `all` that is false, a true part of an `any` that is true, an unknown part of
either when that is unknown, every part when all agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from checkpoint.engine.conditions import Columns, Truth, truth
from checkpoint.engine.evaluate import rule_truth, shown
from checkpoint.engine.facts import Facts
from checkpoint.engine.groups import GroupFacts
from checkpoint.engine.pack import AllOf, Condition, Leaf, NotOf, Rule, RulePack
from checkpoint.i18n import current_language

TRUE, FALSE, UNKNOWN = "true", "false", "unknown"


@dataclass(frozen=True)
class Trace:
    """One part of a condition for one traveller: `all`, `any`, `not` or a field test, and its truth."""

    kind: str
    truth: str
    decides: bool
    parts: tuple[Trace, ...] = ()
    #: For a field test: the leaf, and the traveller's value as an explanation shows it ('?' when missing).
    leaf: Leaf | None = None
    value: str = ""


@dataclass(frozen=True)
class RuleTrace:
    """A rule's condition trees for one traveller: the member condition of a group rule, then `when`."""

    members: Trace | None
    when: Trace


def trace_rule(rule: Rule, facts: Facts, pack: RulePack, today: date, row: int) -> RuleTrace:
    """The condition trees of `rule` for traveller `row` of a batch whose facts are `facts`."""
    columns = Columns(facts, today)
    group = rule_truth(rule, facts, pack, columns).group
    members = rule.group.members if rule.group is not None else None
    tracer = _Tracer(facts, pack, columns, group, row)
    return RuleTrace(
        tracer.trace(members, None, True) if members is not None else None, tracer.trace(rule.when, group, True)
    )


class _Tracer:
    def __init__(self, facts: Facts, pack: RulePack, columns: Columns, group: GroupFacts | None, row: int) -> None:
        self.facts = facts
        self.pack = pack
        self.columns = columns
        self.group = group
        self.row = row

    def truth_of(self, condition: Condition, group: GroupFacts | None) -> str:
        found: Truth = truth(condition, self.facts, self.pack, self.columns.today, self.columns, group)
        return TRUE if found[0][self.row] else FALSE if found[1][self.row] else UNKNOWN

    def trace(self, condition: Condition, group: GroupFacts | None, decides: bool) -> Trace:
        outcome = self.truth_of(condition, group)
        if isinstance(condition, Leaf):
            return Trace("leaf", outcome, decides, leaf=condition, value=self.value(condition.field, group))
        parts = (condition.part,) if isinstance(condition, NotOf) else condition.parts
        truths = [self.truth_of(part, group) for part in parts]
        kind = "not" if isinstance(condition, NotOf) else "all" if isinstance(condition, AllOf) else "any"
        traced = tuple(
            self.trace(part, group, decides and _decides(kind, outcome, found))
            for part, found in zip(parts, truths, strict=True)
        )
        return Trace(kind, outcome, decides, traced)

    def value(self, name: str, group: GroupFacts | None) -> str:
        """The traveller's value of a field, or of a group fact (a range while members are unknown)."""
        if name.startswith("group."):
            if group is None:
                return "?"
            low, high, scale = group.bounds(name)
            if name == "group.share":
                return f"{round(100 * float(low[self.row]) / float(scale[self.row]))}%"
            first, last = int(low[self.row]), int(high[self.row])
            return str(first) if first == last else f"{first}–{last}"
        found = self.facts[name][self.row] if name in self.facts else None
        return shown(found.item() if isinstance(found, np.generic) else found, current_language(), name)


def _decides(kind: str, outcome: str, part: str) -> bool:
    """Whether a part with truth `part` decides a `kind` whose truth is `outcome`."""
    if kind == "not":
        return True
    if outcome == UNKNOWN:
        return part == UNKNOWN
    if kind == "all":
        return outcome == TRUE or part == FALSE
    return outcome == FALSE or part == TRUE
