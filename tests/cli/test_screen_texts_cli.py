"""What a screening tells the officer, through the real CLI: texts in the run's language, the questions to ask,
a near miss never called "no record", and what the verdict could be while checks are undecided."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.mrz import format_td3

runner = CliRunner()
TODAY = ["--today", "2026-11-28"]
#: The registry fixture holds SITI AMINAH, F, 1993-08-09, passport B7777777 (SP2MI-0000004, READY for HKG).
WORKER = ["--name", "SITI AMINAH", "--dob", "1993-08-09", "--sex", "F"]
STRANGER = ["--name", "BUDI HARTONO", "--dob", "1991-02-03", "--sex", "M"]
WORK_TRIP = ["--destination", "KUL", "--visa-type", "work", "--format", "json"]
#: The stranger's passport read off its MRZ: valid until 2031, so the passport's validity is decided.
VALID_MRZ = [
    "--mrz",
    *format_td3(
        primary="HARTONO",
        secondary="BUDI",
        document_number="C1111111",
        nationality="IDN",
        birth_date=date(1991, 2, 3),
        sex="M",
        expiry_date=date(2031, 2, 2),
    ),
]


def screened(registry: Path, *args: str) -> dict:
    result = runner.invoke(app, ["screen", "--registry", str(registry), *args, *TODAY])
    assert result.exit_code == 1, result.stderr
    [found] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize(
    ("language", "near_miss", "no_record"),
    [
        (
            "en",
            "Travelling to MYS on a work visa (work): no placement record was confirmed, but a possible record "
            "needs checking.",
            "Travelling to MYS on a work visa (work): no placement record was found.",
        ),
        (
            "id",
            "Berangkat ke MYS dengan visa kerja (work): belum ada data penempatan yang pasti cocok, tetapi ada "
            "data kemungkinan cocok yang perlu dicek.",
            "Berangkat ke MYS dengan visa kerja (work): tidak ditemukan data penempatan.",
        ),
    ],
)
def test_a_near_miss_is_never_called_no_record(
    registry_csv: Path, language: str, near_miss: str, no_record: str
) -> None:
    # A registered worker whose passport was renewed: the old number is in the registry, a new one in her hand.
    renewed = screened(registry_csv, "--lang", language, *WORKER, "--passport", "C9999999", *WORK_TRIP)
    assert renewed["match"] is None and "SP2MI-0000004" in {c["record_id"] for c in renewed["candidates"]}
    [hit] = [hit for hit in renewed["hits"] if hit["rule"] == "NP-001"]
    assert hit["explanation"] == near_miss
    nobody = screened(registry_csv, "--lang", language, *STRANGER, "--passport", "C1111111", *WORK_TRIP)
    assert nobody["candidates"] == []
    [hit] = [hit for hit in nobody["hits"] if hit["rule"] == "NP-001"]
    assert hit["explanation"] == no_record


def test_machine_formats_keep_english_keys_and_codes_and_speak_the_run_language(registry_csv: Path) -> None:
    found = screened(registry_csv, "--lang", "id", *STRANGER, "--passport", "C1111111", *WORK_TRIP)
    assert found["verdict"] == "refer"
    [hit] = found["hits"]
    assert list(hit) == ["rule", "title", "severity", "score", "explanation", "ask"]
    assert (hit["rule"], hit["severity"], hit["title"]) == (
        "NP-001",
        "high",
        "Visa kerja tanpa data penempatan yang cocok",
    )
    assert hit["ask"][0] == "Boleh lihat visa kerja dan kartu E-PMI Anda?"
    english = screened(registry_csv, "--lang", "en", *STRANGER, "--passport", "C1111111", *WORK_TRIP)
    assert english["hits"][0]["ask"][0] == "May I see your work visa and your E-PMI card?"


@pytest.mark.parametrize(
    ("trip", "verdict", "could_be"),
    [
        # Nothing says whether the ticket is one way: to Phnom Penh that could be NP-002 and NP-010 (hold) …
        (["--destination", "PNH", "--visa-type", "tourist"], "clear", "hold"),
        # … to Kuala Lumpur NP-010 and NP-011, and without a typed expiry NP-016 (an expired passport): hold.
        (["--destination", "KUL", "--visa-type", "tourist"], "clear", "hold"),
        # A return date decides every trip rule; only the passport's validity (NP-016/NP-017, 50) is undecided.
        (["--destination", "PNH", "--visa-type", "tourist", "--return-date", "2026-12-05"], "clear", "refer"),
        # The passport from its MRZ, valid beyond the return: nothing is undecided, so nothing could be worse.
        (["--destination", "PNH", "--visa-type", "tourist", "--return-date", "2026-12-05", *VALID_MRZ], "clear", None),
        # A work visa without a record, everything else decided: refer, nothing could be worse …
        (["--destination", "KUL", "--visa-type", "work", "--return-date", "2026-12-05", *VALID_MRZ], "refer", None),
        # … while with nothing said of the ticket, NP-011 (15) and NP-017 (the passport ending before a return,
        # 30) are undecided, and together could make it hold.
        (["--destination", "KUL", "--visa-type", "work", *VALID_MRZ], "refer", "hold"),
    ],
)
def test_could_be_names_a_worse_verdict_while_checks_are_undecided(
    registry_csv: Path, trip: list[str], verdict: str, could_be: str | None
) -> None:
    result = runner.invoke(
        app,
        [
            "screen",
            "--registry",
            str(registry_csv),
            *STRANGER,
            "--passport",
            "C1111111",
            *trip,
            "--format",
            "jsonl",
            *TODAY,
        ],
    )
    assert result.exit_code == (0 if verdict == "clear" else 1), result.stderr
    found = json.loads(result.stdout)
    assert (found["verdict"], found.get("could_be")) == (verdict, could_be)
    if could_be is not None:
        assert found["unknown"] and list(found)[-3:] == ["could_be", "warnings", "traveller"]
