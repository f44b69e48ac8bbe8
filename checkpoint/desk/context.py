"""The trip the desk is screening for (destination, flight or vessel, port, date), set once and changed by command."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.desk.problems import DeskProblem
from checkpoint.geo import country_code

#: The command words that set each part of the context, in both languages (`/tujuan KUL`, `/flight GA820`).
CONTEXT_WORDS = {
    "destination": ("tujuan", "dest", "destination"),
    "flight": ("penerbangan", "kapal", "flight", "vessel"),
    "port": ("pelabuhan", "bandara", "port"),
    "departure_date": ("tanggal", "date"),
}


@dataclass(frozen=True)
class TripContext:
    """What every traveller screened next shares; None where not set."""

    destination: str | None = None
    flight: str | None = None
    port: str | None = None
    departure_date: date | None = None

    def cells(self) -> dict[str, object]:
        """The traveller fields this context gives (those set)."""
        values = {
            "destination": self.destination,
            "flight": self.flight,
            "port": self.port,
            "departure_date": self.departure_date.isoformat() if self.departure_date else None,
        }
        return {name: value for name, value in values.items() if value is not None}


def context_field(word: str) -> str | None:
    """Which part of the context a command word sets (None: it sets none)."""
    return next((name for name, words in CONTEXT_WORDS.items() if word in words), None)


def changed(context: TripContext, name: str, value: str, *, today: date) -> TripContext:
    """The context with one part set from what the officer typed (an empty value clears it); DeskProblem if
    the value makes no sense: an unknown country or airport, a date that cannot be read."""
    value = value.strip()
    if name == "destination":
        if not value:
            return replace(context, destination=None)
        code = country_code(value)
        if code is None:
            raise DeskProblem("desk.context.unknown_destination", value=value[:20])
        return replace(context, destination=code)
    if name == "departure_date":
        if not value:
            return replace(context, departure_date=None)
        found = parse_date(value, kind=DateKind.NEAR, today=today)
        if found is None or isinstance(found, DateProblem):
            raise DeskProblem("desk.context.bad_date", value=value[:20])
        return replace(context, departure_date=found)
    text = " ".join(value.upper().split()) or None
    return replace(context, flight=text) if name == "flight" else replace(context, port=text)
