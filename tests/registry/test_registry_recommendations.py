"""`registry import --kind recommendations`: Disnaker letters in the same store as the placement records, each
with its source and export date, and the applications that present one checked against them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.registry.recommendations import open_recommendations

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures"
TODAY = ["--today", "2026-11-28"]
HEADER = "recommendation_id,nik,full_name,date_of_birth,sex,destination_country,issued_on,valid_until,issuing_office"
LETTERS = [
    "REK-3201-0001,3201015705900001,SITI AMINAH,1990-05-17,F,MYS,2026-11-01,2027-05-01,DISNAKER KAB BOGOR",
    "REK-3201-0002,3201011203880002,BUDI SANTOSO,1988-03-12,M,TWN,2026-11-01,2027-05-01,DISNAKER KAB BOGOR",
    "REK-3201-0003,3201011203880004,ANDI WIJAYA,1988-03-12,M,MYS,2025-01-01,2025-07-01,DISNAKER KAB BOGOR",
    ",3201011203880005,NO ID,1988-03-12,M,MYS,2026-11-01,2027-05-01,DISNAKER KAB BOGOR",
    "REK-3201-0006,12345,BAD NIK,1988-03-12,M,MYS,2026-11-01,2027-05-01,DISNAKER KAB BOGOR",
]


def export(tmp_path: Path) -> Path:
    path = tmp_path / "rekomendasi_2026-11-27.csv"
    path.write_text("\n".join([HEADER, *LETTERS]) + "\n", encoding="utf-8")
    return path


def test_recommendations_go_into_the_store_with_their_source_and_export_date(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(app, ["registry", "import", str(export(tmp_path)), "--kind", "recommendations",
                                 "--store", str(store), *TODAY])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "stored 3 passport recommendation(s) from rekomendasi_2026-11-27.csv (exported 2026-11-27)" in result.stdout
    assert "2 row(s) without a recommendation id or a valid NIK were set aside" in result.stderr
    rows = pq.read_table(store / "recommendations.parquet").to_pylist()
    assert {row["source"] for row in rows} == {"rekomendasi_2026-11-27.csv"}
    assert {row["exported_at"] for row in rows} == {date(2026, 11, 27)}
    book = open_recommendations(store)
    assert book is not None and len(book) == 3
    on = date(2026, 11, 28)
    assert book.facts("REK-3201-0001", nik="3201015705900001", destination="MYS", on=on) == {
        "recommendation_valid": True,
        "recommendation_agrees": True,
    }
    assert (
        book.facts("REK-3201-0001", nik="3201011203880002", destination="MYS", on=on)["recommendation_valid"] is False
    )
    assert (
        book.facts("REK-3201-0003", nik="3201011203880004", destination="MYS", on=on)["recommendation_valid"] is False
    )
    assert book.facts("REK-9999", nik="3201015705900001", destination="MYS", on=on) == {"recommendation_valid": False}
    assert book.facts(None, nik="3201015705900001", destination="MYS", on=on) == {}


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rek.csv"
    path.write_text("full_name,nik\nSITI,3201015705900001\n", encoding="utf-8")
    result = runner.invoke(app, ["registry", "import", str(path), "--kind", "recommendations",
                                 "--store", str(tmp_path / "store"), *TODAY])  # fmt: skip
    assert result.exit_code == 3
    assert "rek.csv lacks the required columns recommendation_id" in result.stderr
    assert not (tmp_path / "store" / "recommendations.parquet").exists()


def test_applications_are_checked_against_the_stores_recommendations(tmp_path: Path, checkpoint_home: Path) -> None:
    registry = runner.invoke(app, ["registry", "import", str(FIXTURES / "registry_small.csv"), *TODAY])
    assert registry.exit_code == 0, registry.stderr
    letters = runner.invoke(app, ["registry", "import", str(export(tmp_path)), "--kind", "recommendations", *TODAY])
    assert letters.exit_code == 0, letters.stderr
    applications = tmp_path / "day.csv"
    applications.write_text(
        "application_id,nik,full_name,date_of_birth,sex,purpose,destination,recommendation_id,trip_explained\n"
        "A-1,3201011203880002,BUDI SANTOSO,1988-03-12,M,work,TWN,REK-3201-0002,true\n"
        "A-2,3201011203880002,BUDI SANTOSO,1988-03-12,M,work,MYS,REK-3201-0002,true\n"
        "A-3,3201011203880004,ANDI WIJAYA,1988-03-12,M,work,MYS,REK-3201-0003,true\n"
        "A-4,3201014506950003,DEWI LESTARI,1995-06-05,F,work,MYS,REK-FAKE-1,true\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["screen", "--applications", str(applications), "--format", "jsonl", *TODAY])
    assert result.exit_code == 1, result.stderr
    by_id = {item["pax_id"]: item for item in map(json.loads, result.stdout.splitlines())}
    # are one person applying twice: both are duplicates (PO-019) besides what their letters say.
    rules = {key: sorted(hit["rule"] for hit in item["hits"] if hit["rule"] != "PO-019") for key, item in by_id.items()}
    assert {key for key, item in by_id.items() if any(hit["rule"] == "PO-019" for hit in item["hits"])} == {
        "A-1",
        "A-2",
    }
    assert rules["A-1"] == []  # a valid recommendation for Taiwan: the procedural path
    assert rules["A-2"] == ["PO-007"]  # recommended for Taiwan, applying for Malaysia
    assert rules["A-3"] == ["PO-006"]  # expired
    assert rules["A-4"] == ["PO-006"]  # no such letter
