"""A period of departures for reconciliation (`checkpoint synth --departures N`), with its labelled truth.

Each day of the period, flights and ferries are drawn from the routes of `tables/departures.yaml`; each departure
is a manifest made by the sample manifests' own machinery (`manifests.py`: the route's sample plan, its
scenario mix scaled to the departure's size, the same people and scenario builders), written as one CSV file
`departures/<day>/<port>-<flight>.csv`. Registered workers are drawn from the registry afresh each day (a worker
may fly twice, on different days); the records never drawn did not depart.

Besides the manifests: `departures.labels.csv` (every departure's file, pax_id, scenario, expected outcome and
true record) and `departures.truth.csv`, one row per placement record: whether the person departed in the
period, first when, through which port, to which country, and how many times.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from checkpoint.durable import write_atomically
from checkpoint.errors import UsageError
from checkpoint.i18n import text
from checkpoint.synth import tables
from checkpoint.synth.dataset import WrittenFile
from checkpoint.synth.manifests import _STREAM, _rows, manifest_plan, render, scaled_counts
from checkpoint.synth.travellers import RecordPool, Scene, Trip

DEPARTURES_FOLDER = "departures"
LABELS_FILE = "departures.labels.csv"
TRUTH_FILE = "departures.truth.csv"
#: Who is not the person of any record in a departure's labels.
_NO_RECORD = ""


@dataclass(frozen=True)
class Route:
    """Where one kind of departure goes from, and how its manifest is made (`plan`, a sample manifest's)."""

    plan: Mapping[str, Any]
    kind: str
    size: tuple[int, int]
    weight: float


@dataclass
class _Truth:
    """What the departures made so far say of each record that departed."""

    first: dict[str, tuple[date, str, str]] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)

    def add(self, record_id: str, day: date, port: str, country: str) -> None:
        if record_id not in self.first:
            self.first[record_id] = (day, port, country)
        self.count[record_id] = self.count.get(record_id, 0) + 1


class _PeriodPool(RecordPool):
    """The registry pool of a period: a day's hundreds of departures each draw a few records from masks over the
    whole registry, so a draw picks random positions among a mask's records (a rejection of those used) instead
    of shuffling all of them first, which costs a million-record registry ~7 ms a draw."""

    def drawer(self, rng: np.random.Generator, *masks: np.ndarray) -> Callable[[], int | None]:
        levels = [np.flatnonzero(mask) for mask in masks]
        tries = 32  # then the level's unused records are listed, as the shuffle would have found them

        def draw() -> int | None:
            for order in levels:
                if not len(order):
                    continue
                for _ in range(tries):
                    index = int(order[int(rng.integers(len(order)))])
                    if not self.used[index]:
                        self.used[index] = True
                        return index
                unused = order[~self.used[order]]
                if len(unused):
                    index = int(unused[int(rng.integers(len(unused)))])
                    self.used[index] = True
                    return index
            return None

        return draw


def routes() -> list[Route]:
    """The routes of `tables/departures.yaml`, each with its sample plan's settings and the route's own."""
    loaded = tables._yaml("departures.yaml")
    found = []
    for entry in loaded["routes"]:
        plan = manifest_plan(str(entry["plan"]))
        plan.update({key: entry[key] for key in ("port", "flight", "arrivals") if key in entry})
        found.append(
            Route(plan, str(entry["plan"]), (int(entry["size"][0]), int(entry["size"][1])), float(entry["weight"]))
        )
    return found


def write_period(out: Path, *, count: int, days: int, last_day: date, seed: int) -> list[WrittenFile]:
    """`write_departures` against the registry written in `out` (`registry.parquet`), as `checkpoint synth
    --departures` calls it; UsageError when `out` cannot be written."""
    try:
        registry = pd.read_parquet(out / "registry.parquet")
        done = write_departures(out, registry, count=count, days=days, last_day=last_day, seed=seed)
    except OSError as error:
        raise UsageError(text("synth.cannot_write", out=out, reason=error.strerror or error)) from None
    return [WrittenFile(path, rows) for path, rows in done]


