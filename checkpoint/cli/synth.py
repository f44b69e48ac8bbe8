"""`checkpoint synth`: write a synthetic registry and labelled manifests for training, tests, demos and load tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption, help_text, parse_today
from checkpoint.errors import UsageError
from checkpoint.i18n import text

if TYPE_CHECKING:
    from datetime import date

    from checkpoint.synth.dataset import WrittenFile

_EXAMPLE = "checkpoint synth --out data/sample --records 20000 --seed 7 --today 2026-11-28"


def register(app: typer.Typer) -> None:
    """Add the `synth` command to a command group."""
    app.command(
        "synth",
        help=help_text("synth.help.command", example=_EXAMPLE),
        short_help=help_text("synth.help.short"),
    )(synth)


def synth(
    out: Annotated[
        Path,
        typer.Option("--out", metavar="DIR", help=help_text("synth.help.out"), show_default=False),
    ],
    records: Annotated[int, typer.Option("--records", min=1, help=help_text("synth.help.records"))] = 20_000,
    changes: Annotated[int, typer.Option("--changes", min=0, metavar="N", help=help_text("synth.help.changes"))] = 0,
    travellers: Annotated[
        int | None,
        typer.Option("--travellers", min=1, metavar="N", help=help_text("synth.help.travellers"), show_default=False),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help=help_text("synth.help.seed"))] = 7,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="YYYY-MM-DD", help=help_text("synth.help.today"), show_default=False),
    ] = None,
    manifests: Annotated[
        str, typer.Option("--manifests", help=help_text("synth.help.manifests"))
    ] = "flight,ferry,umrah",
    applications: Annotated[
        int,
        typer.Option(
            "--applications",
            min=0,
            help=help_text("synth.help.applications"),
        ),
    ] = 0,
    departures: Annotated[
        int,
        typer.Option("--departures", min=0, metavar="N", help=help_text("reconcile.synth.help_departures")),
    ] = 0,
    days: Annotated[int, typer.Option("--days", min=1, help=help_text("reconcile.synth.help_days"))] = 30,
    lang: LangOption = None,
) -> None:
    """Generate the dataset and print what was written."""
    from checkpoint.synth.dataset import write_dataset  # the generator is only loaded when asked for

    reference = parse_today(today)
    kinds = [kind.strip() for kind in manifests.split(",") if kind.strip()]
    from checkpoint.synth.scale import PART_RECORDS  # a registry beyond one part, a day's changes: scale.py

    written = write_dataset(
        out,
        records=min(records, PART_RECORDS),
        seed=seed,
        today=reference,
        manifests=kinds,
        travellers=travellers,
        applications=applications,
    )
    written = _at_scale(written, out, records=records, changes=changes, seed=seed, today=reference)
    if departures:  # a period for `checkpoint reconcile` (checkpoint/synth/departures.py)
        from checkpoint.synth.departures import write_period

        written += write_period(out, count=departures, days=days, last_day=reference, seed=seed)
    typer.echo(text("synth.wrote", count=len(written), out=out, records=records, seed=seed, today=reference))
    width = max(len(file.path.name) for file in written)
    for file in written:
        typer.echo(f"  {file.path.name:<{width}}  {text('synth.rows', rows=f'{file.rows:>9,}')}")


def _at_scale(
    written: list[WrittenFile], out: Path, *, records: int, changes: int, seed: int, today: date
) -> list[WrittenFile]:
    """The registry beyond one part (its first part is the one written, which the manifests are drawn from),
    and a day's changes to it (`synth/scale.py`)."""
    from checkpoint.synth.dataset import WrittenFile
    from checkpoint.synth.scale import PART_RECORDS, write_changes, write_registry

    try:
        if records > PART_RECORDS:
            write_registry(out, records, seed, today)
            written = [WrittenFile(file.path, records) if file.path.stem == "registry" else file for file in written]
        if changes:
            written = [*written, WrittenFile(write_changes(out, changes, seed, today), changes)]
    except OSError as error:
        raise UsageError(text("synth.cannot_write", out=out, reason=error.strerror or error)) from None
    return written
