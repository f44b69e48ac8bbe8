"""`checkpoint synth`: write a synthetic registry and labelled manifests for training, tests and demos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checkpoint.cli.options import LangOption, parse_today

_EXAMPLE = "checkpoint synth --out data/sample --records 20000 --seed 7 --today 2026-11-28"


def register(app: typer.Typer) -> None:
    """Add the `synth` command to a command group."""
    app.command(
        "synth",
        help=(
            "Generate a synthetic placement registry and labelled manifests. Nothing in them is real: every "
            "name is composed from token tables, every number is random.\n\n"
            "Writes registry.parquet, registry.csv and, per manifest, the manifest CSV and its "
            "<name>.labels.csv (scenario, expected outcome, true record). The output depends only on "
            "--records, --seed and --today.\n\n"
            f"Example: {_EXAMPLE}"
        ),
        short_help="Generate a synthetic registry and labelled manifests.",
    )(synth)


def synth(
    out: Annotated[
        Path,
        typer.Option("--out", metavar="DIR", help="Folder to write into (created if missing).", show_default=False),
    ],
    records: Annotated[int, typer.Option("--records", min=1, help="Number of registry records.")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 7,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="Date the data is generated for (default: today).", show_default=False
        ),
    ] = None,
    manifests: Annotated[
        str, typer.Option("--manifests", help="Comma-separated sample manifests: flight, ferry, umrah ('' for none).")
    ] = "flight,ferry,umrah",
    applications: Annotated[
        int,
        typer.Option(
            "--applications",
            min=0,
            help="Passport applications of one office day to write too (applications.csv, its labels and "
            "recommendations.csv); 0 for none.",
        ),
    ] = 0,
    lang: LangOption = None,
) -> None:
    """Generate the dataset and print what was written."""
    from checkpoint.synth.dataset import write_dataset  # the generator is only loaded when asked for

    reference = parse_today(today)
    kinds = [kind.strip() for kind in manifests.split(",") if kind.strip()]
    written = write_dataset(
        out, records=records, seed=seed, today=reference, manifests=kinds, applications=applications
    )
    typer.echo(f"wrote {len(written)} files to {out} (records {records}, seed {seed}, today {reference}):")
    width = max(len(file.path.name) for file in written)
    for file in written:
        typer.echo(f"  {file.path.name:<{width}}  {file.rows:>9,} rows")
