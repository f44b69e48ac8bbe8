"""A record's fields as people read them (label, value) in both languages, and as JSON; a match's field outcomes
in words."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from checkpoint.i18n import Language, set_language
from checkpoint.matching.comparisons import LEVELS
from checkpoint.models import RECORD_FIELDS
from checkpoint.report.field_outcomes import FIELDS, field_outcomes
from checkpoint.report.record_fields import EVERY_FIELD, MAIN_FIELDS, record_lines, record_to_dict

TODAY = date(2026, 11, 28)

#: A synthetic record with every field.
RECORD: dict[str, Any] = {
    "record_id": "SP2MI-0000001",
    "full_name": "SITI AMINAH BINTI KARSO",
    "sex": "F",
    "date_of_birth": date(1990, 5, 17),
    "destination_country": "MYS",
    "nik": "3201015705900001",
    "passport_number": "B1234567",
    "status": "READY",
    "scheme": "P2P",
    "agency": "PT CONTOH JAYA MANDIRI",
    "agency_licence": "SIP3MI 123/2024",
    "employer": "CONTOH SDN BHD",
    "job_title": "housemaid",
    "sector": "domestic",
    "visa_number": "V-0001",
    "epmi_number": "EPMI0001",
    "bpjs_active": True,
    "opp_completed": False,
    "planned_departure": date(2026, 12, 1),
    "departure_port": "CGK",
}


@pytest.fixture(params=list(Language))
def language(request: pytest.FixtureRequest) -> Iterator[Language]:
    set_language(request.param)
    yield request.param


def test_every_field_but_the_id_is_laid_out_once() -> None:
    assert sorted(EVERY_FIELD) == sorted(name for name in RECORD_FIELDS if name != "record_id")
    main = list(itertools.chain.from_iterable(MAIN_FIELDS))
    assert len(set(main)) == len(main) and set(main) <= set(EVERY_FIELD)


EXPECTED = {
    Language.EN: [
        ("Registered name", "SITI AMINAH BINTI KARSO"),
        ("Date of birth", "1990-05-17 (aged 36)"),
        ("Sex", "female"),
        ("NIK", "3201015705900001"),
        ("Passport number", "B1234567"),
        ("Destination country", "MYS"),
        ("Status", "READY (ready to depart)"),
        ("Placement scheme", "P2P (through a P3MI)"),
        ("Placement agency (P3MI)", "PT CONTOH JAYA MANDIRI"),
        ("P3MI licence", "SIP3MI 123/2024"),
        ("Employer", "CONTOH SDN BHD"),
        ("Job", "housemaid"),
        ("Sector", "domestic work"),
        ("Work visa number", "V-0001"),
        ("E-PMI card number", "EPMI0001"),
        ("Social security (BPJS)", "active"),
        ("Pre-departure orientation (OPP)", "not completed"),
        ("Planned departure", "2026-12-01"),
        ("Departure port", "CGK"),
    ],
    Language.ID: [
        ("Nama terdaftar", "SITI AMINAH BINTI KARSO"),
        ("Tanggal lahir", "1990-05-17 (36 tahun)"),
        ("Jenis kelamin", "perempuan"),
        ("NIK", "3201015705900001"),
        ("Nomor paspor", "B1234567"),
        ("Negara tujuan", "MYS"),
        ("Status", "READY (siap berangkat)"),
        ("Skema penempatan", "P2P (melalui P3MI)"),
        ("P3MI", "PT CONTOH JAYA MANDIRI"),
        ("Nomor izin P3MI", "SIP3MI 123/2024"),
        ("Pemberi kerja", "CONTOH SDN BHD"),
        ("Jabatan", "housemaid"),
        ("Sektor", "domestik (rumah tangga)"),
        ("Nomor visa kerja", "V-0001"),
        ("Nomor E-PMI", "EPMI0001"),
        ("BPJS Ketenagakerjaan", "aktif"),
        ("OPP (orientasi pra penempatan)", "belum"),
        ("Rencana keberangkatan", "2026-12-01"),
        ("Tempat keberangkatan", "CGK"),
    ],
}


def test_a_full_record_reads_in_the_runs_language(language: Language) -> None:
    lines = record_lines(RECORD, today=TODAY)
    assert [line.field for line in lines] == list(EVERY_FIELD)
    assert [(line.label, line.value) for line in lines] == EXPECTED[language]
    assert all(line.recorded for line in lines)


def test_what_the_registry_lacks_says_so(language: Language) -> None:
    bare = {name: None for name in RECORD_FIELDS} | {"record_id": "SP2MI-0000009", "agency": ""}
    lines = record_lines(bare, today=TODAY, fields=("agency", "bpjs_active", "planned_departure"))
    missing = {Language.EN: "not recorded", Language.ID: "tidak tercatat"}[language]
    assert [(line.value, line.recorded) for line in lines] == [(missing, False)] * 3


def test_codes_without_words_are_shown_as_stored_and_control_characters_never_reach_the_screen() -> None:
    odd = RECORD | {"status": "SUSPENDED", "scheme": "G2G", "sex": "X", "employer": "A\x1b[2JB\u202eC\nD"}
    values = {line.field: line.value for line in record_lines(odd, today=TODAY)}
    assert values["status"] == "SUSPENDED" and values["sex"] == "X"
    assert values["scheme"] == "G2G (government to government)"
    assert values["employer"] == "A\ufffd[2JB\ufffdC D"


def test_a_field_that_is_not_a_registry_field_is_refused() -> None:
    with pytest.raises(KeyError):
        record_lines(RECORD, today=TODAY, fields=("_name_tokens",))


def test_the_record_as_json_keeps_every_field_in_order_with_iso_dates() -> None:
    plain = record_to_dict(RECORD | {"employer": None})
    assert list(plain) == list(RECORD_FIELDS)
    assert plain["date_of_birth"] == "1990-05-17" and plain["planned_departure"] == "2026-12-01"
    assert plain["employer"] is None and plain["bpjs_active"] is True


def test_every_outcome_the_matcher_reports_has_words_in_both_languages(language: Language) -> None:
    assert set(FIELDS) == {"name", *LEVELS}
    for field, levels in LEVELS.items():
        for level in levels:
            worded = field_outcomes({field: level})
            assert len(worded.agrees + worded.differs + worded.unchecked) == 1, (field, level)
            assert worded.sentences()


def test_field_outcomes_are_grouped_into_agrees_differs_and_not_compared() -> None:
    worded = field_outcomes(
        {"name": 0.9, "date_of_birth": "swapped", "sex": "agree", "passport_number": "missing", "nik": "exact"}
    )
    assert worded.agrees == ("sex", "NIK")
    assert worded.differs == ("name only alike (0.90)", "birth day and month swapped")
    assert worded.unchecked == ("passport number",)
    assert worded.sentences() == [
        "agrees: sex, NIK",
        "differs: name only alike (0.90), birth day and month swapped",
        "not compared: passport number",
    ]
    assert field_outcomes({"name": 1.0, "date_of_birth": "exact"}).sentences() == ["agrees: name (1.00), date of birth"]
    assert field_outcomes({"name": "missing"}).unchecked == ("name",)
