"""Read one rule: id, texts, severity and score, scope (a group rule's grouping), condition and test cases."""

from __future__ import annotations

import re
from collections.abc import Callable

from checkpoint.engine.case_reader import CaseReader
from checkpoint.engine.condition_reader import ConditionReader
from checkpoint.engine.document import Map, Mark, Value
from checkpoint.engine.pack import (
    GROUP_KEYS,
    LANDS_ON,
    SCOPES,
    SEVERITIES,
    STATUSES,
    GroupSpec,
    Rule,
    fields_of,
)
from checkpoint.engine.shapes import INVALID, Invalid, ShapeReader, suggest
from checkpoint.engine.text_reader import TextReader
from checkpoint.i18n import text

_RULE_KEYS = (
    "id",
    "title",
    "severity",
    "score",
    "status",
    "family",
    "scope",
    "group_by",
    "members",
    "lands_on",
    "explanation",
    "ask",
    "when",
    "tests",
    "source",
)
_GROUP_RULE_KEYS = ("group_by", "members", "lands_on")
_ID = re.compile(r"[A-Z][A-Z0-9]*-[0-9]{3}")


class RuleReader:
    """Reads the rules of a pack one by one, remembering every id written (for duplicates and the policy)."""

    def __init__(self, shapes: ShapeReader, conditions: ConditionReader) -> None:
        self.shapes = shapes
        self.conditions = conditions
        self.cases = CaseReader(shapes, conditions)
        self.texts = TextReader(shapes)
        #: Where each rule id was first written, invalid rules included (so the policy may name them).
        self.rule_ids: dict[str, Mark] = {}

    def rule(self, node: Value) -> Rule | None:
        """One rule, or None when anything in it is wrong (every problem recorded)."""
        shapes = self.shapes
        body = shapes.mapping(node, text("engine.what.rule"), node.mark)
        if body is None:
            return None
        required = ("id", "title", "severity", "score", "explanation", "when", "tests")
        shapes.keys(body, _RULE_KEYS, required, text("engine.what.rule"))
        rule_id = shapes.text(body.items.get("id"), "id", body.mark)
        if rule_id is not None and not _ID.fullmatch(rule_id):
            shapes.error(body.items["id"].mark, "E211", text("engine.problem.rule_id_form", rule=rule_id))
        duplicate = rule_id is not None and rule_id in self.rule_ids
        if duplicate:
            first = self.rule_ids[rule_id]  # type: ignore[index]
            shapes.error(body.mark, "E201", text("engine.problem.duplicate_rule", rule=rule_id, first=first))
        elif rule_id is not None:
            self.rule_ids[rule_id] = body.mark
        title = self.texts.title(body.items.get("title"))
        severity = shapes.choice(body.items.get("severity"), SEVERITIES, "severity", body.mark)
        score = shapes.integer(body.items.get("score"), "score", body.mark)
        if score is not None and not 0 <= score <= 100:
            shapes.error(body.items["score"].mark, "E205", text("engine.problem.score_range"))
        status = shapes.choice(body.items.get("status"), STATUSES, "status", body.mark) or "active"
        family = shapes.text(body.items.get("family"), "family", body.mark)
        source = shapes.text(body.items.get("source"), "source", body.mark)  # where the indicator comes from
        scope = shapes.choice(body.items.get("scope"), SCOPES, "scope", body.mark)
        misspelt = "scope" in body.key_marks and scope is None
        if scope is None:  # a misspelt scope is read as the group keys suggest, so no follow-on problems
            scope = "group" if misspelt and any(key in body.key_marks for key in _GROUP_RULE_KEYS) else "traveller"
        group = self._group(body) if scope == "group" else self._no_group(body)
        explanation = self.texts.explanation(body.items.get("explanation"), self._placeholders(scope))
        ask = self.texts.ask(body.items.get("ask"))
        when = self.conditions.condition(body.items["when"], scope) if "when" in body.items else None
        tests = self.cases.tests(body.items.get("tests"), body, rule_id)
        if (
            duplicate
            or misspelt
            or group is INVALID
            or None in (rule_id, title, severity, score, explanation, ask, when)
        ):
            return None
        return Rule(
            rule_id,  # type: ignore[arg-type]
            title,  # type: ignore[arg-type]
            severity,  # type: ignore[arg-type]
            score,  # type: ignore[arg-type]
            status,
            family,
            explanation,  # type: ignore[arg-type]
            when,  # type: ignore[arg-type]
            tests,
            body.mark,
            group,  # type: ignore[arg-type]
            ask,  # type: ignore[arg-type]
            source,
        )

    def _group(self, body: Map) -> GroupSpec | Invalid:
        """`group_by`, `members` and `lands_on` of a group rule."""
        # Every part is read even when one is wrong, so that one pass reports every mistake.
        if "group_by" not in body.key_marks:
            self.shapes.error(body.mark, "E102", text("engine.problem.needs_group_by", keys=", ".join(GROUP_KEYS)))
        by = self.shapes.choice(body.items.get("group_by"), GROUP_KEYS, "group_by", body.mark)
        members = self.conditions.condition(body.items["members"], "members") if "members" in body.items else None
        lands_on = self.shapes.choice(body.items.get("lands_on"), LANDS_ON, "lands_on", body.mark)
        if (
            by is None
            or ("members" in body.key_marks and members is None)
            or ("lands_on" in body.key_marks and lands_on is None)
        ):
            return INVALID
        return GroupSpec(by, members, lands_on or "members")

    def _no_group(self, body: Map) -> Invalid | None:
        """A traveller rule must not carry the keys of a group rule."""
        written = [key for key in _GROUP_RULE_KEYS if key in body.key_marks]
        for key in written:
            self.shapes.error(body.key_marks[key], "E106", text("engine.problem.group_key", key=key))
        return INVALID if written else None

    def _placeholders(self, scope: str) -> Callable[[str], str | None]:
        """What an explanation may show: None for a field it may, else why not (a did-you-mean)."""
        fields = self.conditions.fields
        # Names and document numbers are deliberately not available; group facts only in group rules.
        allowed = set(fields) if scope == "group" else set(fields_of("traveller"))

        def refused(name: str) -> str | None:
            if name in allowed:
                return None
            if name in fields:
                return text("engine.problem.placeholder_group_fact")
            return suggest(name, allowed)

        return refused
