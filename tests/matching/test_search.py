"""Searching by hand (`registry search`): the screening matcher's claim and candidates, listed longer, a name
without a date of birth looked up too, and never a claim on a name alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checkpoint.manifests import open_manifest
from checkpoint.matching import EvidenceMatcher, search_registry
from checkpoint.models import Traveller
from checkpoint.pipeline import desk_traveller
from checkpoint.registry import Registry, open_registry

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture
def registry(registry_csv: Path, tmp_path: Path, today: date) -> Registry:
    return open_registry(registry_csv, tmp_path, today=today)


def typed(today: date, **cells: object) -> Traveller:
    return desk_traveller(cells, today=today)


def test_name_and_date_of_birth_find_the_worker_as_a_match_with_its_record(registry: Registry, today: date) -> None:
    found = search_registry(registry, typed(today, full_name="SITI AMINAH", date_of_birth="17/05/1990"), today=today)
    assert not found.name_only
    assert found.outcome.match is not None and found.outcome.match.record_id == "SP2MI-0000001"
    assert found.outcome.record is not None and found.outcome.record["full_name"] == "SITI AMINAH BINTI KARSO"
    assert (found.found, found.shown) == (1, 1)


def test_a_name_alone_finds_its_namesakes_in_any_year_and_claims_none(registry: Registry, today: date) -> None:
    found = search_registry(registry, typed(today, full_name="SITI AMINAH", sex="F"), today=today)
    assert found.name_only and found.outcome.match is None
    listed = found.outcome.candidates
    assert [candidate.record_id for candidate in listed] == ["SP2MI-0000001", "SP2MI-0000004", "SP2MI-0000005"]
    assert all(candidate.record is not None for candidate in listed)
    assert all(candidate.fields["date_of_birth"] == "missing" for candidate in listed)
    assert found.found == 3


def test_a_name_alone_never_claims_even_the_one_record_that_carries_it(registry: Registry, today: date) -> None:
    # The old spelling is found through the phonetic key of the whole name, whatever the year of birth.
    found = search_registry(registry, typed(today, full_name="JOKO CAHYONO"), today=today)
    assert found.outcome.match is None
    assert [candidate.record_id for candidate in found.outcome.candidates] == ["SP2MI-0000007"]
    dated = search_registry(registry, typed(today, full_name="JOKO CAHYONO", date_of_birth="1988-11-11"), today=today)
    assert dated.outcome.match is not None and dated.outcome.match.record_id == "SP2MI-0000007"


def test_a_passport_or_a_nik_is_more_than_a_name(registry: Registry, today: date) -> None:
    passport = search_registry(registry, typed(today, full_name="SITI AMINAH", passport_number="B7777777"), today=today)
    assert not passport.name_only
    assert passport.outcome.match is not None and passport.outcome.match.record_id == "SP2MI-0000004"
    nik = search_registry(registry, typed(today, full_name="SITI AMINAH", nik="3201015705900001"), today=today)
    assert not nik.name_only
    assert nik.outcome.match is not None and nik.outcome.match.record_id == "SP2MI-0000001"


def test_the_limit_cuts_the_list_not_the_count(registry: Registry, today: date) -> None:
    found = search_registry(registry, typed(today, full_name="SITI AMINAH"), today=today, limit=2)
    assert (found.found, found.shown) == (3, 2)
    assert [candidate.record_id for candidate in found.outcome.candidates] == ["SP2MI-0000001", "SP2MI-0000004"]
    claimed = search_registry(
        registry, typed(today, full_name="SITI AMINAH", date_of_birth="1990-05-17"), today=today, limit=1
    )
    assert claimed.outcome.match is not None and claimed.outcome.candidates == () and claimed.shown == 1


def test_nothing_found_is_an_empty_answer(registry: Registry, today: date) -> None:
    found = search_registry(registry, typed(today, full_name="ANDI WIJAYA", date_of_birth="1970-01-01"), today=today)
    assert found.outcome.match is None and found.outcome.candidates == ()
    assert (found.found, found.shown) == (0, 0)


def test_with_a_date_of_birth_a_search_is_the_screening_matcher_listed_longer(tmp_path: Path, today: date) -> None:
    """Every traveller of a sample manifest who has a date of birth: the search claims what screening claims, and
    its list begins with screening's candidates, in the same order with the same confidences."""
    registry = open_registry(SAMPLE / "registry.parquet", tmp_path, today=today)
    rows = open_manifest(SAMPLE / "flight_cgk_kul.csv", today=today)
    travellers = [traveller for traveller in rows.travellers(range(len(rows))) if traveller.date_of_birth]
    assert len(travellers) > 50
    outcomes = EvidenceMatcher().match(registry, travellers)
    assert any(outcome.match for outcome in outcomes) and any(outcome.candidates for outcome in outcomes)
    for traveller, screened in zip(travellers, outcomes, strict=True):
        searched = search_registry(registry, traveller, today=today, limit=10).outcome
        assert searched.match == screened.match
        assert searched.record == screened.record
        listed = searched.candidates[: len(screened.candidates)]
        assert [(c.record_id, c.confidence, dict(c.fields)) for c in listed] == [
            (c.record_id, c.confidence, dict(c.fields)) for c in screened.candidates
        ]
        assert [c.record for c in listed] == [c.record for c in screened.candidates]
