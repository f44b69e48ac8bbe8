"""Run the test cases embedded in a rule pack through the real screening path (`checkpoint rules test`).

Each case's traveller is read by the same `build_traveller` that reads manifests; a case's `record`
stands for a matched placement record; `facts` overrides derived facts (e.g. the match confidence). The
case's own departure date is the screening date, so a case means the same thing whenever it is run. A
`manifest` case screens several travellers together, so group rules count them as a manifest would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.engine.conditions import Truth
from checkpoint.engine.evaluate import evaluate, leaf_truths
from checkpoint.engine.facts import Facts, build_facts
from checkpoint.engine.pack import CaseTraveller, Rule, RulePack, RuleTest, field_catalogue, rule_leaves
from checkpoint.engine.trace import RuleTrace, trace_rule
from checkpoint.geo import country_code
from checkpoint.i18n import text
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
    #: For a failed case: the rule's conditions for this traveller, each part's truth and what decided it.
    trace: RuleTrace | None = None

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


def _typed(name: str, written: str | None) -> object:
    if written is None:
        return None
    kind = field_catalogue()[name].type
    if kind == "number":
        return float(written)
    if kind == "bool":
        return read_bool(written)
    if kind == "date":
        return date.fromisoformat(written)
    if kind == "country":
        return country_code(written)
    return written


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


def case_traveller(entry: CaseTraveller, today: date, row: int = 1) -> Traveller:
    """A case's traveller, read as on its own departure date (`today` only when it gives none)."""
    traveller = build_traveller(entry.traveller, row=row, today=today)
    if traveller.departure_date is not None and traveller.departure_date != today:
        # Dates of birth "in the future" and two-digit years are judged from the screening date.
        traveller = build_traveller(entry.traveller, row=row, today=traveller.departure_date)
    return traveller


@dataclass(frozen=True)
class _Run:
    """A case screened: each traveller's outcome, each leaf's truth, and the batch it was decided on."""

    actual: list[str]
    truths: list[Truth]
    facts: Facts
    screening_date: date


def run_case(pack: RulePack, rule: Rule, case: RuleTest, today: date) -> tuple[list[str], list[Truth]]:
    """Each traveller's outcome ('fire', 'no_fire' or 'unknown') and each leaf's truth, for coverage.

    The travellers of a case are screened as one batch, so a manifest case forms its groups as a manifest
    would; the first departure date given is the batch's screening date.
    """
    run = _run(pack, rule, case, today)
    return run.actual, run.truths


def _run(pack: RulePack, rule: Rule, case: RuleTest, today: date) -> _Run:
    travellers = [case_traveller(entry, today, row) for row, entry in enumerate(case.travellers, start=1)]
    screening_date = next((t.departure_date for t in travellers if t.departure_date is not None), today)
    outcomes = [_outcome(entry, screening_date) for entry in case.travellers]
    facts = build_facts(travellers, outcomes, screening_date)
    for row, entry in enumerate(case.travellers):
        for name, written in entry.facts.items():
            facts[name][row] = _typed(name, written)
    assessments = evaluate(pack, facts, screening_date, rules=[rule])
    actual = [
        "fire"
        if any(hit.rule == rule.id for hit in assessment.hits)
        else "unknown"
        if any(item.rule == rule.id for item in assessment.unknown)
        else "no_fire"
        for assessment in assessments
    ]
    return _Run(actual, leaf_truths(rule, facts, pack, screening_date), facts, screening_date)


def _outcome(entry: CaseTraveller, screening_date: date) -> MatchOutcome:
    """No match, or a match to the entry's `record`."""
    if entry.record is None:
        return MatchOutcome()
    record = _record(entry.record, screening_date)
    record.setdefault("record_id", "TEST-RECORD")
    return MatchOutcome(match=Match(str(record["record_id"]), 1.0, "test", {}), record=record)


def run_pack_tests(pack: RulePack, *, today: date) -> PackTestReport:
    """Run every embedded case of every rule (drafts included: a draft is tested before it goes live).

    A manifest case gives one result per traveller, named after the case and the traveller's position.
    """
    cases: list[CaseResult] = []
    untested: list[str] = []
    one_sided: list[str] = []
    for rule in pack.rules:
        if rule.status == "retired":
            continue
        if not rule.tests:
            untested.append(rule.id)
            continue
        tested = rule_leaves(rule)
        seen = [[False, False] for _ in tested]
        for case in rule.tests:
            run = _run(pack, rule, case, today)
            for row, (entry, outcome) in enumerate(zip(case.travellers, run.actual, strict=True), start=1):
                warnings = case_traveller(entry, today, row).warnings
                name = text("rules.test.manifest_traveller", case=case.name, row=row) if case.manifest else case.name
                # Why it went otherwise: the condition trees for this traveller, only where the case failed.
                why = (
                    None if outcome == entry.expect else trace_rule(rule, run.facts, pack, run.screening_date, row - 1)
                )
                cases.append(CaseResult(rule.id, name, entry.expect, outcome, str(entry.mark), warnings, why))
            for index, (true, false) in enumerate(run.truths):
                seen[index][0] |= bool(true.any())
                seen[index][1] |= bool(false.any())
        for leaf, (was_true, was_false) in zip(tested, seen, strict=True):
            if not (was_true and was_false):
                one_sided.append(f"{rule.id} {leaf.field} {leaf.op} ({leaf.mark})")
    return PackTestReport(tuple(cases), tuple(untested), tuple(one_sided))
