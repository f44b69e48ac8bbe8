"""Decoys: ordinary travellers who resemble a registered person (same name, father, clan or birth date).

Matching the wrong person is the worst error (SPEC §5): a decoy must stay unmatched. Each decoy is built so
that it *cannot* be the registered person — no namesake has its birth date, even one slip away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from checkpoint.synth import tables
from checkpoint.synth.names import sample_given
from checkpoint.synth.strangers import Supply
from checkpoint.synth.travellers import Bookings, Builder, Person, Scene, age_on
from checkpoint.synth.variants import PATRONYMIC_WORDS, confusable_with_any, strip_titles


def name_twin_decoy(scene: Scene, count: int) -> Bookings:
    """An ordinary traveller carrying exactly the name of a registered person, but another birth date."""
    pool = scene.pool
    common = pool.name_counts() >= 3
    anyone = np.ones(len(pool), dtype=bool)
    supply = Supply(scene, (45, 70) if scene.trip.group_codes else (20, 60), count)
    visa_default = "umrah" if scene.trip.group_codes else None
    group = scene.trip.group_codes[-1] if scene.trip.group_codes else None
    bookings: Bookings = []
    draw = pool.drawer(scene.rng, common & scene.records_for_trip(), common, anyone)
    for _ in range(3 * count):  # a record whose namesakes leave no free birth date is passed over
        if len(bookings) == count:
            break
        index = draw()
        if index is None:
            break
        sex, name = pool.sex[index] or "F", strip_titles(str(pool.full_name[index]))
        namesakes = pool.births_of(name)
        births = (supply.next(sex).date_of_birth for _ in range(20))
        # Not a date that could be any namesake's own with a slip (swap, one digit): that one *is* ambiguous.
        birth = next((day for day in births if not confusable_with_any(day, namesakes)), None)
        if birth is None:
            continue
        twin = Person(name, sex, birth, age_on(birth, scene.today), "")
        visa = visa_default or scene.visa("tourist_visas", "tourist")
        bookings.append(
            [
                scene.stranger(
                    twin,
                    "name_twin_decoy",
                    "ordinary",
                    visa=visa,
                    one_way=False,
                    booking=scene.booking_ref(),
                    group=group,
                    related=str(pool.record_id[index]),
                )
            ]
        )
    return bookings


def _family_named(scene: Scene) -> np.ndarray:
    """Records whose KTP name ends in a clan name or in BIN/BINTI + father (what siblings share)."""
    pool = scene.pool

    def compute() -> np.ndarray:
        clans = {token.token for token in tables.name_tokens() if token.role == "clan"}
        names = pd.Series(pool.full_name)
        last = names.str.rsplit(" ", n=1).str[-1]
        patronymic = names.str.contains(r"\b(?:BIN|BINTI) \S+$", regex=True)
        return np.asarray((last.isin(clans) | patronymic) & ~names.str.contains(".", regex=False), dtype=bool)

    return pool.memo("family_named", compute)


def relative(scenario: str, *, twin: bool) -> Builder:
    """An ordinary traveller from a registered person's family: same father or clan name, not them."""

    def build(scene: Scene, count: int) -> Bookings:
        pool = scene.pool
        named = _family_named(scene)
        clans = {token.token for token in tables.name_tokens() if token.role == "clan"}
        bookings: Bookings = []
        draw = pool.drawer(scene.rng, named & pool.adult & scene.records_for_trip(), named & pool.adult, named)
        givens: dict[tuple[str, str], list[str]] = {}
        for _ in range(3 * count):  # a family whose names are all taken is passed over
            if len(bookings) == count:
                break
            index = draw()
            born = pool.born(index) if index is not None else None
            if index is None or born is None:
                break
            sex = (pool.sex[index] or "F") if twin and scene.chance(0.5) else scene.pick("MF")
            tokens = str(pool.full_name[index]).split()
            if len(tokens) >= 3 and tokens[-2] in PATRONYMIC_WORDS:
                shared = f"{tables.name_parts().patronymic[sex]} {tokens[-1]}"
            else:
                shared = tokens[-1]
            role = "christian" if tokens[-1] in clans and scene.chance(0.7) else "first"
            years = 0 if twin else scene.between(1, 8) * (1 if scene.chance(0.5) else -1)
            if age_on(born, scene.today) - years < 16:
                years = -abs(years)
            birth = born if years == 0 else born.replace(year=born.year + years, day=min(born.day, 28))
            name = ""
            for _ in range(10):  # a given name the registered person does not carry, and no namesake's birth date
                stock = givens.setdefault((sex, role), [])
                if not stock:
                    stock.extend(sample_given(np.full(max(count, 16), sex == "F"), scene.rng, role))
                given = str(stock.pop())
                candidate = f"{given} {shared}"
                namesakes = pool.births_of(candidate)
                if given not in tokens and not confusable_with_any(birth, namesakes):
                    name = candidate
                    break
            if not name:
                continue
            person = Person(name, sex, birth, age_on(birth, scene.today), tokens[-1])
            bookings.append(
                [
                    scene.stranger(
                        person,
                        scenario,
                        "ordinary",
                        visa=scene.visa("tourist_visas", "tourist"),
                        one_way=False,
                        booking=scene.booking_ref(),
                        related=str(pool.record_id[index]),
                    )
                ]
            )
        return bookings

    return build
