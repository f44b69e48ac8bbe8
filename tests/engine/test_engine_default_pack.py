"""The shipped pack on whole batches: ordinary departures stay clear, known patterns are referred or held."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoint.engine import build_facts, evaluate
from checkpoint.engine.pack import leaves
from checkpoint.manifests import build_traveller
from checkpoint.models import Candidate, Match, MatchOutcome, Traveller, Verdict
from checkpoint.ruletests import case_traveller, run_pack_tests

TODAY = date(2026, 11, 28)
NAMES = ["SITI AMINAH", "SRI WAHYUNI", "MUHAMMAD RIZKI", "NUR HIDAYAH", "AGUS SALIM", "DEWI LESTARI", "I KETUT ARTA"]


def person(row: int, **cells: Any) -> Traveller:
    """A traveller read from manifest-style cells, as the pipeline reads them."""
    cells.setdefault("full_name", NAMES[row % len(NAMES)])
    cells.setdefault("departure_date", TODAY.isoformat())
    return build_traveller({key: str(value) for key, value in cells.items()}, row=row, today=TODAY)


def registered(country: str, **record: Any) -> MatchOutcome:
    """A match to a complete, ready placement record for `country`."""
    fields = {
        "record_id": "SP2MI-000123",
        "status": "READY",
        "scheme": "P2P",
        "sector": "formal",
        "destination_country": country,
        "visa_number": "V-7781",
        "epmi_number": "EPMI-1",
        "bpjs_active": True,
        "opp_completed": True,
        "planned_departure": TODAY,
        "date_of_birth": date(1996, 4, 2),
    }
    fields.update(record)
    return MatchOutcome(match=Match("SP2MI-000123", 0.99, "passport", {}), record=fields)


def born(age: int) -> str:
    return date(TODAY.year - age, 3, 15).isoformat()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def screen(pack, batch: list[tuple[Traveller, MatchOutcome]]):
    facts = build_facts([t for t, _ in batch], [o for _, o in batch], TODAY)
    return evaluate(pack, facts, TODAY)


# -- the pack's own cases ------------------------------------------------------------------------------


def test_every_embedded_case_passes(default_pack) -> None:
    report = run_pack_tests(default_pack, today=TODAY)
    assert report.cases, "the default pack has no embedded cases"
    assert [f"{case.rule} {case.case}: {case.actual}" for case in report.failures] == []
    assert len(report.cases) == sum(len(case.travellers) for rule in default_pack.rules for case in rule.tests)
    assert report.untested_rules == ()
    assert all(case.warnings == () for case in report.cases)


# -- ordinary departures --------------------------------------------------------------------------------

ORDINARY_KINDS = ["pilgrim", "tourist", "student", "business", "family", "worker", "going_home"]
HOMES = {"MYS": "KUL", "SGP": "SIN", "SAU": "JED", "KHM": "PNH", "THA": "BKK", "ARE": "DXB"}
ORDINARY_ABROAD = ["SIN", "KUL", "BKK", "PNH", "NRT", "ICN", "HKG", "SYD", "AMS", "JED", "DXB"]
WORKER_COUNTRIES = {"TWN": "formal", "HKG": "domestic", "MYS": "informal", "KOR": "formal", "JPN": "formal"}


@st.composite
def ordinary_party(draw: st.DrawFn, row: int) -> list[tuple[Traveller, MatchOutcome]]:
    """One party of ordinary travellers: nothing about them should need an officer's attention."""
    kind = draw(st.sampled_from(ORDINARY_KINDS))
    booking = f"{kind[:3].upper()}{row:04d}"
    leave = draw(st.integers(0, 60))
    back = leave + draw(st.integers(3, 40))
    new_passport = draw(st.booleans())  # many pilgrims and tourists get their first passport for the trip
    issued = {"passport_issue_date": days(leave - 20)} if new_passport else {"passport_expiry": days(2000)}
    common = {"departure_date": days(leave), "booking_ref": booking, **issued}
    if kind == "pilgrim":
        size = draw(st.integers(1, 12))
        group = f"UMR-{row}"
        return [
            (
                person(
                    row + i,
                    visa_type="umrah",
                    destination=draw(st.sampled_from(["JED", "MED", "SAU"])),
                    date_of_birth=born(draw(st.integers(18, 85))),
                    return_date=days(back),
                    group_code=group,
                    **common,
                ),
                MatchOutcome(),
            )
            for i in range(size)
        ]
    if kind == "family":
        children = draw(st.lists(st.integers(0, 17), max_size=4))
        ages = [draw(st.integers(30, 50)), draw(st.integers(30, 50)), *children]
        destination = draw(st.sampled_from(ORDINARY_ABROAD))
        return [
            (
                person(
                    row + i,
                    visa_type="tourist",
                    destination=destination,
                    date_of_birth=born(age),
                    return_date=days(back),
                    **common,
                ),
                MatchOutcome(),
            )
            for i, age in enumerate(ages)
        ]
    if kind == "tourist":
        visa = draw(st.sampled_from(["tourist", "visa_free", "voa", "visit"]))
        ticket = {"ticket": "return"} if draw(st.booleans()) else {"return_date": days(back)}
        return [
            (
                person(
                    row,
                    visa_type=visa,
                    destination=draw(st.sampled_from(ORDINARY_ABROAD)),
                    date_of_birth=born(draw(st.integers(18, 80))),
                    **ticket,
                    **common,
                ),
                MatchOutcome(),
            )
        ]
    if kind == "student":  # students often fly one way, some on a brand-new passport
        return [
            (
                person(
                    row,
                    visa_type="student",
                    destination=draw(st.sampled_from(["AUS", "JPN", "NLD", "EGY", "TUR"])),
                    date_of_birth=born(draw(st.integers(17, 30))),
                    ticket="one_way",
                    **common,
                ),
                MatchOutcome(),
            )
        ]
    if kind == "business":
        return [
            (
                person(
                    row,
                    visa_type="business",
                    destination=draw(st.sampled_from(ORDINARY_ABROAD)),
                    date_of_birth=born(draw(st.integers(25, 65))),
                    return_date=days(back),
                    **common,
                ),
                MatchOutcome(),
            )
        ]
    if kind == "going_home":  # foreign nationals going home: one way, young, any visa, often a group
        nationality = draw(st.sampled_from(sorted(HOMES)))
        size = draw(st.integers(1, 6))
        return [
            (
                person(
                    row + i,
                    nationality=nationality,
                    visa_type=draw(st.sampled_from(["none", "tourist", "work"])),
                    destination=HOMES[nationality],
                    date_of_birth=born(draw(st.integers(18, 40))),
                    ticket="one_way",
                    **common,
                ),
                MatchOutcome(),
            )
            for i in range(size)
        ]
    country = draw(st.sampled_from(sorted(WORKER_COUNTRIES)))
    age = draw(st.integers(21, 45))
    return [
        (
            person(row, visa_type="work", destination=country, date_of_birth=born(age), ticket="one_way", **common),
            registered(country, sector=WORKER_COUNTRIES[country], date_of_birth=date(TODAY.year - age, 3, 15)),
        )
    ]


