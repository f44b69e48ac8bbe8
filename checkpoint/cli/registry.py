"""`checkpoint registry`: import an export into the local store, describe the store, list the snapshots it keeps
and go back to one; look a record up by hand (`show` by id, `search` by name and date of birth)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from checkpoint.cli.options import LangOption, QuietOption, VerboseOption, help_text, parse_today
from checkpoint.errors import InputDataError, UsageError
from checkpoint.home import registry_store_dir
from checkpoint.i18n import number, text

if TYPE_CHECKING:
    from checkpoint.matching import Search
    from checkpoint.models import Candidate, Match
    from checkpoint.progress import Progress
    from checkpoint.registry import KeptSnapshot, Registry, SnapshotInfo
    from checkpoint.registry.recommendations import RecommendationsHeld

registry_app = typer.Typer(help=help_text("registry.help.group"), no_args_is_help=True)

#: `registry.store.DEFAULT_MAX_SHRINK` in percent (the store is not imported before a command runs; a test
#: holds the two equal).
MAX_SHRINK_PERCENT = 10.0


class ExportKind(StrEnum):
    """What an export holds: placement records, or Disnaker passport recommendations (SPEC §4.1)."""

    RECORDS = "records"
    RECOMMENDATIONS = "recommendations"


StoreOption = Annotated[Path | None, typer.Option("--store", help=help_text("registry.help.store"), show_default=False)]


@registry_app.command("import", help=help_text("registry.help.import"))
def import_command(
    source: Annotated[Path | None, typer.Argument(help=help_text("registry.help.source"), show_default=False)] = None,
    store: StoreOption = None,
    today: Annotated[str | None, typer.Option("--today", help=help_text("registry.help.today"))] = None,
    exported_at: Annotated[
        str | None, typer.Option("--exported-at", metavar="YYYY-MM-DD", help=help_text("registry.help.exported_at"))
    ] = None,
    allow_shrink: Annotated[bool, typer.Option("--allow-shrink", help=help_text("registry.help.allow_shrink"))] = False,
    max_shrink: Annotated[
        float,
        typer.Option("--max-shrink", min=0, max=100, metavar="PERCENT", help=help_text("registry.help.max_shrink")),
    ] = MAX_SHRINK_PERCENT,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    kind: Annotated[ExportKind, typer.Option("--kind", help=help_text("registry.help.kind"))] = ExportKind.RECORDS,
    changes: Annotated[
        Path | None, typer.Option("--changes", metavar="FILE", help=help_text("registry.help.changes"))
    ] = None,
    lang: LangOption = None,
) -> None:
    """Import a registry export as the new current snapshot (the previous one stays usable on failure), or apply
    a day's changes to the current snapshot."""
    from checkpoint.cli.progress import terminal_progress
    from checkpoint.registry import ImportStored, import_registry  # the store and pyarrow: when a command runs

    when = parse_today(today)
    exported = _exported_at(exported_at, when)
    if source is not None and changes is not None:
        raise UsageError(text("registry.changes.source_and_changes"))
    if changes is not None:
        with terminal_progress(quiet=quiet, verbose=verbose) as progress:
            _import_changes(
                changes,
                store or registry_store_dir(),
                today=when,
                exported_at=exported,
                max_shrink=max_shrink / 100,
                allow_shrink=allow_shrink,
                quiet=quiet,
                progress=progress,
            )
        return
    if source is None:
        raise UsageError(text("registry.changes.nothing"))
    if kind is ExportKind.RECOMMENDATIONS:
        _import_recommendations(source, store or registry_store_dir(), today=when, exported_at=exported)
        return
    try:
        with terminal_progress(quiet=quiet, verbose=verbose) as progress:
            report = import_registry(
                source,
                store or registry_store_dir(),
                today=when,
                exported_at=exported,
                max_shrink=max_shrink / 100,
                allow_shrink=allow_shrink,
                progress=progress,
            )
    except KeyboardInterrupt:  # the pointer moves last and atomically: the store is as it was
        typer.echo(text("registry.import.interrupted"), err=True)
        raise typer.Exit(130) from None
    info = report.info
    said = {
        ImportStored.NEW: "registry.import.done",
        ImportStored.ALREADY_CURRENT: "registry.import.already_current",
        ImportStored.CURRENT_AGAIN: "registry.import.current_again",
    }[report.stored]
    typer.echo(text(said, count=info.rows, file=info.source_name, snapshot_id=info.snapshot_id))
    if not quiet:
        typer.echo(text("registry.import.where", path=report.snapshot_path))
    if report.rejects_path is not None and report.stored is ImportStored.NEW:
        typer.echo(text("registry.import.rejected", count=info.rejected, path=report.rejects_path), err=True)
    if not quiet:
        for note in report.notes:
            typer.echo(text("cli.note", note=note), err=True)


