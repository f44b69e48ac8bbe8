"""Evaluation: three-valued logic, typed operators, dated lists, and the verdict policy."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.engine import evaluate, read_pack
from checkpoint.engine.evaluate import render
from checkpoint.i18n import set_language
from checkpoint.manifests import build_traveller
from checkpoint.models import Unknown, Verdict

TODAY = date(2026, 11, 28)

# Two leaves whose truth a row chooses: T (true), F (false) or U (unknown: the field is missing).
A = "{field: age, gt: 30}"
B = "{field: trip_days, gt: 30}"
AGE = {"T": 40.0, "F": 20.0, "U": None}
TRIP = {"T": 60.0, "F": 7.0, "U": None}
PAIRS = [(a, b) for a in "TFU" for b in "TFU"]

# Kleene's tables, written out rather than computed (T fires, F does not, U is listed as unknown).
AND = {"TT": "T", "TF": "F", "TU": "U", "FT": "F", "FF": "F", "FU": "F", "UT": "U", "UF": "F", "UU": "U"}
OR = {"TT": "T", "TF": "T", "TU": "T", "FT": "T", "FF": "F", "FU": "U", "UT": "T", "UF": "U", "UU": "U"}
NOT = {"T": "F", "F": "T", "U": "U"}


def outcome(assessment, rule_id: str) -> str:
    """T when the rule fired, U when it is listed as unknown, F otherwise."""
    fired = any(hit.rule == rule_id for hit in assessment.hits)
    undecided = any(item.rule == rule_id for item in assessment.unknown)
    assert not (fired and undecided)
    return "T" if fired else "U" if undecided else "F"


@pytest.fixture
def pair_facts(facts_table):
    return facts_table([{"age": AGE[a], "trip_days": TRIP[b]} for a, b in PAIRS])


def test_all_any_not_follow_kleene(make_pack, rule, pair_facts) -> None:
    pack = make_pack(
        rule("K-001", f"{{all: [{A}, {B}]}}"),
        rule("K-002", f"{{any: [{A}, {B}]}}"),
        rule("K-003", f"{{not: {A}}}"),
        rule("K-004", f"{{not: {{any: [{A}, {B}]}}}}"),
        rule("K-005", f"{{all: [{{not: {A}}}, {{not: {B}}}]}}"),
        rule("K-006", f"{{not: {{not: {A}}}}}"),
    )
    results = evaluate(pack, pair_facts, TODAY)
    for (a, b), assessment in zip(PAIRS, results, strict=True):
        assert outcome(assessment, "K-001") == AND[a + b], (a, b)
        assert outcome(assessment, "K-002") == OR[a + b], (a, b)
        assert outcome(assessment, "K-003") == NOT[a], a
        assert outcome(assessment, "K-004") == NOT[OR[a + b]], (a, b)
        assert outcome(assessment, "K-005") == outcome(assessment, "K-004"), (a, b)  # De Morgan holds
        assert outcome(assessment, "K-006") == a


def test_exists_and_missing_are_never_unknown(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("X-001", "{field: age, exists: true}"),
        rule("X-002", "{field: age, missing: true}"),
        rule("X-003", "{not: {field: age, missing: true}}"),
        rule("X-004", "{all: [{field: age, missing: true}, {field: one_way, is: true}]}"),
    )
    present, absent = evaluate(pack, facts_table([{"age": 30.0, "one_way": True}, {"one_way": True}]), TODAY)
    assert [outcome(present, r) for r in ("X-001", "X-002", "X-003", "X-004")] == ["T", "F", "T", "F"]
    assert [outcome(absent, r) for r in ("X-001", "X-002", "X-003", "X-004")] == ["F", "T", "F", "T"]


def test_unknown_never_fires_and_names_the_missing_fields(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("U-001", f"{{all: [{A}, {B}, {{field: visa_type, eq: tourist}}, {{field: age, lt: 99}}]}}", score=90)
    )
    facts = facts_table([{"visa_type": "tourist"}, {"visa_type": "student"}, {"visa_type": "tourist", "age": 40.0}])
    undecided, decided, partly = evaluate(pack, facts, TODAY)
    assert undecided.hits == () and undecided.verdict is Verdict.CLEAR and undecided.risk_score == 0
    assert undecided.unknown == (Unknown("U-001", ("age", "trip_days")),)  # each field once, in rule order
    assert decided.unknown == () and decided.hits == ()  # a false part decides `all`, known or not
    assert partly.unknown == (Unknown("U-001", ("trip_days",)),)


def test_an_empty_batch(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("E-001", f"{{any: [{A}, {{field: destination, in_list: gulf}}]}}"))
    assert evaluate(pack, facts_table([]), TODAY) == []


# -- typed operators ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "value", "fires"),
    [
        ("{field: age, eq: 18}", 18.0, True),
        ("{field: age, eq: 18}", 18.5, False),
        ("{field: age, ne: 18}", 19.0, True),
        ("{field: age, lt: 18}", 17.0, True),
        ("{field: age, lt: 18}", 18.0, False),
        ("{field: age, le: 18}", 18.0, True),
        ("{field: age, gt: 45}", 45.0, False),
        ("{field: age, ge: 45}", 45.0, True),
        ("{field: age, between: [18, 45]}", 18.0, True),
        ("{field: age, between: [18, 45]}", 45.0, True),
        ("{field: age, between: [18, 45]}", 45.5, False),
        ("{field: age, between: [18, 45]}", 17.0, False),
        ("{field: age, in: [17, 18]}", 17.0, True),
        ("{field: age, not_in: [17, 18]}", 17.0, False),
        ("{field: age, gt: 9}", 10.0, True),  # compared as numbers: '10' < '9' as text
    ],
)
def test_numbers(make_pack, rule, facts_table, when: str, value: float, fires: bool) -> None:
    pack = make_pack(rule("N-001", when))
    [result] = evaluate(pack, facts_table([{"age": value}]), TODAY)
    assert outcome(result, "N-001") == ("T" if fires else "F")


@pytest.mark.parametrize(
    ("when", "day", "fires"),
    [
        ("{field: departure_date, between: [2026-06-01, 2026-08-31]}", date(2026, 6, 1), True),
        ("{field: departure_date, between: [2026-06-01, 2026-08-31]}", date(2026, 8, 31), True),
        ("{field: departure_date, between: [2026-06-01, 2026-08-31]}", date(2026, 9, 1), False),
        ("{field: departure_date, between: [2026-06-01, 2026-08-31]}", date(2026, 5, 31), False),
        ("{field: departure_date, lt: 2026-06-01}", date(2026, 5, 31), True),
        ("{field: departure_date, lt: 2026-06-01}", date(2026, 6, 1), False),
        ("{field: departure_date, ge: 2026-06-01}", date(2026, 6, 1), True),
        ("{field: departure_date, eq: 2026-06-01}", date(2026, 6, 1), True),
        ("{field: departure_date, ne: 2026-06-01}", date(2026, 6, 1), False),
        ("{field: departure_date, gt: 2025-12-31}", date(2026, 1, 1), True),  # across a year end
    ],
)
def test_dates(make_pack, rule, facts_table, when: str, day: date, fires: bool) -> None:
    pack = make_pack(rule("D-001", when))
    [result] = evaluate(pack, facts_table([{"departure_date": day}]), TODAY)
    assert outcome(result, "D-001") == ("T" if fires else "F")


@pytest.mark.parametrize(
    ("when", "results"),
    [
        ("{field: one_way, is: true}", "TFU"),
        ("{field: one_way, is: false}", "FTU"),
        ("{field: one_way, eq: yes}", "TFU"),
        ("{field: one_way, ne: true}", "FTU"),
        ("{field: one_way, is: no}", "FTU"),
    ],
)
def test_booleans(make_pack, rule, facts_table, when: str, results: str) -> None:
    pack = make_pack(rule("B-001", when))
    assessed = evaluate(pack, facts_table([{"one_way": True}, {"one_way": False}, {}]), TODAY)
    assert "".join(outcome(a, "B-001") for a in assessed) == results


@pytest.mark.parametrize(
    ("when", "values", "results"),
    [
        ("{field: visa_type, eq: Umrah}", ["umrah", "UMRAH", "umroh", None], "TTFU"),
        ("{field: visa_type, ne: umrah}", ["Umrah", "tourist", None], "FTU"),
        ("{field: visa_type, in: [Tourist, VISIT]}", ["tourist", "visit", "student"], "TTF"),
        ("{field: visa_type, not_in: [tourist, visit]}", ["TOURIST", "student"], "FT"),
        ("{field: visa_type, matches: '^vis'}", ["visit", "VISA_FREE", "tourist visa", None], "TTFU"),
        ("{field: visa_type, matches: 'umr[ao]h'}", ["UMRAH", "umroh", "hajj"], "TTF"),
    ],
)
def test_text_ignores_case(make_pack, rule, facts_table, when: str, values: list, results: str) -> None:
    pack = make_pack(rule("S-001", when))
    assessed = evaluate(pack, facts_table([{"visa_type": v} for v in values]), TODAY)
    assert "".join(outcome(a, "S-001") for a in assessed) == results


def test_codes_written_like_words_or_numbers_stay_text(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("C-001", "{field: nationality, eq: NO}"),
        rule("C-002", "{field: booking_ref, in: [012345]}"),
        rule("C-003", "{field: destination, eq: sau}"),
        rule("C-004", "{field: destination, in: [SA, MYS]}"),  # alpha-2 or alpha-3
        rule("C-005", "{field: port, eq: NO}"),
    )
    rows = [
        {"nationality": "NOR", "booking_ref": "012345", "destination": "SAU", "port": "NO"},
        {"nationality": "SWE", "booking_ref": "12345", "destination": "ARE", "port": "NOR"},
    ]
    norway, other = evaluate(pack, facts_table(rows), TODAY)
    assert [hit.rule for hit in norway.hits] == ["C-001", "C-002", "C-003", "C-004", "C-005"]
    assert other.hits == ()


def test_a_norwegian_from_a_manifest_matches_a_rule_written_with_no(make_pack, rule, screen) -> None:
    pack = make_pack(rule("C-001", "{field: nationality, eq: NO}"), rule("C-002", "{field: destination, eq: ID}"))
    cells = {"full_name": "OLA NORDMANN", "nationality": "NO", "destination": "CGK"}
    [result] = screen(pack, [build_traveller(cells, row=1, today=TODAY)])
    assert [hit.rule for hit in result.hits] == ["C-001", "C-002"]


def test_a_pattern_sees_only_the_start_of_a_long_value(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("R-001", "{field: flight, matches: 'X'}"))
    early, late = evaluate(pack, facts_table([{"flight": "X" + "A" * 300}, {"flight": "A" * 300 + "X"}]), TODAY)
    assert outcome(early, "R-001") == "T"
    assert outcome(late, "R-001") == "F"


# -- named lists with effective dates ---------------------------------------------------------------------

DATED_LISTS = """\
  scam:
    entries:
      - values: [KHM, MMR]
      - values: [THA]
        from: 2025-01-01
      - values: [LAO]
        until: 2025-01-01