@st.composite
def ordinary_manifest(draw: st.DrawFn) -> list[tuple[Traveller, MatchOutcome]]:
    parties = draw(st.integers(1, 4))
    batch: list[tuple[Traveller, MatchOutcome]] = []
    for party in range(parties):
        batch.extend(draw(ordinary_party(row=100 * party + 1)))
    return batch


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(ordinary_manifest())
def test_ordinary_travellers_are_clear(default_pack, batch) -> None:
    for (traveller, _), assessment in zip(batch, screen(default_pack, batch), strict=True):
        assert assessment.verdict is Verdict.CLEAR, (traveller, assessment.hits)


def test_named_ordinary_travellers_are_clear(default_pack) -> None:
    batch = [
        (
            person(
                1,
                visa_type="umrah",
                destination="JED",
                return_date=days(12),
                group_code="UMR-1",
                date_of_birth=born(62),
            ),
            MatchOutcome(),
        ),
        (
            person(2, visa_type="tourist", destination="BKK", return_date=days(5), date_of_birth=born(24)),
            MatchOutcome(),
        ),
        (person(3, visa_type="tourist", destination="PNH", ticket="return", date_of_birth=born(31)), MatchOutcome()),
        (
            person(
                4,
                visa_type="student",
                destination="AUS",
                ticket="one_way",
                date_of_birth=born(19),
                passport_issue_date=days(-10),
            ),
            MatchOutcome(),
        ),
        (
            person(5, visa_type="business", destination="SIN", return_date=days(2), date_of_birth=born(44)),
            MatchOutcome(),
        ),
        (person(6, visa_type="work", destination="TPE", ticket="one_way", date_of_birth=born(29)), registered("TWN")),
        (
            person(7, visa_type="work", destination="HKG", ticket="one_way", date_of_birth=born(33)),
            registered("HKG", sector="domestic"),
        ),
    ]
    for (traveller, _), assessment in zip(batch, screen(default_pack, batch), strict=True):
        assert assessment.verdict is Verdict.CLEAR, (traveller.pax_id, assessment.hits)


