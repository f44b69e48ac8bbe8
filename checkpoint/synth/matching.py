"""A labelled matching set of any size: registered travellers under every variation, decoys and strangers.

For the matching benchmark: registered travellers cycle through every name variation the layout can show
(each drawn from a record the variation applies to), some with a varied birth date or a renewed passport;
a share come from registered families (twins, siblings) so that the right sibling must be picked; decoys
(same name, same father, same birth date — but not the person) must stay unmatched.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from checkpoint.synth import tables, variants
from checkpoint.synth.manifests import NAME_COLUMNS, random_stream, render
from checkpoint.synth.registry import SAMPLE_TODAY
from checkpoint.synth.scenarios import SCENARIOS
from checkpoint.synth.travellers import RecordPool, Row, Scene, Trip

FAMILY_SHARE = 0.1  # of registered travellers, drawn from records with a twin or sibling in the registry
DECOY_SCENARIOS = ("name_twin_decoy", "sibling_decoy", "twin_decoy")
_DOB_LABELS = {"exact": 80.0, "dob_swap": 10.0, "dob_digit": 10.0}
#: What `decoy_trips` can give the travellers with no placement record: nothing ("none"), or a work visa
#: ("placement": the decoys to the placement country of the record they resemble, the strangers to the
#: placement country they were already drawn for).
DECOY_TRIPS = ("none", "placement")
WORK_VISA = "work"  # as registered travellers get it; one of the rule pack's `work_visas`


def _trip(layout: str, today: date) -> Trip:
    arrivals = tuple((entry.code, entry.code, entry.weight_f + entry.weight_m) for entry in tables.destinations())
    return Trip(
        kind="matching",
        layout=layout,
        date_format="ISO",
        port="CGK",
        flight="",
        arrivals=arrivals,
        stay_days=(3, 14),
        departure=today,
        options={"tourist_visas": {"tourist": 60, "none": 40}},
    )


def _family_members(pool: RecordPool) -> np.ndarray:
    """Records sharing their home district and birth date or last name word with another record."""
    district = pd.Series(pool.nik).str[:6]
    born = pd.Series(pool.date_of_birth.astype(str))
    last = pd.Series([name.split()[-1] if name else "" for name in pool.full_name])
    twins = (district + "|" + born).duplicated(keep=False)
    siblings = (district + "|" + last).duplicated(keep=False)
    return np.asarray((twins | siblings) & (district.str.len() == 6), dtype=bool)


class _Finder:
    """Walks a shuffled registry, per variation, through the records the variation applies to."""

    def __init__(self, pool: RecordPool, rng: np.random.Generator) -> None:
        self.pool, self.rng = pool, rng
        self.names = pd.Series(pool.full_name)
        self.order: dict[tuple[str, bool], np.ndarray] = {}
        self.cursor: dict[tuple[str, bool], int] = {}

    def find(self, variation: str, family: bool, allowed: np.ndarray) -> int | None:
        """An unused record (or, once all were tried, any record) whose name takes `variation`."""
        key = (variation, family)
        if key not in self.order:
            candidates = np.flatnonzero(allowed & variants.applicable(self.names, variation))
            self.order[key], self.cursor[key] = self.rng.permutation(candidates), 0
        order = self.order[key]
        for reuse in (False, True):
            while self.cursor[key] < len(order):
                index = int(order[self.cursor[key]])
                self.cursor[key] += 1
                if self.pool.used[index] and not reuse:
                    continue
                name, sex = str(self.pool.full_name[index]), self.pool.sex[index] or "F"
                if variants.vary_name(name, variation, self.rng, sex=sex) is not None:
                    self.pool.used[index] = True
                    return index
            self.cursor[key] = 0
        return None


def _registered(scene: Scene, count: int, layout: str) -> list[list[Row]]:
    pool, rng = scene.pool, scene.rng
    cycle = [label for label in variants.NAME_VARIATIONS if label != "airline_form" or layout == "full_name"]
    finder = _Finder(pool, rng)
    family = _family_members(pool)
    everyone = np.ones(len(pool), dtype=bool)
    rows: list[list[Row]] = []
    for slot in range(count):
        from_family = bool(rng.random() < FAMILY_SHARE and family.any())
        variation = cycle[slot % len(cycle)]
        index = finder.find(variation, from_family, family if from_family else everyone)
        if index is None:  # the variation applies to no record at all (tiny registry)
            index, variation = finder.find("exact", False, everyone), "exact"
        if index is None:
            break
        status, adult = pool.status[index], pool.age[index] >= 18
        expected = "procedural" if status in ("READY", "DEPARTED") and adult else "non_procedural"
        scenario = "registered_family_member" if from_family else "registered_traveller"
        dob_label = scene.pick(_DOB_LABELS)
        rows.append(
            [
                scene.registered(
                    index,
                    scenario,
                    expected,
                    visa="work",
                    one_way=True,
                    booking=scene.booking_ref(),
                    destination=pool.destination[index] or None,
                    name_variation=variation,
                    dob_variation=dob_label,
                )
            ]
        )
    return rows


def _on_placement_trips(scene: Scene, bookings: list[list[Row]]) -> list[list[Row]]:
    """Every traveller with no placement record on a work visa: a decoy to the placement country of the record
    it resembles (where the registered person's own trip goes), a stranger to the country it already goes to
    (the trip's arrivals are the placement countries, by their placement weights). Draws nothing from the
    scene's stream, so the people, passports and everything else stay those of the same seed without it."""
    pool, trip = scene.pool, scene.trip
    placed = dict(zip(pool.record_id, pool.destination, strict=True))

    def moved(row: Row) -> Row:
        if row.true_record_id:
            return row
        country = placed.get(row.related_record_id) if row.related_record_id else None
        if not country:
            return replace(row, visa_type=WORK_VISA)
        if row.final_destination:  # routed via a hub: the journey's end is the placement country
            return replace(row, visa_type=WORK_VISA, final_destination=trip.code_for(country))
        return replace(row, visa_type=WORK_VISA, destination=trip.code_for(country))

    return [[moved(row) for row in booking] for booking in bookings]


def generate_matching_set(
    registry: pd.DataFrame,
    n: int,
    seed: int,
    today: date = SAMPLE_TODAY,
    *,
    layout: str = "full_name",
    registered_share: float = 0.6,
    decoy_share: float = 0.25,
    decoy_trips: str = "none",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, labels) of `n` travellers for the matching benchmark.

    `registered_share` are registered people (scenario `registered_traveller` / `registered_family_member`,
    `true_record_id` set), `decoy_share` are look-alikes of registered people (`related_record_id` set,
    `true_record_id` empty), the rest ordinary strangers (`tourist`). Labels as for the sample manifests.
    `decoy_trips="placement"` puts the decoys and strangers on work visas to placement countries (a stress
    test of the placement-trip evidence: unregistered workers who look like registered ones), all else the same.
    """
    if layout not in NAME_COLUMNS:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(NAME_COLUMNS)}")
    if registered_share < 0 or decoy_share < 0 or registered_share + decoy_share > 1:
        raise ValueError("registered_share and decoy_share must be >= 0 and add up to at most 1")
    if decoy_trips not in DECOY_TRIPS:
        raise ValueError(f"unknown decoy_trips {decoy_trips!r}; choose from {', '.join(DECOY_TRIPS)}")
    rng = random_stream(seed, f"matching-{layout}")
    trip = _trip(layout, today)
    scene = Scene(trip, RecordPool(registry, today), rng, today)
    n_registered = round(n * registered_share)
    n_decoys = min(round(n * decoy_share), n - n_registered)
    bookings = _registered(scene, n_registered, layout)
    for at, name in enumerate(DECOY_SCENARIOS):
        share = n_decoys // len(DECOY_SCENARIOS) + (1 if at < n_decoys % len(DECOY_SCENARIOS) else 0)
        bookings += SCENARIOS[name].build(scene, share)
    made = sum(len(booking) for booking in bookings)
    for booking in SCENARIOS["tourist"].build(scene, n - made):
        bookings.append(booking[: n - made])  # pairs may overshoot by one
        made += len(bookings[-1])
        if made >= n:
            break
    if decoy_trips == "placement":
        bookings = _on_placement_trips(scene, bookings)
    order = rng.permutation(len(bookings))
    return render([row for at in order for row in bookings[at]], trip, rng)
