"""Read a rule pack (a YAML file or a folder of them), collecting every problem before giving up.

Like a compiler, `load_pack` does not stop at the first mistake: a supervisor fixing a pack sees all of
them at once, each as `PATH:LINE:COL: CODE message`, with a did-you-mean where a name is misspelt.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from checkpoint.engine.document import Map, Mark, Problem, Scalar, Seq, Value, load_document
from checkpoint.engine.pack import (
    ALL_OPERATORS,
    EXPECTATIONS,
    GROUP_KEYS,
    LANDS_ON,
    LANGUAGES,
    OPERATORS,
    SCOPES,
    SEVERITIES,
    STATUSES,
    AllOf,
    AnyOf,
    CaseTraveller,
    Condition,
    GroupSpec,
    Leaf,
    ListEntry,
    NamedList,
    NotOf,
    Policy,
    Rule,
    RulePack,
    RuleTest,
    field_catalogue,
    fields_of,
)
from checkpoint.engine.patterns import nested_repetition
from checkpoint.errors import ConfigError
from checkpoint.geo import country_code
from checkpoint.models import RECORD_COLUMNS, TRAVELLER_FIELDS, Verdict

_TOP_KEYS = ("pack", "policy", "lists", "rules")
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
    "when",
    "tests",
)
_GROUP_RULE_KEYS = ("group_by", "members", "lands_on")
_CASE_KEYS = ("name", "traveller", "record", "facts", "expect")
_MANIFEST_CASE_KEYS = ("name", "shared", "manifest")
_MANIFEST_ENTRY_KEYS = ("traveller", "record", "facts", "expect")
#: Fields of earlier packs that group rules replaced, with what to write instead.
_REPLACED_FIELDS = {
    **{
        f"booking.{count}": "group counts are written as a group rule: scope: group, group_by: booking_ref"
        for count in ("size", "unregistered", "unregistered_one_way")
    },
    **{
        f"group.{count}": "group counts are written as a group rule: scope: group, group_by: group_code"
        for count in ("unregistered", "unregistered_one_way")
    },
}
_LIST_KEYS = ("title", "source", "entries")
_ENTRY_KEYS = ("values", "from", "until")
_POLICY_KEYS = ("language", "refer_at", "hold_at", "force", "unknown")
_ID = re.compile(r"[A-Z][A-Z0-9]*-[0-9]{3}")
_MAX_PATTERN = 100
_TRUE, _FALSE = {"true", "yes"}, {"false", "no"}


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _country(text: str) -> tuple[str | None, str]:
    """The ISO alpha-3 code a rule means by a country value (alpha-3 or alpha-2), or None and why not.

    Airport codes are refused, not mapped: a three-letter guess such as `KSA` is an airport in Micronesia.
    """
    written = text.strip().upper()
    code = country_code(written)
    if code is None:
        return None, f"'{text}' is not a country code (ISO alpha-3 such as SAU, or alpha-2 such as NO)"
    if len(written) == 3 and code != written:
        return None, f"'{text}' is an airport code (in {code}), not a country code; write the country's code"
    return code, ""


class _Reader:
    """Walks the documents, building the pack and recording problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.fields = field_catalogue()
        self.country_lists: set[str] = set()  # lists already checked for alpha-3 codes

    def error(self, mark: Mark, code: str, message: str) -> None:
        self.problems.append(Problem(mark, code, message))

    # -- generic shapes ---------------------------------------------------------------------------------
    def keys(self, node: Map, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
        for key in node.key_marks:  # every key written, in file order (even one whose value was rejected)
            if key not in allowed:
                self.error(node.key_marks[key], "E101", f"unknown key '{key}' in {what}{_suggest(key, allowed)}")
        for key in required:
            if key not in node.items and key not in node.key_marks:
                self.error(node.mark, "E102", f"{what} needs '{key}'")

    def text(self, node: Value | None, what: str, mark: Mark) -> str | None:
        if node is None:
            return None
        if not isinstance(node, Scalar) or node.text is None:
            self.error(getattr(node, "mark", mark), "E103", f"{what} must be text")
            return None
        return node.text

    def integer(self, node: Value | None, what: str, mark: Mark) -> int | None:
        text = self.text(node, what, mark)
        if text is None:
            return None
        try:
            return int(text)
        except ValueError:
            self.error(node.mark if node else mark, "E103", f"{what} must be a whole number, not '{text}'")
            return None

    def day(self, node: Value | None, what: str, mark: Mark) -> date | None:
        text = self.text(node, what, mark)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.error(node.mark if node else mark, "E103", f"{what} must be a date YYYY-MM-DD, not '{text}'")
            return None

    def choice(self, node: Value | None, allowed: Iterable[str], what: str, mark: Mark) -> str | None:
        text = self.text(node, what, mark)
        options = tuple(allowed)
        if text is not None and text not in options:
            self.error(
                node.mark if node else mark,
                "E104",
                f"{what} '{text}' is not one of {', '.join(options)}{_suggest(text, options)}",
            )
            return None
        return text

    def mapping(self, node: Value | None, what: str, mark: Mark) -> Map | None:
        if node is None:
            return None
        if not isinstance(node, Map):
            self.error(node.mark, "E103", f"{what} must be a mapping of keys to values")
            return None
        return node

    def sequence(self, node: Value | None, what: str, mark: Mark) -> Seq | None:
        if node is None:
            return None
        if not isinstance(node, Seq):
            self.error(node.mark, "E103", f"{what} must be a list")
            return None
        return node

    # -- lists --------------------------------------------------------------------------------------------
    def named_list(self, name: str, node: Value) -> NamedList | None:
        body = self.mapping(node, f"list '{name}'", node.mark)
        if body is None:
            return None
        self.keys(body, _LIST_KEYS, ("entries",), f"list '{name}'")
        entries: list[ListEntry] = []
        for item in (self.sequence(body.items.get("entries"), "entries", body.mark) or Seq((), body.mark)).items:
            entry = self.mapping(item, "a list entry", item.mark)
            if entry is None:
                continue
            self.keys(entry, _ENTRY_KEYS, ("values",), "a list entry")
            values = self.sequence(entry.items.get("values"), "values", entry.mark)
            texts = [self.text(v, "a list value", v.mark) for v in (values.items if values else ())]
            start = self.day(entry.items.get("from"), "from", entry.mark)
            end = self.day(entry.items.get("until"), "until", entry.mark)
            if start and end and end <= start:
                self.error(entry.items["until"].mark, "E105", f"'until' ({end}) must be after 'from' ({start})")
            entries.append(ListEntry(frozenset(t.casefold() for t in texts if t), start, end))
        title = self.text(body.items.get("title"), "title", body.mark) or name
        source = self.text(body.items.get("source"), "source", body.mark) or ""
        return NamedList(name, title, source, tuple(entries))

    # -- conditions --------------------------------------------------------------------------------------
    def condition(self, node: Value, lists: dict[str, Value], where: str = "traveller") -> Condition | None:
        """A condition tree; `where` is what it tests: `traveller`, a group rule's `members`, or its `group`."""
        body = self.mapping(node, "a condition", node.mark)
        if body is None:
            return None
        groups = [key for key in ("all", "any", "not") if key in body.key_marks]
        if groups:
            if len(body.key_marks) != 1:
                self.error(body.mark, "E106", "a condition is either all/any/not or one field test, not both")
                return None
            key = groups[0]
            if key not in body.items:  # its value was unusable and has been reported
                return None
            if key == "not":
                part = self.condition(body.items["not"], lists, where)
                return NotOf(part) if part else None
            seq = self.sequence(body.items[key], f"'{key}'", body.mark)
            if seq is None:
                return None
            if not seq.items:
                self.error(seq.mark, "E106", f"'{key}' needs a list of at least one condition")
                return None
            parts = [self.condition(item, lists, where) for item in seq.items]
            if any(part is None for part in parts):
                return None
            clean = tuple(part for part in parts if part is not None)
            return AllOf(clean) if key == "all" else AnyOf(clean)
        return self.leaf(body, lists, where)

    def leaf(self, body: Map, lists: dict[str, Value], where: str = "traveller") -> Leaf | None:
        if "field" not in body.key_marks:
            self.error(body.mark, "E102", "a condition needs 'field' (or all/any/not)")
            return None
        # The field and the operator are both checked, so that one pass reports both mistakes.
        name = self.text(body.items.get("field"), "field", body.key_marks["field"])
        spec = self.fields.get(name) if name is not None else None
        if name is not None and spec is None:
            hint = f"; {_REPLACED_FIELDS[name]}" if name in _REPLACED_FIELDS else _suggest(name, self.fields)
            self.error(body.items["field"].mark, "E202", f"unknown field '{name}'{hint}")
        elif spec is not None and not self.in_scope(spec.scope, where, name, body.items["field"].mark):
            spec = None
        ops = [key for key in body.key_marks if key != "field"]
        unknown = [key for key in ops if key not in ALL_OPERATORS and key != "is"]
        for key in unknown:
            self.error(body.key_marks[key], "E203", f"unknown operator '{key}'{_suggest(key, ALL_OPERATORS)}")
        if spec is None or unknown:
            return None
        if len(ops) != 1:
            self.error(body.mark, "E106", "a field test needs exactly one operator")
            return None
        op = "eq" if ops[0] == "is" else ops[0]
        if op not in OPERATORS[spec.type]:
            allowed = ", ".join(sorted(OPERATORS[spec.type]))
            self.error(
                body.key_marks[ops[0]],
                "E204",
                f"operator '{op}' does not apply to {spec.type} field '{name}' (use one of: {allowed})",
            )
            return None
        if ops[0] not in body.items:  # its value was unusable and has been reported
            return None
        value = self.operand(op, spec.type, body.items[ops[0]], lists)
        if value is _INVALID:
            return None
        if spec.type == "country" and op in ("in_list", "not_in_list"):
            self.country_list(str(value), lists)
        if spec.name == "group.share" and any(not 0 <= bound <= 1 for bound in _bounds(value)):
            self.error(body.items[ops[0]].mark, "E205", "group.share is a fraction from 0 to 1: write 0.5 for half")
            return None
        return Leaf(spec.name, op, value, body.mark)

    def in_scope(self, scope: str, where: str, name: str | None, mark: Mark) -> bool:
        """A group fact only in a group rule's `when`, a traveller's field everywhere else."""
        if where == "group" and scope != "group":
            group_fields = ", ".join(fields_of("group"))
            self.error(
                mark,
                "E214",
                f"the 'when' of a group rule tests the group ({group_fields}); test '{name}' under 'members'",
            )
            return False
        if where != "group" and scope == "group":
            hint = (
                "test it under 'when'; 'members' tests each traveller"
                if where == "members"
                else "use it in a group rule (scope: group)"
            )
            self.error(mark, "E214", f"'{name}' is a fact of a group of travellers: {hint}")
            return False
        return True

    def country_list(self, name: str, lists: dict[str, Value]) -> None:
        """A list compared with a country field must hold alpha-3 codes, as the traveller's facts do."""
        if name in self.country_lists:
            return
        self.country_lists.add(name)
        body = lists[name]
        entries = body.items.get("entries") if isinstance(body, Map) else None
        for entry in entries.items if isinstance(entries, Seq) else ():
            values = entry.items.get("values") if isinstance(entry, Map) else None
            for value in values.items if isinstance(values, Seq) else ():
                if not isinstance(value, Scalar) or value.text is None:
                    continue  # reported where the list is read
                code, problem = _country(value.text)
                if code != value.text.strip().upper():
                    hint = f"write {code}" if code else problem
                    self.error(value.mark, "E205", f"list '{name}' is compared with countries (ISO alpha-3): {hint}")

    def operand(self, op: str, kind: str, node: Value, lists: dict[str, Value]) -> object:
        if op in ("exists", "missing"):
            flag = self.text(node, op, node.mark)
            if flag is None or flag.lower() not in _TRUE:
                self.error(node.mark, "E205", f"'{op}' takes 'true'")
                return _INVALID
            return True
        if op in ("in_list", "not_in_list"):
            name = self.text(node, op, node.mark)
            if name not in lists:
                self.error(node.mark, "E206", f"unknown list '{name}'{_suggest(name or '', lists)}")
                return _INVALID
            return name
        if op == "matches":
            return self.pattern(node)
        if op in ("in", "not_in", "between"):
            seq = self.sequence(node, op, node.mark)
            if seq is None:
                return _INVALID
            values = [self.typed(item, kind) for item in seq.items]
            if any(v is _INVALID for v in values):
                return _INVALID
            if not values:
                self.error(node.mark, "E205", f"'{op}' needs at least one value")
                return _INVALID
            if op == "between":
                if len(values) != 2 or values[0] > values[1]:  # type: ignore[operator]
                    self.error(node.mark, "E205", "'between' takes [low, high] with low <= high")
                    return _INVALID
                return tuple(values)
            return frozenset(values)
        return self.typed(node, kind)

    def typed(self, node: Value, kind: str) -> object:
        text = self.text(node, "a value", node.mark)
        if text is None:
            return _INVALID
        if kind in ("number", "count"):
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):  # nan and inf compare false with everything: surely a mistake
                self.error(node.mark, "E205", f"'{text}' is not a number")
                return _INVALID
            return number
        if kind == "date":
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.error(node.mark, "E205", f"'{text}' is not a date YYYY-MM-DD")
                return _INVALID
        if kind == "country":
            code, problem = _country(text)
            if code is None:
                self.error(node.mark, "E205", problem)
                return _INVALID
            return code.casefold()
        if kind == "bool":
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            self.error(node.mark, "E205", f"'{text}' is not true or false")
            return _INVALID
        return text.casefold()

    def pattern(self, node: Value) -> object:
        text = self.text(node, "matches", node.mark)
        if text is None:
            return _INVALID
        if len(text) > _MAX_PATTERN:
            self.error(node.mark, "E207", f"the pattern is longer than {_MAX_PATTERN} characters")
            return _INVALID
        try:
            compiled = re.compile(text, re.IGNORECASE)
        except re.error as error:
            self.error(node.mark, "E207", f"the pattern is not a valid regular expression ({error.msg})")
            return _INVALID
        if nested_repetition(text):
            self.error(
                node.mark,
                "E207",
                "the pattern repeats a group that itself repeats, e.g. (a+)+, which can take hours to match; "
                "write the repetition once",
            )
            return _INVALID
        return compiled


