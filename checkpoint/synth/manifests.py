"""Labelled manifests (SPEC §4.2): a plan of scenarios becomes a manifest table and its labels sidecar.

`generate_manifest(kind, …)` writes one of the sample trips of `tables/manifests.yaml`;
`generate_travellers(registry, plan, …)` does the same for any plan shaped like those entries, so that
benchmarks can scale the scenario counts. The manifest never holds a label column.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from checkpoint.errors import ConfigError
from checkpoint.i18n import text
from checkpoint.models import TRAVELLER_FIELDS
from checkpoint.synth import tables, variants
from checkpoint.synth.registry import SAMPLE_TODAY
from checkpoint.synth.scenarios import SCENARIOS
from checkpoint.synth.travellers import LABEL_COLUMNS, RecordPool, Row, Scene, Trip

#: How the traveller's name is written, per layout.
NAME_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "full_name": ("full_name",),
    "airline": ("name",),
    "surname_given": ("surname", "given_names"),
}
#: Manifest columns after the name, in SPEC §4.2 order.
TRAVEL_COLUMNS: tuple[str, ...] = tuple(f for f in TRAVELLER_FIELDS if f not in ("pax_id", "full_name", "nik"))
#: Columns written only when some traveller's journey goes through a hub (a direct trip's list has none).
ROUTE_COLUMNS: tuple[str, ...] = ("transit", "final_destination")
DATE_FORMATS = ("ISO", "DD/MM/YYYY", "DDMMMYY")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_STREAM = 2


def manifest_kinds() -> tuple[str, ...]:
    """The sample manifests that can be generated: `flight`, `ferry`, `umrah`."""
    return tuple(tables.manifest_plans())


def manifest_plan(kind: str) -> dict[str, Any]:
    """A copy of one sample manifest's plan (trip context and scenario counts), free to modify."""
    plans = tables.manifest_plans()
    if kind not in plans:
        raise ValueError(f"unknown manifest kind {kind!r}; choose from {', '.join(plans)}")
    return copy.deepcopy(dict(plans[kind]))


def format_date(value: date | None, style: str) -> str | None:
    """A date written as a manifest writes it: `ISO`, `DD/MM/YYYY` or `DDMMMYY` (17MAY90)."""
    if value is None:
        return None
    if style == "ISO":
        return value.isoformat()
    if style == "DD/MM/YYYY":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if style == "DDMMMYY":
        return f"{value.day:02d}{_MONTHS[value.month - 1]}{value.year % 100:02d}"
    raise ValueError(f"unknown date format {style!r}; choose from {', '.join(DATE_FORMATS)}")


def _name_cells(row: Row, layout: str, rng: np.random.Generator) -> tuple[str, ...]:
    if layout == "airline":
        return (variants.airline_name(row.name, rng, sex=row.sex, age=row.age),)
    if layout == "surname_given":
        return variants.split_surname(row.name)
    return (row.name,)


def render(
    rows: Sequence[Row], trip: Trip, rng: np.random.Generator, first: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, labels) for travellers in order; pax_id is the 1-based position (`first` for the first row)."""
    if trip.layout not in NAME_COLUMNS:
        raise ValueError(f"unknown layout {trip.layout!r}; choose from {', '.join(NAME_COLUMNS)}")
    written: list[tuple[Any, ...]] = []
    labels: list[tuple[str, ...]] = []
    for number, row in enumerate(rows, start=first):
        blank_issue = row.expected != "non_procedural" and rng.random() < trip.issue_date_blank_rate
        written.append(
            (
                str(number),
                *_name_cells(row, trip.layout, rng),
                row.sex,
                format_date(row.date_of_birth, trip.date_format),
                row.nationality,
                row.passport_number,
                format_date(row.passport_expiry, trip.date_format),
                None if blank_issue else format_date(row.passport_issue_date, trip.date_format),
                row.destination,
                format_date(row.departure_date, trip.date_format),
                format_date(row.return_date, trip.date_format),
                row.ticket,
                row.visa_type,
                trip.flight or None,
                trip.port,
                row.booking_ref,
                row.group_code,
                row.transit,
                row.final_destination,
            )
        )
        labels.append(
            (
                str(number),
                row.scenario,
                row.expected,
                row.true_record_id,
                row.name_variation,
                row.dob_variation,
                row.passport_variation,
                row.related_record_id,
            )
        )
    columns = ["pax_id", *NAME_COLUMNS[trip.layout], *TRAVEL_COLUMNS]
    manifest = pd.DataFrame(written, columns=columns, dtype="str")
    routed = [column for column in ROUTE_COLUMNS if manifest[column].notna().any()]
    manifest = manifest.drop(columns=[column for column in ROUTE_COLUMNS if column not in routed])
    return manifest, pd.DataFrame(labels, columns=list(LABEL_COLUMNS), dtype="str")


def random_stream(seed: int, kind: str) -> np.random.Generator:
    """The random stream of one kind of output for a seed (kinds never share draws)."""
    return np.random.default_rng([seed, _STREAM, zlib.crc32(kind.encode())])


def generate_travellers(
    registry: pd.DataFrame,
    plan: Mapping[str, Any],
    seed: int,
    today: date = SAMPLE_TODAY,
    *,
    kind: str = "custom",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, labels) for a plan: trip context plus `scenarios: {name: count}` (see manifests.yaml).

    Bookings are shuffled so that scenarios interleave, but travellers on one booking stay together.
    Scenarios needing a kind of record the registry lacks (e.g. no under-18 record) yield fewer rows.
    """
    _check_scenarios(plan)
    rng = random_stream(seed, kind)
    trip = Trip.from_plan(kind, plan, departure=today)
    return render(_rows(Scene(trip, RecordPool(registry, today), rng, today), plan), trip, rng)


