"""`checkpoint reconcile` of a synthetic period (`checkpoint synth --departures`): the placements agree with the
period's labelled truth, and the departures outside the period are counted and said once."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from checkpoint.cli.app import app

from support.periods import Period

runner = CliRunner()


def reconcile(*options: str) -> object:
    return runner.invoke(app, ["reconcile", *options])


def test_a_synthetic_periods_placements_agree_with_its_truth(period: Period, tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "out"
    result = reconcile(
        "--departures", str(period.departures), "--from", "2026-11-26", "--to", "2026-11-28",
        "--out", str(out), "--registry", str(period.store), "--workers", "2",
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    # the first of the four days is outside the period: counted, and said once
    assert result.stderr.count("departures outside the period 2026-11-26 to 2026-11-28 were left out") == 1
    placements = pq.read_table(out / "placements.parquet").to_pandas().set_index("record_id")
    truth = pd.read_csv(period.truth, dtype={"record_id": str}).set_index("record_id")
    assert truth.departed.sum() > 50
    kept = pq.read_table(out / "period.parquet").to_pylist()[0]
    assert 0 < kept["outside_period"] < kept["read"] and kept["departures"] == kept["read"] - kept["outside_period"]
    departed = placements.seen == "departed"
    in_period = truth.first_departure.fillna("") >= "2026-11-26"
    found = (departed & truth.departed).sum()
    assert found / departed.sum() > 0.9  # precision
    assert found / (truth.departed & in_period).sum() > 0.9  # recall of those who first left within the period


def test_the_number_of_processes_never_changes_a_table(period: Period, tmp_path: Path) -> None:
    from checkpoint.reconcile.tables import TABLES

    for workers in ("1", "2"):
        result = reconcile(
            "--departures", str(period.departures), "--from", "2026-11-25", "--to", "2026-11-28",
            "--out", str(tmp_path / workers), "--registry", str(period.store), "--workers", workers,
        )  # fmt: skip
        assert result.exit_code == 1, result.stderr
    for name in TABLES:
        assert pq.read_table(tmp_path / "1" / name).equals(pq.read_table(tmp_path / "2" / name)), name
