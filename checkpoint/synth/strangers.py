"""Travellers with no placement record: the ordinary majority, and the unregistered non-procedural patterns."""

from __future__ import annotations

from checkpoint.synth.travellers import Bookings, Builder, Person, Scene

RECENT = (10, 75)  # days since issue of a "recently issued" passport
SETTLED = (120, 1700)


class Supply:
    """Strangers of one age band drawn in batches per sex, handed out one at a time (one draw each is slow)."""

    def __init__(self, scene: Scene, ages: tuple[int, int], batch: int, *, patronymic: float = 0.0) -> None:
        self.scene, self.ages, self.batch, self.patronymic = scene, ages, max(batch, 8), patronymic
        self.stock: dict[str, list[Person]] = {"F": [], "M": []}

    def next(self, sex: str) -> Person:
        """The next stranger of sex `sex` (`M`/`F`)."""
        if not self.stock[sex]:
            female = 1.0 if sex == "F" else 0.0
            drawn = self.scene.people(self.batch, ages=self.ages, female=female, patronymic=self.patronymic)
            self.stock[sex] = drawn[::-1]
        return self.stock[sex].pop()

    def anyone(self, female: float) -> Person:
        """The next stranger, a woman with probability `female`."""
        return self.next("F" if self.scene.chance(female) else "M")


def singles(
    scenario: str,
    expected: str,
    *,
    ages: tuple[int, int],
    female: float,
    visa: str | None = None,
    visa_option: str = "tourist_visas",
    one_way: float = 0.0,
    issued: tuple[int, int] = SETTLED,
    stay: tuple[int, int] | None = None,
    pairs: float = 0.0,
) -> Builder:
    """Travellers alone or in pairs on one booking, with no record."""

    def build(scene: Scene, count: int) -> Bookings:
        patronymic = 0.6 if scene.trip.group_codes else 0.0  # umrah passports add BIN/BINTI + father
        people = scene.people(count, ages=ages, female=female, patronymic=patronymic)
        group = scene.trip.group_codes[-1] if scene.trip.group_codes else None
        bookings: Bookings = []
        at = 0
        while at < len(people):
            size = 2 if at + 1 < len(people) and scene.chance(pairs) else 1
            booking, one, days = scene.booking_ref(), scene.chance(one_way), scene.fixed_stay(stay)
            kind, destination = visa or scene.visa(visa_option, "tourist"), scene.arrival()[1]
            bookings.append(
                [
                    scene.stranger(
                        person,
                        scenario,
                        expected,
                        visa=kind,
                        one_way=one,
                        booking=booking,
                        group=group,
                        issued=issued,
                        stay=days,
                        destination=destination,
                    )
                    for person in people[at : at + size]
                ]
            )
            at += size
        return bookings

    return build


