"""The panel an officer reads in two seconds: the verdict, the traveller beside the registered record, the
near misses, the reasons, what to ask, and what could not be checked — in the officer's language.

Everything shown is the result's own (SPEC §5), with the matched and candidate records' registry fields the
matcher fetched; nothing here looks anything up. A CLEAR reached while checks were undecided is never shown bare:
the headline says how many checks could not be made and which data they lacked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checkpoint.engine.labels import could_be_note
from checkpoint.engine.labels import field_label as fact_label
from checkpoint.i18n import text
from checkpoint.i18n.language import has_text
from checkpoint.models import Candidate, Hit, ScreeningResult, Subject, Traveller, Verdict
from checkpoint.report.record_fields import coded_in_words, record_lines
from checkpoint.report.records import result_warnings
from checkpoint.report.subject import subject_text
from checkpoint.report.table import VERDICT_MEANINGS, hits_by_severity, verdict_badge
from checkpoint.report.terminal import displayable

_DIM = "dim"
_BORDERS = {Verdict.HOLD: "red", Verdict.REFER: "yellow", Verdict.CLEAR: "green"}
_AGREES, _DIFFERS, _UNKNOWN = "✓", "✗", "–"
#: The record fields shown below the comparison: what the officer needs to judge the placement.
_RECORD_DETAILS = ("status", "scheme", "agency", "sector", "job_title", "planned_departure", "departure_port")


def desk_panel(
    result: ScreeningResult,
    *,
    today: date,
    width: int | None = None,
    logged: int | None = None,
    subject: Subject = Subject.TRAVELLER,
) -> Panel:
    """The whole panel for one traveller screened on `today`; `logged`: its audit entry, shown in the footer;
    `subject`: an applicant at the passport office is named so, and what the verdict asks is said for a passport."""
    parts: list[RenderableType] = [headline(result, subject), Text("")]
    match, candidates = result.outcome.match, result.outcome.candidates
    if match is not None and result.outcome.record is not None:
        record = result.outcome.record
        comparing = comparison(result.traveller, record, match.fields, match.confidence, subject)
        parts += [comparing, _details(record, today), Text("")]
    else:
        no_match = Text(subject_text("panel.no_match", subject), style="bold")
        parts += [no_match, _traveller_line(result.traveller), Text("")]
    if candidates:
        parts.append(Text(text("panel.near_misses", count=len(candidates)), style="bold yellow"))
        parts += [_near_miss(result.traveller, candidate, today) for candidate in candidates]
        parts.append(Text(""))
    parts += _reasons(result.hits)
    parts += _questions(result.hits, subject)
    parts += _unchecked(result)
    parts += _warnings(result)
    footer = text("panel.footer", pax_id=displayable(result.pax_id), risk=result.risk_score)
    if logged is not None:
        footer += " · " + text("panel.logged", seq=logged)
    return Panel(
        Group(*parts),
        title=Text(f" {displayable(result.pax_id)} "),
        title_align="left",
        subtitle=Text(footer, style=_DIM),
        subtitle_align="right",
        box=box.HEAVY,
        border_style=_BORDERS[Verdict(result.verdict)],
        width=width,
        padding=(0, 1),
    )


def headline(result: ScreeningResult, subject: Subject = Subject.TRAVELLER) -> Text:
    """The verdict big and in colour, what it asks of the officer, and the checks that could not be made: what
    the verdict could become without the data they lacked (SPEC §5 `could_be`), or how many were left open."""
    verdict = Verdict(result.verdict)
    line = Text.assemble(verdict_badge(verdict), "  ", (subject_text(VERDICT_MEANINGS[verdict], subject), "bold"))
    if result.could_be is not None and result.could_be.rank > verdict.rank:
        line.append("\n")
        line.append(could_be_note(result.could_be, result.unknown), style="bold yellow")
    elif result.unknown:
        line.append("\n")
        missing = ", ".join(missing_fields(result))
        line.append(text("panel.unchecked_headline", count=len(result.unknown), fields=missing), style="bold yellow")
    return line


def missing_fields(result: ScreeningResult) -> list[str]:
    """The data the undecided checks lacked, named in the officer's language, each once."""
    names = dict.fromkeys(field for unknown in result.unknown for field in unknown.missing)
    return [fact_label(name) for name in names]


def field_label(name: str) -> str:
    """A traveller field's name as people read it (the catalog's `field.*`)."""
    return text(f"field.{name}")


def comparison(
    traveller: Traveller,
    record: Mapping[str, object],
    fields: Mapping[str, float | str],
    confidence: float,
    subject: Subject = Subject.TRAVELLER,
) -> Table:
    """The traveller beside the registered record, field by field, with what agrees and what differs."""
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False, expand=False)
    table.add_column("")
    table.add_column(subject_text("panel.side", subject), overflow="fold")
    table.add_column(text("panel.record", confidence=f"{confidence:.2f}"), overflow="fold")
    table.add_column("", no_wrap=True)
    for name, ours, theirs, outcome in _compared(traveller, record, fields):
        table.add_row(Text(field_label(name), style=_DIM), ours, theirs, _mark(outcome))
    return table


def _details(record: Mapping[str, object], today: date) -> Text:
    """What the registry says of the placement, on a line or two: status, scheme, agency, job, departure."""
    shown = Text()
    for line in record_lines(record, today=today, fields=_RECORD_DETAILS):
        if line.recorded:
            if shown:
                shown.append(" · ", style=_DIM)
            shown.append(f"{line.label} ", style=_DIM)
            shown.append(line.value)
    return shown


