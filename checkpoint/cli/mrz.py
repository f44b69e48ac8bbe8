"""`checkpoint mrz`: read and check a passport MRZ (ICAO 9303 TD3) at the desk."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption, help_text, parse_today
from checkpoint.i18n import text

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
        help=help_text("mrz.help.command", example=_SPECIMEN),
        short_help=help_text("mrz.help.short"),
    )(mrz)


def mrz(
    line1: Annotated[str, typer.Argument(metavar="LINE1", help=help_text("mrz.help.line1"), show_default=False)],
    line2: Annotated[str, typer.Argument(metavar="LINE2", help=help_text("mrz.help.line2"), show_default=False)],
    output_format: Annotated[MrzFormat, typer.Option("--format", help=help_text("mrz.help.format"))] = MrzFormat.TEXT,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help=help_text("mrz.help.today"),
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
        typer.echo(text("mrz.not_valid_summary", count=len(result.problems)), err=True)
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
        typer.secho(text("mrz.valid"), fg=typer.colors.GREEN)
    else:
        typer.secho(text("mrz.not_valid"), fg=typer.colors.RED, bold=True)
    expiry = _show_date(result.expiry_date)
    if result.expiry_date is not None and result.expiry_date < today:
        expiry = text("mrz.expired", date=expiry)
    name = result.full_name or "-"
    if result.name_truncated:
        name = text("mrz.name_full", name=name)
    values = [
        ("document_type", result.document_type),
        ("issuing_state", result.issuing_state),
        ("primary_identifier", result.primary_identifier),
        ("secondary_identifier", result.secondary_identifier),
        ("full_name", name),
        ("document_number", result.document_number),
        ("nationality", result.nationality),
        ("birth_date", _show_date(result.birth_date)),
        ("sex", result.sex or text("mrz.sex_unspecified")),
        ("expiry_date", expiry),
        ("optional_data", result.optional_data),
    ]
    rows = [(text(f"mrz.label.{field}"), value) for field, value in values]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        typer.echo(f"  {label:<{width}}  {value or '-'}")
    if result.problems:
        typer.echo(text("mrz.problems"))
        for number, problem in enumerate(result.problems, start=1):
            typer.echo(f"  {number}. {problem.message[:1].upper()}{problem.message[1:]}")
            if problem.repaired_value is not None:
                typer.echo(f"     {text('mrz.repaired_value', value=problem.repaired_value)}")


def _show_date(value: date | None) -> str:
    return value.isoformat() if value else text("mrz.date_unreadable")
