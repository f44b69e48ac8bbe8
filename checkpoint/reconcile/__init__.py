"""Reconciliation (SPEC §3.3): a period's departures against the registry, written as Parquet tables.

- `departures.py`: the departure files of a period, read one at a time into Arrow (`DEPARTURE_SCHEMA`);
- `batches.py`: `screen_batches`, the matching and the rules as a function over Arrow record batches;
- `spark.py`: the screening run by Apache Spark (`mapInArrow`);
- `tables.py`: the tables, joined and aggregated by DuckDB; `html.py`: the summary for people.

The run itself, which starts processes, is the pipeline's (`checkpoint.pipeline.reconciliation.reconcile`).
"""

from checkpoint.reconcile.batches import RESULT_SCHEMA, screen_batches
from checkpoint.reconcile.departures import DEPARTURE_SCHEMA, Period, Tally, departure_files

__all__ = [
    "DEPARTURE_SCHEMA",
    "RESULT_SCHEMA",
    "Period",
    "Tally",
    "departure_files",
    "screen_batches",
]
