"""A new user's manifest through the real CLI (issue 16): misspelt headers, month-first dates and an expired
passport are each said once, in plain words, on stderr in the run's language, and nothing is silently clear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
REGISTRY = Path(__file__).parents[2] / "data" / "sample" / "registry.parquet"
REGISTRY_TODAY = ["--registry", str(REGISTRY), "--today", "2026-11-28"]

#: `pasport` and `date_of_brith` misspelt; every date written month-first; the first passport expired in March.
MANIFEST = """\
full_name,pasport,date_of_brith,sex,destination,visa_type,departure_date,return_date,passport_expiry
RINA WULANDARI,C4455667,04/16/1989,F,SIN,tourist,11/28/2026,12/15/2026,03/15/2026
AGUS PRASETYO,C7788990,10/23/1992,M,SIN,tourist,11/28/2026,12/15/2026,06/30/2031
"""


def screened(tmp_path: Path, *extra: str) -> tuple[int, list[dict[str, object]], str]:
    manifest = tmp_path / "ferry.csv"
    manifest.write_text(MANIFEST, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "screen",
            "--manifest",
            str(manifest),
            "--registry",
            str(REGISTRY),
            "--today",
            "2026-11-28",
            "--format",
            "jsonl",
            "--audit-log",
            str(tmp_path / "audit.jsonl"),
            *extra,
        ],
    )
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_each_problem_is_said_once_in_english(tmp_path: Path) -> None:
    code, results, stderr = screened(tmp_path, "--lang", "en")
    assert code == 1  # the expired passport is referred: never a silent clear
    expired, valid = results
    assert expired["verdict"] == "refer" and [hit["rule"] for hit in expired["hits"]] == ["NP-016"]
    assert "expired on 2026-03-15" in expired["hits"][0]["explanation"]
    assert valid["verdict"] == "clear"
    for sentence in (
        "ferry.csv: column 'pasport' is not one checkpoint knows and was ignored; did you mean 'passport_number'?",
        "ferry.csv: column 'date_of_brith' is not one checkpoint knows and was ignored; did you mean 'date_of_birth'?",
        "ferry.csv: column 'departure_date' is written month-first throughout (e.g. '11/28/2026')",
        "ferry.csv: column 'return_date' is written month-first throughout (e.g. '12/15/2026')",
        "ferry.csv: column 'passport_expiry' is written month-first throughout (e.g. '03/15/2026')",
        "ferry.csv lacks columns the rule pack reads, so these checks stay undecided for every traveller: "
        "date_of_birth (NP-008, NP-010)",
    ):
        assert stderr.count(sentence) == 1, (sentence, stderr)
    # Said on the file, not on every row; the dates were read, not turned into missing values.
    assert expired["warnings"] == [] and valid["warnings"] == []


def test_each_problem_is_said_once_in_bahasa_indonesia(tmp_path: Path) -> None:
    code, results, stderr = screened(tmp_path, "--lang", "id")
    assert code == 1
    assert results[0]["verdict"] == "refer"
    for sentence in (
        "ferry.csv: kolom 'pasport' tidak dikenal dan diabaikan; apakah maksudnya 'passport_number'?",
        "ferry.csv: kolom 'date_of_brith' tidak dikenal dan diabaikan; apakah maksudnya 'date_of_birth'?",
        "ferry.csv: kolom 'passport_expiry' ditulis bulan dulu di semua baris (mis. '03/15/2026')",
        "ferry.csv tidak punya kolom yang dibaca paket aturan, sehingga pemeriksaan ini tidak dapat diputuskan "
        "untuk penumpang mana pun: tanggal lahir (NP-008, NP-010)",
    ):
        assert stderr.count(sentence) == 1, (sentence, stderr)
    assert "Paspor habis berlaku pada 2026-03-15" in results[0]["hits"][0]["explanation"]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_failed_mrz_check_digit_is_referred(tmp_path: Path, lang: str) -> None:
    line1, line2 = Path(REGISTRY.parent / "passports.txt").read_text(encoding="utf-8").splitlines()[:2]
    altered = line2[:13] + str((int(line2[13]) + 1) % 10) + line2[14:]  # a birth year changed by hand
    result = runner.invoke(
        app,
        [
            "screen",
            "--mrz",
            line1,
            altered,
            "--destination",
            "KUL",
            "--registry",
            str(REGISTRY),
            "--today",
            "2026-11-28",
            "--format",
            "json",
            "--lang",
            lang,
            "--audit-log",
            str(tmp_path / "audit.jsonl"),
        ],
    )
    assert result.exit_code == 1, result.stderr
    (found,) = json.loads(result.stdout)
    assert "NP-018" in [hit["rule"] for hit in found["hits"]] and found["verdict"] != "clear"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (["--destination", "XYZ"], "--destination 'XYZ' is not a known country or airport code; type an ISO"),
        (["--dob", "04/16/1989"], "--dob '04/16/1989' is not a real calendar date; type the date as YYYY-MM-DD"),
        (["--dob", "2031-01-01"], "--dob '2031-01-01' is in the future; check the year"),
        (["--sex", "X"], "--sex 'X' is not M or F."),
        (["--nationality", "ZZZ"], "--nationality 'ZZZ' is not a known country code"),
        (["--nik", "12345"], "--nik cannot be used: NIK has 5 digits; it needs 16."),
        (["--departure-date", "2026-12-05", "--return-date", "2026-12-01"], "--return-date is before --departure-date"),
    ],
)
def test_a_typed_value_that_makes_no_sense_is_refused(tmp_path: Path, typed: list[str], said: str) -> None:
    log = tmp_path / "audit.jsonl"
    result = runner.invoke(
        app,
        ["screen", "--name", "BUDI HARTONO", *typed, *REGISTRY_TODAY, "--audit-log", str(log), "--lang", "en"],
    )
    assert result.exit_code == 2
    assert said in result.stderr and result.stdout == ""
    assert not log.exists()  # nothing screened, nothing logged


def test_a_typed_value_is_refused_in_bahasa_indonesia(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["screen", "--name", "BUDI HARTONO", "--destination", "XYZ", *REGISTRY_TODAY, "--lang", "id"],
    )
    assert result.exit_code == 2
    assert "--destination 'XYZ' bukan kode negara atau bandara yang dikenal" in result.stderr


def test_the_desk_refuses_a_typed_value_and_goes_on(tmp_path: Path) -> None:
    """Piped lines at the desk: the officer is told, nothing is screened for that line, the next one is."""
    result = runner.invoke(
        app,
        ["desk", *REGISTRY_TODAY, "--destination", "KUL", "--audit-log", str(tmp_path / "a.jsonl"), "--lang", "id"],
        input="nama=BUDI HARTONO; lahir=04/16/1989\nnama=BUDI HARTONO; lahir=16/04/1989\n",
    )
    assert result.exit_code in (0, 1), result.stderr
    said = result.stdout + result.stderr
    assert "tanggal lahir '04/16/1989' bukan tanggal yang ada di kalender" in said
    assert len([line for line in result.stdout.splitlines() if line.startswith("{")]) == 1


def test_a_paxlst_list_in_teletype_envelopes_and_parts_is_screened_as_one(tmp_path: Path) -> None:
    """Refused before as having "no name or passport column"; now three passengers, one note on its structure."""
    fixture = Path(__file__).parents[1] / "fixtures" / "paxlst" / "teletype_two_parts.txt"
    result = runner.invoke(
        app,
        ["screen", "--manifest", str(fixture), *REGISTRY_TODAY, "--format", "jsonl", "--lang", "en"],
    )
    assert result.exit_code == 1, result.stderr
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["pax_id"] for r in results] == ["1", "2", "3"]
    assert [hit["rule"] for hit in results[0]["hits"]] == ["NP-016"]  # expired on 15 March 2026
    assert result.stderr.count("read as one manifest: 2 Type-B teletype envelope(s)") == 1
