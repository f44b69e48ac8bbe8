"""`checkpoint registry`: import an export into the local store, describe the store, list the snapshots it keeps
and go back to one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption, parse_today
from checkpoint.home import registry_store_dir

if TYPE_CHECKING:
    from checkpoint.registry import KeptSnapshot

registry_app = typer.Typer(
    help="Build and inspect the local registry store.\n\nExample: checkpoint registry import export.csv",
    no_args_is_help=True,
)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store folder (default: registry/ under $CHECKPOINT_HOME).", show_default=False),
]


@registry_app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help="Registry export: CSV, XLSX or Parquet (SPEC §4.1 columns).")],
    store: StoreOption = None,
    today: Annotated[str | None, typer.Option("--today", help="Date used to check birth dates.")] = None,
    lang: LangOption = None,
) -> None:
    """Import a registry export as the new current snapshot (the previous one stays usable on failure).

    Rows that cannot be used go to a rejects file with one reason each.

    Example: checkpoint registry import data/sample/registry.csv
    """
    from checkpoint.registry import import_registry  # the store and pyarrow: loaded when a command runs

    report = import_registry(source, store or registry_store_dir(), today=parse_today(today))
    info = report.info
    typer.echo(f"imported {info.rows} record(s) from {info.source_name} as snapshot {info.snapshot_id}")
    typer.echo(f"store: {report.snapshot_path}")
    if report.rejects_path is not None:
        typer.echo(f"{info.rejected} row(s) rejected, with reasons in {report.rejects_path}", err=True)
    for note in report.notes[1 if info.rejected else 0 :]:
        typer.echo(f"note: {note}", err=True)


@registry_app.command("info")
def info_command(store: StoreOption = None, lang: LangOption = None) -> None:
    """Show what the store holds: snapshot id, source file and checksum, row counts, age.

    Example: checkpoint registry info
    """
    from checkpoint.registry import store_info

    info = store_info(store or registry_store_dir())
    typer.echo(f"snapshot:  {info.snapshot_id}")
    typer.echo(f"source:    {info.source_name} (sha256 {info.source_sha256[:16]}…)")
    typer.echo(f"records:   {info.rows}")
    typer.echo(f"rejected:  {info.rejected}")
    typer.echo(f"created:   {info.created} ({info.age_days():.1f} days ago)")


@registry_app.command("list")
def list_command(store: StoreOption = None, lang: LangOption = None) -> None:
    """List the snapshots the store keeps, newest first, each one's files checked in full against their checksums.

    `*` marks the current snapshot, the one screening uses. Exit 4 when it is damaged.

    Example: checkpoint registry list
    """
    from checkpoint.registry import list_snapshots

    kept = list_snapshots(store or registry_store_dir())
    header = ("", "SNAPSHOT", "SOURCE", "RECORDS", "REJECTED", "CREATED", "INTEGRITY")
    for line in _aligned([header, *(_listed(snapshot) for snapshot in kept)], numbers={3, 4}):
        typer.echo(line)
    typer.echo("* current: the snapshot screening uses; `checkpoint registry use SNAPSHOT` makes another one current.")
    for snapshot in kept:
        if not snapshot.checked.integrity.usable:
            fix = (
                "make another snapshot current with `checkpoint registry use SNAPSHOT` or import the export again"
                if snapshot.current
                else "it cannot be made current; import the export again to replace it"
            )
            typer.echo(f"checkpoint: {snapshot.checked.sentence}; {fix}.", err=True)
    if any(snapshot.current and not snapshot.checked.integrity.usable for snapshot in kept):
        raise typer.Exit(4)


def _listed(snapshot: KeptSnapshot) -> tuple[str, ...]:
    """One snapshot's cells in `registry list`."""
    info, checked = snapshot.info, snapshot.checked
    integrity = checked.integrity.value
    if checked.integrity.usable and checked.checksums is not None and checked.checksums.how != "import":
        integrity += f" (checksum recorded on {checked.checksums.how}, {checked.checksums.when[:10]})"
    if info is None:
        return ("*" if snapshot.current else "", snapshot.snapshot_id, "?", "?", "?", "?", integrity)
    described = (info.source_name, str(info.rows), str(info.rejected), info.created)
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


@registry_app.command("use")
def use_command(
    snapshot: Annotated[
        str,
        typer.Argument(
            metavar="SNAPSHOT", help="A snapshot id as `checkpoint registry list` shows it (or its unique beginning)."
        ),
    ],
    store: StoreOption = None,
    lang: LangOption = None,
) -> None:
    """Make a snapshot the store keeps the current one, once its files match their checksums.

    Screening then uses it, until the next import or `registry use`.

    Example: checkpoint registry use 20261207T015004Z-a6300801
    """
    from checkpoint.registry import use_snapshot

    info, notes = use_snapshot(store or registry_store_dir(), snapshot)
    typer.echo(
        f"snapshot {info.snapshot_id} is now current: {info.rows} record(s) from {info.source_name}, "
        f"imported {info.created}"
    )
    for note in notes:
        typer.echo(f"note: {note}", err=True)


def register(app: typer.Typer) -> None:
    """Add the `registry` group to the root command."""
    app.add_typer(registry_app, name="registry")
