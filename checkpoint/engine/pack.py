"""The rule pack as the engine uses it: rules, condition trees, named lists and the verdict policy."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files

from checkpoint.engine.document import Mark
from checkpoint.models import Verdict

SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("active", "draft", "retired")
EXPECTATIONS = ("fire", "no_fire", "unknown")
#: The languages of every text an officer reads (title, explanation, questions), the officers' own first.
LANGUAGES = ("id", "en")
#: Rules test one traveller, or a group of travellers who travel together.
SCOPES = ("traveller", "group")
#: What travellers of one batch share to form a group (a flight is a flight on one departure date).
GROUP_KEYS = ("booking_ref", "group_code", "flight")
#: Who a group rule's hit lands on: the members meeting its member condition, or everyone in the group.
LANDS_ON = ("members", "everyone")

#: Which operators each field type accepts.
OPERATORS: Mapping[str, frozenset[str]] = {
    "text": frozenset({"eq", "ne", "in", "not_in", "in_list", "not_in_list", "matches", "exists", "missing"}),
    "code": frozenset({"eq", "ne", "in", "not_in", "in_list", "not_in_list", "matches", "exists", "missing"}),
    # A country is compared as its ISO alpha-3 code, however the rule writes it (NO, NOR, an airport such as JED).
    "country": frozenset({"eq", "ne", "in", "not_in", "in_list", "not_in_list", "matches", "exists", "missing"}),
    "number": frozenset({"eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between", "exists", "missing"}),
    "date": frozenset({"eq", "ne", "lt", "le", "gt", "ge", "between", "exists", "missing"}),
    "bool": frozenset({"eq", "ne", "exists", "missing"}),
    # Group counts are always known, though a count of members may be only partly known: no exists/missing.
    "count": frozenset({"eq", "ne", "lt", "le", "gt", "ge", "between"}),
}
ALL_OPERATORS = frozenset().union(*OPERATORS.values())


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a condition can test (fields.csv): a traveller's own, or a fact of the traveller's group."""

    name: str
    type: str
    scope: str
    description: str


@cache
def field_catalogue() -> Mapping[str, FieldSpec]:
    """Every field rules may use, by name."""
    text = files("checkpoint.engine").joinpath("fields.csv").read_text(encoding="utf-8")
    return {
        row["name"]: FieldSpec(row["name"], row["type"], row["scope"], row["description"])
        for row in csv.DictReader(text.splitlines())
    }


def fields_of(scope: str) -> Mapping[str, FieldSpec]:
    """The fields of one scope: `traveller` (a column of the facts table) or `group` (computed per rule)."""
    return {name: spec for name, spec in field_catalogue().items() if spec.scope == scope}


@dataclass(frozen=True)
class Leaf:
    """`field` `op` `value`, e.g. visa_type in [tourist, visit]; the value is already typed."""

    field: str
    op: str
    value: object
    mark: Mark
    #: The operand as the rule writes it (`[tourist, visit]`, `NO`), for people reading why a rule decided.
    written: str = dataclasses.field(default="", compare=False)


@dataclass(frozen=True)
class AllOf:
    """True when every part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class NotOf:
    """True when the part is false."""

    part: Condition


Condition = Leaf | AllOf | AnyOf | NotOf


def leaves(condition: Condition) -> list[Leaf]:
    """Every leaf of a condition tree, in order."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, NotOf):
        return leaves(condition.part)
    return [leaf for part in condition.parts for leaf in leaves(part)]


@dataclass(frozen=True)
class ListEntry:
    """Values that belong to a named list from `start` (inclusive) until `end` (exclusive)."""

    values: frozenset[str]
    start: date | None
    end: date | None


@dataclass(frozen=True)
class NamedList:
    """A list with effective dates, e.g. the Middle East domestic-work moratorium countries."""

    name: str
    title: str
    source: str
    entries: tuple[ListEntry, ...]


@dataclass(frozen=True)
class CaseTraveller:
    """One traveller of a test case (optionally a matched record and fact overrides) and what to expect."""

    traveller: Mapping[str, str | None]
    record: Mapping[str, str | None] | None
    facts: Mapping[str, str | None]
    expect: str
    mark: Mark


@dataclass(frozen=True)
class RuleTest:
    """A case embedded in a rule: one traveller, or a small manifest (for group rules) screened together."""

    name: str
    travellers: tuple[CaseTraveller, ...]
    mark: Mark
    #: True when written as a `manifest`; its travellers are reported one by one.
    manifest: bool = False


@dataclass(frozen=True)
class GroupSpec:
    """What makes a rule a group rule: how travellers are grouped, and which of them count as members."""

    by: str
    #: The member condition: which travellers of the group count (None: every traveller does).
    members: Condition | None
    lands_on: str


@dataclass(frozen=True)
class Rule:
    """One supervisor-written rule; `when` tests the traveller, or, in a group rule, the traveller's group."""

    id: str
    #: Each text by language (`LANGUAGES`): the title, the explanation template, the questions to ask.
    title: Mapping[str, str]
    severity: str
    score: int
    status: str
    family: str | None
    explanation: Mapping[str, str]
    when: Condition
    tests: tuple[RuleTest, ...]
    mark: Mark
    group: GroupSpec | None = None
    ask: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Where the indicator comes from (a regulation, an official statement), for the supervisors who check it.
    source: str | None = None

    @property
    def scope(self) -> str:
        return "traveller" if self.group is None else "group"


def rule_leaves(rule: Rule) -> list[Leaf]:
    """Every leaf a rule tests: the member condition's (of a group rule), then `when`'s."""
    members = rule.group.members if rule.group is not None and rule.group.members is not None else None
    return [*(leaves(members) if members is not None else []), *leaves(rule.when)]


@dataclass(frozen=True)
class Policy:
    """How scores and hits become a verdict."""

    refer_at: int
    hold_at: int
    force_severity: Mapping[str, Verdict]
    force_rules: Mapping[str, Verdict]
    unknown_verdicts: Mapping[str, Verdict]
    #: How many days old a registry export may be before screening warns that it is out of date (None: never).
    registry_max_age_days: int | None = None


@dataclass(frozen=True)
class RulePack:
    """A validated pack: what screening evaluates."""

    name: str
    version: str
    sha256: str
    policy: Policy
    lists: Mapping[str, NamedList]
    rules: tuple[Rule, ...]

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.status == "active")
