"""The facts rules test: traveller fields, derived fields and match evidence (fields.csv, scope `traveller`).

One row per traveller, one column per field (`Facts`); None means missing, which makes a condition
*unknown*. Group facts (`group.*`) depend on each group rule's member condition, so `evaluate` computes them
per rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

from checkpoint.dates import age_on
from checkpoint.engine.columnar import objects
from checkpoint.engine.pack import AnyOf, Condition, Leaf, NotOf, Rule, RulePack, fields_of
from checkpoint.geo import country_code
from checkpoint.models import MatchOutcome, Traveller
from checkpoint.repeats import person_numbers
from checkpoint.values import is_missing

#: Indonesia issues 10-year adult passports from this date; 5-year ones before it, and to minors.
TEN_YEAR_PASSPORTS_FROM = date(2022, 10, 12)

_TRAVELLER_FACTS = (
    "sex",
    "nationality",
    "destination",
    "visa_type",
    "ticket",
    "port",
    "flight",
    "booking_ref",
    "group_code",
    "date_of_birth",
    "return_date",
    "passport_expiry",
    "passport_issue_date",
    "mrz_check_failed",
)
_RECORD_FACTS = (
    "status",
    "scheme",
    "sector",
    "destination_country",
    "agency",
    "agency_licence",
    "job_title",
    "employer",
    "visa_number",
    "epmi_number",
    "bpjs_active",
    "opp_completed",
    "planned_departure",
)
#: The traveller's fields that are facts as they are, read together (a tuple per traveller).
_traveller_values = attrgetter(*_TRAVELLER_FACTS)
#: The record's fields the facts read.
_RECORD_VALUES = (*_RECORD_FACTS, "date_of_birth")
#: Types of record values that are facts as they are: never a "missing" but None, never a timestamp.
_PLAIN = frozenset({type(None), str, bool, int, date})
#: The facts of the matched record (`record_facts`), in their order.
_RECORD_FACT_NAMES = (
    *(f"record.{name}" for name in _RECORD_FACTS),
    "record.destination_agrees",
    "record.departure_gap_days",
    "record.age",
)
#: The nationality of the travellers the placement registry is about.
INDONESIAN = "IDN"
#: The prefix of a passport application's own facts (`Traveller.application`).
APPLICATION_PREFIX = "application."
#: The values of `match.outcome`: a record claimed; none claimed but near misses listed (a registered worker
#: whose passport was renewed, a name written otherwise); nothing at all. Explanations show them as phrases.
MATCHED, NEAR_MISS, NO_RECORD = "match", "near_miss", "none"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def estimated_issue_date(expiry: date) -> date:
    """The likely issue date of an Indonesian passport from its expiry (DOMAIN.md §5)."""
    ten_years = _years_before(expiry, 10)
    return ten_years if ten_years >= TEN_YEAR_PASSPORTS_FROM else _years_before(expiry, 5)


def one_way(traveller: Traveller) -> bool | None:
    """True for a one-way ticket, False for a return, None when nothing says which."""
    ticket = (traveller.ticket or "").lower().replace("-", "_").replace(" ", "_")
    if ticket in ("one_way", "oneway", "ow", "single"):
        return True
    if ticket in ("return", "round_trip", "rt", "roundtrip") or traveller.return_date is not None:
        return False
    return None


def first_stop(traveller: Traveller) -> str | None:
    """The country of the first stop on the way to the journey's end: the first `transit` point, else the arrival
    (`destination`) when the final destination lies beyond it; None for a trip that ends where it lands."""
    for stop in (traveller.transit or "").split(";"):
        country = country_code(stop) if stop else None
        if country is not None and country != traveller.final_destination:
            return country
    final, there = traveller.final_destination, traveller.destination
    return there if final is not None and there is not None and final != there else None


def record_facts(record: Mapping[str, Any], traveller: Traveller, departure: date) -> dict[str, Any]:
    """The `record.*` facts of a matched record (`_RECORD_FACT_NAMES`; a traveller without a match has them
    all missing)."""
    # A record may come from a table: NaN, NaT and NA are missing, a timestamp is its day.
    clean = {name: _record_value(record.get(name)) for name in _RECORD_VALUES}
    facts = {f"record.{name}": clean[name] for name in _RECORD_FACTS}
    country = clean["destination_country"]
    going_to = traveller.final_destination or traveller.destination  # a worker routed through a hub goes on
    facts["record.destination_agrees"] = None if not country or not going_to else country == going_to
    planned = clean["planned_departure"]
    facts["record.departure_gap_days"] = float(abs((departure - planned).days)) if planned else None
    born = clean["date_of_birth"]
    facts["record.age"] = float(age_on(born, departure)) if born else None
    return facts


def _record_value(value: Any) -> Any:
    """A record's value as a fact: missing as None, a timestamp as its day (most values are neither)."""
    if type(value) in _PLAIN:
        return value
    return _as_date(_none_if_missing(value))


