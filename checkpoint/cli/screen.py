"""`checkpoint screen`: one traveller at the desk, or a whole manifest, against the registry.

The registry, the rule engine, the matcher and the writers are imported when the command runs, not when
the CLI starts: `checkpoint --version` and `--help` load none of them.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.audit import say_wait
from checkpoint.cli.options import LangOption, parse_today
from checkpoint.errors import OutputError, UsageError
from checkpoint.home import default_audit_log, registry_store_dir
from checkpoint.report.interface import OutputFormat

if TYPE_CHECKING:
    from checkpoint.pipeline import ScreeningRun

EXAMPLE = (
    "Examples:\n\n"
    "  checkpoint screen --registry data/sample/registry.parquet --manifest data/sample/flight_cgk_kul.csv\n\n"
    "  checkpoint screen --name 'SITI AMINAH' --dob 1990-05-17 --sex F --destination KUL --visa-type tourist"
)

Opt = typer.Option


def screen_command(
    manifest: Annotated[
        Path | None, Opt("--manifest", help="Manifest file (CSV, XLSX, Parquet, JSON, PAXLST).")
    ] = None,
    registry: Annotated[
        Path | None, Opt("--registry", help="Registry file or store (default: the store under $CHECKPOINT_HOME).")
    ] = None,
    rules: Annotated[Path | None, Opt("--rules", help="Rule pack file or folder (default: the shipped pack).")] = None,
    name: Annotated[str | None, Opt("--name", help="Traveller's full name.")] = None,
    dob: Annotated[str | None, Opt("--dob", help="Date of birth (YYYY-MM-DD, DD/MM/YYYY, 17MAY90…).")] = None,
    sex: Annotated[str | None, Opt("--sex", help="M or F.")] = None,
    passport: Annotated[str | None, Opt("--passport", help="Passport number.")] = None,
    nationality: Annotated[str | None, Opt("--nationality", help="Nationality, ISO alpha-3.")] = None,
    nik: Annotated[str | None, Opt("--nik", help="16-digit NIK, if known.")] = None,
    destination: Annotated[str | None, Opt("--destination", help="Country (ISO alpha-3) or airport (IATA).")] = None,
    departure_date: Annotated[str | None, Opt("--departure-date", help="Departure date.")] = None,
    return_date: Annotated[str | None, Opt("--return-date", help="Return date, if any.")] = None,
    ticket: Annotated[str | None, Opt("--ticket", help="one_way or return.")] = None,
    visa_type: Annotated[
        str | None, Opt("--visa-type", help="work, tourist, visit, umrah, hajj, ziarah, student…")
    ] = None,
    booking_ref: Annotated[str | None, Opt("--booking-ref", help="Booking reference (PNR).")] = None,
    port: Annotated[str | None, Opt("--port", help="Port or airport of departure.")] = None,
    mrz: Annotated[
        tuple[str, str] | None, Opt("--mrz", help="The two 44-character MRZ lines of the passport.", metavar="L1 L2")
    ] = None,
    output_format: Annotated[OutputFormat, Opt("--format", help="Output format.")] = OutputFormat.TABLE,
    output: Annotated[Path | None, Opt("--output", help="Write the results to this file (atomically).")] = None,
    today: Annotated[str | None, Opt("--today", help="Screening date YYYY-MM-DD (default: today).")] = None,
    audit_log: Annotated[Path | None, Opt("--audit-log", help="Audit log (default under $CHECKPOINT_HOME).")] = None,
    officer: Annotated[str | None, Opt("--officer", help="Officer id, for the audit log.")] = None,
    post: Annotated[str | None, Opt("--post", help="Border post (TPI) or office, for the audit log.")] = None,
    workers: Annotated[
        int | None,
        Opt("--workers", min=1, help="Processes that share the work on a large manifest (default: every core)."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Screen one traveller or a manifest against the placement registry and the rule pack.

    Exit 0 when every traveller is clear, 1 when any is refer or hold.
    """
    desk = {
        "full_name": name,
        "date_of_birth": dob,
        "sex": sex,
        "passport_number": passport,
        "nationality": nationality,
        "nik": nik,
        "destination": destination,
        "departure_date": departure_date,
        "return_date": return_date,
        "ticket": ticket,
        "visa_type": visa_type,
        "booking_ref": booking_ref,
        "port": port,
    }
    given = [option for option, value in desk.items() if value is not None]
    if manifest is not None and (given or mrz):
        raise UsageError("give either --manifest or one traveller's options (--name, --mrz, …), not both.")
    if manifest is None and not (name or passport or mrz):
        raise UsageError("give --manifest FILE, or a traveller with --name/--passport or --mrz LINE1 LINE2.")
    screening_date = parse_today(today)
    log = audit_log or default_audit_log()

    from checkpoint import pipeline
    from checkpoint.registry import open_registry

    if output is not None:  # before anything is screened and logged
        pipeline.check_output(output, audit_log=log, registry=registry, manifest=manifest)
    store = open_registry(registry, registry_store_dir(), today=screening_date)
    who = pipeline.Officer(officer, post)
    if manifest is not None:
        run = pipeline.screen_manifest(
            manifest, store, rules, today=screening_date, audit_log=log, officer=who, workers=workers, on_wait=say_wait
        )
    else:
        run = pipeline.screen_desk(
            desk, store, rules, mrz=mrz, today=screening_date, audit_log=log, officer=who, on_wait=say_wait
        )
    _emit(run, output_format, output, screening_date)
    raise typer.Exit(run.exit_code)


def _emit(run: ScreeningRun, output_format: OutputFormat, output: Path | None, screening_date: date) -> None:
    """Show the run's notes and write its results; a failure now, after the screening was logged, says so."""
    from checkpoint.report import write_report, write_results

    for note in run.notes:
        typer.echo(f"note: {note}", err=True)
    try:
        if output is None:
            write_results(run.results, output_format, sys.stdout)
            sys.stdout.flush()
        else:
            write_report(run.results, output_format, output)
    except KeyboardInterrupt:
        typer.echo(f"checkpoint: interrupted; {_logged(run)}, but its results were not written.", err=True)
        raise typer.Exit(130) from None
    except BrokenPipeError:
        raise  # the reader went away: the root command handles it
    except (OutputError, OSError) as error:
        reason = str(error) if isinstance(error, OutputError) else f"cannot write the results ({error.strerror})"
        raise OutputError(f"{reason}; {_logged(run)}: screen again with another --output to get them.") from None
    if output is not None:
        counts = {
            verdict: sum(r.verdict.value == verdict for r in run.results) for verdict in ("hold", "refer", "clear")
        }
        typer.echo(
            f"{len(run.results)} traveller(s) screened on {screening_date}: "
            f"hold {counts['hold']}, refer {counts['refer']}, clear {counts['clear']}; results in {output}",
            err=True,
        )


VERDICT_ORDER = ("hold", "refer", "clear")


def _logged(run: ScreeningRun) -> str:
    """Where the screening was logged, for a message about a failure after it."""
    entries = f"entry {run.logged.start}" if len(run.logged) == 1 else f"entries {run.logged.start}–{run.logged[-1]}"
    return f"the screening was logged ({entries} of {run.audit_log})" if run.logged else "the screening was logged"


def register(app: typer.Typer) -> None:
    """Add `screen` to the root command."""
    app.command("screen", help=f"{screen_command.__doc__}\n\n{EXAMPLE}")(screen_command)