def _import_changes(
    source: Path,
    store: Path,
    *,
    today: date,
    exported_at: date | None,
    max_shrink: float,
    allow_shrink: bool,
    quiet: bool,
    progress: Progress,
) -> None:
    """`registry import --changes FILE`: a day's changes applied to the current snapshot, as a new snapshot."""
    from checkpoint.registry.store import import_changes

    try:
        report = import_changes(
            source,
            store,
            today=today,
            exported_at=exported_at,
            max_shrink=max_shrink,
            allow_shrink=allow_shrink,
            progress=progress,
        )
    except KeyboardInterrupt:  # the pointer moves last and atomically: the store is as it was
        typer.echo(text("registry.import.interrupted"), err=True)
        raise typer.Exit(130) from None
    info, counts = report.info, report.counts
    if counts is None:
        typer.echo(text("registry.changes.already_current", snapshot_id=info.snapshot_id, file=source.name))
        return
    said = {"upserted": counts.upserted, "new": counts.new, "deleted": counts.deleted, "rejected": counts.rejected}
    typer.echo(text("registry.changes.done", file=source.name, snapshot_id=info.snapshot_id, count=info.rows, **said))
    if not quiet:
        typer.echo(text("registry.import.where", path=report.snapshot_path))
    if report.rejects_path is not None:
        typer.echo(text("registry.import.rejected", count=counts.rejected, path=report.rejects_path), err=True)
    if not quiet:
        for note in report.notes:
            typer.echo(text("cli.note", note=note), err=True)


def _import_recommendations(source: Path, store: Path, *, today: date, exported_at: date | None) -> None:
    """`registry import --kind recommendations`: the Disnaker letters into the same store (SPEC §4.1)."""
    from checkpoint.registry.recommendations import import_recommendations

    done = import_recommendations(source, store, today=today, exported_at=exported_at)
    said = text(
        "registry.recommendations.done", count=done.count, file=done.source, exported=done.exported_at, path=done.path
    )
    typer.echo(said)
    if done.rejected:
        typer.echo(text("registry.recommendations.rejected", count=done.rejected), err=True)