def _as_date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


class Facts:
    """The facts of a batch: one object array per field, all as long as the batch; None means missing.

    Values stay as Python made them (True stays True, 18.0 stays 18.0), so that rules compare what the
    traveller's data says; the engine reads whole columns (`facts[name]`), explanations and tests one
    traveller (`row`). `persons` says which travellers are one person listed more than once (equal numbers:
    the same person; `checkpoint.repeats`), so that group rules count them once; None when nobody is.
    """

    def __init__(self, columns: Mapping[str, np.ndarray], length: int, persons: np.ndarray | None = None) -> None:
        for name, values in columns.items():
            if values.dtype != object or values.shape != (length,):
                raise ValueError(f"fact column {name} is not {length} objects")
        if persons is not None and persons.shape != (length,):
            raise ValueError(f"persons is not {length} numbers")
        self._columns = dict(columns)
        self._length = length
        self.persons = persons

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> Facts:
        """Facts from one mapping per traveller; a name a row lacks is missing, as are NaN, NaT and NA."""
        return cls.from_columns(dict(zip(names, _transposed(rows, names), strict=True)), names, len(rows))

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Sequence[Any]],
        names: Sequence[str],
        length: int,
        persons: Sequence[int] | None = None,
    ) -> Facts:
        """Facts from one sequence of `length` values per name; a name not given is missing, as are NaN, NaT
        and NA. `persons`: see the class."""
        arrays = {}
        for name in names:
            values: Sequence[Any] = columns.get(name, (None,) * length)
            kinds = set(map(type, values))
            if not kinds <= _NEVER_MISSING:  # only these spell missing as None alone: the rest are checked
                if kinds <= _NEVER_MISSING | {float}:
                    values = [None if value != value else value for value in values]  # NaN
                else:
                    values = [_none_if_missing(value) for value in values]
            arrays[name] = objects(values, len(values))
        return cls(arrays, length, None if persons is None else np.asarray(persons, dtype=np.int64))

    @property
    def names(self) -> tuple[str, ...]:
        """The fields, in order."""
        return tuple(self._columns)

    def __len__(self) -> int:
        return self._length

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __getitem__(self, name: str) -> np.ndarray:
        """One field's values, one per traveller (the array itself: writing to it changes the facts)."""
        return self._columns[name]

    def row(self, position: int) -> dict[str, Any]:
        """One traveller's facts, by field."""
        return {name: values[position] for name, values in self._columns.items()}

    def take(self, positions: np.ndarray) -> Facts:
        """The facts of the travellers at `positions` (0-based, repeats allowed), in that order."""
        chosen = np.asarray(positions, dtype=np.int64)
        persons = None if self.persons is None else self.persons[chosen]
        return Facts({name: values[chosen] for name, values in self._columns.items()}, len(chosen), persons)


