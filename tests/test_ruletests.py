"""`checkpoint rules test`: a pack's embedded cases run through the real screening path."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checkpoint.engine import default_pack_path, load_pack
from checkpoint.engine.pack import CaseTraveller, RuleTest
from checkpoint.ruletests import case_traveller, run_case, run_pack_tests

SAMPLE = Path(__file__).parent / "fixtures" / "packs" / "ruletests_sample.yaml"
TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def sample():
    return load_pack(SAMPLE)


@pytest.fixture(scope="module")
def report(sample):
    return run_pack_tests(sample, today=TODAY)


def test_a_wrong_expectation_is_reported_with_its_place(report) -> None:
    single, in_manifest = report.failures
    assert (single.rule, single.case, single.expected, single.actual) == (
        "RT-001",
        "wrongly expected",
        "fire",
        "no_fire",
    )
    assert single.location == f"{SAMPLE}:27:9"
    assert not single.passed
    # A manifest case fails traveller by traveller, at the traveller's own line.
    assert (in_manifest.rule, in_manifest.case, in_manifest.actual) == (
        "RT-006",
        "three of four one way [traveller 4]",
        "no_fire",
    )
    assert in_manifest.location == f"{SAMPLE}:109:13"


def test_every_case_of_active_and_draft_rules_runs(report) -> None:
    outcomes = [(case.rule, case.actual) for case in report.cases]
    assert outcomes == [
        ("RT-001", "fire"),
        ("RT-001", "no_fire"),
        ("RT-001", "no_fire"),
        ("RT-002", "fire"),  # a draft; its record says BPJS `tidak`
        ("RT-002", "unknown"),
        ("RT-004", "fire"),  # facts override, lower-case status, an airport as the record's country
        ("RT-004", "unknown"),
        ("RT-005", "no_fire"),
        ("RT-005", "fire"),
        *[("RT-006", "fire")] * 3,  # three of four one way, on one booking
        ("RT-006", "no_fire"),  # … and the fourth, with a return ticket, is not a member
        *[("RT-006", "unknown")] * 3,  # two one way and one whose ticket is unknown: maybe three
        ("RT-006", "no_fire"),  # one alone
    ]
    assert "RT-003" not in {case.rule for case in report.cases}  # retired
    assert report.untested_rules == ()


def test_an_unreadable_value_in_a_case_is_not_silent(report) -> None:
    warned = {case.case: case.warnings for case in report.cases if case.warnings}
    assert list(warned) == ["impossible date (read as missing, so the screening date stands in)"]
    assert "departure_date '2024-02-30' is not a real calendar date" in warned[next(iter(warned))][0]


def test_conditions_never_seen_both_ways_are_listed(report) -> None:
    one_sided = [entry.split(" (")[0] for entry in report.one_sided_conditions]
    assert one_sided == [
        "RT-002 record.bpjs_active eq",
        "RT-004 candidates.count ge",
        "RT-004 record.status eq",
        "RT-004 record.destination_agrees eq",
    ]
    assert report.one_sided_conditions[0].endswith(f"({SAMPLE}:37:11)")


def test_the_default_pack_passes_whatever_the_screening_date() -> None:
    pack = load_pack(default_pack_path())
    for today in (date(2000, 1, 1), date(2045, 6, 30)):  # TODAY: tests/engine/test_engine_default_pack.py
        report = run_pack_tests(pack, today=today)
        assert report.cases and report.failures == (), today
        assert len(report.cases) == sum(len(case.travellers) for rule in pack.rules for case in rule.tests)


def test_a_case_is_read_as_on_its_own_departure_date(sample) -> None:
    entry = CaseTraveller(
        {"full_name": "SITI", "date_of_birth": "2009-03-01", "departure_date": "2026-11-28"},
        None,
        {},
        "fire",
        sample.rules[0].mark,
    )
    traveller = case_traveller(entry, today=date(2005, 1, 1))
    assert traveller.date_of_birth == date(2009, 3, 1)
    assert traveller.warnings == ()


def with_entry(case: RuleTest, **changes) -> RuleTest:
    """The single-traveller case with its traveller changed."""
    [entry] = case.travellers
    return replace(case, travellers=(replace(entry, **changes),))


def test_a_fact_override_replaces_the_derived_fact(sample) -> None:
    rule = next(rule for rule in sample.rules if rule.id == "RT-004")
    case = rule.tests[0]
    assert run_case(sample, rule, case, TODAY)[0] == ["fire"]
    fewer = with_entry(case, facts={"candidates.count": "3"})
    assert run_case(sample, rule, fewer, TODAY)[0] == ["no_fire"]
    cleared = with_entry(case, facts={"candidates.count": None})
    assert run_case(sample, rule, cleared, TODAY)[0] == ["unknown"]


def test_a_country_fact_override_is_read_as_a_country(sample) -> None:
    rule = sample.rules[0]  # RT-001: destination in the `scam` list (THA from 2025)
    [entry] = rule.tests[0].travellers
    moved = with_entry(rule.tests[0], traveller={**entry.traveller, "destination": None}, facts={"destination": "TH"})
    assert run_case(sample, rule, moved, TODAY)[0] == ["fire"]


def test_a_manifest_case_is_screened_as_one_batch(sample) -> None:
    rule = next(rule for rule in sample.rules if rule.id == "RT-006")
    case = rule.tests[0]
    assert run_case(sample, rule, case, TODAY)[0] == ["fire", "fire", "fire", "no_fire"]
    # Each traveller alone is a group of one: nobody reaches three.
    for entry in case.travellers:
        alone = replace(case, travellers=(entry,), manifest=False)
        assert run_case(sample, rule, alone, TODAY)[0] == ["no_fire"]
    # `shared` cells apply to every traveller; a traveller's own cell wins.
    assert {entry.traveller["booking_ref"] for entry in case.travellers} == {"PNR001"}
    assert case.travellers[3].traveller["return_date"] == "2026-12-01"
