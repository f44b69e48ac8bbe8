"""`checkpoint audit`: check the audit log's hash chain (SPEC §7)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checkpoint.errors import UsageError
from checkpoint.home import default_audit_log

audit_app = typer.Typer(
    help="Check the audit log of screenings.\n\nExample: checkpoint audit verify",
    no_args_is_help=True,
)


@audit_app.command("verify")
def verify_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The audit log to check (default: audit/audit.jsonl under $CHECKPOINT_HOME).",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    audit_log: Annotated[
        Path | None,
        typer.Option(
            "--audit-log", metavar="PATH", help="Same as PATH, spelt as in `checkpoint screen`.", show_default=False
        ),
    ] = None,
) -> None:
    """Verify the audit log's hash chain: exit 0 if intact, 5 naming the first bad line.

    Finds any edited, removed or reordered line, and lines removed from the end.

    Example: checkpoint audit verify ~/.checkpoint/audit/audit.jsonl
    """
    from checkpoint import audit  # loaded when the command runs

    if path is not None and audit_log is not None and path != audit_log:
        raise UsageError("give the audit log either as PATH or as --audit-log, not two different ones.")
    report = audit.verify(path or audit_log or default_audit_log())
    noun = "entry" if report.entries == 1 else "entries"
    typer.echo(f"audit log OK: {report.entries} {noun}, chain head {report.head[:12]}… ({report.path})")


def register(app: typer.Typer) -> None:
    """Add the `audit` command group to the root app."""
    app.add_typer(audit_app, name="audit")