"""


def test_lists_apply_on_each_travellers_departure_date(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("L-001", "{field: destination, in_list: scam}"),
        rule("L-002", "{field: destination, not_in_list: scam}"),
        lists=DATED_LISTS,
    )
    rows = [
        {"destination": "THA", "departure_date": date(2024, 12, 31)},
        {"destination": "THA", "departure_date": date(2025, 1, 1)},
        {"destination": "LAO", "departure_date": date(2024, 12, 31)},
        {"destination": "LAO", "departure_date": date(2025, 1, 1)},
        {"destination": "KHM", "departure_date": date(1990, 1, 1)},
        {"destination": "tha", "departure_date": date(2030, 1, 1)},
        {"destination": None, "departure_date": date(2030, 1, 1)},
    ]
    assessed = evaluate(pack, facts_table(rows), TODAY)
    assert "".join(outcome(a, "L-001") for a in assessed) == "FTTFTTU"
    assert "".join(outcome(a, "L-002") for a in assessed) == "TFFTFFU"


def test_without_a_departure_date_lists_apply_on_the_screening_date(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("L-001", "{field: destination, in_list: scam}"), lists=DATED_LISTS)
    facts = facts_table([{"destination": "THA"}, {"destination": "LAO"}])
    before = evaluate(pack, facts, date(2024, 6, 1))
    after = evaluate(pack, facts, date(2025, 6, 1))
    assert [outcome(a, "L-001") for a in before] == ["F", "T"]
    assert [outcome(a, "L-001") for a in after] == ["T", "F"]


def test_the_same_traveller_before_and_after_a_list_change(default_pack, screen) -> None:
    cells = {"full_name": "RIZKY PRATAMA", "destination": "BKK", "ticket": "one_way"}
    before = build_traveller({**cells, "departure_date": "2024-12-31"}, row=1, today=TODAY)
    after = build_traveller({**cells, "departure_date": "2025-01-01"}, row=2, today=TODAY)
    first, second = screen(default_pack, [before, after])
    assert "NP-002" not in {hit.rule for hit in first.hits}
    assert "NP-002" in {hit.rule for hit in second.hits}


# -- policy: families, thresholds, forced outcomes -----------------------------------------------------


def test_a_family_counts_once_with_its_highest_score(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("F-001", A, score=25, family="visitor"),
        rule("F-002", A, score=40, family="visitor"),
        rule("F-003", A, score=15),
        rule("F-004", B, score=20, family="visitor"),
    )
    [result] = evaluate(pack, facts_table([{"age": 40.0, "trip_days": 60.0}]), TODAY)
    assert {hit.rule for hit in result.hits} == {"F-001", "F-002", "F-003", "F-004"}  # all are still shown
    assert result.risk_score == 40 + 15
    assert result.verdict is Verdict.REFER


@pytest.mark.parametrize(
    ("score", "verdict"),
    [(0, Verdict.CLEAR), (29, Verdict.CLEAR), (30, Verdict.REFER), (69, Verdict.REFER), (70, Verdict.HOLD)],
)
def test_thresholds(make_pack, rule, facts_table, score: int, verdict: Verdict) -> None:
    pack = make_pack(rule("T-001", A, score=score, severity="low"))
    [result] = evaluate(pack, facts_table([{"age": 40.0}]), TODAY)
    assert (result.risk_score, result.verdict) == (score, verdict)


def test_scores_add_up_to_at_most_100(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("T-001", A, score=60), rule("T-002", A, score=60), rule("T-003", B, score=10))
    one, both = evaluate(pack, facts_table([{"trip_days": 60.0}, {"age": 40.0, "trip_days": 60.0}]), TODAY)
    assert (one.risk_score, one.verdict) == (10, Verdict.CLEAR)
    assert (both.risk_score, both.verdict) == (100, Verdict.HOLD)


FORCE = """\
  force:
    - {severity: critical, verdict: hold}
    - {rule: T-002, verdict: refer}
    - {rule: T-003, verdict: refer}
