"""`checkpoint reconcile`: a period's departures against the registry: who left, who did not, how (SPEC §3.3)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checkpoint.cli.options import LangOption, QuietOption, VerboseOption, help_text, parse_today
from checkpoint.errors import UsageError
from checkpoint.home import registry_store_dir
from checkpoint.i18n import text

Opt = typer.Option
_EXAMPLE = (
    "checkpoint reconcile --departures manifests/ --from 2026-11-01 --to 2026-11-30 --out reconciled --format html"
)


class ReconcileFormat(StrEnum):
    """What is written besides the Parquet tables."""

    PARQUET = "parquet"
    HTML = "html"


class Engine(StrEnum):
    """Who screens the departures: this machine's cores, or Apache Spark."""

    LOCAL = "local"
    SPARK = "spark"


def reconcile_command(
    departures: Annotated[
        list[str], Opt("--departures", metavar="PATH", help=help_text("reconcile.help.departures"), show_default=False)
    ],
    start: Annotated[
        str, Opt("--from", metavar="YYYY-MM-DD", help=help_text("reconcile.help.from"), show_default=False)
    ],
    end: Annotated[str, Opt("--to", metavar="YYYY-MM-DD", help=help_text("reconcile.help.to"), show_default=False)],
    out: Annotated[Path, Opt("--out", metavar="DIR", help=help_text("reconcile.help.out"), show_default=False)],
    registry: Annotated[Path | None, Opt("--registry", help=help_text("reconcile.help.registry"))] = None,
    rules: Annotated[Path | None, Opt("--rules", help=help_text("reconcile.help.rules"))] = None,
    output_format: Annotated[
        ReconcileFormat, Opt("--format", help=help_text("reconcile.help.format"))
    ] = ReconcileFormat.PARQUET,
    engine: Annotated[Engine, Opt("--engine", help=help_text("reconcile.help.engine"))] = Engine.LOCAL,
    spark_master: Annotated[str, Opt("--spark-master", help=help_text("reconcile.help.spark_master"))] = "local[2]",
    workers: Annotated[int | None, Opt("--workers", min=1, help=help_text("reconcile.help.workers"))] = None,
    more: Annotated[
        list[str] | None,
        typer.Argument(metavar="[PATH...]", help=help_text("reconcile.help.more"), hidden=True, show_default=False),
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    lang: LangOption = None,
) -> None:
    """Reconcile a period's departures with the registry; exit 0 when every departure is clear, 1 otherwise."""
    from checkpoint.pipeline.reconciliation import reconcile
    from checkpoint.reconcile import Period

    period = Period(_day(start, "--from"), _day(end, "--to"))
    # `--departures a.csv b.csv` (SPEC §3.3, and what a shell makes of `--departures manifests/*.csv`): the paths
    # after the first arrive as arguments.
    from checkpoint.cli.progress import terminal_progress

    with terminal_progress(quiet=quiet, verbose=verbose) as progress:
        done = reconcile(
            [*departures, *(more or [])],
            period,
            out,
            registry=registry,
            store=registry_store_dir(),
            rules=rules,
            workers=workers,
            engine=engine.value,
            spark_master=spark_master,
            progress=progress,
        )
    for note in done.notes:
        typer.echo(text("cli.note", note=note), err=True)
    if output_format is ReconcileFormat.HTML:
        from checkpoint.reconcile.html import write_html

        write_html(done, out / "summary.html")
    counts = done.counts
    typer.echo(
        text(
            "reconcile.done",
            files=done.tally.files,
            departures=int(counts["departures"]),
            start=period.start,
            end=period.end,
            registered=int(counts["registered"]),
            unregistered=int(counts["unregistered"]),
            out=out,
        )
    )
    for path in done.tables:
        typer.echo(f"  {path.name}")
    if output_format is ReconcileFormat.HTML:
        typer.echo("  summary.html")
    raise typer.Exit(done.exit_code)


def _day(value: str, option: str) -> date:
    try:
        return parse_today(value)
    except UsageError:
        raise UsageError(text("reconcile.bad_date", option=option, value=value)) from None


def register(app: typer.Typer) -> None:
    """Add `reconcile` to the root command."""
    app.command(
        "reconcile",
        help=help_text("reconcile.help.command", example=_EXAMPLE),
        short_help=help_text("reconcile.help.short"),
    )(reconcile_command)
