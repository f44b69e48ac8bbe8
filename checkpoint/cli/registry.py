"""`checkpoint registry`: import an export into the local store, describe the store, list the snapshots it keeps
and go back to one; and the commands that look a record up by hand (`show`, `search`: `registry_lookup.py`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption, QuietOption, VerboseOption, help_text, parse_today
from checkpoint.cli.registry_lookup import search_command, show_command
from checkpoint.errors import UsageError
from checkpoint.home import registry_store_dir
from checkpoint.i18n import number, text

if TYPE_CHECKING:
    from checkpoint.progress import Progress
    from checkpoint.registry import KeptSnapshot, SnapshotInfo
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
    described = (info.source_name, number(info.rows), number(info.rejected), exported, info.created)
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


# Looking a record up by hand: `registry_lookup.py`.
registry_app.command("show", help=help_text("registry.help.show"))(show_command)
registry_app.command("search", help=help_text("registry.help.search"))(search_command)


def register(app: typer.Typer) -> None:
    """Add the `registry` group to the root command."""
    app.add_typer(registry_app, name="registry")