"""


def test_forced_outcomes(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("T-001", A, score=5, severity="critical"),
        rule("T-002", B, score=5, severity="low"),
        rule("T-003", "{field: one_way, is: true}", score=5, severity="critical"),
        policy=FORCE,
    )
    rows = [{"age": 40.0}, {"trip_days": 60.0}, {"one_way": True}, {"age": 1.0, "trip_days": 1.0}]
    critical, by_rule, both, none = evaluate(pack, facts_table(rows), TODAY)
    assert (critical.risk_score, critical.verdict) == (5, Verdict.HOLD)
    assert (by_rule.risk_score, by_rule.verdict) == (5, Verdict.REFER)
    # A rule's own entry does not hide its severity's: both are floors, the graver one wins.
    assert both.verdict is Verdict.HOLD
    assert none.verdict is Verdict.CLEAR


def test_a_forced_outcome_never_lowers_a_verdict(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("T-002", A, score=80, severity="low"), policy="  force:\n    - {rule: T-002, verdict: refer}")
    [result] = evaluate(pack, facts_table([{"age": 40.0}]), TODAY)
    assert result.verdict is Verdict.HOLD


def test_the_unknown_policy_raises_a_verdict(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("T-001", A, score=50),
        rule("T-002", B, score=50),
        policy="  unknown:\n    - {rule: T-001, verdict: refer}",
    )
    only_first, only_second, known = evaluate(
        pack, facts_table([{"trip_days": 1.0}, {"age": 1.0}, {"age": 1.0}]), TODAY
    )
    assert (only_first.risk_score, only_first.verdict) == (0, Verdict.REFER)
    assert only_first.unknown == (Unknown("T-001", ("age",)),)
    assert only_second.verdict is Verdict.CLEAR and only_second.unknown == (Unknown("T-002", ("trip_days",)),)
    assert known.verdict is Verdict.CLEAR


# -- what the verdict could be (SPEC §5 could_be) --------------------------------------------------------


def test_could_be_counts_every_undecided_rule_as_fired(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("T-001", A, score=40), rule("T-002", B, score=40))
    rows = [{"age": 40.0}, {}, {"age": 40.0, "trip_days": 1.0}, {"age": 1.0, "trip_days": 1.0}]
    one_open, both_open, decided, nothing = evaluate(pack, facts_table(rows), TODAY)
    assert (one_open.verdict, one_open.could_be) == (Verdict.REFER, Verdict.HOLD)  # 40, or 80 if trip_days fires
    assert (both_open.verdict, both_open.could_be) == (Verdict.CLEAR, Verdict.HOLD)
    assert (decided.verdict, decided.could_be) == (Verdict.REFER, None)
    assert (nothing.verdict, nothing.could_be) == (Verdict.CLEAR, None)


def test_could_be_is_left_out_when_it_is_no_worse(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("T-001", A, score=80), rule("T-002", B, score=10))
    held, low = evaluate(pack, facts_table([{"age": 40.0}, {"age": 1.0}]), TODAY)
    assert held.unknown and (held.verdict, held.could_be) == (Verdict.HOLD, None)
    assert low.unknown and (low.verdict, low.could_be) == (Verdict.CLEAR, None)  # 10 points cannot refer


def test_could_be_follows_families_and_forced_verdicts(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("T-001", A, score=30, family="visitor"),
        rule("T-002", B, score=35, family="visitor"),
        rule("T-003", "{field: one_way, is: true}", score=5, severity="critical"),
        policy=FORCE,
    )
    rows = [{"age": 40.0, "one_way": False}, {"age": 40.0, "trip_days": 60.0}]
    family, forced = evaluate(pack, facts_table(rows), TODAY)
    # The family counts once even in the worst case (35, not 65); an undecided critical rule would force hold.
    assert (family.verdict, family.could_be) == (Verdict.REFER, None)
    assert (forced.risk_score, forced.verdict, forced.could_be) == (35, Verdict.REFER, Verdict.HOLD)


def test_could_be_keeps_the_unknown_policy_floor(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("T-001", A, score=10), rule("T-002", B, score=80), policy="  unknown:\n    - {rule: T-001, verdict: refer}"
    )
    [result] = evaluate(pack, facts_table([{"trip_days": 1.0}]), TODAY)
    assert (result.verdict, result.could_be) == (Verdict.REFER, None)  # the floor already says refer
    [worse] = evaluate(pack, facts_table([{}]), TODAY)
    assert (worse.verdict, worse.could_be) == (Verdict.REFER, Verdict.HOLD)


#: Values that make each leaf of the could_be property's pack true or false.
FILLINGS = {"age": (20.0, 40.0), "trip_days": (7.0, 60.0), "one_way": (False, True)}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({name: st.sampled_from((None, *values)) for name, values in FILLINGS.items()}),
        min_size=1,
        max_size=6,
    )
)
def test_could_be_is_the_worst_verdict_any_filling_of_the_missing_data_gives(make_pack_once, rows) -> None:
    """Each undecided rule here rests on a field of its own, so every worst case can happen: could_be is the
    worst verdict over every way of filling in what is missing (exactly, not only a bound)."""
    pack, table = make_pack_once
    assessed = evaluate(pack, table(rows), TODAY)
    for row, assessment in zip(rows, assessed, strict=True):
        missing = [name for name, value in row.items() if value is None]
        worst = Verdict.CLEAR
        for filling in itertools.product(*(FILLINGS[name] for name in missing)):
            [filled] = evaluate(pack, table([{**row, **dict(zip(missing, filling, strict=True))}]), TODAY)
            worst = Verdict.worst(worst, filled.verdict)
        expected = worst if worst.rank > assessment.verdict.rank else None
        assert assessment.could_be == expected, (row, assessment)


#: The could_be property's pack: families, forced verdicts, a rule on two fields (see FORCE).
COULD_BE_PACK = """\
pack: {name: could-be, version: "1"}
policy:
  refer_at: 30
  hold_at: 70
