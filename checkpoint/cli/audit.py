"""`checkpoint audit`: check the audit log's hash chain, and read it (SPEC §7)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption
from checkpoint.errors import UsageError
from checkpoint.home import default_audit_log
from checkpoint.models import Verdict

if TYPE_CHECKING:
    from checkpoint.audit import LoggedEntry

# Every sentence and label people read, in one place (a later issue adds Bahasa Indonesia).
TEXTS = {
    "group help": "Check and read the audit log of screenings.\n\nExample: checkpoint audit verify",
    "path help": "The audit log (default: audit/audit.jsonl under $CHECKPOINT_HOME).",
    "audit-log help": "Same as PATH, spelt as in `checkpoint screen`.",
    "anchor help": "A head exported earlier with `checkpoint audit show --head`: check that the log still holds "
    "that entry, unchanged.",
    "head help": "Print the current head (seq, hash and MAC of the last entry) as one JSON line: an anchor to "
    "keep elsewhere, for `audit verify --anchor`.",
    "from help": "Only entries from this date on (YYYY-MM-DD, the entries' UTC date).",
    "to help": "Only entries up to this date (YYYY-MM-DD, inclusive).",
    "officer help": "Only entries of this officer id.",
    "post help": "Only entries of this border post or office.",
    "verdict help": "Only entries with this verdict.",
    "format help": "table (for people) or jsonl (one JSON object per entry).",
    "two paths": "give the audit log either as PATH or as --audit-log, not two different ones.",
    "bad date": "{option} '{value}' is not a date YYYY-MM-DD.",
    "head and filters": "--head prints the head of the whole log; leave out --from, --to, --officer, --post, "
    "--verdict and --format.",
    "ok": "audit log OK: {entries} {noun}, chain head {head}… ({path})",
    "anchored": "the anchored entry {seq} is in the log, unchanged",
    "entry": "entry",
    "entries": "entries",
    "note": "note: {note}",
    "shown": "{count} {noun} shown ({path})",
    "waiting": "checkpoint: waiting for another screening to finish writing the audit log …",
    "still waiting": "checkpoint: still waiting for the audit log ({seconds:.0f} s) …",
}
COLUMNS = ("seq", "time", "officer", "post", "verdict", "score", "rules", "record")

#: Width of each column of `audit show` (the last, the record id, takes what it needs).
_WIDTHS = (7, 20, 16, 20, 7, 5, 16)

audit_app = typer.Typer(help=TEXTS["group help"], no_args_is_help=True)


class ShowFormat(StrEnum):
    """The values of `audit show --format`."""

    TABLE = "table"
    JSONL = "jsonl"


PathArgument = Annotated[Path | None, typer.Argument(help=TEXTS["path help"], metavar="PATH", show_default=False)]
LogOption = Annotated[
    Path | None, typer.Option("--audit-log", metavar="PATH", help=TEXTS["audit-log help"], show_default=False)
]


@audit_app.command("verify")
def verify_command(
    path: PathArgument = None,
    audit_log: LogOption = None,
    anchor: Annotated[
        Path | None,
        typer.Option("--anchor", metavar="FILE", help=TEXTS["anchor help"], exists=True, dir_okay=False),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Verify the audit log's hash chain and keyed head: exit 0 if intact, 5 naming the first bad line.

    Finds any edited, removed or reordered line, lines removed from the end, and a head file rewritten
    without the installation key. With --anchor, also a log cut back (or replaced) to before the anchor.

    Example: checkpoint audit verify ~/.checkpoint/audit/audit.jsonl --anchor anchor-2026-12-07.json
    """
    from checkpoint import audit  # loaded when the command runs

    log = _log_path(path, audit_log)
    head = audit.read_anchor(anchor) if anchor is not None else None
    report = audit.verify(log, anchor=head, anchor_name=str(anchor or ""), on_wait=say_wait)
    for note in report.notes:
        typer.echo(TEXTS["note"].format(note=note), err=True)
    line = TEXTS["ok"].format(
        entries=report.entries, noun=_noun(report.entries), head=report.head[:12], path=report.path
    )
    if report.anchored is not None:
        line = f"{line}; {TEXTS['anchored'].format(seq=report.anchored)}"
    typer.echo(line)


