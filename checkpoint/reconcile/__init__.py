"""Reconciliation (SPEC §3.3): a period's departures against the registry, written as Parquet tables.

- `departures.py`: the departure files of a period, read one at a time into Arrow (`DEPARTURE_SCHEMA`);
- `batches.py`: `screen_batches`, the matching and the rules as a function over Arrow record batches;
- `run.py`: `reconcile`, the whole run on this machine's cores, or with the screening under Spark (`spark.py`);
- `tables.py`: the tables, joined and aggregated by DuckDB; `html.py`: the summary for people.
"""

from checkpoint.reconcile.batches import RESULT_SCHEMA, screen_batches
from checkpoint.reconcile.departures import DEPARTURE_SCHEMA, Period, Tally, departure_files
from checkpoint.reconcile.run import Reconciliation, reconcile

__all__ = [
    "DEPARTURE_SCHEMA",
    "RESULT_SCHEMA",
    "Period",
    "Reconciliation",
    "Tally",
    "departure_files",
    "reconcile",
    "screen_batches",
]