def family(scene: Scene, count: int) -> Bookings:
    """Parents with one to three children on one booking, return tickets."""
    fathers, mothers = Supply(scene, (28, 55), count // 3), Supply(scene, (26, 52), count // 3)
    kids = Supply(scene, (0, 17), count // 2)
    bookings: Bookings = []
    left = count
    while left > 0:
        children = min(max(left - 2, 0), scene.between(1, 3))
        parents = [fathers.next("M"), mothers.next("F")]
        members = parents[: max(1, min(2, left))] + [kids.anyone(0.5) for _ in range(children)]
        booking, visa, stay = scene.booking_ref(), scene.visa("tourist_visas", "tourist"), scene.fixed_stay()
        destination = scene.arrival()[1]
        bookings.append(
            [
                scene.stranger(
                    person,
                    "family",
                    "ordinary",
                    visa=visa,
                    one_way=False,
                    booking=booking,
                    stay=stay,
                    destination=destination,
                )
                for person in members
            ]
        )
        left -= len(members)
    return bookings


def pilgrim(scene: Scene, count: int) -> Bookings:
    """Umrah pilgrims: older couples, a parent with a grown child, or alone; BIN/BINTI on many passports."""
    batch = max(count // 3, 8)
    husbands, wives = Supply(scene, (45, 72), batch, patronymic=0.6), Supply(scene, (42, 70), batch, patronymic=0.6)
    elders, grown = Supply(scene, (62, 82), batch, patronymic=0.6), Supply(scene, (28, 45), batch, patronymic=0.6)
    alone = Supply(scene, (35, 78), batch, patronymic=0.6)
    bookings: Bookings = []
    left = count
    codes = scene.trip.group_codes or ("",)
    while left > 0:
        shape = scene.pick({"couple": 45, "parent_child": 20, "alone": 35})
        members: list[Person]
        if shape == "couple" and left >= 2:
            members = [husbands.next("M"), wives.next("F")]
        elif shape == "parent_child" and left >= 2:
            members = [elders.anyone(0.6), grown.anyone(0.5)]
        else:
            members = [alone.anyone(0.6)]
        booking, group, stay = scene.booking_ref(), codes[len(bookings) % len(codes)] or None, scene.fixed_stay()
        bookings.append(
            [
                scene.stranger(
                    person,
                    "pilgrim",
                    "ordinary",
                    visa="umrah",
                    one_way=False,
                    booking=booking,
                    group=group,
                    issued=(30, 1500),
                    stay=stay,
                )
                for person in members
            ]
        )
        left -= len(members)
    return bookings


def foreign_national(scene: Scene, count: int) -> Bookings:
    """Citizens of the destination country going home (often one-way): not Indonesian, not PMI."""
    return _citizens_going_home(scene, count, "foreign_national", one_way=0.6)


def going_home(scene: Scene, count: int) -> Bookings:
    """Citizens of the destination country going home one-way (the ticket home is all they need)."""
    return _citizens_going_home(scene, count, "foreign_national_home", one_way=1.0)


def _citizens_going_home(scene: Scene, count: int, scenario: str, *, one_way: float) -> Bookings:
    bookings: Bookings = []
    for person in scene.people(count, ages=(20, 65), female=0.5):
        country, code = scene.arrival()
        bookings.append(
            [
                scene.stranger(
                    person,
                    scenario,
                    "ordinary",
                    visa="none",
                    one_way=scene.chance(one_way),
                    booking=scene.booking_ref(),
                    destination=code,
                    nationality=country,
                )
            ]
        )
    return bookings


def unregistered_group(scene: Scene, count: int) -> Bookings:
    """Four or more young unregistered travellers, one-way, fresh passports, on one booking or group code."""
    size = max(count, 4)
    by_group_code = scene.trip.options.get("unregistered_group_by") == "group_code"
    booking = scene.booking_ref()
    group = f"GRP-{scene.trip.port}-{scene.between(100, 999)}" if by_group_code else None
    visa, destination = scene.visa("tourist_visas", "tourist"), scene.arrival()[1]
    return [
        [
            scene.stranger(
                person,
                "unregistered_group",
                "non_procedural",
                visa=visa,
                one_way=True,
                booking=scene.booking_ref() if by_group_code else booking,
                group=group,
                issued=RECENT,
                destination=destination,
            )
            for person in scene.people(size, ages=(18, 30), female=0.6)
        ]
    ]


def scam_route_transit(scene: Scene, count: int) -> Bookings:
    """Young travellers ticketed one-way through to Cambodia/Myanmar/Thailand (online-scam route)."""
    finals = scene.trip.options.get("transit_destinations") or ["PNH"]
    return [
        [
            scene.stranger(
                person,
                "scam_route_transit",
                "non_procedural",
                visa="tourist",
                one_way=True,
                booking=scene.booking_ref(),
                destination=scene.pick(finals),
                issued=RECENT,
            )
        ]
        for person in scene.people(count, ages=(20, 30), female=0.5)
    ]


def agent_group(scene: Scene, count: int) -> Bookings:
    """An agent's group under one group code, booked in small lots (one to three travellers a booking) so that no
    booking looks like a group: young, unregistered, one-way, passports made for the trip."""
    people = scene.people(max(count, 4), ages=(18, 32), female=0.6)
    code = f"AGT-{scene.trip.port}-{scene.between(100, 999)}"
    visa, destination = scene.visa("tourist_visas", "tourist"), scene.arrival()[1]
    bookings: Bookings = []
    at = 0
    while at < len(people):
        size = min(len(people) - at, scene.between(1, 3))
        booking = scene.booking_ref()
        bookings.append(
            [
                scene.stranger(
                    person,
                    "agent_group",
                    "non_procedural",
                    visa=visa,
                    one_way=True,
                    booking=booking,
                    group=code,
                    issued=RECENT,
                    destination=destination,
                )
                for person in people[at : at + size]
            ]
        )
        at += size
    return bookings


#: Where journeys through a hub end (airport codes): the scam compounds' countries, or the tourists' Thailand and
#: Cambodia (plan option `hub_finals` / `hub_tourist_finals` overrides them).
_HUB_FINALS = ("KTI", "PNH", "RGN")
_HUB_TOURIST_FINALS = ("BKK", "DMK", "KTI")


def hub_routing(scenario: str, expected: str, *, one_way: bool) -> Builder:
    """Travellers ticketed through the trip's arrival airport (a hub such as KUL) to a further country: one-way
    young travellers bound for Cambodia or Myanmar, or tourists to Thailand and Cambodia with a return ticket."""

    def build(scene: Scene, count: int) -> Bookings:
        key, finals = ("hub_finals", _HUB_FINALS) if one_way else ("hub_tourist_finals", _HUB_TOURIST_FINALS)
        ends = scene.trip.options.get(key) or finals
        ages, issued = ((20, 35), (20, 400)) if one_way else ((22, 65), SETTLED)
        people = scene.people(count, ages=ages, female=0.5)
        bookings: Bookings = []
        at = 0
        while at < len(people):
            size = 1 if one_way or at + 1 == len(people) or not scene.chance(0.4) else 2
            hub, end = scene.arrival()[1], scene.pick(ends)
            booking, stay = scene.booking_ref(), scene.fixed_stay((4, 10))
            visa = scene.visa("tourist_visas", "tourist")
            bookings.append(
                [
                    scene.stranger(
                        person,
                        scenario,
                        expected,
                        visa=visa,
                        one_way=one_way,
                        booking=booking,
                        issued=issued,
                        stay=stay,
                        destination=hub,
                        transit=hub,
                        final_destination=end,
                    )
                    for person in people[at : at + size]
                ]
            )
            at += size
        return bookings

    return build
