"""The facts table: derived traveller facts and the matched record's facts (group facts: test_engine_groups)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from checkpoint.engine import build_facts, default_pack_path, load_pack
from checkpoint.engine.facts import FACT_COLUMNS, Facts, columns_lacking, estimated_issue_date, one_way
from checkpoint.engine.pack import field_catalogue, fields_of
from checkpoint.manifests import build_traveller
from checkpoint.models import Candidate, Match, MatchOutcome, Traveller

TODAY = date(2026, 11, 28)


def traveller(**fields: Any) -> Traveller:
    fields.setdefault("full_name", "SITI AMINAH")
    return Traveller(pax_id=str(fields.pop("pax_id", "1")), row=1, **fields)


def matched(record: dict[str, Any], confidence: float = 0.98) -> MatchOutcome:
    return MatchOutcome(
        match=Match("SP2MI-000001", confidence, "passport", {}),
        candidates=(Candidate("SP2MI-000002", 0.4),),
        record={"record_id": "SP2MI-000001", **record},
    )


def facts_of(t: Traveller, outcome: MatchOutcome | None = None, today: date = TODAY) -> dict[str, Any]:
    return build_facts([t], [outcome or MatchOutcome()], today).row(0)


def test_the_table_has_every_catalogue_field_in_order_and_missing_is_none() -> None:
    facts = build_facts([traveller(), traveller(pax_id="2")], [MatchOutcome(), MatchOutcome()], TODAY)
    assert list(facts.names) == list(fields_of("traveller"))
    assert set(field_catalogue()) - set(facts.names) == set(fields_of("group"))  # counted per group rule
    assert len(facts) == 2
    assert facts["age"].tolist() == [None, None]  # None, never NaN
    assert facts["record.status"].tolist() == [None, None]


def test_an_empty_batch_still_has_the_columns() -> None:
    facts = build_facts([], [], TODAY)
    assert list(facts.names) == list(fields_of("traveller")) and len(facts) == 0


def test_travellers_and_outcomes_must_pair_up() -> None:
    with pytest.raises(ValueError):
        build_facts([traveller()], [], TODAY)


# -- ages and dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "departure", "age"),
    [
        (date(2008, 12, 1), date(2026, 11, 30), 17.0),
        (date(2008, 12, 1), date(2026, 12, 1), 18.0),  # the birthday itself counts
        (date(2008, 2, 29), date(2026, 2, 28), 17.0),
        (date(2008, 2, 29), date(2026, 3, 1), 18.0),
    ],
)
def test_age_is_taken_on_the_departure_date(born: date, departure: date, age: float) -> None:
    facts = facts_of(traveller(date_of_birth=born, departure_date=departure), today=date(2020, 1, 1))
    assert facts["age"] == age
    assert facts["departure_date"] == departure


def test_without_a_departure_date_the_screening_date_is_used() -> None:
    facts = facts_of(traveller(date_of_birth=date(2008, 12, 1)), today=date(2026, 12, 1))
    assert facts["departure_date"] == date(2026, 12, 1)
    assert facts["age"] == 18.0


def test_passport_age_from_the_issue_date_wins_over_the_expiry() -> None:
    facts = facts_of(
        traveller(
            passport_issue_date=date(2026, 10, 29), passport_expiry=date(2030, 1, 1), departure_date=date(2026, 11, 28)
        )
    )
    assert facts["passport_age_days"] == 30.0


@pytest.mark.parametrize(
    ("expiry", "issued"),
    [
        (date(2036, 10, 1), date(2026, 10, 1)),  # a 10-year passport
        (date(2032, 10, 12), date(2022, 10, 12)),  # issued on the first day of 10-year passports
        (date(2032, 10, 11), date(2027, 10, 11)),  # a day earlier would be before it: 5 years
        (date(2027, 6, 1), date(2022, 6, 1)),  # an old 5-year passport
        (date(2036, 2, 29), date(2026, 2, 28)),  # no 29 February ten years earlier
        (date(2024, 2, 29), date(2019, 2, 28)),
    ],
)
def test_issue_date_estimated_from_expiry(expiry: date, issued: date) -> None:
    assert estimated_issue_date(expiry) == issued


def test_passport_age_estimated_from_expiry() -> None:
    ten_year = facts_of(traveller(passport_expiry=date(2036, 10, 1), departure_date=date(2026, 11, 28)))
    five_year = facts_of(traveller(passport_expiry=date(2027, 6, 1), departure_date=date(2026, 11, 28)))
    assert ten_year["passport_age_days"] == 58.0
    assert five_year["passport_age_days"] == float((date(2026, 11, 28) - date(2022, 6, 1)).days)
    assert facts_of(traveller())["passport_age_days"] is None


def test_trip_days() -> None:
    facts = facts_of(traveller(departure_date=date(2026, 11, 28), return_date=date(2026, 12, 10)))
    assert facts["trip_days"] == 12.0
    assert facts_of(traveller(departure_date=date(2026, 11, 28)))["trip_days"] is None


# -- one way -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"ticket": "one_way"}, True),
        ({"ticket": "one_way", "return_date": date(2026, 12, 1)}, True),  # the ticket type is what was sold
        ({"ticket": "return"}, False),
        ({"ticket": "round_trip"}, False),
        ({"return_date": date(2026, 12, 1)}, False),
        ({}, None),  # nothing says which: unknown, never assumed one way
        ({"ticket": "open_jaw"}, None),
    ],
)
def test_one_way(fields: dict[str, Any], expected: bool | None) -> None:
    t = traveller(**fields)
    assert one_way(t) is expected
    assert facts_of(t)["one_way"] is expected


@pytest.mark.parametrize(("written", "expected"), [("One-Way", True), ("ONE WAY", True), ("OW", True), ("RT", False)])
def test_one_way_as_written_in_manifests(written: str, expected: bool) -> None:
    t = build_traveller({"full_name": "SITI AMINAH", "ticket": written}, row=1, today=TODAY)
    assert facts_of(t)["one_way"] is expected


# -- match and record facts --------------------------------------------------------------------------------


def test_without_a_match_every_record_fact_is_missing() -> None:
    facts = facts_of(traveller(), MatchOutcome(candidates=(Candidate("SP2MI-9", 0.3), Candidate("SP2MI-8", 0.2))))
    assert facts["match.found"] is False
    assert facts["match.confidence"] is None and facts["match.method"] is None
    assert facts["candidates.count"] == 2.0
    record_facts = {name: value for name, value in facts.items() if name.startswith("record.")}
    assert record_facts and set(record_facts.values()) == {None}


def test_record_facts_of_a_match() -> None:
    record = {
        "status": "READY",
        "scheme": "P2P",
        "sector": "domestic",
        "destination_country": "TWN",
        "bpjs_active": True,
        "opp_completed": False,
        "visa_number": None,
        "planned_departure": date(2026, 12, 8),
        "date_of_birth": date(2000, 11, 29),
    }
    facts = facts_of(traveller(destination="TWN", departure_date=date(2026, 11, 28)), matched(record))
    assert facts["match.found"] is True
    assert (facts["match.confidence"], facts["match.method"], facts["candidates.count"]) == (0.98, "passport", 1.0)
    assert facts["record.status"] == "READY" and facts["record.sector"] == "domestic"
    assert facts["record.bpjs_active"] is True and facts["record.opp_completed"] is False
    assert facts["record.visa_number"] is None
    assert facts["record.destination_agrees"] is True
    assert facts["record.departure_gap_days"] == 10.0
    assert facts["record.age"] == 25.0  # the day before the 26th birthday


def test_blank_record_values_from_a_table_are_missing() -> None:
    record = {"status": pd.NA, "sector": np.nan, "planned_departure": pd.NaT, "bpjs_active": None, "scheme": "P2P"}
    facts = facts_of(traveller(), matched(record))
    assert [facts[f"record.{name}"] for name in record] == [None, None, None, None, "P2P"]
    assert facts["record.departure_gap_days"] is None
    stamped = facts_of(
        traveller(departure_date=date(2026, 11, 28)), matched({"planned_departure": pd.Timestamp("2026-12-01")})
    )
    assert stamped["record.planned_departure"] == date(2026, 12, 1)
    assert stamped["record.departure_gap_days"] == 3.0


def test_the_record_destination_disagrees_or_is_unknown() -> None:
    elsewhere = facts_of(traveller(destination="MYS"), matched({"destination_country": "TWN"}))
    assert elsewhere["record.destination_agrees"] is False
    not_given = facts_of(traveller(), matched({"destination_country": "TWN"}))
    assert not_given["record.destination_agrees"] is None
    late = facts_of(traveller(departure_date=date(2026, 12, 20)), matched({"planned_departure": date(2026, 12, 8)}))
    assert late["record.departure_gap_days"] == 12.0  # absolute: early or late


# -- nationality -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("nationality", "foreign"), [("IDN", False), ("MYS", True), ("SAU", True), (None, False)])
def test_a_foreign_national_is_one_known_to_be_foreign(nationality: str | None, foreign: bool) -> None:
    # Never missing: a traveller without a nationality is not excused from the rules for Indonesians.
    assert facts_of(traveller(nationality=nationality))["foreign_national"] is foreign


@pytest.mark.parametrize("complete", [True, False])
def test_facts_from_rows_read_every_name_whether_or_not_every_row_holds_it(complete: bool) -> None:
    rows: list[dict[str, Any]] = [
        {"age": 30.0, "sex": "F", "one_way": True},
        {"age": float("nan"), "sex": None, "one_way": False},
        {"age": 41.0, "sex": "M", "one_way": None} if complete else {"sex": "M"},
    ]
    facts = Facts.from_rows(rows, ["sex", "age", "one_way"])
    assert facts.names == ("sex", "age", "one_way")
    assert list(facts["sex"]) == ["F", None, "M"]
    assert list(facts["age"]) == [30.0, None, 41.0 if complete else None]
    assert list(facts["one_way"]) == [True, False, None]
    assert len(Facts.from_rows([], ["sex", "age"])["age"]) == 0


@pytest.mark.parametrize(
    ("expiry", "departure", "back", "expired", "before_return"),
    [
        (date(2025, 6, 30), date(2026, 11, 28), None, True, None),
        (date(2026, 11, 28), date(2026, 11, 28), date(2026, 12, 5), False, True),  # valid on the day it ends
        (date(2031, 6, 30), None, date(2026, 12, 5), False, False),  # the screening date stands for the departure
        (None, date(2026, 11, 28), date(2026, 12, 5), None, None),
    ],
)
def test_the_passport_validity_facts(
    expiry: date | None, departure: date | None, back: date | None, expired: bool | None, before_return: bool | None
) -> None:
    facts = facts_of(traveller(passport_expiry=expiry, departure_date=departure, return_date=back))
    assert (facts["passport_expired"], facts["passport_expires_before_return"]) == (expired, before_return)


@pytest.mark.parametrize(("failed", "fact"), [(True, True), (False, False), (None, False)])
def test_mrz_check_failed_is_false_without_an_mrz(failed: bool | None, fact: bool) -> None:
    assert facts_of(traveller(mrz_check_failed=failed))["mrz_check_failed"] is fact


def test_columns_lacking_names_each_missing_column_with_the_rules_it_leaves_undecided() -> None:
    pack = load_pack(default_pack_path())
    everything = {
        field for alternatives in FACT_COLUMNS.values() for alternative in alternatives for field in alternative
    }
    assert columns_lacking(pack, everything) == {}
    lacking = columns_lacking(pack, everything - {"date_of_birth", "passport_issue_date", "passport_expiry"})
    assert lacking["date_of_birth"] == ("NP-008", "NP-010")
    assert lacking["passport_expiry"] == ("NP-016", "NP-017")
    assert lacking["passport_issue_date/passport_expiry"] == ("NP-011", "NP-022", "NP-023", "NP-024")  # either would do
    assert "visa_type" not in lacking and "nationality" not in lacking  # foreign_national is never missing


@pytest.mark.parametrize(
    ("fields", "final", "stop"),
    [
        ({"destination": "MYS"}, "MYS", None),  # a direct trip: no stop, the arrival is the end
        ({"destination": "MYS", "final_destination": "KHM"}, "KHM", "MYS"),  # the arrival is a stop on the way
        ({"destination": "MYS", "transit": "KUL", "final_destination": "KHM"}, "KHM", "MYS"),
        ({"destination": "KHM", "transit": "SIN;KUL"}, "KHM", "SGP"),  # ticketed through: the first stop
        ({"destination": "THA", "transit": "BKK", "final_destination": "THA"}, "THA", None),  # stop in the end
        ({"transit": "KUL"}, None, "MYS"),
    ],
)
def test_final_destination_and_first_stop(fields: dict[str, Any], final: str | None, stop: str | None) -> None:
    facts = facts_of(traveller(**fields))
    assert (facts["final_destination"], facts["transit"]) == (final, stop)


def test_a_file_without_transit_columns_leaves_no_rule_undecided_for_them() -> None:
    pack = load_pack(default_pack_path())
    lacking = columns_lacking(pack, {"full_name", "destination", "ticket", "visa_type", "passport_issue_date"})
    assert not any("transit" in column or "final_destination" in column for column in lacking)
    assert "final_destination" in FACT_COLUMNS and "transit" not in FACT_COLUMNS


def test_a_rule_that_decides_when_the_ticket_is_missing_is_not_named_as_left_undecided() -> None:
    # NP-022 tests `any: [{one_way missing: true}, {one_way is: false}]`: an airline list without ticket columns
    # still decides it, so the note on the file does not name it among the rules the missing ticket leaves open.
    pack = load_pack(default_pack_path())
    everything = {
        field for alternatives in FACT_COLUMNS.values() for alternative in alternatives for field in alternative
    }
    lacking = columns_lacking(pack, everything - {"ticket", "return_date"})
    assert "NP-011" in lacking["ticket/return_date"] and "NP-022" not in lacking["ticket/return_date"]
