"""The placement trip as evidence (issue 20): a registered worker leaving on a work visa for the record's placement
country, whose birth date slipped a digit and whose passport was renewed, is claimed; the same traveller on a
visitor visa, or bound elsewhere, is shown the record as a candidate only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from matching_reference import Pair, vectorised_weights
from test_matcher_names import FILLER, HEADER, match_one, registry_of
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.matching import default_model

RECORD = "SP2MI-0000001,WAHYU HIDAYAT,M,1991-04-12,TWN,,A1111111,READY"
# WAHYU and HIDAYAT common enough (a few namesakes expected) that a slipped digit with a renewed passport is
# not claimed on the name alone; born decades away from the traveller, none of them is a candidate.
COMMON = [
    f"SP2MI-8{at:06d},{name},M,196{at % 10}-0{1 + at % 9}-2{at % 9},MYS,,,READY"
    for at, name in enumerate(["WAHYU SANTOSA"] * 52 + ["AGUS HIDAYAT"] * 52)
]
# a digit of the birth date slipped and the passport was renewed since registration
SLIPPED = {"full_name": "WAHYU HIDAYAT", "date_of_birth": "1991-04-13", "sex": "M", "passport_number": "C9999999"}


def test_a_worker_on_a_work_visa_for_the_placement_country_is_claimed(tmp_path: Path, today: date) -> None:
    registry = registry_of(tmp_path, today, RECORD, *COMMON)
    found = match_one(registry, today, **SLIPPED, destination="TPE", visa_type="work")
    assert found.match is not None and found.match.record_id == "SP2MI-0000001"
    assert found.match.fields["date_of_birth"] == "one_digit"
    # a hub on the way does not hide the journey's end
    routed = match_one(registry, today, **SLIPPED, destination="KUL", final_destination="TWN", visa_type="work")
    assert routed.match is not None and routed.match.record_id == "SP2MI-0000001"


@pytest.mark.parametrize(
    "trip",
    [
        {"destination": "TPE", "visa_type": "tourist"},  # a visitor to the same country: no evidence
        {"destination": "TPE"},  # no visa type given
        {"destination": "KUL", "visa_type": "work"},  # a work visa for another country
    ],
)
def test_without_the_placement_trip_the_slipped_record_is_only_a_candidate(
    tmp_path: Path, today: date, trip: dict[str, str]
) -> None:
    registry = registry_of(tmp_path, today, RECORD, *COMMON)
    found = match_one(registry, today, **SLIPPED, **trip)
    assert found.match is None
    assert [candidate.record_id for candidate in found.candidates] == ["SP2MI-0000001"]


def test_the_trip_does_not_choose_between_namesakes_on_its_own(tmp_path: Path, today: date) -> None:
    # two registered WAHYU HIDAYAT one slip from the traveller's birth date, both placed in Taiwan
    registry = registry_of(
        tmp_path, today, RECORD, "SP2MI-0000002,WAHYU HIDAYAT,M,1991-04-11,TWN,,A2222222,READY", *COMMON
    )
    found = match_one(registry, today, **SLIPPED, destination="TPE", visa_type="work")
    assert found.match is None
    assert {candidate.record_id for candidate in found.candidates} == {"SP2MI-0000001", "SP2MI-0000002"}


def test_the_placement_trip_weighs_less_than_a_slipped_birth_date() -> None:
    """The trip lifts a pair whose birth date slipped, but never as high as the same pair with the date exact:
    it adds to the evidence of the name and the date, it does not stand in for them."""
    model = default_model()
    slipped, exact, plain = vectorised_weights(
        model,
        [
            Pair(date_of_birth="one_digit", placement_trip="placement"),
            Pair(date_of_birth="exact", placement_trip="other"),
            Pair(date_of_birth="one_digit", placement_trip="other"),
        ],
    ).tolist()
    assert plain < slipped < exact
    trips = model.weights.outcomes["placement_trip"]
    assert trips["other"] == trips["missing"] == 0.0  # another trip is no evidence against


def test_screening_from_the_command_line_claims_the_worker_on_the_placement_trip(tmp_path: Path, today: date) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(HEADER + "\n".join([RECORD, *COMMON, *FILLER]) + "\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "No.;Name;Sex;DOB;Passport No.;Destination;Ticket;Visa;PNR;Departure\n"
        f"1;HIDAYAT/WAHYU MR;M;13APR91;C9999999;TPE;one_way;work;AAA111;{today}\n"
        f"2;HIDAYAT/WAHYU MR;M;13APR91;C9999999;TPE;one_way;tourist;BBB222;{today}\n",
        encoding="utf-8",
    )
    options = ["--today", str(today), "--format", "json", "--audit-log", str(tmp_path / "audit.jsonl")]
    result = CliRunner().invoke(app, ["screen", "--registry", str(registry), "--manifest", str(manifest), *options])
    assert result.exit_code in (0, 1), result.stderr
    rows = {row["pax_id"]: row for row in json.loads(result.stdout)}
    assert (rows["1"]["match"] or {}).get("record_id") == "SP2MI-0000001"
    assert rows["2"]["match"] is None
    assert [candidate["record_id"] for candidate in rows["2"]["candidates"]] == ["SP2MI-0000001"]
