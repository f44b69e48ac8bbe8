"""The traveller factory: registered people drawn from a registry (with labelled variations) and strangers.

Scenarios (`scenarios.py`) and the matching set (`matching.py`) describe *who* travels; this module knows
*how* a traveller is made: which record they are, how their name, birth date and passport differ from the
record, their ticket, booking and passport dates. Every row carries its own ground-truth labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from checkpoint import i18n
from checkpoint.errors import InputDataError
from checkpoint.synth import variants
from checkpoint.synth.names import add_patronymic, sample_fathers, sample_names

#: The labels sidecar columns, in order.
LABEL_COLUMNS: tuple[str, ...] = (
    "pax_id",
    "scenario",
    "expected",
    "true_record_id",
    "name_variation",
    "dob_variation",
    "passport_variation",
    "related_record_id",
)
#: Adult passports issued from this day are valid 10 years, before it 5 (DOMAIN.md §5).
TEN_YEAR_PASSPORTS = date(2022, 10, 12)
_BOOKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # PNRs avoid 0/O and 1/I
_REQUIRED = ("record_id", "full_name", "sex", "date_of_birth", "destination_country")
_FOREIGN_PASSPORT = {"MYS": ("A", 8, ""), "SGP": ("K", 7, "X")}


@dataclass(frozen=True, slots=True)
class Row:
    """One generated traveller, before it is written in a manifest's layout, with its labels."""

    name: str
    sex: str | None
    date_of_birth: date | None
    age: int
    nationality: str
    passport_number: str | None
    passport_expiry: date | None
    passport_issue_date: date | None
    destination: str
    departure_date: date
    return_date: date | None
    visa_type: str
    booking_ref: str
    group_code: str | None
    scenario: str
    expected: str
    true_record_id: str = ""
    name_variation: str = ""
    dob_variation: str = ""
    passport_variation: str = ""
    related_record_id: str = ""
    #: The stops on the way (`;`-separated codes) and the journey's end beyond `destination`, when routed via a hub.
    transit: str | None = None
    final_destination: str | None = None

    @property
    def ticket(self) -> str:
        """`one_way` without a return date, else `return`."""
        return "one_way" if self.return_date is None else "return"


@dataclass(frozen=True, slots=True)
class Person:
    """A stranger (no placement record): passport name, sex, birth date, age today, father's name."""

    name: str
    sex: str
    date_of_birth: date
    age: int
    father: str


@dataclass(frozen=True, slots=True)
class Trip:
    """Where the travellers of one manifest go, and how the list is written."""

    kind: str
    layout: str
    date_format: str
    port: str
    flight: str
    arrivals: tuple[tuple[str, str, float], ...]  # (country alpha-3, code written in `destination`, weight)
    stay_days: tuple[int, int]
    departure: date
    issue_date_blank_rate: float = 0.0
    group_codes: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def countries(self) -> tuple[str, ...]:
        """The destination countries (alpha-3) of this trip."""
        return tuple(country for country, _, _ in self.arrivals)

    def code_for(self, country: str) -> str:
        """The `destination` code written for a country on this trip (e.g. MYS -> KUL)."""
        return next((code for each, code, _ in self.arrivals if each == country), self.arrivals[0][1])

    @classmethod
    def from_plan(cls, kind: str, plan: Mapping[str, Any], departure: date) -> Trip:
        """A trip from one entry of `tables/manifests.yaml` (or a plan shaped like it)."""
        stamp = departure.strftime("%y%m")
        return cls(
            kind=kind,
            layout=str(plan["layout"]),
            date_format=str(plan["date_format"]),
            port=str(plan["port"]),
            flight=str(plan["flight"]),
            arrivals=tuple((str(a["country"]), str(a["code"]), float(a.get("weight", 1))) for a in plan["arrivals"]),
            stay_days=(int(plan["stay_days"][0]), int(plan["stay_days"][1])),
            departure=departure,
            issue_date_blank_rate=float(plan.get("issue_date_blank_rate", 0.0)),
            group_codes=tuple(str(code).format(yymm=stamp) for code in plan.get("group_codes", ())),
            options={key: value for key, value in plan.items() if key not in ("scenarios",)},
        )


