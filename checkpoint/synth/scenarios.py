"""Who travels: the scenario table (name, expected outcome, builder) and the scenarios drawn from records.

A scenario name is what the labels sidecar's `scenario` column says; `SCENARIOS` maps it to the expected
outcome and the builder that makes its travellers. Ordinary travellers are the vast majority of every
manifest, as at a real border post; the non-procedural patterns are the indicators of DOMAIN.md §3, each in
isolation. Builders live with their kind: records here, strangers in `strangers.py`, decoys in `decoys.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checkpoint.synth.decoys import name_twin_decoy, relative
from checkpoint.synth.registry import spsk_agency_names
from checkpoint.synth.strangers import (
    RECENT,
    agent_group,
    family,
    foreign_national,
    going_home,
    hub_routing,
    pilgrim,
    scam_route_transit,
    singles,
    unregistered_group,
)
from checkpoint.synth.travellers import Bookings, Builder, Scene


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario: what the screening should conclude, and how its travellers are made."""

    name: str
    expected: str
    build: Builder
    description: str


# --- registered people -------------------------------------------------------------------------------------
def registered_worker(scene: Scene, count: int) -> Bookings:
    """READY records for this destination, flying one-way on a work visa, often booked together by the agency."""
    pool = scene.pool
    ready = pool.adult & pool.with_status(("READY",))
    draws = {country: pool.drawer(scene.rng, ready & pool.destined_to((country,))) for country in scene.trip.countries}
    bookings: Bookings = []
    exhausted: set[str] = set()
    left = count
    while left > 0 and len(exhausted) < len(draws):
        size = min(left, int(scene.pick("1112234")))  # agencies often book their workers together
        country = scene.arrival()[0]
        if country in exhausted:
            continue
        booking, unit = scene.booking_ref(), []
        for _ in range(size):
            index = draws[country]()
            if index is None:
                exhausted.add(country)
                break
            unit.append(
                scene.registered(index, "registered_worker", "procedural", visa="work", one_way=True, booking=booking)
            )
        if unit:
            bookings.append(unit)
            left -= len(unit)
    return bookings


def _registered_singles(name: str, expected: str, *, visa: str, masks: Callable[[Scene], list[np.ndarray]]) -> Builder:
    """A builder for registered people flying alone one-way to their record's country (no agency group code):
    `visa` is the visa type, or `tourist` for the trip's visitor visas (visa-free `none` on some routes)."""

    def build(scene: Scene, count: int) -> Bookings:
        draw = scene.pool.drawer(scene.rng, *masks(scene))
        bookings: Bookings = []
        for _ in range(count):
            index = draw()
            if index is None:
                break
            kind = scene.visa("tourist_visas", visa) if visa == "tourist" else visa
            bookings.append(
                [scene.registered(index, name, expected, visa=kind, one_way=True, booking=scene.booking_ref())]
            )
        return bookings

    return build


def _record_scenario(
    name: str,
    *,
    visa: str,
    one_way: bool = True,
    name_weights: dict[str, float] | None = None,
    masks: Callable[[Scene], list[np.ndarray]],
) -> Builder:
    """A builder for `count` single travellers, each the person of one record chosen by `masks`."""

    def build(scene: Scene, count: int) -> Bookings:
        bookings: Bookings = []
        draw = scene.pool.drawer(scene.rng, *masks(scene))
        for _ in range(count):
            index = draw()
            if index is None:
                break
            group = scene.trip.group_codes[0] if scene.trip.group_codes else None
            destination = scene.arrival()[1]
            bookings.append(
                [
                    scene.registered(
                        index,
                        name,
                        SCENARIOS[name].expected,
                        visa=scene.visa("tourist_visas", visa) if visa == "tourist" else visa,
                        one_way=one_way,
                        booking=scene.booking_ref(),
                        group=group,
                        destination=destination,
                        name_weights=name_weights,
                    )
                ]
            )
        return bookings

    return build


def _cancelled(scene: Scene) -> list[np.ndarray]:
    pool = scene.pool
    cancelled = pool.adult & (pool.status == "CANCELLED")
    return [cancelled & scene.records_for_trip(), cancelled]


def _wrong_destination(scene: Scene) -> list[np.ndarray]:
    pool = scene.pool
    ready = pool.adult & (pool.status == "READY") & ~scene.records_for_trip()
    return [ready & pool.destined_to(("TWN", "HKG")), ready]


