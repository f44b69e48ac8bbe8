"""The SPEC §5 object built by result_to_dict."""

from __future__ import annotations

from dataclasses import replace

from checkpoint.models import Candidate, Match, MatchOutcome, ScreeningResult, Traveller, Verdict
from checkpoint.report import result_to_dict, result_warnings

SPEC_KEYS = ["pax_id", "verdict", "risk_score", "match", "candidates", "hits", "unknown", "warnings", "traveller"]


def test_keys_are_exactly_the_spec_keys_in_order(sample_results: list[ScreeningResult]) -> None:
    for result in sample_results:
        assert list(result_to_dict(result)) == SPEC_KEYS


def test_clear_unmatched_traveller_has_null_match_and_empty_lists(sample_results: list[ScreeningResult]) -> None:
    assert result_to_dict(sample_results[0]) == {
        "pax_id": "1",
        "verdict": "clear",
        "risk_score": 0,
        "match": None,
        "candidates": [],
        "hits": [],
        "unknown": [],
        "warnings": [],
        "traveller": {
            "full_name": "SITI AMINAH",
            "sex": "F",
            "date_of_birth": "1991-03-14",
            "nationality": None,
            "passport_number": "C1234567",
            "destination": "SGP",
            "flight": None,
            "port": None,
            "booking_ref": None,
            "group_code": None,
        },
    }


def test_match_confidences_and_field_scores_are_rounded_to_three_places(
    sample_results: list[ScreeningResult],
) -> None:
    record = result_to_dict(sample_results[1])
    assert record["match"] == {
        "record_id": "SP2MI-000123",
        "confidence": 0.967,
        "method": "name_dob",
        "fields": {"name": 0.942, "date_of_birth": "exact", "sex": "agree", "passport_number": "missing"},
    }
    assert list(record["match"]) == ["record_id", "confidence", "method", "fields"]
    assert record["candidates"] == [{"record_id": "SP2MI-004411", "confidence": 0.411}]


def test_hits_keep_engine_order_and_spec_keys(sample_results: list[ScreeningResult]) -> None:
    hits = result_to_dict(sample_results[2])["hits"]
    assert [hit["rule"] for hit in hits] == ["NP-011", "NP-001", "NP-004"]
    assert all(list(hit) == ["rule", "title", "severity", "score", "explanation", "ask"] for hit in hits)
    assert all(hit["ask"] == [] for hit in hits)


def test_hits_carry_their_questions_as_a_list(sample_results: list[ScreeningResult]) -> None:
    [hit] = result_to_dict(sample_results[1])["hits"]
    assert hit["ask"] == ["Have you attended the pre-departure orientation (OPP)?", "May I see your work visa?"]


def test_could_be_is_present_only_while_undecided_checks_could_make_it_worse(
    sample_results: list[ScreeningResult],
) -> None:
    undecided = sample_results[3]  # clear, two rules undecided
    assert "could_be" not in result_to_dict(undecided)  # the engine found nothing worse
    worse = replace(undecided, could_be=Verdict.HOLD)
    record = result_to_dict(worse)
    assert record["could_be"] == "hold"
    assert list(record) == [*SPEC_KEYS[:-2], "could_be", "warnings", "traveller"]
    # Without an undecided check, or no worse than the verdict, there is nothing it could be.
    assert "could_be" not in result_to_dict(replace(worse, unknown=()))
    assert "could_be" not in result_to_dict(replace(worse, verdict=Verdict.HOLD))


def test_unknown_lists_missing_fields(sample_results: list[ScreeningResult]) -> None:
    assert result_to_dict(sample_results[3])["unknown"] == [
        {"rule": "NP-007", "missing": ["return_date", "ticket"]},
        {"rule": "NP-009", "missing": ["visa_type"]},
    ]


def test_warnings_are_traveller_then_result_without_duplicates(sample_results: list[ScreeningResult]) -> None:
    expected = [
        "date_of_birth '31/02/1990' is not a date; treated as missing",
        "row 5 has neither a name nor a passport number; not screened",
    ]
    assert result_to_dict(sample_results[4])["warnings"] == expected
    assert list(result_warnings(sample_results[4])) == expected


def test_traveller_warnings_come_before_result_warnings() -> None:
    result = ScreeningResult(
        traveller=Traveller(pax_id="9", row=9, warnings=("b", "a", "b")),
        verdict=Verdict.REFER,
        risk_score=0,
        warnings=("c", "a"),
    )
    assert result_to_dict(result)["warnings"] == ["b", "a", "c"]


def test_values_are_plain_json_types() -> None:
    result = ScreeningResult(
        traveller=Traveller(pax_id="10", row=10, full_name="SRI WAHYUNI"),
        verdict=Verdict.HOLD,
        risk_score=90,
        outcome=MatchOutcome(
            match=Match("SP2MI-000777", 1.0, "nik", {"nik": "exact", "name": 1.0}),
            candidates=(Candidate("SP2MI-000778", 0.1234567),),
        ),
    )
    record = result_to_dict(result)
    assert type(record["verdict"]) is str
    assert record["match"]["confidence"] == 1.0
    assert record["candidates"][0]["confidence"] == 0.123
