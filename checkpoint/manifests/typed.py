"""Values an officer types for one traveller (`screen --dob …`): one that makes no sense is refused with a
sentence naming the option, never screened as if it were missing (a manifest row, by contrast, gets a warning
and goes on: a batch is not stopped by one bad cell)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.errors import UsageError
from checkpoint.geo import country_code, nationality_code
from checkpoint.i18n import text
from checkpoint.manifests.quality import field_label
from checkpoint.nik import NikProblem, parse_nik
from checkpoint.values import clean_text, read_sex

_DATES = {"date_of_birth": DateKind.PAST, "departure_date": DateKind.NEAR, "return_date": DateKind.NEAR}


def refuse_unreadable(typed: Mapping[str, str | None], options: Mapping[str, str], *, today: date) -> None:
    """UsageError (exit 2) for the first typed value that cannot be read (`typed_problem`)."""
    problem = typed_problem(typed, options, today=today)
    if problem is not None:
        key, params = problem
        raise UsageError(text(key, **params))


def typed_problem(
    typed: Mapping[str, str | None], options: Mapping[str, str], *, today: date
) -> tuple[str, dict[str, object]] | None:
    """The first typed value that cannot be read, as a catalog key (`manifest.typed.*`) and its values: a date,
    a sex, a country or airport, a NIK, a return before the departure. `typed` maps fields to what was typed,
    `options` fields to the option that typed them (`date_of_birth` → `--dob`; else the field's label)."""
    read: dict[str, date] = {}
    for field, raw in typed.items():
        value = clean_text(raw)
        if not value:
            continue
        option = options.get(field) or field_label(field)
        kind = _DATES.get(field)
        if kind is not None:
            parsed = parse_date(value, kind=kind, today=today)
            if isinstance(parsed, DateProblem):
                return "manifest.typed.date", dict(option=option, value=value, reason=parsed.reason)
            if parsed is not None and kind is DateKind.PAST and parsed > today:
                return "manifest.typed.future", dict(option=option, value=value)
            if parsed is not None:
                read[field] = parsed
        elif field == "sex" and read_sex(value) is None:
            return "manifest.typed.sex", dict(option=option, value=value)
        elif field == "destination" and country_code(value) is None:
            return "manifest.typed.destination", dict(option=option, value=value)
        elif field == "nationality" and nationality_code(value) is None:
            return "manifest.typed.nationality", dict(option=option, value=value)
        elif field == "nik":
            problem = parse_nik(value, today=today)
            if isinstance(problem, NikProblem):  # its reason never quotes the NIK
                return "manifest.typed.nik", dict(option=option, reason=problem.reason)
    if "departure_date" in read and "return_date" in read and read["return_date"] < read["departure_date"]:
        return "manifest.typed.return_before_departure", {
            "option": options.get("return_date") or field_label("return_date"),
            "departure": options.get("departure_date") or field_label("departure_date"),
        }
    return None