%s
rules:
%s
"""
COULD_BE_RULES = [
    ("T-001", A, 25, "low", "visitor"),
    ("T-002", B, 40, "low", "visitor"),
    ("T-003", "{field: one_way, is: true}", 10, "critical", None),
    ("T-004", "{all: [{field: age, gt: 30}, {field: one_way, is: true}]}", 30, "low", None),
]


@pytest.fixture(scope="module")
def make_pack_once(tmp_path_factory):
    """The could_be property's pack, read once for every example, and a facts-table builder."""
    from checkpoint.engine.facts import Facts
    from checkpoint.engine.pack import fields_of

    rules = "".join(
        f"  - id: {rule_id}\n    title: {{id: aturan, en: rule}}\n    severity: {severity}\n    score: {score}\n"
        + (f"    family: {family}\n" if family else "")
        + f"    explanation: {{id: aturan, en: fired}}\n    when: {when}\n"
        + "    tests: [{traveller: {full_name: SITI}, expect: no_fire}]\n"
        for rule_id, when, score, severity, family in COULD_BE_RULES
    )
    folder = tmp_path_factory.mktemp("could_be")
    (folder / "pack.yaml").write_text(COULD_BE_PACK % (FORCE, rules), encoding="utf-8")
    pack, problems = read_pack(folder)
    assert problems == [] and pack is not None
    return pack, lambda rows: Facts.from_rows(rows, list(fields_of("traveller")))