def build_facts(travellers: Sequence[Traveller], outcomes: Sequence[MatchOutcome], today: date) -> Facts:
    """The facts of a batch: one row per traveller, in order, one column per traveller field.

    Worked out column by column (a list per field, the same values a traveller at a time would give);
    the matched record's facts only for the travellers matched; which travellers are one person listed
    twice (`Facts.persons`).
    """
    if len(travellers) != len(outcomes):
        raise ValueError(f"{len(travellers)} travellers but {len(outcomes)} match outcomes")
    count = len(travellers)
    columns: dict[str, Sequence[Any]] = {
        name: values for name, values in zip(_TRAVELLER_FACTS, _columns_of(travellers), strict=True)
    }
    departures = [traveller.departure_date or today for traveller in travellers]
    columns["departure_date"] = departures
    finals = [traveller.final_destination for traveller in travellers]
    columns["age"] = [
        float(age_on(born, day)) if born else None
        for born, day in zip(columns["date_of_birth"], departures, strict=True)
    ]
    issued = [
        issue or (estimated_issue_date(expiry) if expiry else None)
        for issue, expiry in zip(columns["passport_issue_date"], columns["passport_expiry"], strict=True)
    ]
    columns["passport_age_days"] = [
        float((day - on).days) if on else None for day, on in zip(departures, issued, strict=True)
    ]
    # Not applicable rather than unknown without an MRZ (a manifest): no batch traveller waits on a scan.
    columns["mrz_check_failed"] = [failed is True for failed in columns["mrz_check_failed"]]
    columns["passport_expired"] = [
        expiry < day if expiry else None for expiry, day in zip(columns["passport_expiry"], departures, strict=True)
    ]
    columns["passport_expires_before_return"] = [
        expiry < back if expiry and back else None
        for expiry, back in zip(columns["passport_expiry"], columns["return_date"], strict=True)
    ]
    columns["one_way"] = list(map(one_way, travellers))
    columns["trip_days"] = [
        float((back - day).days) if back else None for back, day in zip(columns["return_date"], departures, strict=True)
    ]
    columns["final_destination"] = [final or there for final, there in zip(finals, columns["destination"], strict=True)]
    columns["transit"] = list(map(first_stop, travellers))
    # Known to be foreign, so never missing: a traveller without a nationality is not excused by it.
    columns["foreign_national"] = [code is not None and code != INDONESIAN for code in columns["nationality"]]
    matches = [outcome.match for outcome in outcomes]
    columns["match.found"] = [match is not None for match in matches]
    columns["match.confidence"] = [match.confidence if match else None for match in matches]
    columns["match.method"] = [match.method if match else None for match in matches]
    columns["candidates.count"] = [float(len(outcome.candidates)) for outcome in outcomes]
    columns["match.outcome"] = [
        MATCHED if match is not None else NEAR_MISS if outcome.candidates else NO_RECORD
        for match, outcome in zip(matches, outcomes, strict=True)
    ]
    if any(traveller.application for traveller in travellers):  # passport applications: their own facts too
        columns.update(application_columns(travellers))
    records = {at: outcome.record for at, outcome in enumerate(outcomes) if outcome.record is not None}
    matched = list(records)
    rows = [record_facts(record, travellers[at], departures[at]) for at, record in records.items()]
    for name, values in zip(_RECORD_FACT_NAMES, _transposed(rows, _RECORD_FACT_NAMES), strict=True):
        column = np.full(count, None, dtype=object)
        column[matched] = objects(values, len(values))
        columns[name] = column.tolist()
    return Facts.from_columns(columns, list(fields_of("traveller")), count, person_numbers(travellers))


def application_columns(travellers: Sequence[Traveller]) -> dict[str, list[Any]]:
    """The `application.*` facts of a batch of passport applications (missing for a departing traveller)."""
    held = [dict(traveller.application) for traveller in travellers]
    names = [name for name in fields_of("traveller") if name.startswith(APPLICATION_PREFIX)]
    return {name: [facts.get(name.removeprefix(APPLICATION_PREFIX)) for facts in held] for name in names}


def _columns_of(travellers: Sequence[Traveller]) -> list[tuple[Any, ...]]:
    """The traveller fields that are facts as they are, one tuple per field (turned column-wise in C)."""
    if not travellers:
        return [() for _ in _TRAVELLER_FACTS]
    return list(zip(*map(_traveller_values, travellers), strict=True))


