"""`checkpoint registry show` and `registry search` through the CLI: a record looked up by hand, in both
languages, for people and for scripts (issue 15)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from checkpoint.cli.app import app
from checkpoint.models import RECORD_FIELDS
from checkpoint.registry import import_registry

runner = CliRunner()
TODAY = ["--today", "2026-11-28"]
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture
def imported(registry_csv: Path) -> None:
    """The small registry imported into the default store (so no --registry is needed, and no notes)."""
    result = runner.invoke(app, ["registry", "import", str(registry_csv), *TODAY])
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 20,000-record sample registry imported once, into a store given with --registry."""
    store = tmp_path_factory.mktemp("sample-store")
    import_registry(SAMPLE / "registry.parquet", store, today=date(2026, 11, 28))
    return store


def registry(*arguments: str) -> Result:
    return runner.invoke(app, ["registry", *arguments, *TODAY])


# --- registry show ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("imported")
def test_show_lays_out_every_field_with_english_labels() -> None:
    result = registry("show", "SP2MI-0000001")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Placement record SP2MI-0000001"
    assert lines[1].startswith("from registry snapshot ")
    fields = dict(line.strip().split("  ", 1) for line in lines[3:])
    assert {label: value.strip() for label, value in fields.items()} == {
        "Registered name": "SITI AMINAH BINTI KARSO",
        "Date of birth": "1990-05-17 (aged 36)",
        "Sex": "female",
        "NIK": "3201015705900001",
        "Passport number": "B1234567",
        "Destination country": "MYS",
        "Status": "READY (ready to depart)",
        "Placement scheme": "P2P (through a P3MI)",
        "Placement agency (P3MI)": "PT CONTOH JAYA MANDIRI",
        "P3MI licence": "not recorded",
        "Employer": "not recorded",
        "Job": "housemaid",
        "Sector": "domestic work",
        "Work visa number": "V-0001",
        "E-PMI card number": "not recorded",
        "Social security (BPJS)": "active",
        "Pre-departure orientation (OPP)": "completed",
        "Planned departure": "2026-11-20",
        "Departure port": "CGK",
    }


@pytest.mark.usefixtures("imported")
def test_show_speaks_indonesian_with_lang_id_and_finds_an_id_typed_in_lower_case() -> None:
    result = registry("show", "sp2mi-0000002", "--lang", "id")
    assert result.exit_code == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "Data penempatan SP2MI-0000002"
    assert lines[1].startswith("dari snapshot registri ")
    for expected in [
        "Nama terdaftar",
        "Tanggal lahir                   1985-02-01 (41 tahun)",
        "Jenis kelamin                   laki-laki",
        "Negara tujuan                   TWN",
        "Status                          CANCELLED (dibatalkan)",
        "Skema penempatan                P2P (melalui P3MI)",
        "P3MI                            PT CONTOH JAYA MANDIRI",
        "NIK                             tidak tercatat",
        "BPJS Ketenagakerjaan            tidak aktif",
        "OPP (orientasi pra penempatan)  belum",
        "Rencana keberangkatan           tidak tercatat",
    ]:
        assert any(line.startswith(expected) for line in lines), expected


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize("lang", ["en", "id"])
def test_an_unknown_id_exits_3_with_one_sentence_that_does_not_repeat_it(lang: str) -> None:
    result = registry("show", "SP2MI-0009999", "--lang", lang)
    assert result.exit_code == 3
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "SP2MI-0009999" not in line
    assert "registry snapshot" in line if lang == "en" else "snapshot registri" in line
    assert "(7 records)" in line if lang == "en" else "(7 data)" in line
    assert "`checkpoint registry search --name" in line


@pytest.mark.usefixtures("imported")
def test_show_as_json_is_the_record_with_its_spec_fields() -> None:
    result = registry("show", "SP2MI-0000006", "--format", "json", "--lang", "id")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["snapshot_id"] and list(shown["record"]) == list(RECORD_FIELDS)
    record = shown["record"]
    assert record["full_name"] == "NI LUH PUTU SRI ARTINI" and record["date_of_birth"] == "1995-03-21"
    assert record["scheme"] == "G2G" and record["agency"] is None and record["bpjs_active"] is True


def test_show_without_a_registry_exits_4_saying_how_to_import_one() -> None:
    result = registry("show", "SP2MI-0000001")
    assert result.exit_code == 4 and result.stdout == ""
    assert "checkpoint registry import" in result.stderr


# --- registry search -------------------------------------------------------------------------------------------


