"""Reading passport applications: required columns, the NIK checked against the application, documents,
findings, duplicates, every row kept in order, and the same applications from every tabular format."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from checkpoint.applications import build_application, open_applications
from checkpoint.errors import InputDataError
from checkpoint.models import Traveller

TODAY = date(2026, 11, 28)
FIXTURES = Path(__file__).parents[1] / "fixtures"
SMALL = FIXTURES / "applications_small.csv"


def facts(cells: dict[str, object], columns: tuple[str, ...] | None = None) -> dict[str, object]:
    application = build_application(cells, row=1, today=TODAY, columns=columns or tuple(cells))
    return dict(application.application)


def read_all(path: Path) -> list[Traveller]:
    rows = open_applications(path, today=TODAY)
    return rows.flag_repeats(rows.travellers(range(len(rows))))


BASE = {
    "application_id": "A-1",
    "nik": "3201015705900001",
    "full_name": "SITI AMINAH",
    "date_of_birth": "1990-05-17",
    "sex": "F",
    "purpose": "tourism",
}


def test_every_row_is_kept_in_order_keyed_by_application_id() -> None:
    applications = read_all(SMALL)
    assert [a.pax_id for a in applications] == [f"KANIM-000{n}" for n in range(1, 8)]
    first = applications[0]
    assert first.nik == "3201015705900001" and first.destination == "MYS"
    assert first.passport_number is None  # no passport exists yet
    assert first.departure_date == date(2026, 12, 20)


def test_a_valid_nik_that_agrees_is_kept_for_the_matcher() -> None:
    assert facts(BASE)["nik_valid"] is True and facts(BASE)["nik_agrees"] is True
    application = build_application(BASE, row=1, today=TODAY)
    assert application.nik == BASE["nik"] and application.warnings == ()


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"sex": "M"}, "sex differs from the sex encoded in the NIK"),
        ({"date_of_birth": "1990-05-18"}, "date_of_birth differs from the birth date encoded in the NIK"),
    ],
)
def test_a_nik_that_disagrees_with_sex_or_birth_date_says_so(change: dict[str, str], warning: str) -> None:
    application = build_application({**BASE, **change}, row=1, today=TODAY)
    assert dict(application.application)["nik_agrees"] is False
    assert warning in application.warnings
    assert all(BASE["nik"] not in w for w in application.warnings)  # never the NIK itself


@pytest.mark.parametrize(
    ("nik", "warning"),
    [
        ("", "nik is not given"),
        ("12345", "nik is not 16 digits"),
        ("3201013505900001", "nik is not a valid NIK"),  # day 35 is no day for a man nor (35-40) a woman
    ],
)
def test_a_missing_or_invalid_nik_is_not_valid_and_not_used(nik: str, warning: str) -> None:
    application = build_application({**BASE, "nik": nik}, row=1, today=TODAY)
    assert dict(application.application)["nik_valid"] is False
    assert "nik_agrees" not in dict(application.application)
    assert application.nik is None
    assert any(w.startswith(warning) for w in application.warnings), application.warnings


def test_a_missing_sex_or_birth_date_is_taken_from_the_nik_and_said() -> None:
    application = build_application({**BASE, "sex": "", "date_of_birth": ""}, row=1, today=TODAY)
    assert (application.sex, application.date_of_birth) == ("F", date(1990, 5, 17))
    assert "nik_agrees" not in dict(application.application)
    assert "sex is required but not given" in application.warnings


@pytest.mark.parametrize(
    ("written", "purpose"),
    [("wisata", "tourism"), ("Umroh", "umrah"), ("Kunjungan Keluarga", "family_visit"), ("magang", "internship")],
)
def test_purposes_are_read_in_either_language(written: str, purpose: str) -> None:
    assert facts({**BASE, "purpose": written})["purpose"] == purpose


def test_an_unknown_or_missing_purpose_is_missing_with_a_warning() -> None:
    application = build_application({**BASE, "purpose": "jalan-jalan"}, row=1, today=TODAY)
    assert "purpose" not in dict(application.application)
    assert any(w.startswith("purpose is not a known one") for w in application.warnings)
    blank = build_application({**BASE, "purpose": None}, row=1, today=TODAY)
    assert "purpose is required but not given" in blank.warnings


def test_documents_blank_in_a_column_the_file_has_are_not_presented() -> None:
    cells = {**BASE, "recommendation_id": "REK-3201-0007", "ppiu_letter": "", "guarantee_letter": "tidak"}
    read = facts(cells)
    assert read["recommendation"] is True and read["recommendation_id"] == "REK-3201-0007"
    assert read["ppiu_letter"] is False and read["guarantee_letter"] is False
    assert "itinerary" not in read  # no such column: undecided, not "not presented"


def test_findings_blank_are_missing_and_records_blank_are_no() -> None:
    cells = {**BASE, "trip_explained": "", "stated_work_intent": "ya", "previous_denial": ""}
    read = facts(cells)
    assert "trip_explained" not in read and read["stated_work_intent"] is True
    assert read["previous_denial"] is False
    odd = build_application({**BASE, "trip_explained": "maybe"}, row=1, today=TODAY)
    assert "trip_explained is not yes or no; treated as missing" in odd.warnings


def test_a_lacking_required_column_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "apps.csv"
    path.write_text("application_id,full_name,date_of_birth,sex\nA-1,SITI,1990-05-17,F\n", encoding="utf-8")
    with pytest.raises(InputDataError) as caught:
        open_applications(path, today=TODAY)
    message = str(caught.value)
    assert "apps.csv lacks the required columns nik, purpose" in message


def test_duplicates_by_nik_are_marked_and_named_by_line(tmp_path: Path) -> None:
    header = ",".join(BASE)
    row = ",".join(str(value) for value in BASE.values())
    other = row.replace("A-1", "A-2")
    path = tmp_path / "apps.csv"
    path.write_text(f"{header}\n{row}\n{other}\n{row}\n", encoding="utf-8")
    first, second, third = read_all(path)
    assert dict(third.application)["duplicate"] is True
    assert dict(first.application)["duplicate"] is True
    assert "line 2: the same NIK as line 3, line 4: a duplicate application?" in first.warnings
    assert "line 2: application_id A-1 appears more than once" in first.warnings
    assert not any("appears more than once" in w for w in second.warnings)


def test_the_same_applications_from_xlsx_parquet_and_json(tmp_path: Path) -> None:
    expected = read_all(SMALL)
    frame = pd.read_csv(SMALL, dtype=str, keep_default_na=False)
    frame.to_excel(tmp_path / "apps.xlsx", index=False)
    frame.to_parquet(tmp_path / "apps.parquet", index=False)
    (tmp_path / "apps.json").write_text(json.dumps(frame.to_dict(orient="records")), encoding="utf-8")
    for name in ("apps.xlsx", "apps.parquet", "apps.json"):
        read = read_all(tmp_path / name)
        assert [(a.pax_id, a.nik, a.application) for a in read] == [
            (a.pax_id, a.nik, a.application) for a in expected
        ], name


def test_an_unreadable_birth_date_is_one_warning_not_two() -> None:
    application = build_application({**BASE, "date_of_birth": "31/02/1990"}, row=1, today=TODAY)
    about_birth = [w for w in application.warnings if "date_of_birth" in w or "31/02/1990" in w]
    assert len(about_birth) == 1, application.warnings
    assert application.date_of_birth == date(1990, 5, 17)  # taken from the NIK
    assert "nik_agrees" not in dict(application.application)
