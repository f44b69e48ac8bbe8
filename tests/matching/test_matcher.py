"""The evidence matcher: right person through spelling variants, and doubt shown as candidates, not a match."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checkpoint.manifests import build_traveller
from checkpoint.matching import EvidenceMatcher
from checkpoint.models import Traveller
from checkpoint.registry import Registry, open_registry


@pytest.fixture
def registry(registry_csv: Path, tmp_path: Path, today: date) -> Registry:
    return open_registry(registry_csv, tmp_path, today=today)


def traveller(today: date, **cells: object) -> Traveller:
    return build_traveller(cells, row=1, today=today)


def test_exact_passport_and_variant_name_is_a_passport_match(registry: Registry, today: date) -> None:
    found = EvidenceMatcher().match(
        registry,
        [traveller(today, name="AMINAH/SITI MRS", date_of_birth="17MAY90", sex="F", passport_number="B1234567")],
    )[0]
    assert found.match is not None
    assert found.match.record_id == "SP2MI-0000001"
    assert found.match.method == "passport"
    assert found.match.fields["date_of_birth"] == "exact"
    assert found.record is not None and found.record["status"] == "READY"


def test_old_spelling_and_no_passport_matches_by_name_and_date(registry: Registry, today: date) -> None:
    found = EvidenceMatcher().match(
        registry, [traveller(today, full_name="JOKO CAHYONO", date_of_birth="1988-11-11", sex="M")]
    )[0]
    assert found.match is not None and found.match.record_id == "SP2MI-0000007"
    assert found.match.method == "name_dob"


def test_two_equally_likely_records_give_candidates_not_a_match(registry: Registry, today: date) -> None:
    # SITI AMINAH born 1993-08-09 and another SITI AMINAH born 1993-09-08 (a day/month swap away):
    # either could be the traveller, so neither is claimed; both are shown as candidates.
    found = EvidenceMatcher().match(registry, [traveller(today, full_name="SITI AMINAH", sex="F")])[0]
    assert found.match is None
    ambiguous = EvidenceMatcher().match(
        registry, [traveller(today, full_name="SITI AMINAH", date_of_birth="1993-08-09", sex="F")]
    )[0]
    assert ambiguous.match is None
    assert [c.record_id for c in ambiguous.candidates] == ["SP2MI-0000004", "SP2MI-0000005"]
    # the passport settles it
    settled = EvidenceMatcher().match(
        registry,
        [traveller(today, full_name="SITI AMINAH", date_of_birth="1993-08-09", sex="F", passport_number="B7777777")],
    )[0]
    assert settled.match is not None and settled.match.record_id == "SP2MI-0000004"


def test_same_passport_but_a_different_person_is_not_a_match(registry: Registry, today: date) -> None:
    found = EvidenceMatcher().match(
        registry,
        [traveller(today, full_name="BUDI SANTOSO", date_of_birth="1970-01-01", sex="M", passport_number="B1234567")],
    )[0]
    assert found.match is None


def test_unknown_traveller_and_unscreenable_row(registry: Registry, today: date) -> None:
    stranger = traveller(today, full_name="ANDI WIJAYA", date_of_birth="1970-01-01", passport_number="E1111111")
    blank = traveller(today, destination="KUL")
    outcomes = EvidenceMatcher().match(registry, [stranger, blank])
    assert outcomes[0].match is None and outcomes[0].candidates == ()
    assert outcomes[1].match is None


def test_results_keep_input_order_for_a_batch(registry: Registry, today: date) -> None:
    base = traveller(today, full_name="SITI AMINAH BINTI KARSO", date_of_birth="1990-05-17", sex="F")
    batch = [replace(base, pax_id=str(i), passport_number=p) for i, p in enumerate(["B1234567", None, "ZZZ"])]
    outcomes = EvidenceMatcher().match(registry, batch)
    assert len(outcomes) == 3
    assert all(o.match is not None and o.match.record_id == "SP2MI-0000001" for o in outcomes)
