"""Read a rule's condition tree: all/any/not over field tests, each operand typed by the field it tests."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

from checkpoint import i18n
from checkpoint.engine.document import Map, Mark, Scalar, Seq, Value
from checkpoint.engine.limits import pack_limit
from checkpoint.engine.pack import (
    ALL_OPERATORS,
    OPERATORS,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    NotOf,
    field_catalogue,
    fields_of,
)
from checkpoint.engine.patterns import compile_pattern
from checkpoint.engine.shapes import INVALID, ShapeReader, colon_hint, operator_aliases, suggest
from checkpoint.geo import country_code

#: Fields of earlier packs that group rules replaced, with the group_by to write instead.
REPLACED_FIELDS = {
    **{f"booking.{count}": "booking_ref" for count in ("size", "unregistered", "unregistered_one_way")},
    **{f"group.{count}": "group_code" for count in ("unregistered", "unregistered_one_way")},
}


def replaced_fields() -> dict[str, str]:
    """Each field of earlier packs that group rules replaced, with what to write instead (in the run's language)."""
    return {name: i18n.text("engine.problem.replaced_field", by=by) for name, by in REPLACED_FIELDS.items()}


_TRUE, _FALSE = {"true", "yes"}, {"false", "no"}


def _country(value: str) -> tuple[str | None, str]:
    """The ISO alpha-3 code a rule means by a country value (alpha-3 or alpha-2), or None and why not.

    Airport codes are refused, not mapped: a three-letter guess such as `KSA` is an airport in Micronesia.
    """
    written = value.strip().upper()
    code = country_code(written)
    if code is None:
        return None, i18n.text("engine.problem.not_a_country", value=value)
    if len(written) == 3 and code != written:
        return None, i18n.text("engine.problem.airport_code", value=value, country=code)
    return code, ""


def _written(node: Value) -> str:
    """An operand as the rule writes it: a scalar's text, a list as `[a, b]`."""
    if isinstance(node, Seq):
        return "[" + ", ".join(_written(item) for item in node.items) + "]"
    if isinstance(node, Scalar):
        return node.text or ""
    return "{…}"


def _bounds(value: object) -> tuple[float, ...]:
    """The numbers of an operand: one, or the two of `between`."""
    return tuple(value) if isinstance(value, tuple) else (value,)  # type: ignore[return-value]


class ConditionReader:
    """Reads conditions against the pack's named lists (as written, so a list with problems can be named)."""

    def __init__(self, shapes: ShapeReader, lists: Mapping[str, Value]) -> None:
        self.shapes = shapes
        self.lists = lists
        self.fields = field_catalogue()
        self.country_lists: set[str] = set()  # lists already checked for alpha-3 codes

    def condition(self, node: Value, where: str = "traveller") -> Condition | None:
        """A condition tree; `where` is what it tests: `traveller`, a group rule's `members`, or its `group`."""
        body = self.shapes.mapping(node, i18n.text("engine.what.condition"), node.mark)
        if body is None:
            return None
        groups = [key for key in ("all", "any", "not") if key in body.key_marks]
        if groups:
            if len(body.key_marks) != 1:
                self.shapes.error(body.mark, "E106", i18n.text("engine.problem.both_kinds"))
                return None
            key = groups[0]
            if key not in body.items:  # its value was unusable and has been reported
                return None
            if key == "not":
                part = self.condition(body.items["not"], where)
                return NotOf(part) if part else None
            seq = self.shapes.sequence(body.items[key], f"'{key}'", body.mark)
            if seq is None:
                return None
            if not seq.items:
                self.shapes.error(seq.mark, "E106", i18n.text("engine.problem.empty_group", key=key))
                return None
            parts = [self.condition(item, where) for item in seq.items]
            if any(part is None for part in parts):
                return None
            clean = tuple(part for part in parts if part is not None)
            return AllOf(clean) if key == "all" else AnyOf(clean)
        return self._leaf(body, where)

    def _leaf(self, body: Map, where: str) -> Leaf | None:
        if "field" not in body.key_marks:
            hint = next((found for key in body.key_marks if (found := colon_hint(key))), "")  # `field:age`
            self.shapes.error(body.mark, "E102", i18n.text("engine.problem.needs_field") + hint)
            return None
        # The field and the operator are both checked, so that one pass reports both mistakes.
        name = self.shapes.text(body.items.get("field"), "field", body.key_marks["field"])
        spec = self.fields.get(name) if name is not None else None
        if name is not None and spec is None:
            hint = f"; {replaced_fields()[name]}" if name in REPLACED_FIELDS else suggest(name, self.fields)
            self.shapes.error(
                body.items["field"].mark, "E202", i18n.text("engine.problem.unknown_field", name=name, hint=hint)
            )
        elif spec is not None and not self._in_scope(spec.scope, where, name, body.items["field"].mark):
            spec = None
        ops = [key for key in body.key_marks if key != "field"]
        unknown = [key for key in ops if key not in ALL_OPERATORS and key != "is"]
        for key in unknown:
            hint = suggest(key, ALL_OPERATORS | {"is"}, operator_aliases())
            self.shapes.error(
                body.key_marks[key], "E203", i18n.text("engine.problem.unknown_operator", name=key, hint=hint)
            )
        if spec is None or unknown:
            return None
        if len(ops) != 1:
            self.shapes.error(body.mark, "E106", i18n.text("engine.problem.one_operator"))
            return None
        op = "eq" if ops[0] == "is" else ops[0]
        if op not in OPERATORS[spec.type]:
            allowed = ", ".join(sorted(OPERATORS[spec.type]))
            self.shapes.error(
                body.key_marks[ops[0]],
                "E204",
                i18n.text("engine.problem.operator_type", op=op, type=spec.type, name=name, allowed=allowed),
            )
            return None
        if ops[0] not in body.items:  # its value was unusable and has been reported
            return None
        value = self._operand(op, spec.type, body.items[ops[0]])
        if value is INVALID:
            return None
        if spec.type == "country" and op in ("in_list", "not_in_list"):
            self._country_list(str(value))
        if spec.name == "group.share" and any(not 0 <= bound <= 1 for bound in _bounds(value)):
            self.shapes.error(body.items[ops[0]].mark, "E205", i18n.text("engine.problem.share_range"))
            return None
        return Leaf(spec.name, op, value, body.mark, _written(body.items[ops[0]]))

    def _in_scope(self, scope: str, where: str, name: str | None, mark: Mark) -> bool:
        """A group fact only in a group rule's `when`, a traveller's field everywhere else."""
        if where == "group" and scope != "group":
            group_fields = ", ".join(fields_of("group"))
            self.shapes.error(
                mark,
                "E214",
                i18n.text("engine.problem.when_tests_group", fields=group_fields, name=name),
            )
            return False
        if where != "group" and scope == "group":
            hint = i18n.text(
                "engine.problem.group_fact_in_members" if where == "members" else "engine.problem.group_fact_outside"
            )
            self.shapes.error(mark, "E214", i18n.text("engine.problem.group_fact", name=name, hint=hint))
            return False
        return True

    def _country_list(self, name: str) -> None:
        """A list compared with a country field must hold alpha-3 codes, as the traveller's facts do."""
        if name in self.country_lists:
            return
        self.country_lists.add(name)
        body = self.lists[name]
        entries = body.items.get("entries") if isinstance(body, Map) else None
        for entry in entries.items if isinstance(entries, Seq) else ():
            values = entry.items.get("values") if isinstance(entry, Map) else None
            for value in values.items if isinstance(values, Seq) else ():
                if not isinstance(value, Scalar) or value.text is None:
                    continue  # reported where the list is read
                code, problem = _country(value.text)
                if code != value.text.strip().upper():
                    hint = i18n.text("engine.problem.write_code", code=code) if code else problem
                    self.shapes.error(
                        value.mark, "E205", i18n.text("engine.problem.country_list", name=name, hint=hint)
                    )

    def _operand(self, op: str, kind: str, node: Value) -> object:
        if op in ("exists", "missing"):
            flag = self.shapes.text(node, op, node.mark)
            if flag is None or flag.lower() not in _TRUE:
                self.shapes.error(node.mark, "E205", i18n.text("engine.problem.takes_true", op=op))
                return INVALID
            return True
        if op in ("in_list", "not_in_list"):
            name = self.shapes.text(node, op, node.mark)
            if name not in self.lists:
                hint = suggest(name or "", self.lists)
                self.shapes.error(node.mark, "E206", i18n.text("engine.problem.unknown_list", name=name, hint=hint))
                return INVALID
            return name
        if op == "matches":
            return self._pattern(node)
        if op in ("in", "not_in", "between"):
            seq = self.shapes.sequence(node, op, node.mark)
            if seq is None:
                return INVALID
            values = [self.typed(item, kind) for item in seq.items]
            if any(v is INVALID for v in values):
                return INVALID
            if not values:
                self.shapes.error(node.mark, "E205", i18n.text("engine.problem.needs_values", op=op))
                return INVALID
            if op == "between":
                if len(values) != 2 or values[0] > values[1]:  # type: ignore[operator]
                    self.shapes.error(node.mark, "E205", i18n.text("engine.problem.between"))
                    return INVALID
                return tuple(values)
            return frozenset(values)
        return self.typed(node, kind)

    def typed(self, node: Value, kind: str) -> object:
        """A scalar as the value a field of this type is compared with, or INVALID (reported)."""
        text = self.shapes.text(node, i18n.text("engine.what.value"), node.mark)
        if text is None:
            return INVALID
        if kind in ("number", "count"):
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):  # nan and inf compare false with everything: surely a mistake
                self.shapes.error(node.mark, "E205", i18n.text("engine.problem.not_a_number", value=text))
                return INVALID
            return number
        if kind == "date":
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.shapes.error(node.mark, "E205", i18n.text("engine.problem.not_a_date", value=text))
                return INVALID
        if kind == "country":
            code, problem = _country(text)
            if code is None:
                self.shapes.error(node.mark, "E205", problem)
                return INVALID
            return code.casefold()
        if kind == "bool":
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            self.shapes.error(node.mark, "E205", i18n.text("engine.problem.not_a_bool", value=text))
            return INVALID
        return text.casefold()

    def _pattern(self, node: Value) -> object:
        text = self.shapes.text(node, "matches", node.mark)
        if text is None:
            return INVALID
        longest = pack_limit("pattern_characters")
        if len(text) > longest:
            self.shapes.error(node.mark, "E207", i18n.text("engine.problem.pattern_too_long", longest=longest))
            return INVALID
        compiled = compile_pattern(text)
        if isinstance(compiled, str):
            self.shapes.error(node.mark, "E207", compiled)
            return INVALID
        return compiled