def test_search_by_name_and_date_of_birth_finds_the_sample_registrys_worker(sample_store: Path) -> None:
    result = registry("search", "--name", "HASAN KURNIAWAN", "--dob", "20/11/1999", "--registry", str(sample_store))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 1 placement record found.")
    assert " 1. SP2MI-0000001  match, confidence " in result.stdout
    assert "    agrees: name (1.00), date of birth" in lines
    assert "    Registered name: HASAN KURNIAWAN" in lines
    assert "    Date of birth: 1999-11-20 (aged 27) · Sex: male" in lines
    assert "Only a name was given" not in result.stdout


def test_a_search_with_only_a_name_says_it_is_weak_evidence_and_claims_no_record(sample_store: Path) -> None:
    result = registry("search", "--name", "SITI AMINAH", "--sex", "f", "--registry", str(sample_store))
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "placement records found." in text
    assert "The 10 most alike are shown; narrow the search with --dob, --passport or --nik." in text
    assert "Only a name was given: a name alone is weak evidence" in text
    assert "No record is claimed as a match" in text
    assert "possible match, confidence" in text and "match, confidence" not in text.replace("possible match", "")
    heads = [line for line in result.stdout.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    assert len(heads) == 10
    assert text.count("Registered name: SITI AMINAH") == 10


def test_a_search_with_only_a_name_in_indonesian(sample_store: Path) -> None:
    result = registry(
        "search", "--name", "SITI AMINAH", "--registry", str(sample_store), "--lang", "id", "--limit", "2"
    )
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Hanya nama yang diberikan: nama saja adalah bukti lemah" in text
    assert "Ditampilkan 2 yang paling mirip" in text
    assert "kemungkinan cocok, keyakinan" in text and "tidak dibandingkan: tanggal lahir" in text


@pytest.mark.usefixtures("imported")
def test_search_as_json_parses_back_to_the_match_then_the_candidates() -> None:
    result = registry("search", "--name", "SITI AMINAH", "--dob", "1993-08-09", "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["match"] is None and found["name_only"] is False and found["notes"] == []
    assert found["found"] == 2
    assert [candidate["record_id"] for candidate in found["candidates"]] == ["SP2MI-0000004", "SP2MI-0000005"]
    first = found["candidates"][0]
    assert first["fields"]["date_of_birth"] == "exact" and 0 < first["confidence"] <= 1
    assert list(first["record"]) == list(RECORD_FIELDS) and first["record"]["date_of_birth"] == "1993-08-09"
    settled = json.loads(
        registry(
            "search", "--name", "SITI AMINAH", "--dob", "1993-08-09", "--passport", "B7777777", "--format", "json"
        ).stdout
    )
    assert settled["match"]["record_id"] == "SP2MI-0000004" and settled["match"]["method"] == "passport"
    assert settled["match"]["record"]["passport_number"] == "B7777777"
    weak = json.loads(registry("search", "--name", "SITI AMINAH", "--format", "json", "--lang", "id").stdout)
    assert weak["name_only"] is True and weak["match"] is None and len(weak["candidates"]) == 3
    assert weak["notes"][0].startswith("Hanya nama yang diberikan")


@pytest.mark.usefixtures("imported")
def test_nothing_found_is_said_plainly_and_is_not_an_error() -> None:
    result = registry("search", "--name", "ANDI WIJAYA", "--dob", "1970-01-01")
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert said.startswith("Search of registry snapshot ")
    assert said.endswith(": no placement record was found for these details.")
    named = registry("search", "--name", "ANDI WIJAYA")
    assert named.exit_code == 0
    assert "Only a name was given: without a date of birth" in " ".join(named.stdout.split())


@pytest.mark.usefixtures("imported")
def test_a_date_that_cannot_be_read_is_a_note_and_the_search_goes_on_without_it() -> None:
    result = registry("search", "--name", "SITI AMINAH", "--dob", "31/02/1990")
    assert result.exit_code == 0
    assert result.stderr.startswith("note: date_of_birth")
    weak = json.loads(registry("search", "--name", "SITI AMINAH", "--dob", "31/02/1990", "--format", "json").stdout)
    assert weak["name_only"] is True and weak["warnings"][0].startswith("date_of_birth")
    assert "Only a name was given" in " ".join(result.stdout.split())


@pytest.mark.usefixtures("imported")
def test_search_refuses_a_sex_other_than_m_or_f_and_needs_a_name() -> None:
    assert registry("search", "--name", "SITI AMINAH", "--sex", "X").exit_code == 2
    assert registry("search", "--dob", "1990-05-17").exit_code == 2
    assert registry("search", "--name", "SITI AMINAH", "--limit", "0").exit_code == 2
