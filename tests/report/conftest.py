"""Hand-built, synthetic screening results shared by the report tests (no real personal data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checkpoint.models import (
    Candidate,
    Hit,
    Match,
    MatchOutcome,
    ScreeningResult,
    Traveller,
    Unknown,
    Verdict,
)

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "golden" / "report"

#: The awkward name: a comma, double quotes, a line break and non-ASCII, all in one cell.
AWKWARD_NAME = 'NI LUH PUTU ARTINI, "KADEK"\nÉ'


def build_sample_results() -> list[ScreeningResult]:
    """One result per case the writers must handle, in a deliberate (non-sorted) input order."""
    clear_unmatched = ScreeningResult(
        traveller=Traveller(
            pax_id="1",
            row=1,
            full_name="SITI AMINAH",
            sex="F",
            date_of_birth=date(1991, 3, 14),
            passport_number="C1234567",
            destination="SGP",
        ),
        verdict=Verdict.CLEAR,
        risk_score=0,
    )
    refer_matched = ScreeningResult(
        traveller=Traveller(
            pax_id="17",
            row=2,
            full_name="DEWI LESTARI BINTI SUPARMAN",
            sex="F",
            passport_number="C7654321",
            destination="SAU",
        ),
        verdict=Verdict.REFER,
        risk_score=45,
        outcome=MatchOutcome(
            match=Match(
                record_id="SP2MI-000123",
                confidence=0.96666,
                method="name_dob",
                fields={"name": 0.94213, "date_of_birth": "exact", "sex": "agree", "passport_number": "missing"},
            ),
            candidates=(Candidate("SP2MI-004411", 0.4109),),
        ),
        hits=(
            Hit(
                rule="NP-002",
                title="Placement record not ready",
                severity="high",
                score=45,
                explanation="Record SP2MI-000123 has status REGISTERED, not READY; no visa number on file.",
                ask=("Have you attended the pre-departure orientation (OPP)?", "May I see your work visa?"),
            ),
        ),
    )
    hold_several_hits = ScreeningResult(
        traveller=Traveller(
            pax_id="23",
            row=3,
            full_name="SUMIATI",
            sex="F",
            passport_number="C2468013",
            destination="KHM",
            visa_type="tourist",
        ),
        verdict=Verdict.HOLD,
        risk_score=130,
        outcome=MatchOutcome(candidates=(Candidate("SP2MI-007001", 0.52), Candidate("SP2MI-007002", 0.33333))),
        hits=(
            Hit("NP-011", "No return ticket", "medium", 20, "The booking is one way (ticket: one_way)."),
            Hit(
                "NP-001",
                "Destination is not a placement country",
                "critical",
                80,
                "Cambodia (KHM) is not a placement country; any work trip there is non-procedural "
                "and is the main online-scam trafficking route.",
            ),
            Hit("NP-004", "Passport issued recently", "high", 30, "Passport issued 21 days before departure."),
        ),
    )
    with_unknowns = ScreeningResult(
        traveller=Traveller(pax_id="31", row=4, full_name="I WAYAN SUTRISNO", sex="M", destination="MYS"),
        verdict=Verdict.CLEAR,
        risk_score=0,
        unknown=(
            Unknown("NP-007", ("return_date", "ticket")),
            Unknown("NP-009", ("visa_type",)),
        ),
    )
    not_screened = ScreeningResult(
        traveller=Traveller(
            pax_id="5",
            row=5,
            warnings=("date_of_birth '31/02/1990' is not a date; treated as missing",),
        ),
        verdict=Verdict.REFER,
        risk_score=0,
        warnings=(
            "date_of_birth '31/02/1990' is not a date; treated as missing",
            "row 5 has neither a name nor a passport number; not screened",
        ),
    )
    awkward_name = ScreeningResult(
        traveller=Traveller(
            pax_id='6, "B"',
            row=6,
            full_name=AWKWARD_NAME,
            passport_number="C1357913",
            warnings=(f"full_name '{AWKWARD_NAME}' contains a line break; kept as read",),
        ),
        verdict=Verdict.CLEAR,
        risk_score=5,
        hits=(Hit("NP-020", "Name differs from KTP", "low", 5, 'Manifest name is "ARTINI, KADEK" (É).'),),
    )
    formula_equals = ScreeningResult(
        traveller=Traveller(
            pax_id='=HYPERLINK("http://example.invalid","x")',
            row=7,
            full_name="=SUM(A1:A9)",
            warnings=("+62 phone number in the name column; ignored",),
        ),
        verdict=Verdict.REFER,
        risk_score=10,
        hits=(Hit("NP-030", "@agent marker", "info", 10, "-group escorted by agent staff"),),
    )
    formula_plus_minus_at = ScreeningResult(
        traveller=Traveller(pax_id="+8", row=8, full_name="-MINUS", warnings=("@import is not a date",)),
        verdict=Verdict.CLEAR,
        risk_score=0,
        warnings=("-destination missing",),
    )
    return [
        clear_unmatched,
        refer_matched,
        hold_several_hits,
        with_unknowns,
        not_screened,
        awkward_name,
        formula_equals,
        formula_plus_minus_at,
    ]


@pytest.fixture
def sample_results() -> list[ScreeningResult]:
    """The shared synthetic results (see `build_sample_results`)."""
    return build_sample_results()


@pytest.fixture
def golden_dir() -> Path:
    """Where the report golden files live."""
    return GOLDEN_DIR
