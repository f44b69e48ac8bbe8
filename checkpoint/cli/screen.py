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
from checkpoint.cli.options import LangOption, QuietOption, VerboseOption, help_text, parse_today
from checkpoint.errors import OutputError, UsageError
from checkpoint.home import default_audit_log, registry_store_dir
from checkpoint.i18n import text
from checkpoint.report.interface import BINARY_FORMATS, OutputFormat

if TYPE_CHECKING:
    from checkpoint.pipeline import ScreeningRun
    from checkpoint.report import Batch

Opt = typer.Option


def screen_command(
    manifest: Annotated[Path | None, Opt("--manifest", help=help_text("screen.help.manifest"))] = None,
    applications: Annotated[Path | None, Opt("--applications", help=help_text("screen.help.applications"))] = None,
    registry: Annotated[Path | None, Opt("--registry", help=help_text("screen.help.registry"))] = None,
    rules: Annotated[Path | None, Opt("--rules", help=help_text("screen.help.rules"))] = None,
    name: Annotated[str | None, Opt("--name", help=help_text("screen.help.name"))] = None,
    dob: Annotated[str | None, Opt("--dob", help=help_text("screen.help.dob"))] = None,
    sex: Annotated[str | None, Opt("--sex", help=help_text("screen.help.sex"))] = None,
    passport: Annotated[str | None, Opt("--passport", help=help_text("screen.help.passport"))] = None,
    nationality: Annotated[str | None, Opt("--nationality", help=help_text("screen.help.nationality"))] = None,
    nik: Annotated[str | None, Opt("--nik", help=help_text("screen.help.nik"))] = None,
    destination: Annotated[str | None, Opt("--destination", help=help_text("screen.help.destination"))] = None,
    departure_date: Annotated[str | None, Opt("--departure-date", help=help_text("screen.help.departure_date"))] = None,
    return_date: Annotated[str | None, Opt("--return-date", help=help_text("screen.help.return_date"))] = None,
    ticket: Annotated[str | None, Opt("--ticket", help=help_text("screen.help.ticket"))] = None,
    visa_type: Annotated[str | None, Opt("--visa-type", help=help_text("screen.help.visa_type"))] = None,
    booking_ref: Annotated[str | None, Opt("--booking-ref", help=help_text("screen.help.booking_ref"))] = None,
    port: Annotated[str | None, Opt("--port", help=help_text("screen.help.port"))] = None,
    mrz: Annotated[tuple[str, str] | None, Opt("--mrz", help=help_text("screen.help.mrz"), metavar="L1 L2")] = None,
    output_format: Annotated[OutputFormat, Opt("--format", help=help_text("screen.help.format"))] = OutputFormat.TABLE,
    output: Annotated[Path | None, Opt("--output", help=help_text("screen.help.output"))] = None,
    list_all: Annotated[bool, Opt("--all", help=help_text("screen.help.all"))] = False,
    today: Annotated[str | None, Opt("--today", help=help_text("screen.help.today"))] = None,
    audit_log: Annotated[Path | None, Opt("--audit-log", help=help_text("screen.help.audit_log"))] = None,
    officer: Annotated[
        str | None, Opt("--officer", envvar="CHECKPOINT_OFFICER", help=help_text("screen.help.officer"))
    ] = None,
    post: Annotated[str | None, Opt("--post", envvar="CHECKPOINT_POST", help=help_text("screen.help.post"))] = None,
    workers: Annotated[
        int | None,
        Opt("--workers", min=1, help=help_text("screen.help.workers")),
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
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
    if applications is not None and (manifest is not None or given or mrz):
        raise UsageError(text("screen.applications_alone"))
    if manifest is not None and (given or mrz):
        raise UsageError(text("screen.both_inputs"))
    if manifest is None and applications is None and not (name or passport or mrz):
        raise UsageError(text("screen.no_input"))
    screening_date = parse_today(today)
    from checkpoint.manifests.typed import refuse_unreadable  # the manifest readers: only for typed fields

    refuse_unreadable(desk, _OPTIONS, today=screening_date)  # exit 2: a typed value is never taken as missing
    log = audit_log or default_audit_log()

    from checkpoint import pipeline
    from checkpoint.cli.progress import terminal_progress
    from checkpoint.registry import open_registry

    if output is not None:  # before anything is screened and logged
        pipeline.check_output(output, audit_log=log, registry=registry, manifest=manifest or applications)
    elif output_format in BINARY_FORMATS and sys.stdout.isatty():
        raise UsageError(text("report.output.binary_needs_file", output_format=output_format.value))
    who = pipeline.Officer(officer, post)
    with terminal_progress(quiet=quiet, verbose=verbose) as progress:
        store = open_registry(registry, registry_store_dir(), today=screening_date, progress=progress)
        if applications is not None:  # the passport office's pack unless --rules says otherwise
            from checkpoint.registry.recommendations import open_recommendations

            book = (
                open_recommendations(registry or registry_store_dir())
                if registry is None or registry.is_dir()
                else None
            )
            run = pipeline.screen_applications(
                applications, store, rules, today=screening_date, audit_log=log, officer=who, workers=workers,
                on_wait=say_wait, progress=progress, recommendations=book,
            )  # fmt: skip
        elif manifest is not None:
            run = pipeline.screen_manifest(
                manifest, store, rules, today=screening_date, audit_log=log, officer=who, workers=workers,
                on_wait=say_wait, progress=progress,
            )  # fmt: skip
        else:
            run = pipeline.screen_desk(
                desk, store, rules, mrz=mrz, today=screening_date, audit_log=log, officer=who, on_wait=say_wait
            )
    _emit(run, output_format, output, screening_date, list_all=list_all)
    raise typer.Exit(run.exit_code)


#: The option that types each field, as the refusal of a value names it.
_OPTIONS = {
    "full_name": "--name",
    "date_of_birth": "--dob",
    "passport_number": "--passport",
    **{field: f"--{field.replace('_', '-')}" for field in ("sex", "nationality", "nik", "destination")},
    **{field: f"--{field.replace('_', '-')}" for field in ("departure_date", "return_date")},
}


def _emit(
    run: ScreeningRun, output_format: OutputFormat, output: Path | None, screening_date: date, *, list_all: bool
) -> None:
    """Show the run's notes and write its results; a failure now, after the screening was logged, says so."""
    from checkpoint.models import Subject
    from checkpoint.report import Batch, write_report, write_results

    batch = Batch(
        results=run.results,
        notes=run.notes,
        pack_name=run.pack_name,
        pack_version=run.pack_version,
        registry_snapshot=run.registry_snapshot,
        screening_date=screening_date,
        group_rules=run.group_rules,
        list_clear=list_all,
        subject=run.subject,
    )
    # The notes go to stderr, where scripts and a redirected output leave them in view; not when the table and its
    # summary, which ends with them, are on the officer's terminal already.
    if not (output is None and output_format is OutputFormat.TABLE and sys.stdout.isatty() and _summary_shown(batch)):
        for note in run.notes:
            typer.echo(text("cli.note", note=note), err=True)
    try:
        if output is None:
            write_results(batch, output_format, sys.stdout)
            sys.stdout.flush()
        else:
            write_report(batch, output_format, output)
    except KeyboardInterrupt:
        typer.echo(text("screen.interrupted", logged=_logged(run)), err=True)
        raise typer.Exit(130) from None
    except BrokenPipeError:
        raise  # the reader went away: the root command handles it
    except (OutputError, OSError) as error:
        reason = str(error) if isinstance(error, OutputError) else text("screen.cannot_write", reason=error.strerror)
        raise OutputError(text("screen.not_written", reason=reason, logged=_logged(run))) from None
    if output is not None:
        counts = {
            verdict: sum(r.verdict.value == verdict for r in run.results) for verdict in ("hold", "refer", "clear")
        }
        key = "screen.written.applicant" if run.subject is Subject.APPLICANT else "screen.written.traveller"
        summary = text(key, count=len(run.results), date=screening_date, output=output, **counts)
        typer.echo(summary, err=True)
        _summarise(batch)


def _summary_shown(batch: Batch) -> bool:
    """Whether the table written for `batch` ends with its summary (rich's table is imported only for a table)."""
    from checkpoint.report.table import shows_summary

    return shows_summary(batch)


def _summarise(batch: Batch) -> None:
    """The batch's summary under the line saying where the results went (the notes were shown before)."""
    from checkpoint.report.summary import summarise, summary_sections
    from checkpoint.report.terminal import displayable

    for heading, lines in summary_sections(summarise(batch), notes=False):
        typer.echo(heading, err=True)
        for line in lines:
            typer.echo(f"  • {displayable(line)}", err=True)


VERDICT_ORDER = ("hold", "refer", "clear")


def _logged(run: ScreeningRun) -> str:
    """Where the screening was logged, for a message about a failure after it."""
    if not run.logged:
        return text("screen.logged.none")
    if len(run.logged) == 1:
        return text("screen.logged.one", seq=run.logged.start, path=run.audit_log)
    return text("screen.logged.range", first=run.logged.start, last=run.logged[-1], path=run.audit_log)


def register(app: typer.Typer) -> None:
    """Add `screen` to the root command."""
    app.command("screen", help=help_text("screen.help.command"))(screen_command)
