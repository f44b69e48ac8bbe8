"""The reconciliation's tables, joined and aggregated by DuckDB from the screened departures' Parquet files.

Why DuckDB: the departures of a period (millions of rows) and the registry's records (millions) are joined and
grouped out of core, straight from and to Parquet, within a memory limit, on every core; and the queries are
SQL that the ministry's analysts can read, check and rerun on the same files with their own tools. pandas
would hold both tables whole in memory; hand-written grouping in Python would be slower and unreadable to
them.

Tables written (Parquet; `README.md` documents the columns):

- `departures.parquet`: one row per departure (`batches.RESULT_SCHEMA`), by file and row;
- `placements.parquet`: one row per placement record: departed or not seen, first and last departure, the
  port and country of the first and the last, how many departures, and whether the country differs from the
  placement's;
- `by_port.parquet`, `by_destination.parquet`, `by_week.parquet`: per port, per country of arrival (the final
  destination when the manifest knows it) and per ISO week, the counts below;
- `period.parquet`: the same counts for the whole period, with what was read and set aside.

The counts: `departures`; `registered` (matched to a placement record); `procedural` (registered and `clear`:
the record, its status and its destination raised nothing); `procedural_share` (procedural / registered);
`other_country` (registered, arriving in another country than the placement's); `unregistered` (no record
matched); `unregistered_referred` and `unregistered_held` (no record, and the rules say `refer` or `hold`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from checkpoint.registry import Registry

#: The registry fields the placements table carries beside the reconciliation.
RECORD_FIELDS = (
    "record_id",
    "destination_country",
    "status",
    "scheme",
    "agency",
    "planned_departure",
    "departure_port",
)
#: Records written at a time (each field read column-wise through `Registry.values`).
_RECORD_CHUNK = 200_000

#: The table files, by name.
DEPARTURES = "departures.parquet"
PLACEMENTS = "placements.parquet"
BY_PORT = "by_port.parquet"
BY_DESTINATION = "by_destination.parquet"
BY_WEEK = "by_week.parquet"
PERIOD = "period.parquet"
TABLES = (DEPARTURES, PLACEMENTS, BY_PORT, BY_DESTINATION, BY_WEEK, PERIOD)

_COUNTS = """
    count(*) AS departures,
    count(record_id) AS registered,
    count(*) FILTER (record_id IS NOT NULL AND verdict = 'clear') AS procedural,
    CASE WHEN count(record_id) = 0 THEN NULL
         ELSE round(count(*) FILTER (record_id IS NOT NULL AND verdict = 'clear') / count(record_id), 4) END
        AS procedural_share,
    count(*) FILTER (record_id IS NOT NULL AND arrival <> record_destination) AS other_country,
    count(*) FILTER (record_id IS NULL) AS unregistered,
    count(*) FILTER (record_id IS NULL AND verdict = 'refer') AS unregistered_referred,
    count(*) FILTER (record_id IS NULL AND verdict = 'hold') AS unregistered_held
"""


def write_records(registry: Registry, path: Path) -> None:
    """The registry's records (`RECORD_FIELDS`) as a Parquet file, a chunk of rows at a time."""
    schema = pa.schema(
        [pa.field(name, pa.date32() if name == "planned_departure" else pa.string()) for name in RECORD_FIELDS]
    )
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for start in range(0, registry.size, _RECORD_CHUNK):
            rows = range(start, min(start + _RECORD_CHUNK, registry.size))
            columns = {name: registry.values(name, rows) for name in RECORD_FIELDS}
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))


def build_tables(
    screened: Path, records: Path, out: Path, work: Path, *, facts: Mapping[str, object], memory: str = "1GB"
) -> None:
    """Write the tables (`TABLES`) into `out` from the screened departures' Parquet files under `screened` and the
    records file `records`; `work` holds DuckDB's spill files; `facts` (what was read, the period, the snapshot)
    become columns of `period.parquet`. Each table is written to a temporary name, then renamed."""
    import duckdb  # only a reconciliation needs it

    connection = duckdb.connect(config={"memory_limit": memory, "temp_directory": str(work / "duckdb")})
    try:
        departures = f"read_parquet('{_sql_path(screened)}/**/*.parquet', union_by_name = true)"
        connection.execute(
            f"""CREATE VIEW screened AS SELECT *, coalesce(final_destination, destination) AS arrival
                FROM {departures}"""
        )
        connection.execute(f"CREATE VIEW records AS SELECT * FROM read_parquet('{_sql_path(records)}')")
        queries = {
            DEPARTURES: "SELECT * EXCLUDE (arrival) FROM screened ORDER BY file, row",
            PLACEMENTS: _PLACEMENTS,
            BY_PORT: f"SELECT port, {_COUNTS} FROM screened GROUP BY port ORDER BY port NULLS LAST",
            BY_DESTINATION: f"""SELECT arrival AS destination, {_COUNTS} FROM screened GROUP BY arrival
                               ORDER BY arrival NULLS LAST""",
            BY_WEEK: f"""SELECT strftime(departure_date, '%G-W%V') AS week, min(departure_date) AS first_day,
                         {_COUNTS} FROM screened GROUP BY week ORDER BY week NULLS LAST""",
            PERIOD: f"SELECT {_COUNTS} FROM screened",
        }
        for name, query in queries.items():
            temporary = out / f".{name}.tmp"
            connection.execute(f"COPY ({query}) TO '{_sql_path(temporary)}' (FORMAT parquet, COMPRESSION zstd)")
            if name == PERIOD:
                _add_facts(temporary, facts)
            temporary.replace(out / name)
    finally:
        connection.close()


_PLACEMENTS = """
WITH departed AS (
    SELECT record_id,
           count(*) AS departures,
           min(departure_date) AS first_departure,
           max(departure_date) AS last_departure,
           first(port ORDER BY departure_date NULLS LAST, file, row) AS first_port,
           first(arrival ORDER BY departure_date NULLS LAST, file, row) AS first_destination,
           first(port ORDER BY departure_date DESC NULLS LAST, file DESC, row DESC) AS last_port,
           first(arrival ORDER BY departure_date DESC NULLS LAST, file DESC, row DESC) AS last_destination,
           first(verdict ORDER BY departure_date NULLS LAST, file, row) AS first_verdict
    FROM screened WHERE record_id IS NOT NULL GROUP BY record_id
)
SELECT r.record_id,
       r.destination_country AS placement_destination,
       r.status, r.scheme, r.agency, r.planned_departure, r.departure_port AS planned_port,
       CASE WHEN d.record_id IS NULL THEN 'not_seen' ELSE 'departed' END AS seen,
       coalesce(d.departures, 0) AS departures,
       d.first_departure, d.first_port, d.first_destination,
       d.last_departure, d.last_port, d.last_destination, d.first_verdict,
       CASE WHEN d.record_id IS NULL OR d.last_destination IS NULL THEN NULL
            ELSE d.last_destination <> r.destination_country END AS other_country
FROM records r LEFT JOIN departed d USING (record_id)
ORDER BY r.record_id
"""


def _add_facts(path: Path, facts: Mapping[str, object]) -> None:
    """The one-row period table with the run's facts as further columns."""
    table = pq.read_table(path)
    for name, value in facts.items():
        table = table.append_column(name, pa.array([value]))
    pq.write_table(table, path, compression="zstd")


def _sql_path(path: Path) -> str:
    """A path inside a SQL string literal."""
    return str(path).replace("'", "''")
