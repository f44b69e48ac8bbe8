"""`checkpoint registry show` and `search`: a placement record looked up by hand, by its id or by name and date of
birth, for an officer (a table of lines) or a script (JSON). Registered on the `registry` group by
`cli/registry.py`."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from checkpoint.cli.options import LangOption, help_text, parse_today
from checkpoint.errors import InputDataError
from checkpoint.home import registry_store_dir
from checkpoint.i18n import text

if TYPE_CHECKING:
    from checkpoint.matching import Search
    from checkpoint.models import Candidate, Match
    from checkpoint.registry import Registry


class LookupFormat(StrEnum):
    """The values of `--format` for a record looked up by hand: for people, or for scripts."""

    TABLE = "table"
    JSON = "json"


class Sex(StrEnum):
    """The values of `--sex`."""

    M = "M"
    F = "F"


RegistryOption = Annotated[
    Path | None,
    typer.Option("--registry", help=help_text("registry.help.registry"), show_default=False),
]
FormatOption = Annotated[LookupFormat, typer.Option("--format", help=help_text("registry.help.format"))]
TodayOption = Annotated[str | None, typer.Option("--today", help=help_text("registry.help.info_today"))]
#: Width of the lines a search lists, so they fit an 80-column terminal and a printed page.
_WIDTH = 80


def show_command(
    record_id: Annotated[str, typer.Argument(metavar="RECORD_ID", help=help_text("registry.help.record_id"))],
    registry: RegistryOption = None,
    output_format: FormatOption = LookupFormat.TABLE,
    today: TodayOption = None,
    lang: LangOption = None,
) -> None:
    """Show one placement record, every field, by its id."""
    from checkpoint.registry import open_registry
    from checkpoint.report.record_fields import record_lines, record_to_dict

    when = parse_today(today)
    store = open_registry(registry, registry_store_dir(), today=when)
    _notes(store)
    record = store.record(record_id.strip())
    if record is None:
        raise InputDataError(text("registry.show.not_found", snapshot_id=store.info.snapshot_id, count=store.size))
    if output_format is LookupFormat.JSON:
        _echo_json({"snapshot_id": store.info.snapshot_id, "record": record_to_dict(record)})
        return
    typer.echo(text("registry.show.title", record_id=_safe(record["record_id"])))
    typer.echo(text("registry.show.snapshot", snapshot_id=store.info.snapshot_id))
    typer.echo()
    lines = record_lines(record, today=when)
    width = max(len(line.label) for line in lines)
    for line in lines:
        typer.echo(f"  {line.label.ljust(width)}  {line.value}")


def search_command(
    name: Annotated[str, typer.Option("--name", help=help_text("registry.help.name"))],
    dob: Annotated[str | None, typer.Option("--dob", help=help_text("registry.help.dob"))] = None,
    sex: Annotated[Sex | None, typer.Option("--sex", help=help_text("registry.help.sex"), case_sensitive=False)] = None,
    passport: Annotated[str | None, typer.Option("--passport", help=help_text("registry.help.passport"))] = None,
    nik: Annotated[str | None, typer.Option("--nik", help=help_text("registry.help.nik"))] = None,
    registry: RegistryOption = None,
    output_format: FormatOption = LookupFormat.TABLE,
    limit: Annotated[int, typer.Option("--limit", min=1, help=help_text("registry.help.limit"))] = 10,
    today: TodayOption = None,
    lang: LangOption = None,
) -> None:
    """Find placement records by name and date of birth (and sex, passport number, NIK), best first."""
    from checkpoint.matching import search_registry
    from checkpoint.pipeline import desk_traveller
    from checkpoint.registry import open_registry

    when = parse_today(today)
    store = open_registry(registry, registry_store_dir(), today=when)
    _notes(store)
    sex_typed = sex.value if sex else None
    cells = {"full_name": name, "date_of_birth": dob, "sex": sex_typed, "passport_number": passport, "nik": nik}
    traveller = desk_traveller(cells, today=when)
    for warning in traveller.warnings:
        typer.echo(text("cli.note", note=warning), err=True)
    found = search_registry(store, traveller, today=when, limit=limit)
    if output_format is LookupFormat.JSON:
        _echo_json(_search_to_dict(store, found, traveller.warnings))
        return
    for line in _search_lines(store, found, when):
        typer.echo(line)


def _notes(store: Registry) -> None:
    for note in store.notes:
        typer.echo(text("cli.note", note=note), err=True)


def _search_lines(store: Registry, found: Search, today: date) -> list[str]:
    """A search's answer for people: how many records were found, the weak-evidence note, then each record
    listed with its standing, what agrees and differs, and its main fields."""
    from checkpoint.report.field_outcomes import field_outcomes
    from checkpoint.report.record_fields import MAIN_FIELDS, record_lines

    snapshot = store.info.snapshot_id
    outcome = found.outcome
    said = [
        text("registry.search.found", snapshot_id=snapshot, count=found.found)
        if found.found
        else text("registry.search.nothing", snapshot_id=snapshot)
    ]
    if found.shown < found.found:
        said.append(text("registry.search.shown", shown=found.shown))
    said += _notes_on(found)
    lines = [line for sentence in said for line in textwrap.wrap(sentence, _WIDTH, break_on_hyphens=False)]
    listed: list[tuple[Match | Candidate, str, Any]] = []
    if outcome.match is not None:
        listed.append((outcome.match, "registry.search.match", outcome.record))
    listed += [(candidate, "registry.search.candidate", candidate.record) for candidate in outcome.candidates]
    for place, (entry, standing, record) in enumerate(listed, start=1):
        head = f"{place:>2}. {_safe(entry.record_id)}  {text(standing, confidence=f'{entry.confidence:.2f}')}"
        lines += ["", head]
        lines += [f"    {sentence}" for sentence in field_outcomes(entry.fields).sentences()]
        for group in MAIN_FIELDS:
            shown = record_lines(record or {}, today=today, fields=group)
            lines += _joined([f"{line.label}: {line.value}" for line in shown], indent="    ")
    if listed:
        lines += ["", text("registry.search.show_hint")]
    return lines


def _notes_on(found: Search) -> list[str]:
    """What the officer should know about the evidence: a name alone is weak, and finds only its own sound."""
    if not found.name_only:
        return []
    return [text("registry.search.name_only" if found.found else "registry.search.name_only_nothing")]


def _joined(items: list[str], *, indent: str) -> list[str]:
    """Items joined by " · " into lines of at most `_WIDTH` characters, breaking only between items."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current} · {item}" if current else item
        if current and len(indent) + len(candidate) > _WIDTH:
            lines.append(indent + current + " ·")
            candidate = item
        current = candidate
    return [*lines, indent + current] if current else lines