def write_departures(
    out: Path, registry: pd.DataFrame, *, count: int, days: int, last_day: date, seed: int
) -> list[tuple[Path, int]]:
    """Write `count` departures over the `days` days ending `last_day` under `out/departures/`, with the labels
    and the truth files; return each file written (manifests as one entry: the folder) and its rows."""
    folder = out / DEPARTURES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    first_day = last_day - timedelta(days=days - 1)
    truth = _Truth()
    labels: list[pd.DataFrame] = []
    made: dict[str, int] = {}  # departures of a route on a day: the second is `…-2.csv`
    for day, route, manifest, day_labels in _departures(registry, count, first_day, days, seed):
        name = f"{day.isoformat()}/{route.plan['port']}-{str(route.plan['flight']).replace(' ', '_')}"
        made[name] = made.get(name, 0) + 1
        relative = Path(f"{name}.csv" if made[name] == 1 else f"{name}-{made[name]}.csv")
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, _csv(manifest), mode=0o666)
        countries = {str(a["code"]): str(a["country"]) for a in route.plan["arrivals"]}
        for record_id, destination in zip(day_labels["true_record_id"], manifest["destination"], strict=True):
            if record_id and record_id != "nan":
                truth.add(
                    str(record_id), day, str(route.plan["port"]), countries.get(str(destination), str(destination))
                )
        labels.append(day_labels.assign(file=f"{DEPARTURES_FOLDER}/{relative.as_posix()}"))
    all_labels = pd.concat(labels, ignore_index=True) if labels else pd.DataFrame()
    if len(all_labels):
        all_labels = all_labels[["file", *[c for c in all_labels.columns if c != "file"]]]
    truth_frame = pd.DataFrame(
        {
            "record_id": registry["record_id"],
            "departed": [record in truth.first for record in registry["record_id"]],
            "first_departure": [
                truth.first[r][0].isoformat() if r in truth.first else None for r in registry["record_id"]
            ],
            "port": [truth.first[r][1] if r in truth.first else None for r in registry["record_id"]],
            "destination_country": [truth.first[r][2] if r in truth.first else None for r in registry["record_id"]],
            "departures": [truth.count.get(r, 0) for r in registry["record_id"]],
        }
    )
    write_atomically(out / LABELS_FILE, _csv(all_labels), mode=0o666)
    write_atomically(out / TRUTH_FILE, _csv(truth_frame), mode=0o666)
    return [(folder, len(all_labels)), (out / LABELS_FILE, len(all_labels)), (out / TRUTH_FILE, len(truth_frame))]


def _departures(
    registry: pd.DataFrame, count: int, first_day: date, days: int, seed: int
) -> Iterator[tuple[date, Route, pd.DataFrame, pd.DataFrame]]:
    """(day, route, manifest, labels) of every departure of the period, day after day; `count` travellers in all,
    as evenly over the days as whole numbers allow."""
    choices = routes()
    weights = np.array([route.weight for route in choices])
    pool = _PeriodPool(registry, first_day)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        left = count // days + (1 if offset < count % days else 0)
        rng = np.random.default_rng([seed, _STREAM, zlib.crc32(b"departures"), offset])
        pool.used[:] = False  # a worker may fly again another day; never twice the same day
        bookings: set[str] = set()
        while left > 0:
            route = choices[int(rng.choice(len(choices), p=weights / weights.sum()))]
            size = min(left, int(rng.integers(route.size[0], route.size[1] + 1)))
            trip = Trip.from_plan(route.kind, route.plan, departure=day)
            counts = {str(name): int(number) for name, number in route.plan["scenarios"].items()}
            scene = Scene(trip, pool, rng, day, bookings)
            rows = _rows(scene, {"scenarios": scaled_counts(counts, size)}, pieces=counts)
            if not rows:
                continue
            manifest, labels = render(rows[:size], trip, rng)
            left -= len(manifest)
            yield day, route, manifest, labels


def _csv(frame: pd.DataFrame) -> Any:
    def write(handle: BinaryIO) -> None:
        frame.to_csv(handle, index=False, encoding="utf-8", lineterminator="\n")

    return write