# -- non-procedural patterns -------------------------------------------------------------------------------


def rules_hit(assessment) -> set[str]:
    return {hit.rule for hit in assessment.hits}


def test_an_escorted_group_of_new_passports_on_one_booking(default_pack) -> None:
    batch = [
        (
            person(
                i,
                visa_type="tourist",
                destination="KUL",
                ticket="one_way",
                booking_ref="QX7P2A",
                date_of_birth=born(19 + i),
                passport_issue_date=days(-25),
            ),
            MatchOutcome(),
        )
        for i in range(1, 6)
    ]
    assessments = screen(default_pack, batch)
    assert len(assessments) == len(batch) == 5
    for assessment in assessments:
        assert assessment.verdict is not Verdict.CLEAR
        assert {"NP-013", "NP-011"} <= rules_hit(assessment)
        assert "5 travellers on booking QX7P2A (of 5)" in " ".join(hit.explanation for hit in assessment.hits)


def test_a_couple_on_one_booking_is_not_a_group(default_pack) -> None:
    batch = [
        (
            person(
                i,
                visa_type="tourist",
                destination="KUL",
                ticket="one_way",
                booking_ref="QX7P2A",
                date_of_birth=born(60),
            ),
            MatchOutcome(),
        )
        for i in range(1, 3)
    ]
    assert [a.verdict for a in screen(default_pack, batch)] == [Verdict.CLEAR, Verdict.CLEAR]


def test_a_flight_of_unrelated_one_way_travellers_is_not_a_group(default_pack) -> None:
    # CGK-KUL: many travel one way with no placement record, visa-free; each on a booking of their own.
    batch = [
        (
            person(
                i,
                visa_type="none",
                destination="KUL",
                ticket="one_way",
                flight="GA820",
                booking_ref=f"PNR{i:03d}",
                date_of_birth=born(50),
            ),
            MatchOutcome(),
        )
        for i in range(1, 41)
    ]
    assert {a.verdict for a in screen(default_pack, batch)} == {Verdict.CLEAR}


def test_one_way_members_slipped_into_an_umrah_group(default_pack) -> None:
    pilgrims = [
        (
            person(
                i,
                visa_type="umrah",
                destination="JED",
                return_date=days(12),
                group_code="AMN-07",
                date_of_birth=born(60 + i),  # eight people: names repeat after seven, birth dates do not
            ),
            MatchOutcome(),
        )
        for i in range(1, 9)
    ]
    slipped = [
        (
            person(
                i, visa_type="umrah", destination="JED", ticket="one_way", group_code="AMN-07", date_of_birth=born(24)
            ),
            MatchOutcome(),
        )
        for i in range(9, 13)
    ]
    results = screen(default_pack, pilgrims + slipped)
    assert len(results) == 12
    assert {a.verdict for a in results[:8]} == {Verdict.CLEAR}
    for assessment in results[8:]:
        assert {"NP-014", "NP-003"} <= rules_hit(assessment)
        assert "4 travellers in group AMN-07 (of 12)" in " ".join(hit.explanation for hit in assessment.hits)


