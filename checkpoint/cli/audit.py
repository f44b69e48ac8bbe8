"""`checkpoint audit`: check the audit log's hash chain, read it, and record officers' decisions (SPEC §3.1, §7).

Every text is in the catalog (`i18n/catalog/audit.toml`). Help texts are fixed when the commands are
defined, before `--lang` is read, so they follow `$CHECKPOINT_LANG` or the locale; everything else follows
`--lang` too.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checkpoint.cli.options import LangOption, help_text
from checkpoint.errors import UsageError
from checkpoint.home import default_audit_log
from checkpoint.i18n import current_language, text
from checkpoint.models import Decision, Verdict

audit_app = typer.Typer(help=help_text("audit.help.group"), no_args_is_help=True)


class ShowFormat(StrEnum):
    """The values of `audit show --format`."""

    TABLE = "table"
    JSONL = "jsonl"


class ShowDecision(StrEnum):
    """The values of `audit show --decision`: a decision, or none yet."""

    CLEARED = Decision.CLEARED.value
    REFERRED = Decision.REFERRED.value
    POSTPONED = Decision.POSTPONED.value
    NONE = "none"


PathArgument = Annotated[
    Path | None, typer.Argument(help=help_text("audit.help.path"), metavar="PATH", show_default=False)
]
LogOption = Annotated[
    Path | None,
    typer.Option("--audit-log", metavar="PATH", help=help_text("audit.help.audit_log"), show_default=False),
]


@audit_app.command("verify", help=help_text("audit.help.verify"))
def verify_command(
    path: PathArgument = None,
    audit_log: LogOption = None,
    anchor: Annotated[
        Path | None,
        typer.Option("--anchor", metavar="FILE", help=help_text("audit.help.anchor"), exists=True, dir_okay=False),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Verify the audit log's hash chain and keyed head: exit 0 if intact, 5 naming the first bad line."""
    from checkpoint import audit  # loaded when the command runs

    log = _log_path(path, audit_log)
    head = audit.read_anchor(anchor) if anchor is not None else None
    report = audit.verify(log, anchor=head, anchor_name=str(anchor or ""), on_wait=say_wait)
    for note in report.notes:
        typer.echo(text("audit.note", note=note), err=True)
    line = text("audit.verify.ok", count=report.entries, head=report.head[:12], path=report.path)
    if report.anchored is not None:
        line = f"{line}; {text('audit.verify.anchored', seq=report.anchored)}"
    typer.echo(line)


@audit_app.command("show", help=help_text("audit.help.show"))
def show_command(
    path: PathArgument = None,
    audit_log: LogOption = None,
    head: Annotated[bool, typer.Option("--head", help=help_text("audit.help.head"))] = False,
    summary: Annotated[bool, typer.Option("--summary", help=help_text("audit.help.summary"))] = False,
    first_day: Annotated[str | None, typer.Option("--from", metavar="DATE", help=help_text("audit.help.from"))] = None,
    last_day: Annotated[str | None, typer.Option("--to", metavar="DATE", help=help_text("audit.help.to"))] = None,
    officer: Annotated[
        str | None, typer.Option("--officer", metavar="ID", help=help_text("audit.help.show_officer"))
    ] = None,
    post: Annotated[str | None, typer.Option("--post", metavar="CODE", help=help_text("audit.help.show_post"))] = None,
    verdict: Annotated[Verdict | None, typer.Option("--verdict", help=help_text("audit.help.verdict"))] = None,
    decision: Annotated[ShowDecision | None, typer.Option("--decision", help=help_text("audit.help.decision"))] = None,
    pax_id: Annotated[
        str | None, typer.Option("--pax-id", metavar="PAX_ID", help=help_text("audit.help.pax_id"))
    ] = None,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", help=help_text("audit.help.format"))
    ] = ShowFormat.TABLE,
    lang: LangOption = None,
) -> None:
    """Read the audit log: screenings with their decisions, filtered; a per-rule summary; or its head."""
    from checkpoint import audit  # loaded when the command runs
    from checkpoint.cli import audit_show

    log = _log_path(path, audit_log)
    filters = (first_day, last_day, officer, post, verdict, decision, pax_id)
    if head:
        if summary or any(value is not None for value in filters) or output_format is not ShowFormat.TABLE:
            raise UsageError(text("audit.show.head_and_filters"))
        typer.echo(audit.head_line(audit.current_head(log, on_wait=say_wait)).decode("ascii"), nl=False)
        return
    wanted = audit.ScreeningFilter(
        first_day=_date("--from", first_day),
        last_day=_date("--to", last_day),
        officer=officer,
        post=post,
        verdict=verdict.value if verdict is not None else None,
        decision=decision.value if decision is not None else None,
        pax_id=pax_id,
    )
    screenings = audit.read_screenings(log, wanted, on_wait=say_wait)
    if summary:
        audit_show.write_summary(audit.summarise(screenings), jsonl=output_format is ShowFormat.JSONL)
        return
    audit_show.write_screenings(screenings, jsonl=output_format is ShowFormat.JSONL)
    decisions = sum(len(screening.decisions) for screening in screenings)
    shown = text("audit.show.screenings", count=len(screenings))
    if decisions:
        and_decisions = text("audit.show.decisions", count=decisions)
        shown = text("audit.show.and_decisions", screenings=shown, decisions=and_decisions)
    typer.echo(text("audit.show.shown", what=shown, path=log), err=True)