class RecordPool:
    """The registry as arrays, for drawing registered travellers without reusing a record."""

    def __init__(self, registry: pd.DataFrame, today: date) -> None:
        missing = [column for column in _REQUIRED if column not in registry.columns]
        if missing:
            raise InputDataError(i18n.text("synth.registry_columns", columns=", ".join(missing)))

        def text(column: str) -> np.ndarray:
            if column not in registry.columns:
                return np.full(len(registry), "", dtype=object)
            return np.asarray(registry[column].fillna("").astype(str).to_numpy(dtype=object), dtype=object)

        self.record_id, self.full_name, self.sex = text("record_id"), text("full_name"), text("sex")
        self.destination, self.status, self.sector = text("destination_country"), text("status"), text("sector")
        self.passport, self.nik = text("passport_number"), text("nik")
        self.agency, self.scheme = text("agency"), text("scheme")
        born = pd.to_datetime(registry["date_of_birth"], errors="coerce", format="ISO8601")
        self.date_of_birth = born.to_numpy(dtype="datetime64[D]")
        before_birthday = (born.dt.month > today.month) | ((born.dt.month == today.month) & (born.dt.day > today.day))
        self.age = (today.year - born.dt.year - before_birthday.astype(int)).fillna(-1).to_numpy(dtype=np.int64)
        self.used = np.zeros(len(registry), dtype=bool)
        self.adult = self.age >= 18
        self._masks: dict[str, np.ndarray] = {}
        self._births: dict[str, set[date]] | None = None

    def __len__(self) -> int:
        return len(self.record_id)

    def drawer(self, rng: np.random.Generator, *masks: np.ndarray) -> Callable[[], int | None]:
        """A function returning random unused records, from the first mask that still has one.

        Masks go from ideal to fallback. Each is shuffled once, so drawing many records stays linear.
        """
        levels = [rng.permutation(np.flatnonzero(mask)) for mask in masks]
        cursors = [0] * len(levels)

        def draw() -> int | None:
            for level, order in enumerate(levels):
                while cursors[level] < len(order):
                    index = int(order[cursors[level]])
                    cursors[level] += 1
                    if not self.used[index]:
                        self.used[index] = True
                        return index
            return None

        return draw

    def memo(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A mask computed once per pool (scenarios ask for the same masks for every traveller)."""
        if key not in self._masks:
            self._masks[key] = compute()
        return self._masks[key]

    def destined_to(self, countries: Iterable[str]) -> np.ndarray:
        """Mask of records whose destination is one of `countries`."""
        wanted = tuple(sorted(countries))
        return self.memo(f"destination:{wanted}", lambda: pd.Series(self.destination).isin(wanted).to_numpy())

    def with_status(self, statuses: Iterable[str]) -> np.ndarray:
        """Mask of records whose status is one of `statuses`."""
        wanted = tuple(sorted(statuses))
        return self.memo(f"status:{wanted}", lambda: pd.Series(self.status).isin(wanted).to_numpy())

    def births_of(self, name: str) -> set[date]:
        """Birth dates of the records carrying exactly this (title-free) name."""
        if self._births is None:
            births: dict[str, set[date]] = {}
            iso = np.datetime_as_string(self.date_of_birth, unit="D")
            for full_name, born in zip(self.full_name, iso, strict=True):
                if born != "NaT":
                    births.setdefault(variants.strip_titles(full_name), set()).add(date.fromisoformat(born))
            self._births = births
        return self._births.get(name, set())

    def born(self, index: int) -> date | None:
        """The birth date of record `index`, or None when the registry lacks a valid one."""
        value = self.date_of_birth[index]
        return None if np.isnat(value) else date.fromisoformat(str(value))

    def name_counts(self) -> np.ndarray:
        """How many records carry each record's (title-free) name."""

        def count() -> np.ndarray:
            plain = pd.Series([variants.strip_titles(name) for name in self.full_name])
            return np.asarray(plain.map(plain.value_counts()).to_numpy(), dtype=np.int64)

        return self.memo("name_counts", count)


#: What a scenario builder returns: bookings, each a list of travellers who travel together.
Bookings = list[list[Row]]


class Scene:
    """Everything a scenario needs to make travellers for one manifest: trip, registry, random stream."""

    def __init__(
        self, trip: Trip, pool: RecordPool, rng: np.random.Generator, today: date, bookings: set[str] | None = None
    ) -> None:
        self.trip, self.pool, self.rng, self.today = trip, pool, rng, today
        #: The booking references given so far (shared by the scenes of one manifest made in parts).
        self._bookings: set[str] = set() if bookings is None else bookings
        self._codes: list[str] = []

    def records_for_trip(self) -> np.ndarray:
        """Mask of the records whose destination is one of this trip's countries."""
        return self.pool.destined_to(self.trip.countries)

    # --- small draws -------------------------------------------------------------------------------
    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return bool(self.rng.random() < probability)

    def between(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return int(self.rng.integers(low, high + 1))

    def pick(self, options: Mapping[str, float] | Iterable[str]) -> str:
        """One option, weighted when given a mapping."""
        if isinstance(options, Mapping):
            left = self.rng.random() * sum(float(weight) for weight in options.values())
            for label, weight in options.items():
                left -= float(weight)
                if left < 0:
                    return str(label)
            return str(label)
        listed = options if isinstance(options, (str, list, tuple)) else list(options)
        return str(listed[int(self.rng.integers(len(listed)))])

    def booking_ref(self) -> str:
        """A new six-character PNR, unique within the manifest."""
        while True:
            if not self._codes:
                letters = np.array(list(_BOOKING_ALPHABET))[self.rng.integers(0, len(_BOOKING_ALPHABET), (256, 6))]
                self._codes = ["".join(row) for row in letters][::-1]
            ref = self._codes.pop()
            if ref not in self._bookings:
                self._bookings.add(ref)
                return ref

    def arrival(self) -> tuple[str, str]:
        """(country, destination code) of a traveller on this trip, by the trip's weights."""
        country = self.pick({country: weight for country, _, weight in self.trip.arrivals})
        return country, self.trip.code_for(country)

    def return_date(self, one_way: bool, stay: tuple[int, int] | None = None) -> date | None:
        """None for a one-way ticket, else departure plus a stay drawn from `stay` (or the trip's)."""
        if one_way:
            return None
        low, high = stay or self.trip.stay_days
        return self.trip.departure + timedelta(days=self.between(low, high))

    def fixed_stay(self, stay: tuple[int, int] | None = None) -> tuple[int, int]:
        """One length of stay, as a (low, high) pair, so that everyone on a booking returns the same day."""
        days = self.between(*(stay or self.trip.stay_days))
        return days, days

    def visa(self, key: str, default: str) -> str:
        """The visa type for ordinary travellers on this trip (plan option `key`), else `default`."""
        options = self.trip.options.get(key)
        return self.pick(options) if options else default

    # --- people and documents ----------------------------------------------------------------------
    def people(
        self, count: int, *, ages: tuple[int, int], female: float = 0.5, patronymic: float = 0.0
    ) -> list[Person]:
        """Strangers: names from the same tables as the registry (so common names collide, as in life)."""
        if count <= 0:
            return []
        rng = self.rng
        is_female = rng.random(count) < female
        days = rng.integers(int(ages[0] * 365.25), int((ages[1] + 1) * 365.25) - 1, count)
        born = [self.today - timedelta(days=int(day)) for day in days]
        age = np.array([age_on(day, self.today) for day in born], dtype=np.int64)
        names = sample_names(
            is_female, np.array([day.year for day in born], dtype=np.int64), age, rng, titles=False, patronymic_rate=0.0
        )
        fathers = sample_fathers(count, rng)
        passport_names = names.full_name
        if patronymic:
            extend = rng.random(count) < patronymic
            passport_names = np.where(extend, add_patronymic(names.full_name, is_female, fathers), passport_names)
        return [
            Person(str(passport_names[at]), "F" if is_female[at] else "M", born[at], int(age[at]), str(fathers[at]))
            for at in range(count)
        ]

    def passport(
        self, *, age: int, issued_days: tuple[int, int], nationality: str = "IDN", other_than: str | None = None
    ) -> tuple[str, date, date]:
        """(number, issue date, expiry): still valid at departure, 10 years for adults since 2022-10-12."""
        for _ in range(20):
            issued = self.today - timedelta(days=self.between(*issued_days))
            expiry = _expiry(issued, adult=age - (self.today - issued).days // 365 >= 17)
            if expiry > self.trip.departure + timedelta(days=30):
                break
        prefix, digits, suffix = _FOREIGN_PASSPORT.get(nationality, ("", 0, ""))
        if digits:
            number = prefix + "".join(str(digit) for digit in self.rng.integers(0, 10, digits)) + suffix
        else:
            number = variants.new_passport_number(self.rng, other_than=other_than)
        return number, issued, expiry

    def _same_age_class(self, born: date) -> tuple[date, date]:
        """Birth-date bounds that keep an adult an adult (18 to 90) and a minor a minor."""
        adult_from = years_before(self.today, 18)
        if born <= adult_from:
            return years_before(self.today, 90), adult_from
        return adult_from + timedelta(days=1), self.today

    # --- rows ---------------------------------------------------------------------------------------
    def stranger(
        self,
        person: Person,
        scenario: str,
        expected: str,
        *,
        visa: str,
        one_way: bool,
        booking: str,
        group: str | None = None,
        issued: tuple[int, int] = (60, 1500),
        destination: str | None = None,
        nationality: str = "IDN",
        related: str = "",
        stay: tuple[int, int] | None = None,
        transit: str | None = None,
        final_destination: str | None = None,
    ) -> Row:
        """A traveller with no placement record (moved off any registered namesake's exact birth date); `transit`
        and `final_destination` for a journey routed through a hub beyond `destination`."""
        born = person.date_of_birth
        namesakes = self.pool.births_of(person.name)
        while born in namesakes:  # the same name, sex and birth date would make them indistinguishable
            born -= timedelta(days=self.between(30, 400))
        number, issue, expiry = self.passport(age=person.age, issued_days=issued, nationality=nationality)
        return Row(
            name=person.name,
            sex=person.sex,
            date_of_birth=born,
            age=age_on(born, self.today),
            nationality=nationality,
            passport_number=number,
            passport_expiry=expiry,
            passport_issue_date=issue,
            destination=destination or self.arrival()[1],
            departure_date=self.trip.departure,
            return_date=self.return_date(one_way, stay),
            visa_type=visa,
            booking_ref=booking,
            group_code=group,
            scenario=scenario,
            expected=expected,
            related_record_id=related,
            transit=transit,
            final_destination=final_destination,
        )

    def registered(
        self,
        index: int,
        scenario: str,
        expected: str,
        *,
        visa: str,
        one_way: bool,
        booking: str,
        group: str | None = None,
        destination: str | None = None,
        name_variation: str | None = None,
        name_weights: Mapping[str, float] | None = None,
        dob_variation: str | None = None,
        stay: tuple[int, int] | None = None,
    ) -> Row:
        """The registered person of record `index`, with a name, birth date and passport as documents vary."""
        pool, rng = self.pool, self.rng
        sex = pool.sex[index] or None
        born = pool.born(index)
        age = int(pool.age[index])
        birth_year = born.year if born else None
        ktp_name = str(pool.full_name[index])
        exclude = _layout_exclusions(self.trip.layout)
        if name_variation is None:
            name, name_label = variants.pick_name_variation(
                ktp_name, rng, sex=sex or "F", birth_year=birth_year, age=age, weights=name_weights, exclude=exclude
            )
        else:
            varied = variants.vary_name(ktp_name, name_variation, rng, sex=sex or "F", age=age)
            if varied is not None:
                name, name_label = varied, name_variation
            elif variants.has_title(ktp_name):  # passports drop titles
                name, name_label = variants.strip_titles(ktp_name), "title_dropped"
            else:
                name, name_label = ktp_name, "exact"
        dob, dob_label = born, ""
        if born is not None:
            earliest, latest = self._same_age_class(born)
            if dob_variation is None:
                dob, dob_label = variants.pick_dob_variation(born, rng, earliest=earliest, latest=latest)
            else:  # the one asked for, else the other kind of slip, else none
                dob, dob_label = born, "exact"
                tries = [] if dob_variation == "exact" else [dob_variation, "dob_digit", "dob_swap"]
                for label in tries:
                    varied_dob = variants.vary_dob(born, label, rng, earliest=earliest, latest=latest)
                    if varied_dob is not None:
                        dob, dob_label = varied_dob, label
                        break
        registered_passport = pool.passport[index] or None
        if registered_passport is None:
            number, issue, expiry = self.passport(age=age, issued_days=(20, 400))
            passport_label = "not_in_registry"
        elif self.chance(variants.passport_renewal_rate()):
            number, issue, expiry = self.passport(age=age, issued_days=(7, 150), other_than=registered_passport)
            passport_label = "passport_renewed"
        else:
            _, issue, expiry = self.passport(age=age, issued_days=(40, 700))
            number, passport_label = registered_passport, "exact"
        return Row(
            name=name,
            sex=sex,
            date_of_birth=dob,
            age=age,
            nationality="IDN",
            passport_number=number,
            passport_expiry=expiry,
            passport_issue_date=issue,
            destination=destination or self.trip.code_for(pool.destination[index]),
            departure_date=self.trip.departure,
            return_date=self.return_date(one_way, stay),
            visa_type=visa,
            booking_ref=booking,
            group_code=group,
            scenario=scenario,
            expected=expected,
            true_record_id=str(pool.record_id[index]),
            name_variation=name_label,
            dob_variation=dob_label,
            passport_variation=passport_label,
        )


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _layout_exclusions(layout: str) -> tuple[str, ...]:
    """Variations a layout cannot show: an airline-form name only makes sense in a free `full_name` column."""
    return () if layout == "full_name" else ("airline_form",)


def age_on(born: date, today: date) -> int:
    """Whole years of age on `today`."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _expiry(issued: date, *, adult: bool) -> date:
    years = 10 if adult and issued >= TEN_YEAR_PASSPORTS else 5
    try:
        return issued.replace(year=issued.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


#: A scenario builder: (scene, number of travellers wanted) -> bookings.
Builder = Callable[[Scene, int], Bookings]