def test_a_doubtful_match_on_a_one_way_visitor_trip_is_referred(default_pack) -> None:
    doubtful = MatchOutcome(candidates=(Candidate("SP2MI-000123", 0.6),))
    [alone, holiday] = screen(
        default_pack,
        [
            (person(1, visa_type="tourist", destination="KUL", ticket="one_way", date_of_birth=born(50)), doubtful),
            (person(2, visa_type="tourist", destination="KUL", return_date=days(5), date_of_birth=born(50)), doubtful),
        ],
    )
    assert alone.verdict is Verdict.REFER and rules_hit(alone) == {"NP-015"}
    assert holiday.verdict is Verdict.CLEAR


def test_umrah_visa_one_way_unregistered(default_pack) -> None:
    [result] = screen(
        default_pack,
        [(person(1, visa_type="umrah", destination="JED", ticket="one_way", date_of_birth=born(27)), MatchOutcome())],
    )
    assert result.verdict is not Verdict.CLEAR
    assert {"NP-003", "NP-010"} <= rules_hit(result)
    assert result.risk_score == 40  # one family: the visitor pattern counts once


def test_work_visa_without_a_record(default_pack) -> None:
    [result] = screen(default_pack, [(person(1, visa_type="work", destination="KUL"), MatchOutcome())])
    assert result.verdict is not Verdict.CLEAR and "NP-001" in rules_hit(result)


def test_one_way_to_a_scam_compound_country(default_pack) -> None:
    [result] = screen(default_pack, [(person(1, destination="PNH", ticket="one_way"), MatchOutcome())])
    assert result.verdict is not Verdict.CLEAR and "NP-002" in rules_hit(result)


def test_cancelled_record(default_pack) -> None:
    [result] = screen(
        default_pack, [(person(1, visa_type="work", destination="TPE"), registered("TWN", status="CANCELLED"))]
    )
    assert result.verdict is not Verdict.CLEAR and "NP-004" in rules_hit(result)


def test_record_for_another_country(default_pack) -> None:
    [result] = screen(default_pack, [(person(1, visa_type="work", destination="KUL"), registered("TWN"))])
    assert result.verdict is not Verdict.CLEAR and "NP-007" in rules_hit(result)


def test_a_minors_record_is_held(default_pack) -> None:
    [result] = screen(
        default_pack, [(person(1, visa_type="work", destination="TPE", date_of_birth=born(17)), registered("TWN"))]
    )
    assert result.verdict is Verdict.HOLD and "NP-008" in rules_hit(result)


SPSK_AGENCY = "PT MAJU TENAGA JAYA"  # on the pack's dated list of SPSK agencies (rules/lists.yaml)


def test_a_moratorium_domestic_record_the_registry_cannot_explain_is_held(default_pack) -> None:
    [result] = screen(
        default_pack,
        [
            (
                person(1, visa_type="umrah", ticket="one_way", destination="JED", date_of_birth=born(30)),
                registered("SAU", sector="domestic", agency="PT LAIN SEKALI"),
            )
        ],
    )
    assert result.verdict is Verdict.HOLD and "NP-009" in rules_hit(result)


def test_a_domestic_worker_on_the_procedural_path_is_referred_not_held(default_pack) -> None:
    # Issue 19: READY for the country flown to, on a work visa, but no SPSK agency on the record: the worker did
    # what the procedure asks; the officer checks the channel (NP-020) instead of postponing the departure.
    [result] = screen(
        default_pack,
        [
            (
                person(1, visa_type="work", destination="RUH", date_of_birth=born(30)),
                registered("SAU", sector="domestic"),
            )
        ],
    )
    assert result.verdict is Verdict.REFER and rules_hit(result) == {"NP-020"}