@audit_app.command("decide", help=help_text("audit.help.decide"))
def decide_command(
    pax_id: Annotated[
        str | None, typer.Argument(metavar="PAX_ID", help=help_text("audit.help.decide_pax_id"), show_default=False)
    ] = None,
    decision: Annotated[
        Decision | None, typer.Option("--decision", help=help_text("audit.help.decide_decision"))
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", metavar="CODE", help=help_text("audit.help.reason"))] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help=help_text("audit.help.note"))] = None,
    entry: Annotated[
        int | None, typer.Option("--entry", metavar="SEQ", min=1, help=help_text("audit.help.entry"))
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option("--officer", metavar="ID", envvar="CHECKPOINT_OFFICER", help=help_text("audit.help.officer")),
    ] = None,
    post: Annotated[
        str | None, typer.Option("--post", metavar="CODE", envvar="CHECKPOINT_POST", help=help_text("audit.help.post"))
    ] = None,
    audit_log: LogOption = None,
    lang: LangOption = None,
) -> None:
    """Record an officer's decision on a traveller screened in a batch (SPEC §3.1)."""
    from checkpoint import audit  # loaded when the command runs
    from checkpoint.cli import audit_show

    if decision is None:
        raise UsageError(text("audit.decide.no_decision", decisions=", ".join(Decision)))
    if pax_id is None and entry is None:
        raise UsageError(text("audit.decide.no_traveller"))
    log = audit_log or default_audit_log()
    found = audit.find_screening(log, pax_id=pax_id, seq=entry, on_wait=say_wait)
    screening = found.screening
    appended = audit.AuditLog(log, on_wait=say_wait).decide(
        screening.seq, decision, reason=reason, note=note, officer=officer, post=post
    )
    for settled in appended.notes:
        typer.echo(text("audit.note", note=settled), err=True)
    typer.echo(audit_show.recorded(appended.last, decision, screening))
    if found.earlier:
        typer.echo(text("audit.decide.earlier", count=found.earlier, seq=screening.seq), err=True)


@audit_app.command("reasons", help=help_text("audit.help.reasons"))
def reasons_command(lang: LangOption = None) -> None:
    """List the reason codes a decision may give, with their labels in the language chosen."""
    from checkpoint import audit  # loaded when the command runs

    width = max(len(reason.code) for reason in audit.reasons())
    for reason in audit.reasons():
        typer.echo(f"{reason.code.ljust(width)}  {reason.label(current_language())}")


def say_wait(seconds: float) -> None:
    """Tell the officer why nothing happens while another process writes the audit log (`AuditLog.on_wait`)."""
    message = text("audit.waiting") if seconds < 5 else text("audit.still_waiting", seconds=round(seconds))
    typer.echo(message, err=True)


def _log_path(path: Path | None, audit_log: Path | None) -> Path:
    if path is not None and audit_log is not None and path != audit_log:
        raise UsageError(text("audit.two_paths"))
    return path or audit_log or default_audit_log()


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(text("audit.show.bad_date", option=option, value=value)) from None


def register(app: typer.Typer) -> None:
    """Add the `audit` command group to the root app."""
    app.add_typer(audit_app, name="audit")
