"""Read a rule pack (a YAML file or a folder of them), collecting every problem before giving up.

Like a compiler, `load_pack` does not stop at the first mistake: a supervisor fixing a pack sees all of
them at once, each as `PATH:LINE:COL: CODE message`, with a did-you-mean where a name is misspelt.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from checkpoint.engine.document import Map, Mark, Problem, Scalar, Seq, Value, load_document
from checkpoint.engine.pack import (
    ALL_OPERATORS,
    EXPECTATIONS,
    LANGUAGES,
    OPERATORS,
    SEVERITIES,
    STATUSES,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    ListEntry,
    NamedList,
    NotOf,
    Policy,
    Rule,
    RulePack,
    RuleTest,
    field_catalogue,
)
from checkpoint.errors import ConfigError
from checkpoint.geo import country_code
from checkpoint.models import TRAVELLER_FIELDS, Verdict
from checkpoint.registry.schema import COLUMNS as RECORD_COLUMNS

_TOP_KEYS = ("pack", "policy", "lists", "rules")
_RULE_KEYS = ("id", "title", "severity", "score", "status", "family", "explanation", "when", "tests")
_TEST_KEYS = ("name", "traveller", "record", "facts", "expect")
_LIST_KEYS = ("title", "source", "entries")
_ENTRY_KEYS = ("values", "from", "until")
_POLICY_KEYS = ("language", "refer_at", "hold_at", "force", "unknown")
_ID = re.compile(r"[A-Z][A-Z0-9]*-[0-9]{3}")
_BRACES = re.compile(r"\{(\d*)(,?)(\d*)\}")
_MAX_PATTERN = 100
_TRUE, _FALSE = {"true", "yes"}, {"false", "no"}


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _repetition_at(pattern: str, index: int) -> tuple[int, bool] | None:
    """The length of a quantifier starting at `index`, and whether it can repeat more than once; else None."""
    char = pattern[index]
    if char in "*+":
        return 1, True
    if char == "?":
        return 1, False
    braces = _BRACES.match(pattern, index) if char == "{" else None
    if braces is None or not (braces[1] or braces[3]):
        return None  # a literal brace
    high = (int(braces[3]) if braces[3] else None) if braces[2] else int(braces[1])
    return braces.end() - index, high is None or high > 1


def _class_end(pattern: str, index: int) -> int:
    """The index just after the character class `[...]` opened at `index`."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def nested_repetition(pattern: str) -> bool:
    """True when a repeated group contains a repetition, e.g. `(a+)+` or `((\\w+\\s?))*`.

    Python's `re` backtracks without limit, so such a pattern can take exponential time on a value that
    almost matches; supervisors never need one to recognise a visa type or a code.
    """
    groups: list[bool] = []  # for each open group: does something inside it repeat?
    after_repeating_group = False
    index = 0
    while index < len(pattern):
        quantifier = _repetition_at(pattern, index)
        if quantifier is not None:
            length, repeats = quantifier
            if repeats and after_repeating_group:
                return True
            if repeats and groups:
                groups[-1] = True
            index += length
            if index < len(pattern) and pattern[index] in "?+":  # lazy or possessive
                index += 1
            after_repeating_group = False
            continue
        char = pattern[index]
        after_repeating_group = False
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            groups.append(False)
        elif char == ")" and groups:
            inner = groups.pop()
            if inner and groups:
                groups[-1] = True
            after_repeating_group = inner
        index += 1
    return False


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
    def condition(self, node: Value, lists: dict[str, Value]) -> Condition | None:
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
                part = self.condition(body.items["not"], lists)
                return NotOf(part) if part else None
            seq = self.sequence(body.items[key], f"'{key}'", body.mark)
            if seq is None:
                return None
            if not seq.items:
                self.error(seq.mark, "E106", f"'{key}' needs a list of at least one condition")
                return None
            parts = [self.condition(item, lists) for item in seq.items]
            if any(part is None for part in parts):
                return None
            clean = tuple(part for part in parts if part is not None)
            return AllOf(clean) if key == "all" else AnyOf(clean)
        return self.leaf(body, lists)

    def leaf(self, body: Map, lists: dict[str, Value]) -> Leaf | None:
        if "field" not in body.key_marks:
            self.error(body.mark, "E102", "a condition needs 'field' (or all/any/not)")
            return None
        # The field and the operator are both checked, so that one pass reports both mistakes.
        name = self.text(body.items.get("field"), "field", body.key_marks["field"])
        spec = self.fields.get(name) if name is not None else None
        if name is not None and spec is None:
            self.error(body.items["field"].mark, "E202", f"unknown field '{name}'{_suggest(name, self.fields)}")
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
        return Leaf(spec.name, op, value, body.mark)

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
        if kind == "number":
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
        explanation = self.explanation(body.items.get("explanation"), body.mark)
        when = self.condition(body.items["when"], lists) if "when" in body.items else None
        tests = self.tests(body.items.get("tests"), body, rule_id)
        if duplicate or None in (rule_id, title, severity, score, explanation, when):
            return None
        return Rule(rule_id, title, severity, score, status, family, explanation, when, tests, body.mark)  # type: ignore[arg-type]

    def explanation(self, node: Value | None, mark: Mark) -> dict[str, str] | None:
        body = self.mapping(node, "explanation", mark)
        if body is None:
            return None
        self.keys(body, LANGUAGES, LANGUAGES, "explanation")
        result: dict[str, str] = {}
        allowed = set(self.fields)  # names and document numbers are deliberately not available
        for language in LANGUAGES:
            template = self.text(body.items.get(language), f"explanation.{language}", body.mark)
            if template is None:
                continue
            for name in _PLACEHOLDER.findall(template):
                if name not in allowed:
                    self.error(
                        body.items[language].mark,
                        "E208",
                        f"placeholder '{{{name}}}' is not a field{_suggest(name, allowed)}",
                    )
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
            self.keys(body, _TEST_KEYS, ("traveller", "expect"), "a test case")
            expect = self.choice(body.items.get("expect"), EXPECTATIONS, "expect", body.mark)
            traveller = self.flat(body.items.get("traveller"), set(TRAVELLER_FIELDS), "traveller")
            record_node = body.items.get("record")
            record = self.flat(record_node, set(RECORD_COLUMNS), "record") if record_node is not None else None
            facts_node = body.items.get("facts")
            facts = self.flat(facts_node, set(self.fields), "facts")
            if facts and isinstance(facts_node, Map):  # typed now, so `rules test` cannot stumble on one later
                for key, text in facts.items():
                    if text is not None:
                        self.typed(facts_node.items[key], self.fields[key].type)
            if expect is None or traveller is None:
                continue
            name = self.text(body.items.get("name"), "name", body.mark) or f"case at line {body.mark.line}"
            result.append(RuleTest(name, traveller, record, facts or {}, expect, body.mark))
        return tuple(result)

    def flat(self, node: Value | None, allowed: set[str], what: str) -> dict[str, str | None] | None:
        if node is None:
            return {}
        body = self.mapping(node, what, node.mark)
        if body is None:
            return None
        values: dict[str, str | None] = {}
        for key, value in body.items.items():
            if key not in allowed:
                self.error(body.key_marks[key], "E101", f"unknown {what} field '{key}'{_suggest(key, allowed)}")
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
