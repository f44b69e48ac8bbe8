"""The officer's view: a colour-coded table of the travellers needing action and the batch's summary, or a
compact panel for one traveller at the desk.

The table lists hold, then refer, highest risk first, then says how many are clear (`--all` lists them too);
machine formats keep manifest order (SPEC §5).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checkpoint.i18n import text
from checkpoint.models import Hit, ScreeningResult, Subject, Verdict
from checkpoint.report.interface import Batch, as_batch
from checkpoint.report.records import result_warnings
from checkpoint.report.subject import document_number, subject_text
from checkpoint.report.summary import action_order, summarise, summary_sections
from checkpoint.report.terminal import displayable

#: Colour carries the verdict at a glance; the upper-case word carries it without colour (NO_COLOR, print).
VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.HOLD: "bold white on red",
    Verdict.REFER: "black on yellow",
    Verdict.CLEAR: "green",
}

#: The verdict's word on the badge, and what it asks of the officer (SPEC §2): catalog keys.
VERDICT_NAMES = {
    Verdict.HOLD: "verdict.name.hold",
    Verdict.REFER: "verdict.name.refer",
    Verdict.CLEAR: "verdict.name.clear",
}
VERDICT_MEANINGS = {
    Verdict.HOLD: "verdict.meaning.hold",
    Verdict.REFER: "verdict.meaning.refer",
    Verdict.CLEAR: "verdict.meaning.clear",
}  # each a pair: a departure postponed at the border, a passport's issue at the passport office

# Most severe first; a severity a rule pack invents sorts after the known ones, then by score.
_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}

#: Width used when the table goes to a file or a pipe: fits an 80-column terminal and a printed page.
PLAIN_WIDTH = 80

_PANEL_MAX_WIDTH = 100
#: Wide enough for a pax id's line ("pax 0036"), and for an application's ("permohonan KANIM-20261128-0036").
_WHO_MAX_WIDTH = {Subject.TRAVELLER: 26, Subject.APPLICANT: 30}
_DIM = "dim"
#: Only measures text for wrapping (cell widths, fold rules); never prints.
_MEASURING = Console(file=io.StringIO(), markup=False, emoji=False, highlight=False, width=PLAIN_WIDTH)


def shows_summary(batch: Batch) -> bool:
    """Whether the table of `batch` ends with the summary (its notes included): not for one traveller, whose
    panel is shown instead."""
    return len(batch.results) != 1


class TableWriter:
    """Writes results for people: a table for a manifest, a panel for a single traveller."""

    def __init__(self, plain_width: int = PLAIN_WIDTH) -> None:
        """`plain_width` is the line width used when the stream is not a terminal."""
        self.plain_width = plain_width

    def write(self, batch: Batch | Sequence[ScreeningResult], stream: TextIO) -> None:
        """Render onto `stream`: coloured on a terminal, plain text at a fixed width anywhere else."""
        self.render(batch, self._console_for(stream))

    def render(self, batch: Batch | Sequence[ScreeningResult], console: Console) -> None:
        """Render onto a console the caller configured (colour, width): one traveller as a panel; a batch as
        the travellers needing action, the count of the clear ones (or them too, `list_clear`), the summary."""
        batch = as_batch(batch)
        results = batch.results
        if not shows_summary(batch):
            console.print(result_panel(results[0], width=min(console.width, _PANEL_MAX_WIDTH), subject=batch.subject))
            return
        summary = summarise(batch)
        clear = summary.clear if batch.list_clear else summary.clear_noted
        shown = [*summary.needing_action, *action_order(clear)]
        if shown:
            console.print(manifest_table(shown, batch.subject))
        if summary.clear_quiet and not batch.list_clear:
            quiet = subject_text("report.clear_not_listed", batch.subject, count=len(summary.clear_quiet))
            console.print(Text(quiet, style=_DIM))
        console.print(verdict_summary(results, batch.subject))
        for heading, lines in summary_sections(summary):
            console.print()
            console.print(Text(heading, style="bold"))
            for line in lines:
                console.print(_bulleted(displayable(line), console.width))

    def _console_for(self, stream: TextIO) -> Console:
        # markup/emoji off: a name like "[red]" or ":flag:" is data, not formatting.
        if _is_terminal(stream):
            # rich honours NO_COLOR, FORCE_COLOR, COLUMNS and the terminal's width.
            return Console(file=stream, markup=False, emoji=False, highlight=False)
        # A file or pipe: never ANSI codes (whatever FORCE_COLOR says), and a width that does not
        # depend on the terminal the command happened to be started from.
        return Console(
            file=stream,
            markup=False,
            emoji=False,
            highlight=False,
            force_terminal=False,
            no_color=True,
            color_system=None,
            width=self.plain_width,
        )


def manifest_table(results: Sequence[ScreeningResult], subject: Subject = Subject.TRAVELLER) -> Table:
    """One row per traveller, in the order given: verdict and risk; pax id, name, passport, registry; reasons.
    Applicants (`subject`) show the application's id and the NIK instead."""
    # Three columns: on an 80-column terminal the reasons keep about half the width and wrap, never truncate.
    table = Table(box=box.SQUARE, show_lines=True, padding=(0, 1))
    table.add_column(text("report.column.verdict"), no_wrap=True)
    table.add_column(subject_text("report.column", subject), overflow="fold", max_width=_WHO_MAX_WIDTH[subject])
    table.add_column(text("report.column.reasons"), overflow="fold")
    for result in results:
        risk = text("report.risk", score=result.risk_score)
        verdict = Text.assemble(verdict_badge(result.verdict), "\n", (risk, _DIM))
        who = Text("\n").join(
            [
                Text(subject_text("report.pax", subject, pax_id=displayable(result.pax_id)), style="bold"),
                *_traveller_lines(result, subject),
                _registry_text(result, long=False),
            ]
        )
        table.add_row(verdict, who, _reasons(result))
    return table


