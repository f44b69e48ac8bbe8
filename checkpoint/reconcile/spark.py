"""`checkpoint reconcile --engine spark`: the screening of a period's departures run by Apache Spark.

The departures are read here, file by file, into Parquet parts (`departures.DEPARTURE_SCHEMA`); Spark reads them
as a DataFrame, keeps each file's rows in one partition in row order, and runs `batches.screen_batches` on every
partition through `mapInArrow`: each executor's Python worker opens the registry snapshot (a path on a filesystem
every executor sees; in local mode, this machine's) and the pack once, and screens its batches. The results come
back as Parquet parts, from which `tables.py` builds the same tables as on one machine.

Spark is an optional extra (`pip install 'checkpoint[spark]'`, Java 17); `master` is any Spark master URL
(`local[2]` by default). On a cluster, the snapshot, the pack and the parts' folders must be on a shared
filesystem, and the executors' Python must have checkpoint installed.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from checkpoint.errors import ConfigError
from checkpoint.i18n import current_language, text
from checkpoint.reconcile.batches import RESULT_SCHEMA, screen_batches


def screen_with_spark(
    departures: Path,
    screened: Path,
    *,
    snapshot: Path | None,
    store: Path,
    rules: Path | None,
    period_end: date,
    snapshot_id: str,
    master: str = "local[2]",
) -> None:
    """Screen the departures' Parquet parts under `departures` with Spark at `master`, writing the results'
    Parquet parts under `screened` (`screen_batches` with these arguments on every executor)."""
    try:
        from pyspark.sql.pandas.types import from_arrow_schema
    except ImportError:
        raise ConfigError(text("reconcile.no_spark")) from None
    session = spark_session(master)
    language = current_language().value

    def screen(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return screen_batches(
            snapshot,
            rules,
            batches,
            store=store,
            period_end=period_end,
            language=language,
            snapshot_id=snapshot_id,
        )

    frame = session.read.parquet(str(departures))
    partitions = max(1, session.sparkContext.defaultParallelism)
    results = (
        frame.repartition(partitions, "file")
        .sortWithinPartitions("file", "row")
        .mapInArrow(screen, from_arrow_schema(RESULT_SCHEMA))
    )
    results.write.mode("overwrite").parquet(str(screened / "spark"))


def spark_session(master: str) -> Any:
    """The Spark session of this process at `master` (made once; Arrow batches between the JVM and Python)."""
    from pyspark.sql import SparkSession

    # The executors' Python is this one (local mode), with checkpoint installed in it.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # pyspark warns of pandas 3 on every start; mapInArrow uses no pandas
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    session = (
        SparkSession.builder.master(master)
        .appName("checkpoint-reconcile")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
