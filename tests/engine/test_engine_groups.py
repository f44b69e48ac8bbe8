"""Group rules: travellers grouped by booking, agent group or flight; counts of members, Kleene-aware."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.engine import Facts, evaluate
from checkpoint.engine.groups import count_test
from checkpoint.models import Unknown
from checkpoint.ruletests import run_pack_tests

TODAY = date(2026, 11, 28)
ONE_WAY = "{field: one_way, is: true}"


def group_rule(
    rule,
    rule_id: str,
    when: str,
    *,
    by: str = "booking_ref",
    members: str | None = ONE_WAY,
    lands_on: str | None = None,
    en: str = "rule fired",
) -> str:
    extra = {"scope": "group", "group_by": by}
    if members is not None:
        extra["members"] = members
    if lands_on is not None:
        extra["lands_on"] = lands_on
    return rule(rule_id, when, extra=extra, en=en)


def outcome(assessment, rule_id: str = "G-001") -> str:
    """T when the rule fired, U when listed as unknown, F otherwise."""
    if any(hit.rule == rule_id for hit in assessment.hits):
        return "T"
    return "U" if any(item.rule == rule_id for item in assessment.unknown) else "F"


def outcomes(pack, facts) -> str:
    return "".join(outcome(a) for a in evaluate(pack, facts, TODAY))


def rows(*specs: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(spec) for spec in specs]


# -- grouping ----------------------------------------------------------------------------------------------


def test_members_of_a_big_enough_booking_get_the_hit(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 3}"))
    facts = facts_table(
        [
            {"booking_ref": "AAA111", "one_way": True},
            {"booking_ref": "AAA111", "one_way": True},
            {"booking_ref": "AAA111", "one_way": False},  # on the booking, not a member: no hit
            {"booking_ref": "AAA111", "one_way": True},
            {"booking_ref": "BBB222", "one_way": True},
            {"booking_ref": "BBB222", "one_way": True},
        ]
    )
    assert outcomes(pack, facts) == "TTFTFF"


def test_keys_ignore_case_and_spaces_and_a_missing_key_is_a_group_of_one(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.size, ge: 3}", members=None))
    facts = facts_table(
        [
            {"booking_ref": "qx7p2a"},
            {"booking_ref": "QX7P2A"},
            {"booking_ref": " QX7 P2A "},
            {"booking_ref": None},
            {"booking_ref": None},
            {"booking_ref": None},
        ]
    )
    assert outcomes(pack, facts) == "TTTFFF"


@pytest.mark.parametrize("by", ["booking_ref", "group_code"])
def test_each_key_groups_on_its_own_column(make_pack, rule, facts_table, by: str) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.size, ge: 2}", by=by, members=None))
    other = "group_code" if by == "booking_ref" else "booking_ref"
    facts = facts_table([{by: "K1", other: "A"}, {by: "K1", other: "B"}, {by: "K2", other: "A"}])
    assert outcomes(pack, facts) == "TTF"


def test_a_flight_is_one_flight_on_one_day(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.size, ge: 2}", by="flight", members=None))
    day, next_day = date(2026, 11, 28), date(2026, 11, 29)
    facts = facts_table(
        [
            {"flight": "GA820", "departure_date": day},
            {"flight": "GA 820", "departure_date": day},
            {"flight": "GA820", "departure_date": next_day},
            {"flight": "QZ202", "departure_date": next_day},
        ]
    )
    assert outcomes(pack, facts) == "TTFF"


def test_without_a_member_condition_everyone_counts(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 2}", members=None))
    facts = facts_table([{"booking_ref": "A"}, {"booking_ref": "A", "one_way": False}])
    assert outcomes(pack, facts) == "TT"


def test_a_hit_can_land_on_everyone_in_the_group(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 2}", lands_on="everyone"))
    facts = facts_table(
        [
            {"booking_ref": "A", "one_way": True},
            {"booking_ref": "A", "one_way": True},
            {"booking_ref": "A", "one_way": False},  # the escort with a return ticket
            {"booking_ref": "B", "one_way": True},
        ]
    )
    assert outcomes(pack, facts) == "TTTF"


def test_share_is_members_over_size(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        group_rule(rule, "G-001", "{all: [{field: group.size, ge: 4}, {field: group.share, ge: 0.75}]}"),
    )
    three_of_four = [{"booking_ref": "A", "one_way": True}] * 3 + [{"booking_ref": "A", "one_way": False}]
    two_of_four = [{"booking_ref": "B", "one_way": True}] * 2 + [{"booking_ref": "B", "one_way": False}] * 2
    assert outcomes(pack, facts_table(three_of_four + two_of_four)) == "TTTF" + "FFFF"


# -- unknown members ---------------------------------------------------------------------------------------


def test_unknown_members_make_the_count_a_range(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 3}"))
    facts = facts_table(
        [
            # booking A: two surely, one unknown -> two or three members: the test is unknown
            {"booking_ref": "A", "one_way": True},
            {"booking_ref": "A", "one_way": True},
            {"booking_ref": "A", "one_way": None},
            # booking B: three surely, one unknown -> at least three: true, though one member is undecided
            {"booking_ref": "B", "one_way": True},
            {"booking_ref": "B", "one_way": True},
            {"booking_ref": "B", "one_way": True},
            {"booking_ref": "B", "one_way": None},
            # booking C: one surely, one unknown -> at most two: surely false for all
            {"booking_ref": "C", "one_way": True},
            {"booking_ref": "C", "one_way": None},
        ]
    )
    results = evaluate(pack, facts, TODAY)
    assert "".join(outcome(a) for a in results) == "UUU" + "TTTU" + "FF"
    # Sure members of an undecided group: another member lacks the field. The undecided member: itself.
    assert results[0].unknown == (Unknown("G-001", ("members.one_way",)),)
    assert results[2].unknown == (Unknown("G-001", ("one_way",)),)
    assert results[6].unknown == (Unknown("G-001", ("one_way",)),)  # the group is decided: only its own gap


def test_members_unknown_is_a_count_supervisors_may_test(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members_unknown, ge: 2}", lands_on="everyone"))
    facts = facts_table(
        [{"booking_ref": "A", "one_way": None}, {"booking_ref": "A", "one_way": None}, {"booking_ref": "B"}]
    )
    assert outcomes(pack, facts) == "TTF"


def test_an_undecided_group_lists_member_fields_for_everyone_when_the_hit_lands_on_everyone(
    make_pack, rule, facts_table
) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 2}", lands_on="everyone"))
    facts = facts_table([{"booking_ref": "A", "one_way": True}, {"booking_ref": "A", "one_way": None}])
    results = evaluate(pack, facts, TODAY)
    assert [a.unknown for a in results] == [(Unknown("G-001", ("members.one_way",)),)] * 2


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        # counts 2..4 possible (2 surely, 2 unknown, group of 5)
        ("ge", 2, "T"),
        ("ge", 3, "U"),
        ("ge", 5, "F"),
        ("gt", 4, "F"),
        ("le", 4, "T"),
        ("lt", 3, "U"),
        ("lt", 2, "F"),
        ("eq", 3, "U"),
        ("eq", 5, "F"),
        ("ne", 5, "T"),
        ("ne", 3, "U"),
        ("between", "[2, 4]", "T"),
        ("between", "[3, 9]", "U"),
        ("between", "[5, 9]", "F"),
    ],
)
def test_every_count_operator_on_a_partly_known_count(
    make_pack, rule, facts_table, op: str, value: object, expected: str
) -> None:
    pack = make_pack(group_rule(rule, "G-001", f"{{field: group.members, {op}: {value}}}", lands_on="everyone"))
    group = [True, True, None, None, False]
    facts = facts_table([{"booking_ref": "A", "one_way": flag} for flag in group])
    assert set(outcomes(pack, facts)) == {expected}


def test_a_share_no_whole_count_reaches_is_false(make_pack, rule, facts_table) -> None:
    # 1 or 2 members of 3: a third or two thirds, never a half.
    pack = make_pack(group_rule(rule, "G-001", "{field: group.share, eq: 0.5}", lands_on="everyone"))
    facts = facts_table([{"booking_ref": "A", "one_way": flag} for flag in (True, None, False)])
    assert outcomes(pack, facts) == "FFF"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    sure=st.integers(0, 6),
    undecided=st.integers(0, 6),
    others=st.integers(0, 6),
    op=st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge", "between"]),
    share=st.booleans(),
    numbers=st.lists(st.integers(0, 20), min_size=2, max_size=2),
)
def test_count_tests_agree_with_trying_every_possible_count(
    sure: int, undecided: int, others: int, op: str, share: bool, numbers: list[int]
) -> None:
    size = max(sure + undecided + others, 1)
    low, high = sorted(numbers)
    # Values as a supervisor writes them: whole counts, or tenths of a share.
    value: Any = (low / 20, high / 20) if share else (low, high)
    if op != "between":
        value = value[0]
    scale = np.array([float(size)]) if share else np.array([1.0])
    true, false = count_test(np.array([float(sure)]), np.array([float(sure + undecided)]), op, value, scale)

    def holds(count: int) -> bool:
        measured = count / size if share else count
        if op == "between":
            return bool(value[0] <= measured <= value[1])
        return {
            "eq": measured == value,
            "ne": measured != value,
            "lt": measured < value,
            "le": measured <= value,
            "gt": measured > value,
            "ge": measured >= value,
        }[op]

    possible = [holds(count) for count in range(sure, sure + undecided + 1)]
    assert bool(true[0]) == all(possible)
    assert bool(false[0]) == (not any(possible))


# -- explanations and scale --------------------------------------------------------------------------------


def test_explanations_show_group_facts(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        group_rule(
            rule,
            "G-001",
            "{field: group.members, ge: 2}",
            en="{group.members} of {group.size} ({group.share}) on {booking_ref}",
        )
    )
    facts = facts_table([{"booking_ref": "QX7P2A", "one_way": flag} for flag in (True, True, False)])
    first, _, third = evaluate(pack, facts, TODAY)
    assert first.hits[0].explanation == "2 of 3 (67%) on QX7P2A"
    assert third.hits == ()


def test_group_rules_over_a_large_batch_count_each_booking(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 4}"))
    # 4,000 bookings of five: in every third, only three travel one way.
    bookings = 4_000
    facts = facts_table(
        [
            {"booking_ref": f"B{number}", "one_way": position < (3 if number % 3 == 0 else 5)}
            for number in range(bookings)
            for position in range(5)
        ]
    )
    fired = np.array([outcome(a) == "T" for a in evaluate(pack, facts, TODAY)]).reshape(bookings, 5)
    assert not fired[::3].any()
    assert fired[1::3].all() and fired[2::3].all()


def test_traveller_and_group_rules_share_one_pack(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        group_rule(rule, "G-001", "{field: group.members, ge: 2}"),
        rule("T-001", "{field: age, lt: 18}"),
    )
    facts = facts_table(
        [{"booking_ref": "A", "one_way": True, "age": 10.0}, {"booking_ref": "A", "one_way": True, "age": 40.0}]
    )
    child, adult = evaluate(pack, facts, TODAY)
    assert [hit.rule for hit in child.hits] == ["G-001", "T-001"]
    assert [hit.rule for hit in adult.hits] == ["G-001"]


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(["T", "F", "U"], 2)))
def test_a_traveller_outcome_is_member_condition_and_group_test(
    make_pack, rule, facts_table, first: str, second: str
) -> None:
    # Group of two; the group needs both: its test is T only if both are T, F if either is F.
    value = {"T": True, "F": False, "U": None}
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 2}"))
    facts = facts_table([{"booking_ref": "A", "one_way": value[first]}, {"booking_ref": "A", "one_way": value[second]}])
    group = "F" if "F" in (first, second) else "U"
    expected = "".join("F" if "F" in (own, group) else "U" for own in (first, second))
    assert outcomes(pack, facts) == expected


def test_the_unknown_policy_applies_to_group_rules(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        group_rule(rule, "G-001", "{field: group.members, ge: 3}"),
        policy="  unknown:\n    - {rule: G-001, verdict: refer}",
    )
    facts = facts_table(
        [{"booking_ref": "A", "one_way": flag} for flag in (True, True, None)]
        + [{"booking_ref": "B", "one_way": flag} for flag in (True, None)]
    )
    verdicts = [a.verdict.value for a in evaluate(pack, facts, TODAY)]
    # Booking A may hold three members: undecided, so referred. Booking B cannot reach three: clear.
    assert verdicts == ["refer", "refer", "refer", "clear", "clear"]


def test_could_be_counts_an_undecided_group_rule_as_fired(make_pack, rule, facts_table) -> None:
    extra = {"scope": "group", "group_by": "booking_ref", "members": ONE_WAY}
    pack = make_pack(rule("G-001", "{field: group.members, ge: 3}", score=70, extra=extra))
    facts = facts_table(
        [{"booking_ref": "A", "one_way": flag} for flag in (True, True, None)]
        + [{"booking_ref": "B", "one_way": flag} for flag in (True, None)]
    )
    assessed = evaluate(pack, facts, TODAY)
    assert [(a.verdict.value, a.could_be and a.could_be.value) for a in assessed] == [
        ("clear", "hold"),  # booking A may hold three members: the hit could land on each
        ("clear", "hold"),
        ("clear", "hold"),
        ("clear", None),  # booking B cannot reach three
        ("clear", None),
    ]


def test_group_rules_in_rules_test_use_the_same_counts(make_pack, rule) -> None:
    case = (
        "{name: four, shared: {booking_ref: X, ticket: one_way}, manifest: ["
        "{traveller: {full_name: A}, expect: fire}, {traveller: {full_name: B}, expect: fire}, "
        "{traveller: {full_name: C}, expect: fire}, {traveller: {full_name: D, ticket: return}, expect: no_fire}]}"
    )
    text = group_rule(rule, "G-001", "{field: group.members, ge: 3}").replace(
        "{traveller: {full_name: SITI}, expect: no_fire}", case
    )
    report = run_pack_tests(make_pack(text), today=TODAY)
    assert [(c.case, c.actual) for c in report.cases] == [
        ("four [traveller 1]", "fire"),
        ("four [traveller 2]", "fire"),
        ("four [traveller 3]", "fire"),
        ("four [traveller 4]", "no_fire"),
    ]
    assert report.failures == ()


# -- one person listed twice -------------------------------------------------------------------------------


def with_persons(facts: Facts, persons: list[int]) -> Facts:
    """The same facts, with travellers marked as one person listed more than once (`Facts.persons`)."""
    return Facts({name: facts[name] for name in facts}, len(facts), np.array(persons))


def test_one_person_listed_twice_counts_once(make_pack, rule, facts_table) -> None:
    pack = make_pack(
        group_rule(rule, "G-001", "{field: group.members, ge: 4}"),
        group_rule(rule, "G-002", "{all: [{field: group.size, eq: 3}, {field: group.share, eq: 1}]}", members=ONE_WAY),
    )
    facts = facts_table([{"booking_ref": "A", "one_way": True}] * 4)
    assert outcomes(pack, facts) == "TTTT"  # four travellers
    once = with_persons(facts, [0, 1, 2, 1])
    assert outcomes(pack, once) == "FFFF"  # three people
    assert ["G-002" in {hit.rule for hit in a.hits} for a in evaluate(pack, once, TODAY)] == [True] * 4


def test_a_person_counts_as_a_member_when_any_of_their_rows_is_one(make_pack, rule, facts_table) -> None:
    pack = make_pack(group_rule(rule, "G-001", "{field: group.members, ge: 2}", en="{group.members} of {group.size}"))
    facts = with_persons(
        facts_table(
            [
                {"booking_ref": "A", "one_way": True},
                {"booking_ref": "A", "one_way": False},  # the same person, listed with a return ticket
                {"booking_ref": "A", "one_way": None},  # the same person again, ticket unknown
                {"booking_ref": "A", "one_way": True},
                {"booking_ref": "B", "one_way": True},  # the same person, on another booking: its own group
            ]
        ),
        [0, 0, 0, 3, 0],
    )
    assessed = evaluate(pack, facts, TODAY)
    assert "".join(outcome(a) for a in assessed) == "TFUTF"  # the hit lands on the rows that are members
    assert {hit.explanation for a in assessed for hit in a.hits} == {"2 of 2"}  # two people on booking A


def test_listing_one_person_twice_is_counted_once_in_a_manifest_case(make_pack, rule) -> None:
    case = (
        "{name: three people, shared: {booking_ref: X, ticket: one_way}, manifest: ["
        "{traveller: {full_name: SITI AMINAH, date_of_birth: 1990-05-17}, expect: no_fire}, "
        "{traveller: {full_name: BUDI}, expect: no_fire}, {traveller: {full_name: DEWI}, expect: no_fire}, "
        "{traveller: {full_name: AMINAH SITI, date_of_birth: 1990-05-17}, expect: no_fire}]}"
    )
    text = group_rule(rule, "G-001", "{field: group.members, ge: 4}").replace(
        "{traveller: {full_name: SITI}, expect: no_fire}", case
    )
    report = run_pack_tests(make_pack(text), today=TODAY)
    assert len(report.cases) == 4 and report.failures == ()
