"""Run the test cases embedded in a rule pack through the real screening path (`checkpoint rules test`).

Each case's traveller is read by the same `build_traveller` that reads manifests; a case's `record`
stands for a matched placement record; `facts` overrides derived facts (e.g. group counts). The case's
own departure date is the screening date, so a case means the same thing whenever it is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.engine.evaluate import evaluate, truth
from checkpoint.engine.facts import build_facts
from checkpoint.engine.pack import Rule, RulePack, RuleTest, field_catalogue, leaves
from checkpoint.geo import country_code
from checkpoint.manifests import build_traveller
from checkpoint.models import Match, MatchOutcome, Traveller
from checkpoint.values import read_bool

_RECORD_BOOLS = ("bpjs_active", "opp_completed")
_RECORD_DATES = {"date_of_birth": DateKind.PAST, "planned_departure": DateKind.NEAR}


@dataclass(frozen=True)
class CaseResult:
    """One embedded case: what was expected, what happened."""

    rule: str
    case: str
    expected: str
    actual: str
    location: str
    #: What could not be read in the case's traveller (e.g. a misspelt date, then treated as missing).
    warnings: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True)
class PackTestReport:
    """All cases of a pack, plus coverage: untested rules and conditions never seen both true and false."""

    cases: tuple[CaseResult, ...]
    untested_rules: tuple[str, ...]
    one_sided_conditions: tuple[str, ...]

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(case for case in self.cases if not case.passed)


def _typed(name: str, text: str | None) -> object:
    if text is None:
        return None
    kind = field_catalogue()[name].type
    if kind == "number":
        return float(text)
    if kind == "bool":
        return read_bool(text)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "country":
        return country_code(text)
    return text


def _record(cells: Mapping[str, str | None], today: date) -> dict[str, Any]:
    record: dict[str, Any] = dict(cells)
    for name in _RECORD_BOOLS:
        record[name] = read_bool(cells.get(name))
    for name, kind in _RECORD_DATES.items():
        parsed = parse_date(cells.get(name), kind=kind, today=today)
        record[name] = None if isinstance(parsed, DateProblem) else parsed
    record["destination_country"] = country_code(cells.get("destination_country"))
    if record.get("status"):
        record["status"] = str(record["status"]).upper()
    return record


def case_traveller(case: RuleTest, today: date) -> Traveller:
    """The case's traveller, read as on its own departure date (`today` only when it gives none)."""
    traveller = build_traveller(case.traveller, row=1, today=today)
    if traveller.departure_date is not None and traveller.departure_date != today:
        # Dates of birth "in the future" and two-digit years are judged from the screening date.
        traveller = build_traveller(case.traveller, row=1, today=traveller.departure_date)
    return traveller


def run_case(pack: RulePack, rule: Rule, case: RuleTest, today: date) -> tuple[str, list[tuple[Any, Any]]]:
    """The case's outcome ('fire', 'no_fire' or 'unknown') and each leaf's (true, false) for coverage."""
    traveller = case_traveller(case, today)
    screening_date = traveller.departure_date or today
    outcome = MatchOutcome()
    if case.record is not None:
        record = _record(case.record, screening_date)
        record.setdefault("record_id", "TEST-RECORD")
        outcome = MatchOutcome(match=Match(str(record["record_id"]), 1.0, "test", {}), record=record)
    facts = build_facts([traveller], [outcome], screening_date)
    for name, text in case.facts.items():
        facts.at[0, name] = _typed(name, text)
    assessment = evaluate(pack, facts, screening_date, rules=[rule])[0]
    leaf_truths = [truth(leaf, facts, pack, screening_date) for leaf in leaves(rule.when)]
    if any(hit.rule == rule.id for hit in assessment.hits):
        return "fire", leaf_truths
    if any(item.rule == rule.id for item in assessment.unknown):
        return "unknown", leaf_truths
    return "no_fire", leaf_truths


def run_pack_tests(pack: RulePack, *, today: date) -> PackTestReport:
    """Run every embedded case of every rule (drafts included: a draft is tested before it goes live)."""
    cases: list[CaseResult] = []
    untested: list[str] = []
    one_sided: list[str] = []
    for rule in pack.rules:
        if rule.status == "retired":
            continue
        if not rule.tests:
            untested.append(rule.id)
            continue
        seen = [[False, False] for _ in leaves(rule.when)]
        for case in rule.tests:
            actual, leaf_truths = run_case(pack, rule, case, today)
            warnings = case_traveller(case, today).warnings
            cases.append(CaseResult(rule.id, case.name, case.expect, actual, str(case.mark), warnings))
            for index, (true, false) in enumerate(leaf_truths):
                seen[index][0] |= bool(true[0])
                seen[index][1] |= bool(false[0])
        for leaf, (was_true, was_false) in zip(leaves(rule.when), seen, strict=True):
            if not (was_true and was_false):
                one_sided.append(f"{rule.id} {leaf.field} {leaf.op} ({leaf.mark})")
    return PackTestReport(tuple(cases), tuple(untested), tuple(one_sided))
