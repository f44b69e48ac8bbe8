"""The batch summary the table, the HTML report and the spreadsheet share: computed once, rendered three ways."""

from __future__ import annotations

from dataclasses import replace

from checkpoint.models import Hit, ScreeningResult, Subject, Traveller, Unknown, Verdict
from checkpoint.report import Batch
from checkpoint.report.summary import action_order, group_line, summarise, summary_sections, worklist_line

GROUP_HIT = Hit("NP-013", "Several unregistered one-way travellers on one booking", "high", 40, "4 on one booking")


def grouped(pax: str, booking: str | None, verdict: Verdict = Verdict.HOLD, *hits: Hit) -> ScreeningResult:
    traveller = Traveller(pax_id=pax, row=int(pax), full_name=f"PAX {pax}", booking_ref=booking, destination="MYS")
    return ScreeningResult(traveller=traveller, verdict=verdict, risk_score=40, hits=hits or (GROUP_HIT,))


def test_counts_and_travellers_needing_action_gravest_then_riskiest(sample_results: list[ScreeningResult]) -> None:
    summary = summarise(Batch(sample_results))
    assert summary.total == 8
    assert dict(summary.counts) == {Verdict.HOLD: 1, Verdict.REFER: 3, Verdict.CLEAR: 4}
    assert [result.pax_id for result in summary.needing_action] == ["23", "17", sample_results[6].pax_id, "5"]
    assert [result.pax_id for result in summary.clear] == ["1", "31", '6, "B"', "+8"]  # input order


def test_action_order_keeps_input_order_between_equals() -> None:
    results = [grouped("1", None, Verdict.REFER), grouped("2", None, Verdict.HOLD), grouped("3", None, Verdict.REFER)]
    assert [result.pax_id for result in action_order(results)] == ["2", "1", "3"]


def test_rules_most_hit_first_with_their_titles(sample_results: list[ScreeningResult]) -> None:
    twice = [*sample_results, replace(sample_results[2], traveller=replace(sample_results[2].traveller, pax_id="99"))]
    rules = summarise(Batch(twice)).rules
    assert [(rule.rule, rule.travellers) for rule in rules[:3]] == [("NP-001", 2), ("NP-004", 2), ("NP-011", 2)]
    assert rules[0].title == "Destination is not a placement country"


def test_groups_flagged_by_a_group_rule_with_their_members() -> None:
    results = [
        grouped("1", "5TJZ9N"),
        grouped("2", "AAA111", Verdict.CLEAR, Hit("NP-020", "t", "low", 5, "e")),
        grouped("3", "5TJZ9N"),
        grouped("4", None),  # no booking: no group to name
        grouped("5", "K2", Verdict.REFER),
    ]
    summary = summarise(Batch(results, group_rules={"NP-013": "booking_ref"}))
    assert [(group.key, [m.pax_id for m in group.members]) for group in summary.groups] == [
        ("5TJZ9N", ["1", "3"]),
        ("K2", ["5"]),
    ]
    assert group_line(summary.groups[0]) == "booking 5TJZ9N: 2 travellers (NP-013) — pax 1, 3"
    assert summarise(Batch(results)).groups == ()  # without the pack's group rules nothing is guessed


def test_a_batch_of_applications_counts_applications_and_names_them_so() -> None:
    results = [
        replace(result, traveller=replace(result.traveller, pax_id=f"KANIM-000{n}"))
        for n, result in enumerate([grouped("1", "5TJZ9N"), grouped("2", "5TJZ9N")], start=1)
    ]
    summary = summarise(Batch(results, group_rules={"NP-013": "booking_ref"}, subject=Subject.APPLICANT))
    assert summary.subject is Subject.APPLICANT  # the batch's, passed down once
    assert group_line(summary.groups[0], summary.subject) == (
        "booking 5TJZ9N: 2 applicants (NP-013) — applications KANIM-0001, KANIM-0002"
    )
    (_heading, lines), *_ = summary_sections(summary)
    assert lines == [f"NP-013 {GROUP_HIT.title}: 2 applications"]


def test_worklist_lists_who_could_be_worse_most_serious_first(sample_results: list[ScreeningResult]) -> None:
    base = sample_results[3]  # clear with two undecided rules
    could_refer = replace(base, could_be=Verdict.REFER)
    could_hold = replace(base, traveller=replace(base.traveller, pax_id="32"), could_be=Verdict.HOLD)
    no_worse = replace(base, traveller=replace(base.traveller, pax_id="33"), could_be=Verdict.CLEAR)
    summary = summarise(Batch([could_refer, no_worse, could_hold]))
    assert [result.pax_id for result in summary.worklist] == ["32", "31"]
    assert worklist_line(could_hold) == (
        "pax 32 I WAYAN SUTRISNO: CLEAR — could be HOLD: 2 checks could not be made "
        "(return date, ticket type, visa type)"
    )


def test_sections_leave_out_what_is_empty_and_carry_the_notes() -> None:
    results = [grouped("1", None, Verdict.CLEAR, Hit("NP-020", "Name differs", "low", 5, "e"))]
    sections = summary_sections(summarise(Batch(results, notes=("column 'Pasport' not recognised",))))
    assert sections == [
        ("Rules most hit", ["NP-020 Name differs: 1 traveller"]),
        ("Data-quality notes", ["column 'Pasport' not recognised"]),
    ]


def test_places_count_verdicts_per_destination() -> None:
    results = [
        grouped("1", None),
        grouped("2", None, Verdict.CLEAR),
        replace(grouped("3", None), unknown=(Unknown("X", ("a",)),)),
    ]
    (mys,) = summarise(Batch(results)).destinations
    assert (mys.place, mys.total, dict(mys.verdicts)) == (
        "MYS",
        3,
        {Verdict.HOLD: 2, Verdict.REFER: 0, Verdict.CLEAR: 1},
    )


def test_the_worklist_ranks_by_what_was_already_found_and_says_it(sample_results: list[ScreeningResult]) -> None:
    base = replace(sample_results[3], could_be=Verdict.HOLD)  # clear, two undecided rules
    weak = Hit("NP-022", "Recently issued passport, no matched placement record", "low", 10, "new passport")
    plain = replace(base, traveller=replace(base.traveller, pax_id="40"))
    ranked = replace(base, traveller=replace(base.traveller, pax_id="41"), risk_score=10, hits=(weak,))
    summary = summarise(Batch([plain, ranked]))
    assert [result.pax_id for result in summary.worklist] == ["41", "40"]
    assert worklist_line(ranked).endswith("(return date, ticket type, visa type); already found: NP-022")
    assert worklist_line(plain).endswith("(return date, ticket type, visa type)")


def test_the_table_shows_the_top_of_a_long_worklist_and_the_reports_all_of_it(
    sample_results: list[ScreeningResult],
) -> None:
    base = replace(sample_results[3], could_be=Verdict.HOLD)
    many = [replace(base, traveller=replace(base.traveller, pax_id=str(100 + n))) for n in range(25)]
    summary = summarise(Batch(many))
    [(_, shown)] = [section for section in summary_sections(summary) if section[0].startswith("Worklist")]
    assert len(shown) == 21 and shown[-1].startswith("… and 5 more: the whole list is in the HTML report")
    [(_, whole)] = [s for s in summary_sections(summary, most_worklist=None) if s[0].startswith("Worklist")]
    assert len(whole) == 25