def _transposed(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[tuple[Any, ...]]:
    """Each name's values, one per row (None where a row lacks it), turned column-wise in C when every row
    holds every name (as `record_facts` makes them)."""
    if len(names) > 1:
        pick = itemgetter(*names)
        try:
            return list(zip(*(pick(row) for row in rows), strict=True)) if rows else [() for _ in names]
        except KeyError:
            pass
    return [tuple(row.get(name) for row in rows) for name in names]


#: Types whose values are never a "missing" other than None (NaN, NaT and NA are of other types).
_NEVER_MISSING = frozenset({type(None), str, bool, int, date, datetime})


def _none_if_missing(value: Any) -> Any:
    """None for every spelling of "missing" a record from a table may bring (NaN, NaT, NA)."""
    return None if value is None or is_missing(value) else value


#: The traveller columns a fact is read from, as alternatives: the fact is known from any one of them with
#: every field it names (`passport_age_days` from an issue date or an expiry). Facts never missing (the
#: departure date falls back on the screening date; `foreign_national`, `mrz_check_failed`) and the match's
#: are absent: no column of a file gives them. So is `transit`: a file without a transit column lists direct
#: trips as far as it knows, and rules test the stop with `exists` first.
FACT_COLUMNS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    **{name: ((name,),) for name in _TRAVELLER_FACTS if name != "mrz_check_failed"},
    "age": (("date_of_birth",),),
    "passport_age_days": (("passport_issue_date",), ("passport_expiry",)),
    "one_way": (("ticket",), ("return_date",)),
    "trip_days": (("return_date",),),
    "passport_expired": (("passport_expiry",),),
    "passport_expires_before_return": (("passport_expiry", "return_date"),),
    "final_destination": (("final_destination",), ("destination",)),
}
#: Operators that decide on a missing value rather than wait for it.
_DECIDED_WHEN_MISSING = frozenset({"exists", "missing"})


def columns_lacking(pack: RulePack, present: Collection[str]) -> dict[str, tuple[str, ...]]:
    """The columns a batch lacks that the pack's active rules read, each with the rules (ids, sorted)
    that it leaves undecided for every traveller; a fact known from either of two columns is named by both
    (`passport_issue_date/passport_expiry`), one needing two columns by each it lacks."""
    lacking: dict[str, list[str]] = {}
    for rule in pack.active_rules:
        for leaf in _waiting_leaves(rule):
            alternatives = FACT_COLUMNS.get(leaf.field)
            if leaf.op in _DECIDED_WHEN_MISSING or alternatives is None:
                continue
            if any(all(name in present for name in alternative) for alternative in alternatives):
                continue
            missing = [[name for name in alternative if name not in present] for alternative in alternatives]
            for named in missing[0] if len(missing) == 1 else ["/".join(name for names in missing for name in names)]:
                rules = lacking.setdefault(named, [])
                if rule.id not in rules:
                    rules.append(rule.id)
    return {named: tuple(sorted(rules)) for named, rules in lacking.items()}


def _waiting_leaves(rule: Rule) -> list[Leaf]:
    """The leaves of a rule (its members' condition, then `when`) that wait on their field: all but those in an
    `any` that decides for itself when that field is missing (`{field: one_way, missing: true}` beside it)."""
    members = rule.group.members if rule.group is not None else None
    return [*(_waiting(members) if members is not None else []), *_waiting(rule.when)]


def _waiting(condition: Condition) -> list[Leaf]:
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, NotOf):
        return _waiting(condition.part)
    parts = condition.parts
    decided = (
        {part.field for part in parts if isinstance(part, Leaf) and _true_when_missing(part)}
        if isinstance(condition, AnyOf)
        else set()
    )
    return [leaf for part in parts for leaf in _waiting(part) if leaf.field not in decided]


def _true_when_missing(leaf: Leaf) -> bool:
    return (leaf.op == "missing" and leaf.value is True) or (leaf.op == "exists" and leaf.value is False)