def _minor(scene: Scene) -> list[np.ndarray]:
    pool = scene.pool
    minor = (pool.age >= 0) & (pool.age < 18) & (pool.status != "CANCELLED")
    return [minor & scene.records_for_trip(), minor]


def _not_ready(scene: Scene) -> list[np.ndarray]:
    pool = scene.pool
    waiting = pool.adult & pool.with_status(("REGISTERED", "VERIFIED"))
    return [waiting & scene.records_for_trip(), waiting]


def _saudi_domestic(scene: Scene) -> list[np.ndarray]:
    pool = scene.pool
    domestic = pool.adult & (pool.destination == "SAU") & (pool.sector == "domestic")
    return [domestic & (pool.status == "READY"), domestic & (pool.status != "CANCELLED"), domestic]


def _ready_here(scene: Scene) -> list[np.ndarray]:
    pool = scene.pool
    ready = pool.adult & (pool.status == "READY")
    return [ready & scene.records_for_trip()]


def _spsk_domestic(scene: Scene) -> list[np.ndarray]:
    """READY Saudi domestic placements through an SPSK agency (the registry explains them)."""
    pool = scene.pool
    spsk = pool.memo("spsk", lambda: np.isin(pool.agency, spsk_agency_names()))
    domestic = pool.adult & (pool.destination == "SAU") & (pool.sector == "domestic") & (pool.scheme == "P2P")
    return [domestic & spsk & (pool.status == "READY")]


def _departed_here(scene: Scene) -> list[np.ndarray]:
    """Workers whose record says they left for this trip's country: back from home leave, to the same country."""
    pool = scene.pool
    return [pool.adult & (pool.status == "DEPARTED") & scene.records_for_trip()]


SCENARIOS: dict[str, Scenario] = {}


def _add(name: str, expected: str, build: Builder, description: str) -> None:
    SCENARIOS[name] = Scenario(name, expected, build, description)


