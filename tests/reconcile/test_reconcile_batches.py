"""`screen_batches`: the matcher and the rules of `checkpoint screen`, over Arrow record batches."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from checkpoint.engine import default_pack_path, load_pack
from checkpoint.errors import ConfigError
from checkpoint.manifests import read_manifest
from checkpoint.pipeline import screen_travellers
from checkpoint.reconcile import DEPARTURE_SCHEMA, RESULT_SCHEMA, Period, Tally, screen_batches
from checkpoint.reconcile.departures import read_departures
from checkpoint.registry import open_registry

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FILES = [SAMPLE / name for name in ("flight_cgk_kul.csv", "ferry_batam.csv", "umrah_jeddah.csv")]
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def departures() -> pa.Table:
    tables = list(read_departures(FILES, NOVEMBER, Tally()))
    return pa.concat_tables(tables)


def screened(table: pa.Table, rows_per_batch: int, store: Path) -> pa.Table:
    batches = table.to_batches(max_chunksize=rows_per_batch)
    out = screen_batches(
        SAMPLE / "registry.parquet", None, batches, store=store, period_end=NOVEMBER.end, language="en"
    )
    return pa.Table.from_batches(list(out), schema=RESULT_SCHEMA)


def test_one_row_per_departure_in_input_order_whatever_the_batches(tmp_path: Path) -> None:
    table = departures()
    assert table.schema == DEPARTURE_SCHEMA and table.num_rows == 298 + 81 + 117
    whole = screened(table, table.num_rows, tmp_path)
    assert whole.column("departure_id").to_pylist() == table.column("departure_id").to_pylist()
    # a file's rows are screened together (the group rules look at bookings and flights) wherever batches cut them
    for size in (1, 50, 97):
        assert screened(table, size, tmp_path).equals(whole)


def test_the_same_verdicts_matches_and_rules_as_screen(tmp_path: Path) -> None:
    registry = open_registry(SAMPLE / "registry.parquet", tmp_path, today=date(2026, 11, 28))
    pack = load_pack(default_pack_path())
    result = screened(departures(), 128, tmp_path).to_pylist()
    expected = []
    for path in FILES:
        travellers = list(read_manifest(path, today=date(2026, 11, 28)).travellers)
        expected += screen_travellers(travellers, registry, pack, today=date(2026, 11, 28))
    assert len(result) == len(expected)
    for row, want in zip(result, expected, strict=True):
        match = want.outcome.match
        assert row["record_id"] == (match.record_id if match else None)
        assert row["verdict"] == want.verdict.value
        assert row["rules"] == [hit.rule for hit in want.hits]
        assert row["candidate_ids"] == [c.record_id for c in want.outcome.candidates]
    flagged = [row for row in result if row["verdict"] != "clear"]
    matched = [row for row in result if row["record_id"]]
    assert flagged and matched and all(row["record_destination"] for row in matched)


def test_a_snapshot_other_than_the_runs_is_refused(tmp_path: Path) -> None:
    batches = departures().to_batches(max_chunksize=10)
    with pytest.raises(ConfigError, match="changed during the reconciliation"):
        list(
            screen_batches(
                SAMPLE / "registry.parquet",
                None,
                batches,
                store=tmp_path,
                period_end=NOVEMBER.end,
                language="en",
                snapshot_id="20260101T000000Z-00000000",
            )
        )