class _Invalid:
    pass


def _bounds(value: object) -> tuple[float, ...]:
    """The numbers of an operand: one, or the two of `between`."""
    return tuple(value) if isinstance(value, tuple) else (value,)  # type: ignore[return-value]


_INVALID = _Invalid()


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _PackReader(_Reader):
    """Reads the whole pack: lists first (rules refer to them), then rules, then the policy."""

    def __init__(self) -> None:
        super().__init__()
        #: Where each rule id was first written, invalid rules included (so the policy may name them).
        self.rule_ids: dict[str, Mark] = {}

    def rule(self, node: Value, lists: dict[str, Value]) -> Rule | None:
        body = self.mapping(node, "a rule", node.mark)
        if body is None:
            return None
        self.keys(body, _RULE_KEYS, ("id", "title", "severity", "score", "explanation", "when", "tests"), "a rule")
        rule_id = self.text(body.items.get("id"), "id", body.mark)
        if rule_id is not None and not _ID.fullmatch(rule_id):
            self.error(
                body.items["id"].mark, "E211", f"rule id '{rule_id}' must look like NP-001 (letters, dash, 3 digits)"
            )
        duplicate = rule_id is not None and rule_id in self.rule_ids
        if duplicate:
            first = self.rule_ids[rule_id]  # type: ignore[index]
            self.error(body.mark, "E201", f"duplicate rule id '{rule_id}' (first at {first})")
        elif rule_id is not None:
            self.rule_ids[rule_id] = body.mark
        title = self.text(body.items.get("title"), "title", body.mark)
        severity = self.choice(body.items.get("severity"), SEVERITIES, "severity", body.mark)
        score = self.integer(body.items.get("score"), "score", body.mark)
        if score is not None and not 0 <= score <= 100:
            self.error(body.items["score"].mark, "E205", "score must be between 0 and 100")
        status = self.choice(body.items.get("status"), STATUSES, "status", body.mark) or "active"
        family = self.text(body.items.get("family"), "family", body.mark)
        scope = self.choice(body.items.get("scope"), SCOPES, "scope", body.mark)
        misspelt = "scope" in body.key_marks and scope is None
        if scope is None:  # a misspelt scope is read as the group keys suggest, so no follow-on problems
            scope = "group" if misspelt and any(key in body.key_marks for key in _GROUP_RULE_KEYS) else "traveller"
        group = self.group(body, lists) if scope == "group" else self.no_group(body)
        explanation = self.explanation(body.items.get("explanation"), body.mark, scope)
        when = self.condition(body.items["when"], lists, scope) if "when" in body.items else None
        tests = self.tests(body.items.get("tests"), body, rule_id)
        if duplicate or misspelt or group is _INVALID or None in (rule_id, title, severity, score, explanation, when):
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
        )

    def group(self, body: Map, lists: dict[str, Value]) -> GroupSpec | _Invalid:
        """`group_by`, `members` and `lands_on` of a group rule."""
        # Every part is read even when one is wrong, so that one pass reports every mistake.
        if "group_by" not in body.key_marks:
            self.error(body.mark, "E102", f"a group rule needs 'group_by' (one of {', '.join(GROUP_KEYS)})")
        by = self.choice(body.items.get("group_by"), GROUP_KEYS, "group_by", body.mark)
        members = self.condition(body.items["members"], lists, "members") if "members" in body.items else None
        lands_on = self.choice(body.items.get("lands_on"), LANDS_ON, "lands_on", body.mark)
        if (
            by is None
            or ("members" in body.key_marks and members is None)
            or ("lands_on" in body.key_marks and lands_on is None)
        ):
            return _INVALID
        return GroupSpec(by, members, lands_on or "members")

    def no_group(self, body: Map) -> _Invalid | None:
        """A traveller rule must not carry the keys of a group rule."""
        written = [key for key in _GROUP_RULE_KEYS if key in body.key_marks]
        for key in written:
            self.error(body.key_marks[key], "E106", f"'{key}' belongs to group rules: add 'scope: group'")
        return _INVALID if written else None

    def explanation(self, node: Value | None, mark: Mark, scope: str = "traveller") -> dict[str, str] | None:
        body = self.mapping(node, "explanation", mark)
        if body is None:
            return None
        self.keys(body, LANGUAGES, LANGUAGES, "explanation")
        result: dict[str, str] = {}
        # Names and document numbers are deliberately not available; group facts only in group rules.
        allowed = set(self.fields) if scope == "group" else set(fields_of("traveller"))
        for language in LANGUAGES:
            template = self.text(body.items.get(language), f"explanation.{language}", body.mark)
            if template is None:
                continue
            for name in _PLACEHOLDER.findall(template):
                if name in allowed:
                    continue
                hint = (
                    ": group facts are only known in group rules (scope: group)"
                    if name in self.fields
                    else _suggest(name, allowed)
                )
                self.error(body.items[language].mark, "E208", f"placeholder '{{{name}}}' is not a field{hint}")
            result[language] = template
        return result if len(result) == len(LANGUAGES) else None

    def tests(self, node: Value | None, rule: Map, rule_id: str | None) -> tuple[RuleTest, ...]:
        seq = self.sequence(node, "tests", rule.mark)
        if seq is None or not seq.items:
            if "tests" in rule.items:
                self.error(rule.mark, "E209", f"rule {rule_id or '?'} has no test cases")
            return ()
        result: list[RuleTest] = []
        for item in seq.items:
            body = self.mapping(item, "a test case", item.mark)
            if body is None:
                continue
            name = self.text(body.items.get("name"), "name", body.mark) or f"case at line {body.mark.line}"
            if "manifest" not in body.key_marks:
                single = self.case_traveller(body, {}, "a test case", _CASE_KEYS, ("traveller", "expect"))
                if single is not None:
                    result.append(RuleTest(name, (single,), body.mark))
                continue
            self.keys(body, _MANIFEST_CASE_KEYS, ("manifest",), "a manifest case")
            shared = self.flat(body.items.get("shared"), set(TRAVELLER_FIELDS), "shared")
            listed = self.sequence(body.items.get("manifest"), "manifest", body.mark)
            if listed is not None and not listed.items:
                self.error(listed.mark, "E106", "a manifest case needs at least one traveller")
            entries: list[CaseTraveller | None] = []
            for entry in listed.items if listed is not None else ():
                cells = self.mapping(entry, "a manifest traveller", entry.mark)
                entries.append(
                    self.case_traveller(cells, shared or {}, "a manifest traveller", _MANIFEST_ENTRY_KEYS, ("expect",))
                    if cells is not None
                    else None
                )
            if entries and shared is not None and None not in entries:
                travellers = tuple(entry for entry in entries if entry is not None)
                result.append(RuleTest(name, travellers, body.mark, manifest=True))
        return tuple(result)

    def case_traveller(
        self,
        body: Map,
        shared: Mapping[str, str | None],
        what: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> CaseTraveller | None:
        """One traveller of a case: its cells (over the case's `shared` ones), record, fact overrides, expectation."""
        self.keys(body, allowed, required, what)
        expect = self.choice(body.items.get("expect"), EXPECTATIONS, "expect", body.mark)
        traveller = self.flat(body.items.get("traveller"), set(TRAVELLER_FIELDS), "traveller")
        record_node = body.items.get("record")
        record = self.flat(record_node, set(RECORD_COLUMNS), "record") if record_node is not None else None
        facts_node = body.items.get("facts")
        computed = {
            name: "group facts are counted from the travellers of a 'manifest' case" for name in fields_of("group")
        }
        facts = self.flat(facts_node, set(fields_of("traveller")), "facts", {**computed, **_REPLACED_FIELDS})
        if facts and isinstance(facts_node, Map):  # typed now, so `rules test` cannot stumble on one later
            for key, text in facts.items():
                if text is not None:
                    self.typed(facts_node.items[key], self.fields[key].type)
        if expect is None or traveller is None or (record_node is not None and record is None) or facts is None:
            return None
        return CaseTraveller({**shared, **traveller}, record, facts, expect, body.mark)

    def flat(
        self, node: Value | None, allowed: set[str], what: str, hints: Mapping[str, str] | None = None
    ) -> dict[str, str | None] | None:
        if node is None:
            return {}
        body = self.mapping(node, what, node.mark)
        if body is None:
            return None
        values: dict[str, str | None] = {}
        for key, value in body.items.items():
            if key not in allowed:
                hint = f"; {hints[key]}" if hints and key in hints else _suggest(key, allowed)
                self.error(body.key_marks[key], "E101", f"unknown {what} field '{key}'{hint}")
                continue
            if isinstance(value, Scalar):
                values[key] = value.text
            else:
                self.error(value.mark, "E103", f"{what} field '{key}' must be a single value")
        return values

    def policy(self, node: Value) -> Policy | None:
        body = self.mapping(node, "policy", node.mark)
        if body is None:
            return None
        self.keys(body, _POLICY_KEYS, ("refer_at", "hold_at"), "policy")
        language = self.choice(body.items.get("language"), LANGUAGES, "language", body.mark) or "en"
        refer_at = self.integer(body.items.get("refer_at"), "refer_at", body.mark)
        hold_at = self.integer(body.items.get("hold_at"), "hold_at", body.mark)
        if refer_at is not None and hold_at is not None and not 0 < refer_at < hold_at <= 100:
            # Scores are capped at 100, so a higher hold_at could never be reached.
            self.error(
                body.mark, "E301", f"thresholds must satisfy 0 < refer_at ({refer_at}) < hold_at ({hold_at}) <= 100"
            )
        force_severity: dict[str, Verdict] = {}
        force_rules: dict[str, Verdict] = {}
        for item in (self.sequence(body.items.get("force"), "force", body.mark) or Seq((), body.mark)).items:
            entry = self.mapping(item, "a force entry", item.mark)
            if entry is None:
                continue
            self.keys(entry, ("severity", "rule", "verdict"), ("verdict",), "a force entry")
            verdict = self.verdict(entry)
            if "severity" in entry.key_marks and "rule" in entry.key_marks:
                self.error(entry.mark, "E106", "a force entry names a 'severity' or a 'rule', not both")
            elif "severity" in entry.items:
                severity = self.choice(entry.items["severity"], SEVERITIES, "severity", entry.mark)
                if severity and verdict:
                    force_severity[severity] = verdict
            elif "rule" in entry.items:
                rule = self.rule_ref(entry)
                if rule and verdict:
                    force_rules[rule] = verdict
            else:
                self.error(entry.mark, "E102", "a force entry needs 'severity' or 'rule'")
        unknown: dict[str, Verdict] = {}
        for item in (self.sequence(body.items.get("unknown"), "unknown", body.mark) or Seq((), body.mark)).items:
            entry = self.mapping(item, "an unknown entry", item.mark)
            if entry is None:
                continue
            self.keys(entry, ("rule", "verdict"), ("rule", "verdict"), "an unknown entry")
            rule, verdict = self.rule_ref(entry), self.verdict(entry)
            if rule and verdict:
                unknown[rule] = verdict
        if refer_at is None or hold_at is None:
            return None
        return Policy(language, refer_at, hold_at, force_severity, force_rules, unknown)

    def verdict(self, entry: Map) -> Verdict | None:
        text = self.choice(entry.items.get("verdict"), ("refer", "hold"), "verdict", entry.mark)
        return Verdict(text) if text else None

    def rule_ref(self, entry: Map) -> str | None:
        rule = self.text(entry.items.get("rule"), "rule", entry.mark)
        if rule is not None and rule not in self.rule_ids:
            self.error(entry.items["rule"].mark, "E212", f"unknown rule '{rule}'{_suggest(rule, self.rule_ids)}")
            return None
        return rule


def pack_files(path: Path) -> list[Path]:
    """The YAML files of a pack: the file itself, or every .yaml/.yml under the folder, sorted.

    Hidden files and folders (`.git`, editor backups, the `._x.yaml` files macOS leaves on USB sticks) are
    not part of a pack.
    """
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in (".yaml", ".yml")
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    return [path]


def pack_hash(files: list[Path], root: Path) -> str:
    """SHA-256 over every file's relative path and bytes: what the audit log records."""
    digest = hashlib.sha256()
    for file in files:
        name = file.relative_to(root).as_posix() if root.is_dir() else file.name
        digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def read_pack(path: Path) -> tuple[RulePack | None, list[Problem]]:
    """Load and validate a pack; the pack is None when any problem was found."""
    reader = _PackReader()
    if not path.exists():
        reader.error(Mark(str(path), 1, 1), "E001", "the rule pack does not exist")
        return None, reader.problems
    files = pack_files(path)
    if not files:
        reader.error(Mark(str(path), 1, 1), "E001", "the folder holds no .yaml rule files")
        return None, reader.problems
    sections: dict[str, list[Value]] = {key: [] for key in _TOP_KEYS}
    for file in files:
        document = load_document(file, reader.problems)
        if document is None:
            continue
        top = reader.mapping(document, "a pack file", document.mark)
        if top is None:
            continue
        reader.keys(top, _TOP_KEYS, (), "a pack file")
        for key in _TOP_KEYS:
            if key in top.items:
                sections[key].append(top.items[key])
    meta = _single(reader, sections["pack"], "pack", path)
    policy_node = _single(reader, sections["policy"], "policy", path)
    list_nodes: dict[str, Value] = {}
    for node in sections["lists"]:
        body = reader.mapping(node, "lists", node.mark)
        for name, value in (body.items if body else {}).items():
            if name in list_nodes:
                reader.error(body.key_marks[name], "E213", f"list '{name}' is defined twice")  # type: ignore[union-attr]
            list_nodes[name] = value
    lists = {name: named for name, node in list_nodes.items() if (named := reader.named_list(name, node))}
    rules: list[Rule] = []
    for node in sections["rules"]:
        for item in (reader.sequence(node, "rules", node.mark) or Seq((), node.mark)).items:
            rule = reader.rule(item, list_nodes)
            if rule is not None:
                rules.append(rule)
    policy = reader.policy(policy_node) if policy_node is not None else None
    pack_name: str | None = None
    version: str | None = None
    if meta is not None and (body := reader.mapping(meta, "pack", meta.mark)) is not None:
        reader.keys(body, ("name", "version", "description"), ("name", "version"), "pack")
        pack_name = reader.text(body.items.get("name"), "name", body.mark)
        version = reader.text(body.items.get("version"), "version", body.mark)
    # In file and line order, as a compiler reports them (sorting is stable: same place, order found).
    reader.problems.sort(key=lambda problem: (problem.mark.path, problem.mark.line, problem.mark.column))
    if reader.problems or policy is None or pack_name is None or version is None:
        return None, reader.problems
    root = path if path.is_dir() else path.parent
    pack = RulePack(pack_name, version, pack_hash(files, root if path.is_dir() else path), policy, lists, tuple(rules))
    return pack, reader.problems


def _single(reader: _Reader, nodes: list[Value], key: str, path: Path) -> Value | None:
    if not nodes:
        reader.error(Mark(str(path), 1, 1), "E102", f"the pack needs a '{key}' section")
        return None
    for extra in nodes[1:]:
        reader.error(extra.mark, "E213", f"'{key}' is defined more than once")
    return nodes[0]


def load_pack(path: Path) -> RulePack:
    """A valid pack, or ConfigError naming the first problems (run `checkpoint rules check` for all)."""
    pack, problems = read_pack(path)
    if pack is None:
        shown = "; ".join(str(problem) for problem in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ConfigError(f"rule pack {path} is invalid: {shown}{more}. Run `checkpoint rules check {path}`.")
    return pack


def default_pack_path() -> Path:
    """The shipped default pack: inside the installed package, or `rules/` of a source checkout."""
    from importlib.resources import files

    packaged = Path(str(files("checkpoint").joinpath("_default_rules")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"
