"""`checkpoint desk`: the officer's counter. The registry and the pack load once; passports come one after another.

On a terminal, each traveller's panel (`report/panel.py`) is shown at once, then the officer records a decision
in one or two keystrokes (`1` lolos, `2` rujuk, `3` tunda, optionally a reason and a note). When standard input
is not a terminal (a reader integration piping to it), the same lines are read and one SPEC §5 object per
traveller is written to standard output, flushed at once; decisions are then given as `/keputusan 3 …` lines.
Ctrl-C, Ctrl-D and `exit` end the session; every screening and decision is already in the audit log by then.
"""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from checkpoint.cli.options import LangOption, QuietOption, VerboseOption, help_text, parse_today
from checkpoint.errors import UsageError
from checkpoint.home import default_audit_log, home_dir, registry_store_dir
from checkpoint.i18n import text

if TYPE_CHECKING:
    from rich.console import Console

    from checkpoint.desk.session import Desk, Screened

EXAMPLE = (
    "checkpoint desk --registry data/sample/registry.parquet --destination KUL --flight 'OD 305' --port CGK "
    "--post TPI-CGK --officer 198705152010011001 --lang id"
)

Opt = typer.Option


class ControlPoint(StrEnum):
    """Where the desk stands: the border post (passports, trips) or the passport office (applications, SPEC §3.2)."""

    BORDER = "border"
    PASSPORT_OFFICE = "passport-office"


class DeskFormat(StrEnum):
    """How each traveller is shown: a panel for the officer, or SPEC §5 JSON Lines for a program."""

    TABLE = "table"
    JSONL = "jsonl"


def desk_command(
    registry: Annotated[Path | None, Opt("--registry", help=help_text("desk.option_help.registry"))] = None,
    rules: Annotated[Path | None, Opt("--rules", help=help_text("desk.option_help.rules"))] = None,
    destination: Annotated[str | None, Opt("--destination", help=help_text("desk.option_help.destination"))] = None,
    flight: Annotated[str | None, Opt("--flight", help=help_text("desk.option_help.flight"))] = None,
    port: Annotated[str | None, Opt("--port", help=help_text("desk.option_help.port"))] = None,
    departure_date: Annotated[
        str | None, Opt("--departure-date", help=help_text("desk.option_help.departure_date"))
    ] = None,
    officer: Annotated[str | None, Opt("--officer", help=help_text("desk.option_help.officer"))] = None,
    post: Annotated[str | None, Opt("--post", help=help_text("desk.option_help.post"))] = None,
    audit_log: Annotated[Path | None, Opt("--audit-log", help=help_text("desk.option_help.audit_log"))] = None,
    today: Annotated[str | None, Opt("--today", help=help_text("desk.option_help.today"))] = None,
    output_format: Annotated[
        DeskFormat | None,
        Opt("--format", help=help_text("desk.option_help.format")),
    ] = None,
    at: Annotated[ControlPoint, Opt("--at", help=help_text("desk.option_help.at"))] = ControlPoint.BORDER,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    lang: LangOption = None,
) -> None:
    """The officer's counter: scan passports (or type a traveller's fields) one after another.

    Each traveller's verdict is shown at once with the registered record, the near misses, the reasons, what to
    ask and what could not be checked; then record the decision: 1 cleared, 2 referred, 3 postponed. Commands:
    /tujuan KUL, /penerbangan GA820, /pelabuhan CGK, /tanggal 2026-12-07, /konteks, /bantuan; exit or Ctrl-D ends.
    """
    from checkpoint import pipeline
    from checkpoint.cli.progress import terminal_progress
    from checkpoint.desk.config import desk_config
    from checkpoint.desk.context import TripContext, changed
    from checkpoint.desk.problems import DeskProblem
    from checkpoint.desk.session import Desk
    from checkpoint.engine import default_pack_path, load_pack
    from checkpoint.registry import open_registry

    screening_date = parse_today(today)
    interactive = sys.stdin.isatty() and output_format is not DeskFormat.JSONL
    chosen = output_format or (DeskFormat.TABLE if interactive else DeskFormat.JSONL)
    who = desk_config(home_dir() / "desk.toml", officer=officer, post=post)
    context = TripContext(departure_date=screening_date)
    for name, value in (("destination", destination), ("flight", flight), ("port", port)):
        if value is not None:
            try:
                context = changed(context, name, value, today=screening_date)
            except DeskProblem as problem:
                raise UsageError(text(problem.key, **problem.params)) from None
    if departure_date is not None:
        try:
            context = changed(context, "departure_date", departure_date, today=screening_date)
        except DeskProblem as problem:
            raise UsageError(text(problem.key, **problem.params)) from None

    started = time.perf_counter()
    with terminal_progress(quiet=quiet, verbose=verbose) as progress:  # an export given with --registry
        store = open_registry(registry, registry_store_dir(), today=screening_date, progress=progress)
    office = at is ControlPoint.PASSPORT_OFFICE
    book = None
    if office:
        from checkpoint.applications import application_pack_path
        from checkpoint.registry.recommendations import open_recommendations

        if registry is None or registry.is_dir():  # the store's recommendations, beside its records
            book = open_recommendations(registry or registry_store_dir())
    pack = load_pack(rules or (application_pack_path() if office else default_pack_path()))
    desk = Desk(
        store,
        pack,
        audit_log=audit_log or default_audit_log(),
        officer=pipeline.Officer(who.officer, who.post),
        today=screening_date,
        counters=home_dir() / "desk",
        context=context,
        on_wait=_waiting,
        at=at.value,
        recommendations=book,
    )
    session = _Session(desk, interactive=interactive, jsonl=chosen is DeskFormat.JSONL)
    session.start(time.perf_counter() - started)
    aged = pipeline.registry_age_warning(store, pack, screening_date)
    if aged is not None:
        typer.echo(aged, err=True)
    session.run(sys.stdin)


