"""One passport application's cells into a `Traveller` with its `application.*` facts, a warning per doubt."""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from importlib.resources import files

from checkpoint.i18n import text
from checkpoint.manifests import build_traveller
from checkpoint.models import Traveller
from checkpoint.nik import NikProblem, parse_nik
from checkpoint.values import clean_text, nik_digits, read_bool

#: The columns an application must have (SPEC §4.3).
REQUIRED_COLUMNS = ("application_id", "nik", "full_name", "date_of_birth", "sex", "purpose")
#: Documents presented: an id or a yes is presented; a blank or a no in a column the file has is not.
DOCUMENTS = ("recommendation_id", "ppiu_letter", "guarantee_letter", "relative_passport", "itinerary", "return_ticket")
#: What the office's records say (a lost-passport report, an earlier postponement or refusal): yes or no; a blank
#: in a column the file has is a no, as for documents.
RECORDS = ("lost_passport_report", "previous_denial")
#: The interviewing officer's yes/no findings: blank is missing (not asked, or not written down).
FINDINGS = ("stated_work_intent", "trip_explained", "inconsistency_noted")
#: Every column an application may have, in the order of SPEC §4.3 (`previous_denial` besides).
APPLICATION_COLUMNS = (
    *REQUIRED_COLUMNS,
    "occupation",
    "domicile",
    "destination",
    "intended_departure",
    "stay_days",
    "channel",
    "previous_passport",
    *DOCUMENTS,
    *FINDINGS,
    *RECORDS,
)
#: The fact each document column becomes (`application.<fact>`).
_DOCUMENT_FACTS = {"recommendation_id": "recommendation"} | {name: name for name in DOCUMENTS[1:]}
_CHANNELS = ("online", "counter", "collective")
#: A stay longer than this is a mistake in the cell, not a plan (ten years).
_MAX_STAY_DAYS = 3653


@cache
def purposes() -> Mapping[str, str]:
    """The purposes an application may declare, by every spelling read (purposes.csv)."""
    table = files("checkpoint.applications").joinpath("purposes.csv").read_text(encoding="utf-8")
    return {row["value"]: row["purpose"] for row in csv.DictReader(table.splitlines())}


def _code(value: str) -> str:
    return "_".join(value.lower().replace("-", " ").replace("_", " ").split())


def build_application(
    cells: Mapping[str, object], *, row: int, today: date, columns: Collection[str] = APPLICATION_COLUMNS
) -> Traveller:
    """The application in `cells` (SPEC §4.3 names) as a traveller; `columns`: those the file has.

    Problems become warnings on the application, never errors: a missing required value, an unknown
    purpose, a NIK that is not one or disagrees with the sex or birth date given.
    """
    warnings: list[str] = []
    destinations = [part for part in (clean_text(cells.get("destination")) or "").split(";") if part.strip()]
    traveller = build_traveller(
        {
            "pax_id": cells.get("application_id"),
            "full_name": cells.get("full_name"),
            "sex": cells.get("sex"),
            "date_of_birth": cells.get("date_of_birth"),
            "destination": destinations[0].strip() if destinations else None,
            "departure_date": cells.get("intended_departure"),
        },
        row=row,
        today=today,
    )
    for name, value in (
        ("application_id", clean_text(cells.get("application_id"))),
        ("full_name", traveller.full_name),
        ("sex", traveller.sex),
        ("date_of_birth", traveller.date_of_birth),
    ):
        if value is None and clean_text(cells.get(name)) is None:  # an unreadable value was warned of already
            warnings.append(text("application.missing_value", field=name))
    facts: dict[str, object] = {}
    traveller = _with_nik(traveller, cells.get("nik"), today, facts, warnings)
    facts["purpose"] = _purpose(cells.get("purpose"), warnings)
    channel = clean_text(cells.get("channel"))
    facts["channel"] = _code(channel) if channel and _code(channel) in _CHANNELS else None
    if channel and facts["channel"] is None:
        warnings.append(text("application.unknown_channel", channels=", ".join(_CHANNELS)))
    facts["occupation"] = clean_text(cells.get("occupation"))
    facts["stay_days"] = _stay_days(cells.get("stay_days"), warnings)
    if "previous_passport" in columns:
        facts["previous_passport"] = clean_text(cells.get("previous_passport")) is not None
    for name in DOCUMENTS:
        if name in columns:
            facts[_DOCUMENT_FACTS[name]] = _presented(cells.get(name))
    recommendation = clean_text(cells.get("recommendation_id"))
    facts["recommendation_id"] = recommendation if recommendation and read_bool(recommendation) is None else None
    for name in (*FINDINGS, *RECORDS):
        value = clean_text(cells.get(name))
        facts[name] = read_bool(value)
        if value is not None and facts[name] is None:
            warnings.append(text("application.not_yes_no", field=name))
        elif value is None and name in RECORDS and name in columns:
            facts[name] = False
    return replace(
        traveller,
        warnings=(*traveller.warnings, *warnings),
        application=tuple((name, value) for name, value in facts.items() if value is not None),
    )


def _with_nik(
    traveller: Traveller, raw: object, today: date, facts: dict[str, object], warnings: list[str]
) -> Traveller:
    """The traveller with the NIK when it is valid (the matcher looks it up first); `nik_valid`, `nik_agrees`.

    A missing sex or birth date is taken from a valid NIK, which then cannot be said to agree with them.
    """
    digits = nik_digits(raw)
    if digits is None:
        facts["nik_valid"] = False
        key = "application.nik_missing" if clean_text(raw) is None else "application.nik_not_digits"
        warnings.append(text(key))
        return traveller
    info = parse_nik(digits, today=today)
    if isinstance(info, NikProblem):
        facts["nik_valid"] = False
        warnings.append(text("application.nik_invalid", reason=info.reason))
        return traveller
    facts["nik_valid"] = True
    sex, born = traveller.sex, traveller.date_of_birth
    if sex is not None and born is not None:
        facts["nik_agrees"] = sex == info.sex and born == info.birth_date
    if sex is not None and sex != info.sex:
        warnings.append(text("application.nik_sex_disagrees"))
    if born is not None and born != info.birth_date:
        warnings.append(text("application.nik_birth_disagrees"))
    return replace(traveller, nik=digits, sex=sex or info.sex, date_of_birth=born or info.birth_date)


def _purpose(raw: object, warnings: list[str]) -> str | None:
    value = clean_text(raw)
    if value is None:
        warnings.append(text("application.missing_value", field="purpose"))
        return None
    purpose = purposes().get(_code(value))
    if purpose is None:
        known = ", ".join(dict.fromkeys(purposes().values()))
        warnings.append(text("application.unknown_purpose", purposes=known))
    return purpose


def _stay_days(raw: object, warnings: list[str]) -> float | None:
    value = clean_text(raw)
    if value is None:
        return None
    try:
        days = float(value.replace(",", "."))
    except ValueError:
        days = -1.0
    if not 0 <= days <= _MAX_STAY_DAYS:
        warnings.append(text("application.bad_stay_days", most=_MAX_STAY_DAYS))
        return None
    return float(round(days))


def _presented(raw: object) -> bool:
    """A document cell: presented when it holds an id or a yes; not when it is blank or a no."""
    value = clean_text(raw)
    if value is None:
        return False
    answer = read_bool(value)
    return True if answer is None else answer
