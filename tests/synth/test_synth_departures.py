"""`checkpoint synth --departures`: a period of flights and ferries with labels and a truth file that agree."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()


def synth(out: Path) -> object:
    return runner.invoke(
        app,
        ["synth", "--out", str(out), "--records", "800", "--seed", "5", "--today", "2026-11-28",
         "--manifests", "flight", "--departures", "900", "--days", "3"],
    )  # fmt: skip


def test_a_period_of_departures_with_its_truth(tmp_path: Path) -> None:
    result = synth(tmp_path / "a")
    assert result.exit_code == 0, result.stderr
    assert "departures.truth.csv" in result.stdout
    out = tmp_path / "a"
    files = sorted((out / "departures").rglob("*.csv"))
    days = {path.parent.name for path in files}
    assert days == {"2026-11-26", "2026-11-27", "2026-11-28"}
    ports = {path.name.split("-")[0] for path in files}
    assert len(files) >= 6 and len(ports) >= 2  # many flights and ferries, several ports
    manifests = pd.concat([pd.read_csv(path, dtype=str) for path in files])
    assert len(manifests) == 900
    labels = pd.read_csv(out / "departures.labels.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(out / "departures.truth.csv", dtype={"record_id": str, "first_departure": str})
    registry = pd.read_parquet(out / "registry.parquet")
    assert list(truth.record_id) == list(registry.record_id)
    travelled = set(labels.true_record_id) - {""}
    assert set(truth.record_id[truth.departed]) == travelled
    assert (truth.departures[truth.departed] >= 1).all() and (truth.departures[~truth.departed] == 0).all()
    assert set(labels.scenario) >= {"registered_worker", "wrong_destination", "tourist", "unregistered_group"}
    assert not truth.departed.all()  # some registered workers never depart


def test_the_same_options_make_the_same_period(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert synth(tmp_path / name).exit_code == 0
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.csv"))
    assert first == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.csv"))
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
