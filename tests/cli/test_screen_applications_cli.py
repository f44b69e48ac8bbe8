"""`checkpoint screen --applications`: the passport office's pack chosen by itself, every application in order
keyed by application_id, bad input refused as for manifests, the texts in Bahasa Indonesia."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures"
APPLICATIONS = FIXTURES / "applications_small.csv"
TODAY = ["--today", "2026-11-28"]


def screen(*args: str | Path) -> object:
    return runner.invoke(app, ["screen", *map(str, args), *TODAY])


def objects(stdout: str) -> dict[str, dict[str, object]]:
    return {item["pax_id"]: item for item in map(json.loads, stdout.splitlines())}


def test_applications_are_screened_with_the_passport_office_pack(registry_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--applications", APPLICATIONS, "--format", "jsonl")
    assert result.exit_code == 1, result.stderr
    by_id = objects(result.stdout)
    assert list(by_id) == [f"KANIM-000{n}" for n in range(1, 8)]  # every application, in order
    verdicts = {key: item["verdict"] for key, item in by_id.items()}
    assert verdicts == {
        "KANIM-0001": "clear",  # work, matched by NIK to a placement record for Malaysia
        "KANIM-0002": "hold",  # work, no recommendation, no record
        "KANIM-0003": "clear",  # a tourist with a booking
        "KANIM-0004": "hold",  # the birth date disagrees with the NIK
        "KANIM-0005": "refer",  # no NIK
        "KANIM-0006": "refer",  # no purpose that can be read
        "KANIM-0007": "refer",  # family visit without a guarantee letter
    }
    first = by_id["KANIM-0001"]
    assert first["match"]["record_id"] == "SP2MI-0000001" and first["match"]["method"] == "nik"  # type: ignore[index]
    rules = {key: [hit["rule"] for hit in item["hits"]] for key, item in by_id.items()}  # type: ignore[attr-defined]
    assert rules["KANIM-0002"] == ["PO-001"] and rules["KANIM-0004"] == ["PO-003"]
    assert rules["KANIM-0007"] == ["PO-011"]
    assert any("line 6: nik is not given" in w for w in by_id["KANIM-0005"]["warnings"])  # type: ignore[attr-defined]


def test_a_pack_given_with_rules_wins(registry_csv: Path) -> None:
    default = Path(__file__).parents[2] / "rules"
    result = screen(
        "--registry", registry_csv, "--applications", APPLICATIONS, "--rules", default, "--format", "jsonl"
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.stderr
    hits = [hit["rule"] for item in objects(result.stdout).values() for hit in item["hits"]]  # type: ignore[attr-defined]
    assert not any(rule.startswith("PO-") for rule in hits)


def test_a_file_lacking_required_columns_exits_3_naming_them(registry_csv: Path, tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text("application_id,full_name,date_of_birth,sex,purpose\nA-1,SITI,1990-05-17,F,work\n", "utf-8")
    result = screen("--registry", registry_csv, "--applications", path)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "day.csv lacks the required columns nik" in result.stderr
    assert "Traceback" not in result.stderr


def test_applications_and_a_manifest_together_are_a_usage_error(registry_csv: Path, manifest_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--applications", APPLICATIONS, "--manifest", manifest_csv)
    assert result.exit_code == 2
    assert "--applications on its own" in result.stderr


def test_the_officer_reads_why_and_what_to_ask_in_bahasa_indonesia(registry_csv: Path) -> None:
    result = screen("--registry", registry_csv, "--applications", APPLICATIONS, "--format", "jsonl", "--lang", "id")
    assert result.exit_code == 1, result.stderr
    hold = objects(result.stdout)["KANIM-0002"]
    hit = hold["hits"][0]  # type: ignore[index]
    assert hit["title"] == "Permohonan untuk bekerja tanpa rekomendasi paspor dan tanpa data penempatan"
    assert "tanpa rekomendasi paspor dari Disnaker" in hit["explanation"]
    assert "tidak ditemukan data penempatan" in hit["explanation"]
