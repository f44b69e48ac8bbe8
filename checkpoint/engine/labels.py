"""The engine's words as an officer reads them, in the run's language: fields by name, and what a verdict could be.

Machine formats keep the field names (`unknown[].missing`) and verdict codes; a screen for people shows these
instead: "CLEAR — could be HOLD: 2 checks could not be made (one-way or return ticket, passport age)".
"""

from __future__ import annotations

from collections.abc import Sequence

from checkpoint.engine.groups import OTHER_MEMBERS
from checkpoint.i18n import text
from checkpoint.models import Unknown, Verdict


def field_label(name: str) -> str:
    """A field rules test (engine/fields.csv), named as an officer would name it; a field of another member
    of the group (`members.one_way`) says so."""
    if name.startswith(OTHER_MEMBERS):
        return text("engine.field_of_member", field=field_label(name.removeprefix(OTHER_MEMBERS)))
    return text(f"engine.field.{name}")


def could_be_note(could_be: Verdict, unknown: Sequence[Unknown]) -> str:
    """What the verdict could become and why (SPEC §5): the checks (rules) left undecided and the data they
    lacked, each field named once, in the order first needed."""
    missing = dict.fromkeys(field_label(name) for item in unknown for name in item.missing)
    return text(
        "engine.could_be.note",
        could_be=text(f"verdict.name.{Verdict(could_be).value}"),
        count=len(unknown),
        missing=", ".join(missing),
    )