def _exported_at(value: str | None, today: date) -> date | None:
    """The export date given with --exported-at: a day, not after the import's today."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(text("registry.bad_exported_at", value=value)) from None
    if day > today:
        raise UsageError(text("registry.future_exported_at", value=value, today=today.isoformat()))
    return day


@registry_app.command("info", help=help_text("registry.help.info"))
def info_command(
    store: StoreOption = None,
    today: Annotated[str | None, typer.Option("--today", help=help_text("registry.help.info_today"))] = None,
    lang: LangOption = None,
) -> None:
    """Show what the store holds: snapshot id, source file and checksum, row counts, export date, age."""
    from checkpoint.registry import store_info
    from checkpoint.registry.recommendations import recommendations_held

    when = parse_today(today)
    folder = store or registry_store_dir()
    info = store_info(folder)
    held = recommendations_held(folder)
    rows = [
        ("registry.info.snapshot", info.snapshot_id),
        ("registry.info.source", _source(info)),
        ("registry.info.records", number(info.rows)),
        ("registry.info.rejected", number(info.rejected)),
        ("registry.info.exported", _exported_cell(info, when)),
        ("registry.info.imported", info.created),
        ("registry.info.recommendations", _recommendations_cell(held)),
    ]
    labels = [text(key) for key, _ in rows]
    width = max(len(label) for label in labels) + 1
    for label, (_, value) in zip(labels, rows, strict=True):
        typer.echo(f"{(label + ':').ljust(width)}  {value}")


def _recommendations_cell(held: RecommendationsHeld | None) -> str:
    """The passport recommendations the passport office checks applications against (`--kind recommendations`)."""
    if held is None:
        return text("registry.info.recommendations_none")
    day = held.exported_at.isoformat() if held.exported_at else "?"
    return text("registry.info.recommendations_value", count=held.count, file=held.source, day=day)


def _source(info: SnapshotInfo) -> str:
    return text("registry.info.source_value", file=info.source_name, sha=info.source_sha256[:16])


def _exported_cell(info: SnapshotInfo, today: date) -> str:
    """The export date, where it was read, and how old the records are on `today`."""
    age = info.export_age_days(today)
    if info.exported_at is None:
        return text("registry.info.exported_unknown", day=info.export_day.isoformat(), count=age)
    source = text(f"registry.info.exported_from.{(info.exported_from or 'option').replace(' ', '_')}")
    return text("registry.info.exported_value", day=info.exported_at, source=source, count=age)


@registry_app.command("list", help=help_text("registry.help.list"))
def list_command(store: StoreOption = None, lang: LangOption = None) -> None:
    """List the snapshots the store keeps, newest first, each one's files checked in full against their checksums.

    `*` marks the current snapshot, the one screening uses. Exit 4 when it is damaged.
    """
    from checkpoint.registry import list_snapshots

    kept = list_snapshots(store or registry_store_dir())
    header = ("", *(text(f"registry.list.column.{name}") for name in _LIST_COLUMNS))
    for line in _aligned([header, *(_listed(snapshot) for snapshot in kept)], numbers={3, 4}):
        typer.echo(line)
    typer.echo(text("registry.list.current"))
    for snapshot in kept:
        if not snapshot.checked.integrity.usable:
            fix = "registry.list.fix_current" if snapshot.current else "registry.list.fix_other"
            typer.echo(f"checkpoint: {snapshot.checked.sentence}; {text(fix)}", err=True)
    if any(snapshot.current and not snapshot.checked.integrity.usable for snapshot in kept):
        raise typer.Exit(4)


_LIST_COLUMNS = ("snapshot", "source", "records", "rejected", "exported", "imported", "integrity")


def _listed(snapshot: KeptSnapshot) -> tuple[str, ...]:
    """One snapshot's cells in `registry list`."""
    info, checked = snapshot.info, snapshot.checked
    integrity = text(f"registry.list.integrity.{checked.integrity.name.lower()}")
    if checked.integrity.usable and checked.checksums is not None and checked.checksums.how != "import":
        integrity = text("registry.list.integrity.first_use", integrity=integrity, day=checked.checksums.when[:10])
    if info is None:
        return ("*" if snapshot.current else "", snapshot.snapshot_id, "?", "?", "?", "?", "?", integrity)
    exported = info.exported_at or "?"
    described = (info.source_name, str(info.rows), str(info.rejected), exported, info.created)
    return ("*" if snapshot.current else "", snapshot.snapshot_id, *described, integrity)


def _aligned(rows: list[tuple[str, ...]], numbers: set[int]) -> list[str]:
    """Rows of cells as lines of aligned columns (the columns in `numbers` to the right)."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(width) if column in numbers else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


@registry_app.command("use", help=help_text("registry.help.use"))
def use_command(
    snapshot: Annotated[str, typer.Argument(metavar="SNAPSHOT", help=help_text("registry.help.snapshot"))],
    store: StoreOption = None,
    lang: LangOption = None,
) -> None:
    """Make a snapshot the store keeps the current one, once its files match their checksums."""
    from checkpoint.registry import use_snapshot

    info, notes = use_snapshot(store or registry_store_dir(), snapshot)
    typer.echo(
        text(
            "registry.use.done",
            snapshot_id=info.snapshot_id,
            count=info.rows,
            file=info.source_name,
            exported=info.exported_at or "?",
            imported=info.created,
        )
    )
    for note in notes:
        typer.echo(text("cli.note", note=note), err=True)


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


@registry_app.command("show", help=help_text("registry.help.show"))
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


@registry_app.command("search", help=help_text("registry.help.search"))
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


def register(app: typer.Typer) -> None:
    """Add the `registry` group to the root command."""
    app.add_typer(registry_app, name="registry")