def _waiting(seconds: float) -> None:
    typer.echo(text("desk.waiting_for_log", seconds=seconds), err=True)


class _Session:
    """The read-screen-show-decide loop around a `Desk`."""

    def __init__(self, desk: Desk, *, interactive: bool, jsonl: bool) -> None:
        from rich.console import Console

        self.desk = desk
        self.interactive = interactive
        self.jsonl = jsonl
        # Panels and prompts go to the officer's screen; in JSON Lines mode stdout is the program's, so what
        # people read goes to stderr.
        self.screen: Console = Console(
            file=sys.stderr if jsonl else sys.stdout, markup=False, emoji=False, highlight=False
        )
        self.awaiting_decision = False

    def start(self, seconds: float) -> None:
        """Say what the desk screens against, for whom, and how to use it."""
        desk = self.desk
        self.screen.print(
            text(
                "desk.ready",
                records=desk.registry.size,
                snapshot=desk.registry.info.snapshot_id,
                pack=f"{desk.pack.name} {desk.pack.version}",
                seconds=seconds,
            )
        )
        for note in desk.registry.notes:
            self.screen.print(f"! {note}", style="yellow")
        self._show_context()
        if self.interactive:
            self.screen.print(text(self._key("help")), style="dim")

    def run(self, lines: TextIO) -> None:
        """Read until `exit`, end of input or Ctrl-C, then say what the session did."""
        from checkpoint.desk.reader import End, LineReader

        reader = LineReader()
        try:
            while True:
                line = self._read(lines, reader.waiting_for_second_line)
                if line is None:
                    break
                if self.awaiting_decision and self._decision(line):
                    continue
                event = reader.read(line)
                if event is None:
                    continue
                if isinstance(event, End):
                    break
                self._handle(event)
        except KeyboardInterrupt:
            self.screen.print()
        self.screen.print(
            text(
                self._key("ended"),
                screened=self.desk.screened,
                decided=self.desk.decided,
                log=str(self.desk.audit_log),
            )
        )

    def _read(self, lines: TextIO, second_line: bool) -> str | None:
        if self.interactive:
            prompt = "desk.prompt.decision" if self.awaiting_decision else self._key("prompt.next")
            if second_line:
                prompt = "desk.prompt.second_line"
            self.screen.print(text(prompt), style="bold", end="")
            try:
                return input(" ")
            except EOFError:
                self.screen.print()
                return None
        line = lines.readline()
        return line if line else None

    def _handle(self, event: object) -> None:
        from checkpoint.desk.problems import DeskProblem
        from checkpoint.desk.reader import Command, MrzLines, Problem, Typed

        try:
            if isinstance(event, MrzLines):
                for key, params in event.notes:
                    self._say(text(key, **params), style="dim")
                self._show(self.desk.screen_mrz(event))
            elif isinstance(event, Typed):
                self._show(self.desk.screen_typed(event.cells))
            elif isinstance(event, Command):
                self._command(event.word, event.argument)
            elif isinstance(event, Problem):
                self._say(text(event.key, **event.params), style="yellow")
        except DeskProblem as problem:
            self._say(text(problem.key, **problem.params), style="yellow")

    def _command(self, word: str, argument: str) -> None:
        from checkpoint.desk.context import changed, context_field

        name = context_field(word)
        if name is not None:
            self.desk.context = changed(self.desk.context, name, argument, today=self.desk.today)
            self._show_context()
        elif word in ("konteks", "context"):
            self._show_context()
        elif word in ("keputusan", "decide", "decision"):
            if not self._decision(argument, command=True):
                self._say(text("desk.decision.unknown", answer=argument[:20]), style="yellow")
        elif word in ("bantuan", "help"):
            self.screen.print(text(self._key("help")))
        else:
            self._say(text("desk.command.unknown", word=word[:20]), style="yellow")

    def _decision(self, line: str, *, command: bool = False) -> bool:
        """Record a decision if `line` is one (`1`, `3 dokumen_lengkap catatan…`); False if it is not, so the
        line is read as the next traveller, command or field (the decision is then skipped, and said so)."""
        from checkpoint.desk.session import decision_of

        words = line.split()
        if not command:
            self.awaiting_decision = False
        if not words:
            if not command:
                self._say(text("desk.decision.skipped"), style="dim")
            return not command
        decision = decision_of(words[0])
        if decision is None:
            if not command and "=" not in line:  # fields typed now complete the traveller: no decision yet
                self._say(text("desk.decision.skipped"), style="dim")
            return False
        if self.desk.last is None:
            self._say(text("desk.decision.nobody"), style="yellow")
            return True
        reason, note = _reason_and_note(words[1:])
        seq = self.desk.decide(decision, reason=reason, note=note)
        self._say(text("desk.decision.recorded", decision=text(f"desk.decision.name.{decision}"), seq=seq))
        return True

    def _show(self, screened: Screened) -> None:
        """The traveller's panel (or SPEC §5 object); on a terminal the desk then waits for the decision."""
        if self.jsonl:
            from checkpoint.report import result_to_dict
            from checkpoint.report.jsonfmt import dumps_line

            sys.stdout.write(dumps_line(result_to_dict(screened.result)))
            sys.stdout.flush()
            return
        from checkpoint.report.panel import desk_panel

        width = min(self.screen.width, 110)
        panel = desk_panel(
            screened.result, today=self.desk.today, width=width, logged=screened.entry, subject=self.desk.subject
        )
        self.screen.print(panel)
        for note in screened.notes:
            self.screen.print(f"! {note}", style="yellow")
        if self.interactive:
            self.awaiting_decision = True

    def _show_context(self) -> None:
        context = self.desk.context
        self.screen.print(
            text(
                self._key("context.now"),  # the passport office has no flight, port or destination per session
                destination=context.destination or "—",
                flight=context.flight or "—",
                port=context.port or "—",
                date=(context.departure_date or self.desk.today).isoformat(),
                officer=self.desk.officer.officer or "—",
                post=self.desk.officer.post or "—",
            ),
            style="cyan",
        )

    def _key(self, name: str) -> str:
        """The catalog key of a desk text, the passport office's own where it has one (`desk.office.*`)."""
        from checkpoint.desk.session import PASSPORT_OFFICE

        return f"desk.office.{name}" if self.desk.at == PASSPORT_OFFICE else f"desk.{name}"

    def _say(self, sentence: str, style: str = "") -> None:
        self.screen.print(sentence, style=style)


def _reason_and_note(words: list[str]) -> tuple[str | None, str | None]:
    """The reason code (a code, or its number in the list the desk shows) and the note after it, from the words
    typed after a decision; words that name no reason are all the note."""
    from checkpoint.audit.decisions import reason_codes

    if not words:
        return None, None
    codes = reason_codes()
    first = words[0].lower()
    reason = first if first in codes else None
    if first.isdigit() and 1 <= int(first) <= len(codes):
        reason = codes[int(first) - 1]
    rest = words[1:] if reason is not None else words
    return reason, " ".join(rest) or None


def register(app: typer.Typer) -> None:
    """Add `desk` to the root command."""
    app.command("desk", help=help_text("desk.command_help", example=EXAMPLE))(desk_command)
