"""A placement record's fields laid out for people, (label, value) in the run's language, and as JSON for scripts.

`record_lines` is the one layout of a record (SPEC §4.1) that people read: `registry show` prints every field,
`registry search` the main ones, and the desk's panel can show a matched record or a near miss the same way.
It returns plain values (no rich, no colour), so any renderer can use it: labels and words come from the
catalog (`registry.field.*`, `registry.value.*`), codes are shown as stored beside their meaning, dates as
YYYY-MM-DD (never ambiguous between day and month), and a value the registry lacks says so ("not recorded")
rather than leaving a blank that reads like an empty field. Values are safe to print on a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from checkpoint.dates import age_on
from checkpoint.i18n import text
from checkpoint.models import RECORD_BOOLEANS, RECORD_FIELDS
from checkpoint.report.terminal import displayable

#: Every field a person reads, in the order an officer goes through a record: who (name, birth, sex, documents),
#: where to, where the placement stands, through whom, for what work, the papers, then the departure. The
#: record id heads the layout; it is not a line.
EVERY_FIELD: tuple[str, ...] = (
    "full_name",
    "date_of_birth",
    "sex",
    "nik",
    "passport_number",
    "destination_country",
    "status",
    "scheme",
    "agency",
    "agency_licence",
    "employer",
    "job_title",
    "sector",
    "visa_number",
    "epmi_number",
    "bpjs_active",
    "opp_completed",
    "planned_departure",
    "departure_port",
)
#: The fields that tell one record from its namesakes and say where the placement stands, in groups that read
#: as one line each (the name; who else; the documents; where to and how far along; through whom and when): a
#: search's list.
MAIN_FIELDS: tuple[tuple[str, ...], ...] = (
    ("full_name",),
    ("date_of_birth", "sex"),
    ("nik", "passport_number"),
    ("destination_country", "status"),
    ("agency", "planned_departure"),
)
#: Coded fields whose codes the catalog explains (`registry.value.<field>.<code>`); another code is shown alone.
_EXPLAINED = {
    "status": ("registered", "verified", "ready", "departed", "cancelled"),
    "scheme": ("g2g", "g2p", "p2p", "ukps", "mandiri"),
}
#: Fields whose stored word is replaced by the catalog's (`registry.value.<field>.<word>`).
_WORDS = {"sex": ("m", "f"), "sector": ("formal", "informal", "domestic")}


@dataclass(frozen=True)
class RecordLine:
    """One field of a record as people read it."""

    field: str  # the SPEC §4.1 field
    label: str  # in the run's language
    value: str  # in the run's language, safe to print
    recorded: bool  # False when the registry holds no value (`value` then says so): a renderer may dim it


def record_lines(record: Mapping[str, object], *, today: date, fields: Sequence[str] = EVERY_FIELD) -> list[RecordLine]:
    """The record's `fields` (SPEC §4.1 names, default every one), in that order, labelled and worded in the
    run's language; `today` is the date ages are counted to."""
    lines = []
    for name in fields:
        if name not in RECORD_FIELDS:
            raise KeyError(f"{name} is not a registry field (SPEC §4.1)")
        value = record.get(name)
        recorded = value is not None and value != ""
        shown = _worded(name, value, today) if recorded else text("registry.value.missing")
        lines.append(RecordLine(name, text(f"registry.field.{name}"), displayable(shown), recorded))
    return lines


def coded_in_words(name: str, value: object) -> str | None:
    """A coded value of `name` (sex M/F, sector) in the run's words, or None when it is not one of its codes."""
    code = str(value or "").strip().lower()
    return text(f"registry.value.{name}.{code}") if code in _WORDS.get(name, ()) else None


def _worded(name: str, value: object, today: date) -> str:
    """A recorded value in words."""
    if name == "date_of_birth" and isinstance(value, date):
        return f"{value.isoformat()} ({text('registry.value.age', age=age_on(value, today))})"
    if isinstance(value, date):
        return value.isoformat()
    if name in RECORD_BOOLEANS:
        return text(f"registry.value.{name}.{'true' if value else 'false'}")
    code = str(value)
    worded = coded_in_words(name, code)
    if worded is not None:
        return worded
    if code.lower() in _EXPLAINED.get(name, ()):
        return f"{code} ({text(f'registry.value.{name}.{code.lower()}')})"
    return code


def record_to_dict(record: Mapping[str, object]) -> dict[str, Any]:
    """The record as JSON-ready values: every SPEC §4.1 field in order, dates as YYYY-MM-DD, missing as null."""
    return {name: _plain(record.get(name)) for name in RECORD_FIELDS}


def _plain(value: object) -> Any:
    return value.isoformat() if isinstance(value, date) else value