def _compared(
    traveller: Traveller, record: Mapping[str, object], fields: Mapping[str, float | str]
) -> list[tuple[str, str, str, str]]:
    """(field, traveller's value, record's value, outcome) for the fields both sides have."""
    name_outcome = fields.get("name")
    name_mark = "agree" if isinstance(name_outcome, float) and name_outcome >= 0.95 else "close"
    if isinstance(name_outcome, float) and name_outcome < 0.85:
        name_mark = "differ"
    destination = traveller.destination
    placed = record.get("destination_country")
    rows = [
        ("full_name", _value(traveller.full_name), _value(record.get("full_name")), name_mark),
        (
            "date_of_birth",
            _value(traveller.date_of_birth),
            _value(record.get("date_of_birth")),
            str(fields.get("date_of_birth", "missing")),
        ),
        ("sex", _sex(traveller.sex), _sex(record.get("sex")), str(fields.get("sex", "missing"))),
        (
            "passport_number",
            _value(traveller.passport_number),
            _value(record.get("passport_number")),
            str(fields.get("passport_number", "missing")),
        ),
        ("nik", _value(traveller.nik), _value(record.get("nik")), str(fields.get("nik", "missing"))),
        (
            "destination",
            _value(destination),
            _value(placed),
            "missing" if not destination or not placed else ("agree" if destination == placed else "differ"),
        ),
    ]
    return rows


def _mark(outcome: str) -> Text:
    """A field outcome as a mark and a word: ✓ agrees, ✗ differs (and how), – could not be compared."""
    if outcome in ("agree", "exact"):
        return Text(_AGREES, style="green")
    if outcome == "missing":
        return Text(_UNKNOWN, style=_DIM)
    key = f"panel.outcome.{outcome}"
    word = text(key) if has_text(key) else outcome
    style = "yellow" if outcome in ("close", "ocr", "swapped", "one_digit") else "bold red"
    return Text(f"{_DIFFERS} {word}" if style == "bold red" else f"≈ {word}", style=style)


def _traveller_line(traveller: Traveller) -> Text:
    """The traveller's identifying fields on one line, when there is no record to set them beside."""
    shown = Text()
    for name in ("full_name", "date_of_birth", "sex", "passport_number", "nik", "destination"):
        value = getattr(traveller, name)
        if value not in (None, ""):
            if shown:
                shown.append(" · ", style=_DIM)
            shown.append(f"{field_label(name)} ", style=_DIM)
            shown.append(_sex(value) if name == "sex" else _value(value))
    return shown


def _near_miss(traveller: Traveller, candidate: Candidate, today: date) -> Text:
    """A record that might be the traveller on two lines: who is registered, and what differs from the passport —
    a registered worker whose passport was renewed is recognisable at a glance."""
    record = candidate.record or {}
    line = Text.assemble(
        ("• ", "yellow"),
        (displayable(candidate.record_id), "bold"),
        (f" ({candidate.confidence:.2f}) ", _DIM),
    )
    shown = ("full_name", "date_of_birth", "sex", "status", "destination_country", "agency")
    line.append(" · ".join(item.value for item in record_lines(record, today=today, fields=shown) if item.recorded))
    differences = [
        f"{field_label(name)} {theirs}"
        for name, _, theirs, outcome in _compared(traveller, record, candidate.fields)
        if outcome not in ("agree", "exact", "missing")
    ]
    if differences:
        line.append("\n  ")
        line.append(text("panel.differs", fields="; ".join(differences)), style="yellow")
    return line


def _reasons(hits: Sequence[Hit]) -> list[RenderableType]:
    if not hits:
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for hit in hits_by_severity(hits):
        line = Text.assemble((displayable(hit.rule), "bold"), " ", displayable(hit.title))
        if hit.explanation:
            line.append(f" — {displayable(hit.explanation)}")
        grid.add_row(Text("•"), line)
    return [Text(text("panel.reasons"), style="bold"), grid, Text("")]


def _questions(hits: Sequence[Hit], subject: Subject) -> list[RenderableType]:
    """What to ask, each question once, from the most serious rule first."""
    questions = list(dict.fromkeys(question for hit in hits_by_severity(hits) for question in hit.ask))
    if not questions:
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for number, question in enumerate(questions, start=1):
        grid.add_row(Text(f"{number}.", style="bold"), Text(displayable(question)))
    return [Text(subject_text("panel.questions", subject), style="bold cyan"), grid, Text("")]


def _unchecked(result: ScreeningResult) -> list[RenderableType]:
    """The checks that could not be made, and the data each lacked."""
    if not result.unknown:
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for unknown in result.unknown:
        lacking = ", ".join(fact_label(name) for name in unknown.missing)
        grid.add_row(Text("?", style="yellow"), Text(text("panel.unchecked_rule", rule=unknown.rule, fields=lacking)))
    return [Text(text("panel.unchecked"), style="bold yellow"), grid, Text("")]


def _warnings(result: ScreeningResult) -> list[RenderableType]:
    warnings = result_warnings(result)
    if not warnings:
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for warning in warnings:
        grid.add_row(Text("!", style="yellow"), Text(displayable(warning), style=_DIM))
    return [Text(text("panel.data_notes"), style="bold"), grid]


def _sex(value: object) -> str:
    """M or F in the run's words (*laki-laki*, *perempuan*): officers do not read the MRZ's letters as words."""
    return coded_in_words("sex", value) or _value(value)


def _value(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return text("panel.yes") if value else text("panel.no")
    if isinstance(value, date):
        return value.isoformat()
    return displayable(value)
