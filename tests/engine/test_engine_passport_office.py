"""The engine's part in the passport office: a nested pack is its own, profiling is refused, a rule's source is
kept, and application facts are columns of the facts table (missing for travellers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.engine import RulePack, build_facts, default_pack_path, load_pack, read_pack
from checkpoint.engine.pack import fields_of
from checkpoint.engine.profiling import profiling_problems
from checkpoint.models import MatchOutcome, Traveller

TODAY = date(2026, 11, 28)


def test_a_subfolder_with_its_own_pack_yaml_is_not_part_of_the_pack(
    write_pack: Callable[[Mapping[str, str]], Path], rule: Callable[..., str]
) -> None:
    inner = 'pack: {name: inner, version: "1"}\npolicy: {refer_at: 30, hold_at: 70}\nrules:\n'
    outer = 'pack: {name: outer, version: "1"}\npolicy: {refer_at: 30, hold_at: 70}\nrules:\n'
    folder = write_pack(
        {
            "pack.yaml": outer + rule("OU-001", "{field: visa_type, eq: work}"),
            "more/extra.yaml": "rules:\n" + rule("OU-002", "{field: visa_type, eq: tourist}"),
            "office/pack.yaml": inner + rule("IN-001", "{field: visa_type, eq: work}"),
        }
    )
    pack, problems = read_pack(folder)
    assert problems == [] and pack is not None
    assert sorted(r.id for r in pack.rules) == ["OU-001", "OU-002"]  # a plain subfolder still belongs to the pack
    nested, problems = read_pack(folder / "office")
    assert problems == [] and nested is not None and [r.id for r in nested.rules] == ["IN-001"]


def test_the_shipped_default_pack_leaves_the_passport_office_out() -> None:
    pack, problems = read_pack(default_pack_path())
    assert problems == [] and pack is not None and pack.name == "default"
    assert not any(r.id.startswith("PO-") for r in pack.rules)


def test_a_rule_on_who_the_person_is_alone_is_profiling(
    make_pack: Callable[..., RulePack], rule: Callable[..., str]
) -> None:
    profiles = rule("PR-001", "{all: [{field: sex, eq: F}, {field: age, between: [17, 45]}]}")
    # The same traits beside a fact about the trip are not profiling.
    trip = rule("PR-002", "{all: [{field: sex, eq: F}, {field: destination, eq: KHM}, {field: one_way, is: true}]}")
    problems = profiling_problems(make_pack(profiles, trip))
    assert [(p.code, p.mark.line) for p in problems] == [("E216", problems[0].mark.line)]
    assert "rule PR-001 tests only who the person is (sex, age)" in problems[0].message


def test_rules_check_refuses_a_pack_that_profiles(
    write_pack: Callable[[Mapping[str, str]], Path], rule: Callable[..., str]
) -> None:
    head = 'pack: {name: t, version: "1"}\npolicy: {refer_at: 30, hold_at: 70}\nrules:\n'
    folder = write_pack({"pack.yaml": head + rule("PR-001", "{field: age, lt: 30}")})
    result = CliRunner().invoke(app, ["rules", "check", str(folder)])
    assert result.exit_code == 4
    assert "E216 rule PR-001 tests only who the person is (age)" in result.stdout


def test_the_shipped_packs_never_profile() -> None:
    from checkpoint.applications import application_pack_path

    for path in (default_pack_path(), application_pack_path()):
        assert profiling_problems(load_pack(path)) == [], path


def test_a_rule_keeps_its_source(write_pack: Callable[[Mapping[str, str]], Path], rule: Callable[..., str]) -> None:
    head = 'pack: {name: t, version: "1"}\npolicy: {refer_at: 30, hold_at: 70}\nrules:\n'
    folder = write_pack(
        {"pack.yaml": head + rule("SR-001", "{field: visa_type, eq: work}", extra={"source": "'DOMAIN.md §7'"})}
    )
    pack, problems = read_pack(folder)
    assert problems == [] and pack is not None and pack.rules[0].source == "DOMAIN.md §7"


def test_application_facts_are_columns_missing_for_travellers() -> None:
    traveller = Traveller(pax_id="1", row=1, full_name="SITI")
    applicant = Traveller(
        pax_id="A-1", row=2, full_name="SITI", application=(("purpose", "work"), ("recommendation", False))
    )
    facts = build_facts([traveller, applicant], [MatchOutcome(), MatchOutcome()], TODAY)
    names = [name for name in fields_of("traveller") if name.startswith("application.")]
    assert len(names) >= 15 and all(name in facts for name in names)
    assert list(facts["application.purpose"]) == [None, "work"]
    assert list(facts["application.recommendation"]) == [None, False]
    assert list(facts["application.trip_explained"]) == [None, None]


def test_the_passport_office_pack_is_valid_and_passes_its_own_tests() -> None:
    from checkpoint.applications import application_pack_path
    from checkpoint.engine import load_pack
    from checkpoint.ruletests import run_pack_tests

    pack = load_pack(application_pack_path())
    assert pack.name == "passport-office" and len(pack.rules) >= 10
    assert all(rule.source and rule.ask.get("id") and rule.ask.get("en") for rule in pack.rules)
    report = run_pack_tests(pack, today=TODAY)
    assert report.cases and not report.failures, [case.case for case in report.failures]
    outcomes = {(case.rule, case.expected) for case in report.cases}
    assert {rule.id for rule in pack.rules} == {rule for rule, expected in outcomes if expected == "fire"}
