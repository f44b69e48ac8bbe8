"""Read the test cases embedded in a rule: one traveller, or a small manifest screened together."""

from __future__ import annotations

from collections.abc import Mapping

from checkpoint.engine.condition_reader import ConditionReader, replaced_fields
from checkpoint.engine.document import Map, Value
from checkpoint.engine.pack import EXPECTATIONS, CaseTraveller, RuleTest, fields_of
from checkpoint.engine.shapes import ShapeReader
from checkpoint.i18n import text
from checkpoint.models import RECORD_COLUMNS, TRAVELLER_FIELDS

_CASE_KEYS = ("name", "traveller", "record", "facts", "expect")
_MANIFEST_CASE_KEYS = ("name", "shared", "manifest")
_MANIFEST_ENTRY_KEYS = ("traveller", "record", "facts", "expect")


class CaseReader:
    """Reads a rule's `tests`; fact overrides are typed as the conditions type them."""

    def __init__(self, shapes: ShapeReader, conditions: ConditionReader) -> None:
        self.shapes = shapes
        self.conditions = conditions

    def tests(self, node: Value | None, rule: Map, rule_id: str | None) -> tuple[RuleTest, ...]:
        """The cases of one rule (E209 when it has a `tests` key and no case)."""
        seq = self.shapes.sequence(node, "tests", rule.mark)
        if seq is None or not seq.items:
            if "tests" in rule.items:
                self.shapes.error(rule.mark, "E209", text("engine.problem.no_tests", rule=rule_id or "?"))
            return ()
        result: list[RuleTest] = []
        for item in seq.items:
            body = self.shapes.mapping(item, text("engine.what.test_case"), item.mark)
            if body is None:
                continue
            name = self.shapes.text(body.items.get("name"), "name", body.mark) or text(
                "engine.case.unnamed", line=body.mark.line
            )
            if "manifest" not in body.key_marks:
                single = self._traveller(body, {}, text("engine.what.test_case"), _CASE_KEYS, ("traveller", "expect"))
                if single is not None:
                    result.append(RuleTest(name, (single,), body.mark))
                continue
            self.shapes.keys(body, _MANIFEST_CASE_KEYS, ("manifest",), text("engine.what.manifest_case"))
            shared = self.shapes.flat(body.items.get("shared"), set(TRAVELLER_FIELDS), "shared")
            listed = self.shapes.sequence(body.items.get("manifest"), "manifest", body.mark)
            if listed is not None and not listed.items:
                self.shapes.error(listed.mark, "E106", text("engine.problem.empty_manifest"))
            entries: list[CaseTraveller | None] = []
            for entry in listed.items if listed is not None else ():
                what = text("engine.what.manifest_traveller")
                cells = self.shapes.mapping(entry, what, entry.mark)
                entries.append(
                    self._traveller(cells, shared or {}, what, _MANIFEST_ENTRY_KEYS, ("expect",))
                    if cells is not None
                    else None
                )
            if entries and shared is not None and None not in entries:
                travellers = tuple(entry for entry in entries if entry is not None)
                result.append(RuleTest(name, travellers, body.mark, manifest=True))
        return tuple(result)

    def _traveller(
        self,
        body: Map,
        shared: Mapping[str, str | None],
        what: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> CaseTraveller | None:
        """One traveller of a case: its cells (over the case's `shared` ones), record, fact overrides, expectation."""
        self.shapes.keys(body, allowed, required, what)
        expect = self.shapes.choice(body.items.get("expect"), EXPECTATIONS, "expect", body.mark)
        traveller = self.shapes.flat(body.items.get("traveller"), set(TRAVELLER_FIELDS), "traveller")
        record_node = body.items.get("record")
        record = self.shapes.flat(record_node, set(RECORD_COLUMNS), "record") if record_node is not None else None
        facts_node = body.items.get("facts")
        computed = {name: text("engine.problem.group_fact_counted") for name in fields_of("group")}
        facts = self.shapes.flat(facts_node, set(fields_of("traveller")), "facts", {**computed, **replaced_fields()})
        if facts and isinstance(facts_node, Map):  # typed now, so `rules test` cannot stumble on one later
            for key, written in facts.items():
                if written is not None:
                    self.conditions.typed(facts_node.items[key], self.conditions.fields[key].type)
        if expect is None or traveller is None or (record_node is not None and record is None) or facts is None:
            return None
        return CaseTraveller({**shared, **traveller}, record, facts, expect, body.mark)