def _check_scenarios(plan: Mapping[str, Any]) -> None:
    unknown = [name for name in plan.get("scenarios", {}) if name not in SCENARIOS]
    if unknown:
        raise ConfigError(text("synth.unknown_scenarios", names=", ".join(unknown), known=", ".join(SCENARIOS)))


def _rows(scene: Scene, plan: Mapping[str, Any], pieces: Mapping[str, int] | None = None) -> list[Row]:
    """The travellers of a plan's scenarios, bookings shuffled so that scenarios interleave.

    `pieces`: the most travellers of a scenario one call of its builder makes (a scaled plan keeps the
    sample's shape: one group of five unregistered travellers per sample becomes several groups of five,
    not one group of fifty).
    """
    bookings = [
        booking
        for name, count in plan["scenarios"].items()
        for piece in _pieces(int(count), (pieces or {}).get(name))
        for booking in SCENARIOS[name].build(scene, piece)
        if booking
    ]
    order = scene.rng.permutation(len(bookings))
    return [row for at in order for row in bookings[at]]


def _pieces(count: int, most: int | None) -> list[int]:
    """`count` split into as few near-equal pieces as keep each at most `most` (`[count]` without a limit)."""
    if not most or count <= most:
        return [count]
    number = -(-count // most)
    return [count // number + (1 if index < count % number else 0) for index in range(number)]


def part_size(records: int) -> int:
    """Travellers `stream_travellers` makes at a time for a registry of `records`: a tenth of the records, so
    that each part finds the records its registered scenarios draw (a sample flight's registered workers are
    one traveller in seven, READY records for its destination one record in thirty), between 200 and 3,000
    (beyond, a part costs memory and gains no speed)."""
    return max(200, min(3_000, records // 10))


def scaled_counts(counts: Mapping[str, int], total: int) -> dict[str, int]:
    """Scenario counts in the proportions of `counts`, summing to `total` (largest remainders)."""
    whole = sum(counts.values())
    shares = {name: count * total / whole for name, count in counts.items()}
    result = {name: int(share) for name, share in shares.items()}
    by_remainder = sorted(shares, key=lambda name: (-(shares[name] - result[name]), name))
    for name in by_remainder[: total - sum(result.values())]:
        result[name] += 1
    return result


def stream_travellers(
    kind: str,
    registry: pd.DataFrame,
    travellers: int,
    seed: int,
    today: date = SAMPLE_TODAY,
    *,
    part: int | None = None,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(manifest, labels) of one sample manifest kind scaled to exactly `travellers` rows, in parts of `part`
    rows (default: `part_size`), so that no more than one part is ever in memory; pax_id runs on across them.

    Each part has the sample's scenario mix and draws its registered people afresh from the registry (a record
    is used at most once per part; a person may travel again in a later part, as a worker flies more than
    once); booking references are unique across the whole manifest. A part that falls short (a small registry
    runs out of a kind of record) is made up by the next ones, in the same mix.
    """
    plan = manifest_plan(kind)
    _check_scenarios(plan)
    counts = {str(name): int(count) for name, count in plan["scenarios"].items()}
    trip = Trip.from_plan(kind, plan, departure=today)
    pool = RecordPool(registry, today)
    bookings: set[str] = set()
    made, number = 0, 0
    size = part or part_size(len(registry))
    while made < travellers:
        wanted = min(size, travellers - made)
        rng = np.random.default_rng([seed, _STREAM, zlib.crc32(kind.encode()), number])
        pool.used[:] = False
        scene = Scene(trip, pool, rng, today, bookings)
        rows = _rows(scene, {"scenarios": scaled_counts(counts, wanted)}, pieces=counts)
        if not rows:
            raise ConfigError(text("synth.no_travellers", kind=kind))
        manifest, labels = render(rows[:wanted], trip, rng, first=made + 1)
        made += len(manifest)
        number += 1
        yield manifest, labels


def generate_manifest(
    kind: str, registry: pd.DataFrame, seed: int, today: date = SAMPLE_TODAY
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, labels) of one sample manifest kind (`flight`, `ferry`, `umrah`) against `registry`."""
    return generate_travellers(registry, manifest_plan(kind), seed, today, kind=kind)
