"""Read the test cases embedded in a rule: one traveller, or a small manifest screened together."""

from __future__ import annotations

from collections.abc import Mapping

from checkpoint.engine.condition_reader import REPLACED_FIELDS, ConditionReader
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
                self.shapes.error(rule.mark, "E209", f"rule {rule_id or '?'} has no test cases")
            return ()
        result: list[RuleTest] = []
        for item in seq.items:
            body = self.shapes.mapping(item, "a test case", item.mark)
            if body is None:
                continue
            name = self.shapes.text(body.items.get("name"), "name", body.mark) or text(
                "engine.case.unnamed", line=body.mark.line
            )
            if "manifest" not in body.key_marks:
                single = self._traveller(body, {}, "a test case", _CASE_KEYS, ("traveller", "expect"))
                if single is not None:
                    result.append(RuleTest(name, (single,), body.mark))
                continue
            self.shapes.keys(body, _MANIFEST_CASE_KEYS, ("manifest",), "a manifest case")
            shared = self.shapes.flat(body.items.get("shared"), set(TRAVELLER_FIELDS), "shared")
            listed = self.shapes.sequence(body.items.get("manifest"), "manifest", body.mark)
            if listed is not None and not listed.items:
                self.shapes.error(listed.mark, "E106", "a manifest case needs at least one traveller")
            entries: list[CaseTraveller | None] = []
            for entry in listed.items if listed is not None else ():
                cells = self.shapes.mapping(entry, "a manifest traveller", entry.mark)
                entries.append(
                    self._traveller(cells, shared or {}, "a manifest traveller", _MANIFEST_ENTRY_KEYS, ("expect",))
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
        computed = {
            name: "group facts are counted from the travellers of a 'manifest' case" for name in fields_of("group")
        }
        facts = self.shapes.flat(facts_node, set(fields_of("traveller")), "facts", {**computed, **REPLACED_FIELDS})
        if facts and isinstance(facts_node, Map):  # typed now, so `rules test` cannot stumble on one later
            for key, text in facts.items():
                if text is not None:
                    self.conditions.typed(facts_node.items[key], self.conditions.fields[key].type)
        if expect is None or traveller is None or (record_node is not None and record is None) or facts is None:
            return None
        return CaseTraveller({**shared, **traveller}, record, facts, expect, body.mark)
