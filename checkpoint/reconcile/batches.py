"""Matching as a function over Arrow record batches: departures in (`DEPARTURE_SCHEMA`), one result row each out.

`screen_batches` is what every engine runs, a process of `checkpoint reconcile` or a Spark executor through
`mapInArrow`: its only shared inputs are the registry snapshot (a path, memory-mapped and opened once per process)
and the rule pack (a path, loaded once per process). It screens with the same matcher and rules as `checkpoint
screen` (`pipeline.screen_travellers`); nothing here decides anything on its own.

The rows of one file are screened together, as `checkpoint screen --manifest` screens that file, because the
pack's group rules look at the travellers sharing a booking, a group code or a flight: an engine must therefore
give a file's rows one after another (Spark: partitioned by file, sorted by file and row), and batches may cut a
file anywhere. Each file is screened as of its latest departure date (the day the rules' dated lists apply to).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa

from checkpoint.engine import RulePack, default_pack_path, load_pack
from checkpoint.errors import ConfigError
from checkpoint.i18n import Language, set_language, text
from checkpoint.models import TRAVELLER_FIELDS, ScreeningResult, Traveller
from checkpoint.pipeline import screen_travellers
from checkpoint.registry import Registry, open_registry

#: One screened departure: where it was read, the trip, the record matched (or null) with its destination and
#: status, the candidates left in doubt, the verdict, the rules that fired and the reasons an officer reads.
RESULT_SCHEMA = pa.schema(
    [
        pa.field("departure_id", pa.string(), nullable=False),
        pa.field("file", pa.string(), nullable=False),
        pa.field("row", pa.int32(), nullable=False),
        pa.field("pax_id", pa.string()),
        pa.field("departure_date", pa.date32()),
        pa.field("port", pa.string()),
        pa.field("flight", pa.string()),
        pa.field("destination", pa.string()),
        pa.field("final_destination", pa.string()),
        pa.field("transit", pa.string()),
        pa.field("record_id", pa.string()),
        pa.field("match_score", pa.float64()),
        pa.field("record_destination", pa.string()),
        pa.field("record_status", pa.string()),
        pa.field("candidate_ids", pa.list_(pa.string())),
        pa.field("verdict", pa.string(), nullable=False),
        pa.field("risk_score", pa.int32(), nullable=False),
        pa.field("rules", pa.list_(pa.string())),
        pa.field("reasons", pa.list_(pa.string())),
    ]
)

_TRAVELLER_COLUMNS = TRAVELLER_FIELDS  # every field a traveller has, the journey (SPEC §4.2) included

#: What this process has opened: the registry and the pack, by the paths they were asked for.
_opened_registries: dict[tuple[str, str], Registry] = {}
_loaded_packs: dict[str, RulePack] = {}


def screen_batches(
    snapshot: Path | None,
    pack: Path | None,
    batches: Iterable[pa.RecordBatch],
    *,
    store: Path,
    period_end: date,
    language: Language | str,
    snapshot_id: str | None = None,
) -> Iterator[pa.RecordBatch]:
    """Screen departures (`DEPARTURE_SCHEMA` batches, a file's rows one after another) against the registry
    at `snapshot` (a snapshot or export file, or a store folder; None: the store at `store`) with the pack at
    `pack` (None: the shipped pack); yield `RESULT_SCHEMA` batches, one row per departure, in input order.

    `period_end`: the screening date of a file without departure dates. `language`: the reasons' language.
    `snapshot_id`: the snapshot the run was started against; ConfigError if the registry opened here is
    another (a new import made meanwhile), so that no run mixes two snapshots.
    """
    set_language(language)
    registry = open_once(snapshot, store, today=period_end)
    if snapshot_id is not None and registry.info.snapshot_id != snapshot_id:
        raise ConfigError(text("reconcile.snapshot_changed", expected=snapshot_id, found=registry.info.snapshot_id))
    rules = pack_once(pack)
    pending: list[dict[str, object]] = []
    for batch in batches:
        rows = batch.to_pylist()
        start = 0
        for at in range(1, len(rows) + 1):
            if at < len(rows) and rows[at]["file"] == rows[start]["file"]:
                continue
            if pending and pending[0]["file"] != rows[start]["file"]:  # the file carried over has ended
                yield _screened(pending, registry, rules, period_end)
                pending = []
            pending.extend(rows[start:at])
            if at < len(rows):  # a file ended inside this batch
                yield _screened(pending, registry, rules, period_end)
                pending = []
            start = at
    if pending:
        yield _screened(pending, registry, rules, period_end)


def open_once(snapshot: Path | None, store: Path, *, today: date) -> Registry:
    """The registry at `snapshot` (None: the store at `store`), opened once by this process (a process forked
    after opening it shares its pages)."""
    key = (str(snapshot), str(store))
    if key not in _opened_registries:
        _opened_registries[key] = open_registry(snapshot, store, today=today)
    return _opened_registries[key]


def pack_once(path: Path | None) -> RulePack:
    """The pack at `path` (None: the shipped pack), loaded once by this process."""
    chosen = path or default_pack_path()
    key = str(chosen)
    if key not in _loaded_packs:
        _loaded_packs[key] = load_pack(chosen)
    return _loaded_packs[key]


def _screened(rows: list[dict[str, object]], registry: Registry, pack: RulePack, period_end: date) -> pa.RecordBatch:
    """One file's departures screened together, as a `RESULT_SCHEMA` batch."""
    travellers = [
        Traveller(
            row=int(row["row"]),  # type: ignore[call-overload]
            warnings=tuple(row["warnings"] or ()),  # type: ignore[arg-type]
            **{name: row[name] for name in _TRAVELLER_COLUMNS},  # type: ignore[arg-type]
        )
        for row in rows
    ]
    days = [t.departure_date for t in travellers if t.departure_date is not None]
    results = screen_travellers(travellers, registry, pack, today=max(days, default=period_end))
    return result_batch(rows, results)


def result_batch(rows: list[dict[str, object]], results: list[ScreeningResult]) -> pa.RecordBatch:
    """The `RESULT_SCHEMA` rows of departures (their `DEPARTURE_SCHEMA` cells) and their screening results."""
    columns: dict[str, list[object]] = {name: [row[name] for row in rows] for name in _CARRIED}
    record = [result.outcome.record or {} for result in results]
    matched = [result.outcome.match for result in results]
    columns["record_id"] = [match.record_id if match else None for match in matched]
    columns["match_score"] = [round(match.confidence, 6) if match else None for match in matched]
    columns["record_destination"] = [fields.get("destination_country") for fields in record]
    columns["record_status"] = [fields.get("status") for fields in record]
    columns["candidate_ids"] = [[c.record_id for c in result.outcome.candidates] for result in results]
    columns["verdict"] = [result.verdict.value for result in results]
    columns["risk_score"] = [result.risk_score for result in results]
    columns["rules"] = [[hit.rule for hit in result.hits] for result in results]
    columns["reasons"] = [
        [hit.explanation for hit in result.hits] + list(result.warnings) + list(result.traveller.warnings)
        for result in results
    ]
    return pa.RecordBatch.from_pydict(columns, schema=RESULT_SCHEMA)


#: The departure's own cells repeated in its result.
_CARRIED = (
    "departure_id",
    "file",
    "row",
    "pax_id",
    "departure_date",
    "port",
    "flight",
    "destination",
    "final_destination",
    "transit",
)