@pytest.mark.parametrize("status", ["READY", "DEPARTED"])
def test_spsk_placements_and_workers_back_from_leave_are_clear(default_pack, status: str) -> None:
    [spsk, returning] = screen(
        default_pack,
        [
            (
                person(1, visa_type="work", ticket="one_way", destination="JED", date_of_birth=born(30)),
                registered("SAU", sector="domestic", agency=SPSK_AGENCY, status=status),
            ),
            (
                person(2, visa_type="work", ticket="one_way", destination="RUH", date_of_birth=born(41)),
                registered("SAU", sector="domestic", agency="PT LAIN SEKALI", status="DEPARTED"),
            ),
        ],
    )
    assert (spsk.verdict, spsk.hits) == (Verdict.CLEAR, ())
    assert (returning.verdict, returning.hits) == (Verdict.CLEAR, ())


def test_a_ready_record_flown_on_a_visitor_visa_is_referred_with_questions_on_the_papers(default_pack) -> None:
    [result] = screen(
        default_pack,
        [(person(1, visa_type="none", ticket="one_way", destination="KUL", date_of_birth=born(28)), registered("MYS"))],
    )
    assert result.verdict is Verdict.REFER and rules_hit(result) == {"NP-019"}
    assert any("work visa" in question for question in result.hits[0].ask)
    assert any("E-PMI" in question for question in result.hits[0].ask)


def test_a_one_way_trip_through_a_hub_to_cambodia_is_judged_by_its_end(default_pack) -> None:
    cells = {"destination": "KUL", "transit": "KUL", "final_destination": "KTI", "date_of_birth": born(24)}
    [routed, ended] = screen(
        default_pack,
        [
            (person(1, ticket="one_way", visa_type="none", **cells), MatchOutcome()),
            (person(2, ticket="one_way", visa_type="none", destination="KUL", date_of_birth=born(24)), MatchOutcome()),
        ],
    )
    assert {"NP-002", "NP-021"} <= set(rules_hit(routed)) and routed.verdict is Verdict.HOLD
    assert "NP-002" not in rules_hit(ended) and "NP-021" not in rules_hit(ended)


def test_a_ready_record_missing_a_requirement(default_pack) -> None:
    [result] = screen(default_pack, [(person(1, destination="TPE"), registered("TWN", bpjs_active=False))])
    assert result.verdict is not Verdict.CLEAR and "NP-006" in rules_hit(result)
    assert "BPJS no, OPP yes" in result.hits[0].explanation


# -- a large batch ------------------------------------------------------------------------------------------


def test_twenty_thousand_travellers_in_one_batch(default_pack) -> None:
    # A varied small batch, repeated: every row must come out as it does in the small batch.
    small = [
        (person(1, visa_type="umrah", destination="JED", return_date=days(12), date_of_birth=born(62)), MatchOutcome()),
        (person(2, visa_type="umrah", destination="JED", ticket="one_way", date_of_birth=born(27)), MatchOutcome()),
        (person(3, visa_type="work", destination="KUL"), MatchOutcome()),
        (person(4, destination="BKK", ticket="one_way", departure_date="2024-06-01"), MatchOutcome()),
        (person(5, destination="BKK", ticket="one_way", departure_date="2026-06-01"), MatchOutcome()),
        (person(6, visa_type="work", destination="TPE", date_of_birth=born(17)), registered("TWN")),
        (person(7, visa_type="work", destination="RUH"), registered("SAU", sector="domestic")),
        (person(8, destination="TPE"), registered("TWN", status="REGISTERED")),
        (
            person(9, visa_type="tourist", ticket="one_way", date_of_birth=born(22), passport_expiry=days(3620)),
            MatchOutcome(),
        ),
        (person(10), MatchOutcome()),
    ]
    facts = build_facts([t for t, _ in small], [o for _, o in small], TODAY)
    expected = evaluate(default_pack, facts, TODAY)
    repeats = 2_000
    big = facts.take(np.tile(np.arange(len(facts)), repeats))
    results = evaluate(default_pack, big, TODAY)
    assert len(results) == 20_000
    assert results == expected * repeats
    assert {a.verdict for a in expected} == {Verdict.CLEAR, Verdict.REFER, Verdict.HOLD}