_add(
    "registered_worker",
    "procedural",
    registered_worker,
    "a READY placement record for this destination, work visa, one-way ticket (name and documents vary)",
)
_add(
    "tourist",
    "ordinary",
    singles("tourist", "ordinary", ages=(20, 68), female=0.55, pairs=0.35),
    "tourists alone or in pairs, return tickets",
)
_add("family", "ordinary", family, "parents and children on one booking, return tickets")
_add(
    "business",
    "ordinary",
    singles("business", "ordinary", ages=(25, 60), female=0.25, visa="business", stay=(1, 5)),
    "business travellers, short return trips",
)
_add(
    "student",
    "ordinary",
    singles("student", "ordinary", ages=(18, 24), female=0.5, visa="student", one_way=0.6),
    "students on a student visa, often one-way: young and one-way yet ordinary",
)
_add("foreign_national", "ordinary", foreign_national, "citizens of the destination going home, often one-way")
_add(
    "name_twin_decoy",
    "ordinary",
    name_twin_decoy,
    "an ordinary traveller with exactly the name of a registered person but another birth date",
)
_add(
    "sibling_decoy",
    "ordinary",
    relative("sibling_decoy", twin=False),
    "an ordinary traveller sharing a registered person's father (BIN/BINTI) or family name, other birth date",
)
_add(
    "twin_decoy",
    "ordinary",
    relative("twin_decoy", twin=True),
    "an ordinary traveller with a registered person's birth date and father or family name, other given name",
)
_add(
    "day_tripper",
    "ordinary",
    singles("day_tripper", "ordinary", ages=(18, 70), female=0.55, pairs=0.5),
    "ferry day-trippers, back the same or the next day",
)
_add(
    "shopper",
    "ordinary",
    singles("shopper", "ordinary", ages=(28, 62), female=0.75, stay=(0, 0), pairs=0.3),
    "shoppers on a same-day return ferry",
)
_add("pilgrim", "ordinary", pilgrim, "umrah pilgrims in an agency group: families, older people, return tickets")
_add(
    "tour_leader",
    "ordinary",
    singles("tour_leader", "ordinary", ages=(30, 50), female=0.0, visa="umrah"),
    "the travel agency's tour leader (mutawwif) travelling with the group",
)
_add(
    "unregistered_oneway_tourist",
    "non_procedural",
    singles("unregistered_oneway_tourist", "non_procedural", ages=(19, 32), female=0.7, one_way=1.0, issued=RECENT),
    "young adult, no placement record, tourist/visa-free entry, one-way ticket, fresh passport",
)
_add(
    "unregistered_group",
    "non_procedural",
    unregistered_group,
    "four or more unregistered young travellers, one-way, fresh passports, one booking or group code",
)
_add(
    "cancelled_record",
    "non_procedural",
    _record_scenario("cancelled_record", visa="tourist", masks=_cancelled),
    "the traveller's placement record is CANCELLED, yet they fly one-way",
)
_add(
    "wrong_destination",
    "non_procedural",
    _record_scenario("wrong_destination", visa="tourist", masks=_wrong_destination),
    "the placement record is for another country (e.g. TWN) than the one flown to",
)
_add(
    "minor_record",
    "non_procedural",
    _record_scenario("minor_record", visa="tourist", masks=_minor),
    "a placement record for someone under 18",
)
_add(
    "record_not_ready",
    "non_procedural",
    _record_scenario("record_not_ready", visa="tourist", masks=_not_ready),
    "a placement record still REGISTERED/VERIFIED (no visa, OPP or BPJS yet)",
)
_add(
    "work_visa_no_record",
    "non_procedural",
    singles(
        "work_visa_no_record", "non_procedural", ages=(22, 40), female=0.5, visa="work", one_way=1.0, issued=(20, 300)
    ),
    "a work visa but no placement record",
)
_add(
    "scam_route_transit",
    "non_procedural",
    scam_route_transit,
    "young, one-way, ticketed through to Cambodia (online-scam route)",
)
_add(
    "umrah_oneway_no_record",
    "non_procedural",
    singles(
        "umrah_oneway_no_record", "non_procedural", ages=(20, 32), female=1.0, visa="umrah", one_way=1.0, issued=RECENT
    ),
    "a young woman slipped into an umrah group, one-way ticket, no placement record",
)
_add(
    "registered_domestic_sau",
    "non_procedural",
    _record_scenario("registered_domestic_sau", visa="umrah", name_weights={"bin_binti": 1.0}, masks=_saudi_domestic),
    "a domestic-worker placement record for Saudi Arabia (moratorium) travelling on an umrah visa",
)
_add(
    "ziarah_visa",
    "non_procedural",
    singles("ziarah_visa", "non_procedural", ages=(22, 35), female=0.8, visa="ziarah", one_way=1.0, issued=(20, 200)),
    "a visit (ziarah) visa inside an umrah group, one-way ticket",
)

# --- issue 19: the procedure skipped at the visa step, legitimate workers, routes through a hub ---------------
_add(
    "ready_visitor_visa",
    "non_procedural",
    _registered_singles("ready_visitor_visa", "non_procedural", visa="tourist", masks=_ready_here),
    "a READY placement record for this destination, yet flying one-way on a tourist/visit visa (or visa-free)",
)
_add(
    "spsk_domestic",
    "procedural",
    _registered_singles("spsk_domestic", "procedural", visa="work", masks=_spsk_domestic),
    "a READY Saudi domestic placement through an agency on the SPSK list, work visa, one-way",
)
_add(
    "returning_worker",
    "procedural",
    _registered_singles("returning_worker", "procedural", visa="work", masks=_departed_here),
    "a worker back from home leave: DEPARTED record for this country, work visa, one-way",
)
_add(
    "agent_group",
    "non_procedural",
    agent_group,
    "an agent's group spread over several small bookings under one group code: unregistered, one-way, new passports",
)
_add(
    "student_one_way",
    "ordinary",
    singles("student_one_way", "ordinary", ages=(18, 26), female=0.5, visa="student", one_way=1.0, issued=(30, 1200)),
    "students leaving one-way on a student visa, some with a passport made for the trip",
)
_add("foreign_national_home", "ordinary", going_home, "citizens of the destination going home, always one-way")
_add(
    "hub_routing",
    "non_procedural",
    hub_routing("hub_routing", "non_procedural", one_way=True),
    "young, one-way, through a hub (KUL, BKK, SIN) to Cambodia or Myanmar: the first arrival is not the end",
)
_add(
    "hub_tourist",
    "ordinary",
    hub_routing("hub_tourist", "ordinary", one_way=False),
    "tourists through a hub to Thailand or Cambodia and back, return tickets",
)