def result_panel(result: ScreeningResult, width: int | None = None, subject: Subject = Subject.TRAVELLER) -> Panel:
    """The desk view of one traveller (or applicant): a big verdict line, who it is, the registry, and reasons as
    bullets."""
    verdict = Verdict(result.verdict)
    meaning = subject_text(VERDICT_MEANINGS[verdict], subject)
    headline = Text.assemble(verdict_badge(verdict), "  ", (meaning, "bold"))
    identity = Text(" · ").join(_traveller_lines(result, subject))
    record = Text.assemble((text("report.record"), _DIM), _registry_text(result, long=True))
    score = Text.assemble((text("report.risk_score"), _DIM), str(result.risk_score))
    parts: list[RenderableType] = [headline, Text(""), identity, record, score, Text("")]
    parts.append(_reasons(result))
    title = Text(subject_text("report.pax", subject, pax_id=displayable(result.pax_id)))
    return Panel(Group(*parts), title=title, title_align="left", box=box.ROUNDED, width=width, padding=(0, 1))


def verdict_badge(verdict: Verdict) -> Text:
    """The verdict as an upper-case word on its colour, padded so the colour reads as a badge."""
    verdict = Verdict(verdict)
    return Text(f" {text(VERDICT_NAMES[verdict])} ", style=VERDICT_STYLES[verdict])


def verdict_summary(results: Sequence[ScreeningResult], subject: Subject = Subject.TRAVELLER) -> Text:
    """One line under the table: how many travellers (or applications), and how many of each verdict (gravest
    first)."""
    counts = Counter(Verdict(result.verdict) for result in results)
    listed = Text()
    ordered = sorted(Verdict, key=lambda verdict: verdict.rank, reverse=True)
    for index, verdict in enumerate(ordered):
        if index:
            listed.append(", ")
        count = f"{text(VERDICT_NAMES[verdict]).lower()} {counts[verdict]}"
        listed.append(count, style=VERDICT_STYLES[verdict] if counts[verdict] else "")
    # The counts keep their colours wherever the language puts them in the sentence.
    before, _, after = subject_text("report.summary", subject, count=len(results), verdicts="\0").partition("\0")
    return Text.assemble(before, listed, after)


