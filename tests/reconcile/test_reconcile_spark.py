"""`checkpoint reconcile --engine spark`: the matching under Spark's local mode gives exactly the tables of the
single-machine path on the same data. Skipped only where pyspark is not installed (CI installs `.[spark]`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.reconcile.tables import TABLES

from support.periods import Period

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")

runner = CliRunner()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One Spark session in local mode for the whole run (starting the JVM costs seconds)."""
    from checkpoint.reconcile.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def test_spark_gives_the_same_tables_as_one_machine(spark: Any, period: Period, tmp_path: Path) -> None:
    common = [
        "--departures", str(period.departures), "--from", "2026-11-25", "--to", "2026-11-28",
        "--registry", str(period.store),
    ]  # fmt: skip
    local = runner.invoke(app, ["reconcile", *common, "--out", str(tmp_path / "local"), "--workers", "2"])
    assert local.exit_code == 1, local.stderr
    spark_run = runner.invoke(
        app, ["reconcile", *common, "--out", str(tmp_path / "spark"), "--engine", "spark", "--spark-master", "local[2]"]
    )
    assert spark_run.exit_code == 1, spark_run.stderr
    assert spark_run.stdout.replace(str(tmp_path / "spark"), str(tmp_path / "local")) == local.stdout
    for name in TABLES:
        one, other = pq.read_table(tmp_path / "local" / name), pq.read_table(tmp_path / "spark" / name)
        assert one.num_rows > 0 and one.equals(other), name
