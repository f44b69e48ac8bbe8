"""`checkpoint synth --applications`: labelled applications of one office day from the registry's people,
the recommendations presented, reproducible; the shipped sample screened as the pack means it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from checkpoint.applications import REQUIRED_COLUMNS
from checkpoint.cli.app import app
from checkpoint.nik import NikInfo, parse_nik
from checkpoint.synth.applications import COLUMNS, generate_applications, plan
from checkpoint.synth.registry import generate_registry

runner = CliRunner()
TODAY = date(2026, 11, 28)
SAMPLE = Path(__file__).parents[2] / "data" / "sample"


def test_synth_writes_applications_labels_and_recommendations(tmp_path: Path) -> None:
    args = ["synth", "--records", "400", "--seed", "3", "--today", "2026-11-28", "--manifests", ""]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "a"), "--applications", "150"])
    assert result.exit_code == 0, result.stderr
    names = {path.name for path in (tmp_path / "a").iterdir()}
    assert {"applications.csv", "applications.labels.csv", "recommendations.csv"} <= names
    again = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--applications", "150"])
    assert again.exit_code == 0
    for name in ("applications.csv", "applications.labels.csv", "recommendations.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    without = runner.invoke(app, [*args, "--out", str(tmp_path / "c")])
    assert "applications.csv" not in {path.name for path in (tmp_path / "c").iterdir()}, without.stdout


def test_applications_come_from_the_registry_people_with_niks_that_encode_them() -> None:
    registry = generate_registry(2_000, 5, TODAY)
    applications, labels, recommendations = generate_applications(registry, 1_000, 5, TODAY, worker_share=0.2)
    assert list(applications.columns) == list(COLUMNS) and set(REQUIRED_COLUMNS) <= set(COLUMNS)
    assert applications["application_id"].is_unique and len(labels) == 1_000
    assert set(labels["scenario"]) == set(plan()["scenarios"])  # every kind of applicant is there
    registered = labels.dropna(subset=["record_id"])
    assert len(registered) > 50
    records = registry.set_index("record_id")
    for at, record_id in registered["record_id"].items():
        assert applications.at[at, "nik"] == records.at[record_id, "nik"]
    for at, row in applications.iterrows():
        info = parse_nik(row["nik"], today=TODAY)
        assert isinstance(info, NikInfo), row["application_id"]
        borrowed = labels.at[at, "scenario"] == "cover_borrowed_identity"
        agrees = info.sex == row["sex"] and info.birth_date.isoformat() == row["date_of_birth"]
        assert agrees != borrowed, row["application_id"]
    assert set(recommendations["recommendation_id"]) <= set(applications["recommendation_id"].dropna())


def test_the_shipped_sample_day_is_screened_as_its_labels_say(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "screen", "--applications", str(SAMPLE / "applications.csv"), "--registry",
            str(SAMPLE / "registry.parquet"), "--today", "2026-11-28", "--format", "jsonl",
        ],
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    labels = pd.read_csv(SAMPLE / "applications.labels.csv")
    verdicts = [json.loads(line)["verdict"] for line in result.stdout.splitlines()]
    assert len(verdicts) == len(labels) == 200
    workers = labels["label"] == "nonprocedural"
    assert workers.sum() >= 5
    assert all(v != "clear" for v, w in zip(verdicts, workers, strict=True) if w)
    ordinary_referred = sum(v != "clear" for v, w in zip(verdicts, workers, strict=True) if not w)
    assert ordinary_referred <= 3