def test_draft_and_retired_rules_are_not_screened(make_pack, rule, facts_table) -> None:
    pack = make_pack(rule("T-001", A, status="draft"), rule("T-002", A, status="retired"), rule("T-003", A))
    [result] = evaluate(pack, facts_table([{"age": 40.0}]), TODAY)
    assert [hit.rule for hit in result.hits] == ["T-003"]
    [draft] = evaluate(pack, facts_table([{"age": 40.0}]), TODAY, rules=[pack.rules[0]])
    assert [hit.rule for hit in draft.hits] == ["T-001"]


def test_hits_are_ordered_by_severity_then_score(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        rule("T-001", A, score=10, severity="low"),
        rule("T-002", A, score=10, severity="high"),
        rule("T-003", A, score=30, severity="high"),
        rule("T-004", A, score=1, severity="critical"),
    )
    [result] = evaluate(pack, facts_table([{"age": 40.0}]), TODAY)
    assert [hit.rule for hit in result.hits] == ["T-004", "T-003", "T-002", "T-001"]


# -- explanations --------------------------------------------------------------------------------------


def test_explanations_render_values_as_an_officer_reads_them(make_pack, rule, facts_table) -> None:
    template = "{age} y, conf {match.confidence}, one way {one_way}, back {return_date}, to {destination}"
    pack = make_pack(rule("T-001", "{field: visa_type, eq: tourist}", en=template))
    rows = [
        {
            "visa_type": "tourist",
            "age": 17.0,
            "match.confidence": 0.97,
            "one_way": True,
            "return_date": date(2026, 12, 5),
            "destination": "SAU",
        },
        {"visa_type": "tourist", "one_way": False},
    ]
    full, sparse = evaluate(pack, facts_table(rows), TODAY)
    assert full.hits[0].explanation == "17 y, conf 0.97, one way yes, back 2026-12-05, to SAU"
    assert sparse.hits[0].explanation == "? y, conf ?, one way no, back ?, to ?"


