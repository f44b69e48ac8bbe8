"""Read a pack's verdict policy: the score thresholds and the rules or severities that force a verdict."""

from __future__ import annotations

from collections.abc import Mapping

from checkpoint.engine.document import Map, Mark, Value
from checkpoint.engine.pack import SEVERITIES, Policy
from checkpoint.engine.shapes import ShapeReader, suggest
from checkpoint.i18n import text
from checkpoint.models import Verdict

_POLICY_KEYS = ("refer_at", "hold_at", "force", "unknown", "registry_max_age_days")
#: Keys earlier packs wrote that are refused with what to do instead (the texts follow the run's language).
_RETIRED_KEYS = ("language",)


def read_policy(shapes: ShapeReader, node: Value, rule_ids: Mapping[str, Mark]) -> Policy | None:
    """The policy, or None when its thresholds are unusable; a rule it names must be one of `rule_ids`."""
    body = shapes.mapping(node, "policy", node.mark)
    if body is None:
        return None
    shapes.keys(body, _POLICY_KEYS + _RETIRED_KEYS, ("refer_at", "hold_at"), "policy")
    if "language" in body.key_marks:
        shapes.error(body.key_marks["language"], "E101", text("engine.problem.policy_language"))
    refer_at = shapes.integer(body.items.get("refer_at"), "refer_at", body.mark)
    hold_at = shapes.integer(body.items.get("hold_at"), "hold_at", body.mark)
    if refer_at is not None and hold_at is not None and not 0 < refer_at < hold_at <= 100:
        # Scores are capped at 100, so a higher hold_at could never be reached.
        shapes.error(body.mark, "E301", text("engine.problem.thresholds", refer_at=refer_at, hold_at=hold_at))
    max_age = shapes.integer(body.items.get("registry_max_age_days"), "registry_max_age_days", body.mark)
    if max_age is not None and max_age < 1:
        shapes.error(body.items["registry_max_age_days"].mark, "E301", text("engine.problem.max_age"))
        max_age = None
    force_severity: dict[str, Verdict] = {}
    force_rules: dict[str, Verdict] = {}
    for item in shapes.items(body.items.get("force"), "force", body.mark):
        entry = shapes.mapping(item, text("engine.what.force_entry"), item.mark)
        if entry is None:
            continue
        shapes.keys(entry, ("severity", "rule", "verdict"), ("verdict",), text("engine.what.force_entry"))
        verdict = _verdict(shapes, entry)
        if "severity" in entry.key_marks and "rule" in entry.key_marks:
            shapes.error(entry.mark, "E106", text("engine.problem.force_both"))
        elif "severity" in entry.items:
            severity = shapes.choice(entry.items["severity"], SEVERITIES, "severity", entry.mark)
            if severity and verdict:
                force_severity[severity] = verdict
        elif "rule" in entry.items:
            rule = _rule(shapes, entry, rule_ids)
            if rule and verdict:
                force_rules[rule] = verdict
        else:
            shapes.error(entry.mark, "E102", text("engine.problem.force_needs"))
    unknown: dict[str, Verdict] = {}
    for item in shapes.items(body.items.get("unknown"), "unknown", body.mark):
        entry = shapes.mapping(item, text("engine.what.unknown_entry"), item.mark)
        if entry is None:
            continue
        shapes.keys(entry, ("rule", "verdict"), ("rule", "verdict"), text("engine.what.unknown_entry"))
        rule, verdict = _rule(shapes, entry, rule_ids), _verdict(shapes, entry)
        if rule and verdict:
            unknown[rule] = verdict
    if refer_at is None or hold_at is None:
        return None
    return Policy(refer_at, hold_at, force_severity, force_rules, unknown, registry_max_age_days=max_age)


def _verdict(shapes: ShapeReader, entry: Map) -> Verdict | None:
    text = shapes.choice(entry.items.get("verdict"), ("refer", "hold"), "verdict", entry.mark)
    return Verdict(text) if text else None


def _rule(shapes: ShapeReader, entry: Map, rule_ids: Mapping[str, Mark]) -> str | None:
    rule = shapes.text(entry.items.get("rule"), "rule", entry.mark)
    if rule is not None and rule not in rule_ids:
        hint = suggest(rule, rule_ids)
        shapes.error(entry.items["rule"].mark, "E212", text("engine.problem.unknown_rule", rule=rule, hint=hint))
        return None
    return rule