@audit_app.command("show")
def show_command(
    path: PathArgument = None,
    audit_log: LogOption = None,
    head: Annotated[bool, typer.Option("--head", help=TEXTS["head help"])] = False,
    first_day: Annotated[str | None, typer.Option("--from", metavar="DATE", help=TEXTS["from help"])] = None,
    last_day: Annotated[str | None, typer.Option("--to", metavar="DATE", help=TEXTS["to help"])] = None,
    officer: Annotated[str | None, typer.Option("--officer", metavar="ID", help=TEXTS["officer help"])] = None,
    post: Annotated[str | None, typer.Option("--post", metavar="CODE", help=TEXTS["post help"])] = None,
    verdict: Annotated[Verdict | None, typer.Option("--verdict", help=TEXTS["verdict help"])] = None,
    output_format: Annotated[ShowFormat, typer.Option("--format", help=TEXTS["format help"])] = ShowFormat.TABLE,
    lang: LangOption = None,
) -> None:
    """Read the audit log: its entries, oldest first, filtered by date, officer, post and verdict; or its head.

    Travellers appear only by their keys (never a name, passport number or pax_id). `--head` verifies the
    whole log, then prints its head: keep that line elsewhere (another machine, paper) as an anchor.

    Example: checkpoint audit show --from 2026-11-28 --verdict hold
    Example: checkpoint audit show --head > anchor-2026-12-07.json
    """
    from checkpoint import audit  # loaded when the command runs

    log = _log_path(path, audit_log)
    if head:
        filtered = (first_day, last_day, officer, post, verdict)
        if any(value is not None for value in filtered) or output_format is not ShowFormat.TABLE:
            raise UsageError(TEXTS["head and filters"])
        typer.echo(audit.head_line(audit.current_head(log, on_wait=say_wait)).decode("ascii"), nl=False)
        return
    wanted = audit.EntryFilter(
        first_day=_date("--from", first_day),
        last_day=_date("--to", last_day),
        officer=officer,
        post=post,
        verdict=verdict.value if verdict is not None else None,
    )
    count = 0
    if output_format is ShowFormat.TABLE:
        typer.echo(_row(COLUMNS))
    for logged in audit.read_entries(log, wanted, on_wait=say_wait):
        typer.echo(_jsonl(logged) if output_format is ShowFormat.JSONL else _table_row(logged))
        count += 1
    typer.echo(TEXTS["shown"].format(count=count, noun=_noun(count), path=log), err=True)


def say_wait(seconds: float) -> None:
    """Tell the officer why nothing happens while another process writes the audit log (`AuditLog.on_wait`)."""
    text = TEXTS["waiting"] if seconds < 5 else TEXTS["still waiting"].format(seconds=seconds)
    typer.echo(text, err=True)


def _log_path(path: Path | None, audit_log: Path | None) -> Path:
    if path is not None and audit_log is not None and path != audit_log:
        raise UsageError(TEXTS["two paths"])
    return path or audit_log or default_audit_log()


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(TEXTS["bad date"].format(option=option, value=value)) from None


def _noun(count: int) -> str:
    return TEXTS["entry"] if count == 1 else TEXTS["entries"]


def _jsonl(logged: LoggedEntry) -> str:
    """One entry as a JSON line: text as it is, but the two line separators escaped (readers split lines on
    them)."""
    fields = {"seq": logged.seq, **asdict(logged.entry)}
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _table_row(logged: LoggedEntry) -> str:
    entry = logged.entry
    cells = (
        str(logged.seq),
        entry.time,
        entry.officer or "-",
        entry.post or "-",
        entry.verdict,
        str(entry.risk_score),
        ",".join(entry.rules) or "-",
        entry.record_id or "-",
    )
    return _row(cells)


def _row(cells: tuple[str, ...]) -> str:
    """One line of the table: fixed widths (numbers to the right), text cut with … and kept on one line."""
    shown = []
    for number, cell in enumerate(cells):
        text = "".join(ch if ch.isprintable() else " " for ch in cell)
        if number < len(_WIDTHS):
            width = _WIDTHS[number]
            text = text if len(text) <= width else text[: width - 1] + "…"
            text = text.rjust(width) if number in (0, 5) else text.ljust(width)
        shown.append(text)
    return "  ".join(shown).rstrip()


def register(app: typer.Typer) -> None:
    """Add the `audit` command group to the root app."""
    app.add_typer(audit_app, name="audit")
