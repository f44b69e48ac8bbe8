"""`checkpoint registry`: import an export into the local store, and describe the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checkpoint.cli.options import parse_today
from checkpoint.home import registry_store_dir

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
def info_command(store: StoreOption = None) -> None:
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


def register(app: typer.Typer) -> None:
    """Add the `registry` group to the root command."""
    app.add_typer(registry_app, name="registry")