def hits_by_severity(hits: Iterable[Hit]) -> list[Hit]:
    """Hits most severe first (severity, then score); ties keep the engine's order."""
    return sorted(hits, key=lambda hit: (-_SEVERITY_RANK.get(hit.severity.lower(), -1), -hit.score))


def _traveller_lines(result: ScreeningResult, subject: Subject) -> list[Text]:
    traveller = result.traveller
    name = Text(displayable(traveller.full_name)) if traveller.full_name else Text(text("report.no_name"), style=_DIM)
    number = document_number(traveller, subject)
    if number:
        document = Text(subject_text("report.document", subject, number=displayable(number)))
    else:
        document = Text(subject_text("report.no_document", subject), style=_DIM)
    return [name, document]


def _registry_text(result: ScreeningResult, *, long: bool) -> Text:
    outcome = result.outcome
    if outcome.match is not None:
        match = outcome.match
        detail = f"{match.confidence:.2f}, {match.method}" if long else f"{match.confidence:.2f}"
        shown = Text.assemble((displayable(match.record_id), "bold"), f" ({displayable(detail)})")
        doubts = match_doubts(match.fields)
        if doubts:  # what the officer should look at before trusting the match
            shown.append(("; " if long else "\n") + ", ".join(doubts), style=_DIM)
    else:
        shown = Text(text("report.not_in_registry"))
    if outcome.candidates and long:
        listed = ", ".join(f"{c.record_id} ({c.confidence:.2f})" for c in outcome.candidates)
        shown.append(text("report.near_misses", listed=displayable(listed)), style=_DIM)
    elif outcome.candidates:
        shown.append("\n" + text("report.candidates", count=len(outcome.candidates)), style=_DIM)
    return shown


#: A claimed record's field outcomes (SPEC §5 `match.fields`) that an officer should see beside it: catalog keys.
_DOUBTS = {
    ("date_of_birth", "one_digit"): "report.doubt.birth_one_digit",
    ("date_of_birth", "swapped"): "report.doubt.birth_swapped",
    ("date_of_birth", "missing"): "report.doubt.birth_missing",
    ("passport_number", "different"): "report.doubt.passport_different",
    ("passport_number", "ocr"): "report.doubt.passport_ocr",
    ("sex", "disagree"): "report.doubt.sex_disagree",
}
_NAME_DOUBT = 0.95  # a name less alike than this is shown with its score


def match_doubts(fields: Mapping[str, object]) -> list[str]:
    """What did not agree between the traveller and the claimed record, in words (empty when all did)."""
    doubts = [text(key) for (field, outcome), key in _DOUBTS.items() if fields.get(field) == outcome]
    name = fields.get("name")
    if isinstance(name, float) and name < _NAME_DOUBT:
        doubts.insert(0, text("report.doubt.name", score=f"{name:.2f}"))
    return doubts


def _reasons(result: ScreeningResult) -> RenderableType:
    # A two-column grid gives each reason a hanging indent when it wraps; nothing is truncated.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for hit in hits_by_severity(result.hits):
        line = Text.assemble((displayable(hit.rule), "bold"), " ", displayable(hit.title))
        if hit.explanation:
            line.append(f" — {displayable(hit.explanation)}")
        grid.add_row(Text("•"), line)
    for unknown in result.unknown:
        missing = ", ".join(unknown.missing)
        said = text("report.not_decided", rule=displayable(unknown.rule), missing=displayable(missing))
        line = Text(said, style=_DIM)
        grid.add_row(Text("?", style=_DIM), line)
    for warning in result_warnings(result):
        grid.add_row(Text("!", style=_DIM), Text(displayable(warning), style=_DIM))
    if not grid.rows:
        return Text(text("report.no_findings"), style=_DIM)
    return grid


def _bulleted(line: str, width: int) -> Text:
    # A hanging indent: a long line (a group's members, a note) wraps under its own text, not under the bullet;
    # wrapped by hand, so that no line of a saved table ends in padding.
    wrapped = Text(line).wrap(_MEASURING, max(width - 2, 10))
    bulleted = Text()
    for index, part in enumerate(wrapped):
        bulleted.append(("\n  " if index else "• ") + part.plain.rstrip())
    return bulleted


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or already closed
        return False