def test_hits_speak_the_language_of_the_run(make_pack, rule, facts_table, write_pack) -> None:
    """Title, explanation and questions in the run's language (`--lang`), booleans in its words; codes stay."""
    text = (Path(__file__).parents[1] / "fixtures" / "packs" / "engine_minimal_pack.yaml").read_text("utf-8")
    pack = make_pack(
        rule("T-001", "{field: one_way, is: true}", en="One way: {one_way}.", id="Sekali jalan: {one_way}."),
    )
    minimal, problems = read_pack(write_pack({"pack.yaml": text}))
    assert problems == [] and minimal is not None
    facts = facts_table([{"destination": "KHM", "one_way": True}])
    [english] = evaluate(minimal, facts, TODAY)
    assert (english.hits[0].title, english.hits[0].explanation) == (
        "One way to a scam-compound country",
        "One-way trip to KHM.",
    )
    assert english.hits[0].ask == ("Why are you going there?",)
    [indonesian] = evaluate(minimal, facts, TODAY, language="id")
    assert indonesian.hits[0].title == "Sekali jalan ke negara sindikat penipuan daring"
    assert indonesian.hits[0].explanation == "Tiket sekali jalan ke KHM."
    assert indonesian.hits[0].ask == ("Apa tujuan Anda ke sana?",)
    assert (indonesian.hits[0].rule, indonesian.hits[0].severity) == ("MN-001", "high")
    try:
        set_language("id")  # what `--lang id` does
        [spoken] = evaluate(pack, facts, TODAY)
    finally:
        set_language("en")
    assert spoken.hits[0].explanation == "Sekali jalan: ya."
    assert spoken.hits[0].title == "aturan T-001" and spoken.hits[0].ask == ()


def test_render_directly() -> None:
    assert render("{a} {b} {c} {d} {e}", {"a": 3.0, "b": 2.5, "c": False, "d": None, "e": float("nan")}) == (
        "3 2.5 no ? ?"
    )
