"""`checkpoint mrz`: read and check a passport MRZ (ICAO 9303 TD3) at the desk."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption, parse_today

if TYPE_CHECKING:
    from checkpoint.mrz import MrzResult

_SPECIMEN = (
    "checkpoint mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'"
)


class MrzFormat(StrEnum):
    """How `checkpoint mrz` prints its result."""

    TEXT = "text"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add the `mrz` command to a command group."""
    app.command(
        "mrz",
        help=(
            "Parse and check a passport MRZ (ICAO 9303 TD3, two lines of 44 characters).\n\n"
            "Exit 0 when the layout and every check digit hold, 3 otherwise. A failing field is named, "
            "with the repaired value where a single OCR confusion (0/O, 1/I, 5/S, 8/B, 2/Z) explains it. "
            "Quote both lines: '<' is special to the shell.\n\n"
            f"Example: {_SPECIMEN}"
        ),
        short_help="Parse and check a passport MRZ (ICAO 9303 TD3).",
    )(mrz)


def mrz(
    line1: Annotated[
        str, typer.Argument(metavar="LINE1", help="First MRZ line: 44 characters, starting with P.", show_default=False)
    ],
    line2: Annotated[str, typer.Argument(metavar="LINE2", help="Second MRZ line: 44 characters.", show_default=False)],
    output_format: Annotated[
        MrzFormat, typer.Option("--format", help="text for the officer, json for scripts.")
    ] = MrzFormat.TEXT,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Date that places two-digit years and decides 'expired' (default: today).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Parse and check a passport MRZ; exit 3 when a check fails (layout errors are raised for the root)."""
    from checkpoint.mrz import parse_td3  # loaded when the command runs

    reference = parse_today(today)
    result = parse_td3(line1, line2, today=reference)
    if output_format is MrzFormat.JSON:
        typer.echo(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
    else:
        _print_text(result, reference)
    if not result.valid:
        count = len(result.problems)
        typer.echo(
            f"checkpoint: the MRZ does not validate ({count} problem{'s' if count != 1 else ''}); "
            "check it against the passport.",
            err=True,
        )
        raise typer.Exit(3)


def _as_json(result: MrzResult) -> dict[str, object]:
    fields: dict[str, object] = {}
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if field.name == "problems":
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        fields[field.name] = value
    fields["valid"] = result.valid
    fields["problems"] = [dataclasses.asdict(problem) for problem in result.problems]
    return fields


def _print_text(result: MrzResult, today: date) -> None:
    if result.valid:
        typer.secho("MRZ valid: the layout and every check digit hold.", fg=typer.colors.GREEN)
    else:
        typer.secho("MRZ NOT valid: see the problems below.", fg=typer.colors.RED, bold=True)
    expiry = _show_date(result.expiry_date)
    if result.expiry_date is not None and result.expiry_date < today:
        expiry += " (expired)"
    name = result.full_name or "-"
    if result.name_truncated:
        name += " (name field full: may be truncated)"
    rows = [
        ("Document type", result.document_type),
        ("Issuing state", result.issuing_state),
        ("Primary identifier", result.primary_identifier),
        ("Secondary identifier", result.secondary_identifier),
        ("Full name", name),
        ("Document number", result.document_number),
        ("Nationality", result.nationality),
        ("Date of birth", _show_date(result.birth_date)),
        ("Sex", result.sex or "unspecified"),
        ("Expiry date", expiry),
        ("Optional data", result.optional_data),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        typer.echo(f"  {label:<{width}}  {value or '-'}")
    if result.problems:
        typer.echo("Problems:")
        for number, problem in enumerate(result.problems, start=1):
            typer.echo(f"  {number}. {problem.message[:1].upper()}{problem.message[1:]}")
            if problem.repaired_value is not None:
                typer.echo(f"     Repaired value: {problem.repaired_value}")


def _show_date(value: date | None) -> str:
    return value.isoformat() if value else "unreadable"