def _search_to_dict(store: Registry, found: Search, warnings: tuple[str, ...]) -> dict[str, Any]:
    """A search's answer for scripts: SPEC §5's `match` and `candidates`, each with its record's fields; the
    notes (in the run's language) and the warnings about the details given (as `screen` words them)."""
    from checkpoint.report.record_fields import record_to_dict

    outcome = found.outcome
    notes = _notes_on(found)
    match = None
    if outcome.match is not None:
        match = {
            "record_id": outcome.match.record_id,
            "confidence": round(outcome.match.confidence, 3),
            "method": outcome.match.method,
            "fields": _rounded(outcome.match.fields),
            "record": record_to_dict(outcome.record or {}),
        }
    candidates = [
        {
            "record_id": candidate.record_id,
            "confidence": round(candidate.confidence, 3),
            "fields": _rounded(candidate.fields),
            "record": record_to_dict(candidate.record or {}),
        }
        for candidate in outcome.candidates
    ]
    return {
        "snapshot_id": store.info.snapshot_id,
        "found": found.found,
        "name_only": found.name_only,
        "notes": notes,
        "warnings": list(warnings),
        "match": match,
        "candidates": candidates,
    }


def _rounded(fields: Any) -> dict[str, Any]:
    return {name: round(value, 3) if isinstance(value, float) else value for name, value in fields.items()}


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False))


def _safe(value: object) -> str:
    from checkpoint.report.terminal import displayable

    return displayable(value)