# -- the texts officers read ------------------------------------------------------------------------------

NO_RECORD = {"en": "no placement record was found", "id": "tidak ditemukan data penempatan"}
POSSIBLE_RECORD = {
    "en": "a possible record needs checking",
    "id": "ada data kemungkinan cocok yang perlu dicek",
}


def test_every_rule_speaks_both_languages_and_says_what_to_ask(default_pack) -> None:
    for rule in default_pack.rules:
        for texts in (rule.title, rule.explanation):
            assert set(texts) == {"id", "en"} and texts["id"] != texts["en"], rule.id
        assert set(rule.ask) == {"id", "en"}, rule.id
        assert 3 <= len(rule.ask["id"]) == len(rule.ask["en"]) <= 5, rule.id
        assert all(question.endswith("?") for language in ("id", "en") for question in rule.ask[language]), rule.id
        assert not set(rule.ask["id"]) & set(rule.ask["en"]), rule.id  # written in each language, not copied


def no_match_rules(pack) -> list:
    """The rules that rest on the traveller having no matched record (for a group rule, its members)."""
    found = []
    for rule in pack.active_rules:
        tested = [*(leaves(rule.group.members) if rule.group and rule.group.members else []), *leaves(rule.when)]
        if any(leaf.field == "match.found" and leaf.value is False for leaf in tested):
            found.append(rule)
    assert found, "the default pack has no rule resting on 'no match'"
    return found


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_rule_resting_on_no_match_never_says_no_record_beside_a_near_miss(default_pack, language: str) -> None:
    """Each rule's own firing cases, screened once with nobody near and once with a near miss (a registered
    worker whose passport was renewed): the explanation says which, in the run's language."""
    near_miss = (Candidate("SP2MI-000777", 0.93, {"passport_number": "different"}, {"status": "READY"}),)
    checked = 0
    for rule in no_match_rules(default_pack):
        for case in rule.tests:
            if any(entry.record is not None or entry.expect != "fire" for entry in case.travellers):
                continue
            travellers = [case_traveller(entry, TODAY, row) for row, entry in enumerate(case.travellers, 1)]
            day = next((t.departure_date for t in travellers if t.departure_date), TODAY)
            for candidates, said, unsaid in ((near_miss, POSSIBLE_RECORD, NO_RECORD), ((), NO_RECORD, POSSIBLE_RECORD)):
                outcomes = [MatchOutcome(candidates=candidates) for _ in travellers]
                facts = build_facts(travellers, outcomes, day)
                for assessment in evaluate(default_pack, facts, day, rules=[rule], language=language):
                    if not assessment.hits:  # the near-miss rule itself (NP-015) fires only beside a candidate
                        assert not candidates and "{match.outcome}" not in rule.explanation[language], rule.id
                        continue
                    [hit] = assessment.hits
                    assert unsaid[language] not in hit.explanation, (rule.id, hit.explanation)
                    if "{match.outcome}" in rule.explanation[language]:
                        assert said[language] in hit.explanation, (rule.id, hit.explanation)
                    checked += 1
    assert checked >= 10


def test_the_near_miss_rule_and_the_no_match_rules_say_the_same(default_pack) -> None:
    """With a near miss, a one-way tourist gets the near-miss rule and the visitor rule, and no text says no record."""
    near_miss = MatchOutcome(candidates=(Candidate("SP2MI-000777", 0.93),))
    traveller = person(1, visa_type="tourist", ticket="one_way", destination="KUL", date_of_birth=born(25))
    [result] = screen(default_pack, [(traveller, near_miss)])
    assert {"NP-010", "NP-015"} <= set(rules_hit(result))
    assert not any(NO_RECORD["en"] in hit.explanation.lower() for hit in result.hits)
