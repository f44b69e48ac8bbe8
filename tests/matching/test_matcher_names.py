"""Names the matcher once missed (issue 20): Balinese words written short, a husband's name after a single name."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.manifests import build_traveller
from checkpoint.matching import EvidenceMatcher
from checkpoint.models import MatchOutcome
from checkpoint.registry import Registry, open_registry

HEADER = "record_id,full_name,sex,date_of_birth,destination_country,nik,passport_number,status\n"
# Records that share nothing with the people below, so that the registry is not tiny.
FILLER = [
    f"SP2MI-9{at:06d},{first} {second},{sex},19{70 + at % 25}-0{1 + at % 9}-1{at % 9},MYS,,,READY"
    for at, (first, second, sex) in enumerate(
        (first, second, sex)
        for first, sex in (("BUDI", "M"), ("AGUS", "M"), ("DEWI", "F"), ("RINA", "F"), ("EKO", "M"))
        for second in ("SANTOSA", "WIBOWO", "LESTARI", "HARTONO", "KURNIA", "PRATAMA", "SAPUTRI", "WATI")
    )
]


def registry_of(tmp_path: Path, today: date, *rows: str) -> Registry:
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + "\n".join([*rows, *FILLER]) + "\n", encoding="utf-8")
    return open_registry(path, tmp_path / "store", today=today)


def match_one(registry: Registry, today: date, **cells: object) -> MatchOutcome:
    return EvidenceMatcher().match(registry, [build_traveller(cells, row=1, today=today)])[0]


@pytest.mark.parametrize(
    ("registered", "written"),
    [
        ("I NYOMAN SUPARTA", {"full_name": "I NYM SUPARTA"}),
        ("I NYOMAN SUPARTA", {"name": "SUPARTA/NYM MR"}),  # abbreviated, and the particle dropped by the airline
        ("I GUSTI NGURAH KETUT RAKA", {"full_name": "I GST NGR KT RAKA"}),
        ("IDA BAGUS PUTU MANUABA", {"full_name": "I.B. PT MANUABA"}),
    ],
)
def test_a_balinese_abbreviation_finds_and_matches_its_record(
    tmp_path: Path, today: date, registered: str, written: dict[str, str]
) -> None:
    registry = registry_of(tmp_path, today, f"SP2MI-0000001,{registered},M,1991-04-12,MYS,,A1111111,READY")
    # a renewed passport: the name and the date of birth must find the record and carry the claim
    found = match_one(registry, today, **written, date_of_birth="1991-04-12", sex="M", passport_number="C9999999")
    assert found.match is not None and found.match.record_id == "SP2MI-0000001"
    assert found.match.method == "name_dob"


def test_a_husband_name_after_a_single_registered_name_matches_with_a_renewed_passport(
    tmp_path: Path, today: date
) -> None:
    registry = registry_of(tmp_path, today, "SP2MI-0000001,SARTINI,F,1980-03-04,MYS,,B2222222,READY")
    for written in ({"full_name": "SARTINI SANTOSO"}, {"name": "SANTOSO/SARTINI MRS"}):
        found = match_one(registry, today, **written, date_of_birth="1980-03-04", sex="F", passport_number="C3333333")
        assert found.match is not None and found.match.record_id == "SP2MI-0000001"
        assert found.match.fields["name"] == pytest.approx(0.952)


def test_a_husband_name_does_not_choose_between_two_women_of_one_name_and_birth_date(
    tmp_path: Path, today: date
) -> None:
    registry = registry_of(
        tmp_path,
        today,
        "SP2MI-0000001,SARTINI,F,1980-03-04,MYS,,B2222222,READY",
        "SP2MI-0000002,SARTINI,F,1980-03-04,SAU,,B4444444,READY",
    )
    found = match_one(registry, today, full_name="SARTINI SANTOSO", date_of_birth="1980-03-04", sex="F")
    assert found.match is None
    assert {c.record_id for c in found.candidates} == {"SP2MI-0000001", "SP2MI-0000002"}


@pytest.mark.parametrize(
    "cells",
    [
        {"date_of_birth": "1980-03-04", "sex": "M"},  # the added word is no licence to ignore the sex
        {"date_of_birth": "1980-03-14", "sex": "F"},  # nor a slipped birth date without a document
        {"date_of_birth": "1981-03-04", "sex": "F"},
    ],
)
def test_a_husband_name_is_not_claimed_without_the_date_of_birth_and_sex(
    tmp_path: Path, today: date, cells: dict[str, str]
) -> None:
    registry = registry_of(tmp_path, today, "SP2MI-0000001,SARTINI,F,1980-03-04,MYS,,B2222222,READY")
    found = match_one(registry, today, full_name="SARTINI SANTOSO", passport_number="C3333333", **cells)
    assert found.match is None


def test_a_single_written_name_beside_a_registered_two_word_name_is_no_appended_word(
    tmp_path: Path, today: date
) -> None:
    # the other way round a part was dropped, which weighs as before: not claimed on the name and date alone
    registry = registry_of(tmp_path, today, "SP2MI-0000001,SARTINI WULANDARI,F,1980-03-04,MYS,,B2222222,READY")
    found = match_one(registry, today, full_name="SARTINI", date_of_birth="1980-03-04", sex="F")
    assert found.match is None


def test_screening_from_the_command_line_matches_the_abbreviated_and_the_married_names(
    tmp_path: Path, today: date
) -> None:
    registry = tmp_path / "registry.csv"
    rows = [
        "SP2MI-0000001,I NYOMAN SUPARTA,M,1991-04-12,MYS,,A1111111,READY",
        "SP2MI-0000002,SARTINI,F,1980-03-04,MYS,,B2222222,READY",
    ]
    registry.write_text(HEADER + "\n".join([*rows, *FILLER]) + "\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "No.;Name;Sex;DOB;Passport No.;Destination;Ticket;Visa;PNR;Departure\n"
        f"1;SUPARTA/I NYM MR;M;12APR91;C9999999;KUL;return;work;AAA111;{today}\n"
        f"2;SANTOSO/SARTINI MRS;F;04MAR80;C3333333;KUL;return;work;BBB222;{today}\n",
        encoding="utf-8",
    )
    options = ["--today", str(today), "--format", "json", "--audit-log", str(tmp_path / "audit.jsonl")]
    result = CliRunner().invoke(app, ["screen", "--registry", str(registry), "--manifest", str(manifest), *options])
    assert result.exit_code in (0, 1), result.stderr
    matched = {row["pax_id"]: (row["match"] or {}).get("record_id") for row in json.loads(result.stdout)}
    assert matched == {"1": "SP2MI-0000001", "2": "SP2MI-0000002"}


def test_a_name_that_shows_less_than_the_record_weighs_as_common_as_the_part_shown(tmp_path: Path, today: date) -> None:
    # Hundreds of records begin MUHAMMAD RIZKI; one of them is MUHAMMAD RIZKI MAULANA. A traveller written MUHAMMAD
    # RIZKI with that record's birth date and another passport may be any MUHAMMAD RIZKI: not claimed, shown.
    namesakes = [
        f"SP2MI-0001{at:03d},MUHAMMAD RIZKI {last},M,19{80 + at % 20}-0{1 + at % 9}-2{at % 8},MYS,,A2000{at:03d},READY"
        for at, last in enumerate(("PRATAMA", "SAPUTRA", "HIDAYAT", "RAMADHAN", "FIRMANSYAH", "NUGROHO") * 50)
    ]
    registry = registry_of(
        tmp_path, today, "SP2MI-0000001,MUHAMMAD RIZKI MAULANA,M,2005-06-29,MYS,,A1111111,READY", *namesakes
    )
    shown = match_one(
        registry, today, full_name="MUHAMMAD RIZKI", date_of_birth="2005-06-29", sex="M", passport_number="C9999999"
    )
    assert shown.match is None
    assert [candidate.record_id for candidate in shown.candidates] == ["SP2MI-0000001"]
    # the whole name, rare, is claimed on the same evidence
    whole = match_one(
        registry,
        today,
        full_name="MUHAMMAD RIZKI MAULANA",
        date_of_birth="2005-06-29",
        sex="M",
        passport_number="C9999999",
    )
    assert whole.match is not None and whole.match.record_id == "SP2MI-0000001"
