"""The HTML report for supervisors: one self-contained file (inline CSS, inline SVG charts, no script, no font or
image fetched) to read and forward, in the run's language.

The summary, the data-quality notes and the charts first, then the flagged groups with their members, the
worklist for the counter, the travellers needing action with their reasons, matched record and near misses, the
rules hit with the questions to ask (once per rule), and last the clear travellers (listed up to
`CLEAR_LISTED`, counted beyond: the file must stay readable). Every value goes through `html.escape` after
`displayable`: names in a manifest are hostile input.

Written with the standard library's string formatting: the page is a dozen fixed blocks, which a template engine
would not make clearer, and it keeps the tool without another dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import TextIO

from checkpoint import __version__
from checkpoint.i18n import current_language, number, text
from checkpoint.models import ScreeningResult, Subject, Verdict
from checkpoint.report.charts import Bar, Segment, bar_chart
from checkpoint.report.interface import Batch, as_batch
from checkpoint.report.page import page_style
from checkpoint.report.record_fields import record_lines
from checkpoint.report.records import result_warnings
from checkpoint.report.subject import document_number, subject_text
from checkpoint.report.summary import (
    VERDICTS_GRAVEST_FIRST,
    FlaggedGroup,
    PlaceCount,
    Summary,
    group_name,
    summarise,
    verdict_name,
    worklist_line,
)
from checkpoint.report.table import hits_by_severity, match_doubts
from checkpoint.report.terminal import displayable

#: Clear travellers listed one by one up to this many (unless `--all`); beyond, a sentence counts them.
CLEAR_LISTED = 1000
_CHART_BARS = 10
_CHUNK = 200  # travellers per table: the unit the browser may skip painting while off screen
_RECORD_SHOWN = ("status", "scheme", "agency", "destination_country", "planned_departure")

_STYLE = page_style(
    """
h3{font-size:16px;margin:18px 0 6px}
.legend{margin:2px 0 0 290px}
svg.chart .hold{fill:var(--hold)}svg.chart .refer{fill:var(--refer)}svg.chart .clear{fill:var(--clear)}
svg.chart .rule{fill:#3f5f8f}
table.people{table-layout:fixed;margin:0}col.c1{width:92px}col.c2{width:24%}col.c3{width:24%}
.chunk{content-visibility:auto;contain-intrinsic-size:auto 24000px}table.members{width:auto;min-width:60%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
tr.hold td:first-child{border-left:6px solid var(--hold)}tr.refer td:first-child{border-left:6px solid var(--refer)}
tr.clear td:first-child{border-left:6px solid var(--clear)}
.badge{display:inline-block;padding:1px 8px;border-radius:4px;font-weight:700;font-size:13px;letter-spacing:.03em}
.badge.hold{background:var(--hold);color:#fff}.badge.refer{background:var(--refer);color:#000}
.badge.clear{background:var(--clear);color:#fff}
.small{font-size:13px}.name{font-weight:600}
ul.reasons{margin:0;padding-left:18px}ul.reasons li{margin-bottom:4px}
.rule-id{font-weight:700}.ask{color:var(--muted);font-size:13px}
.doubt{color:#8a4b00;font-size:13px}
"""
)


def _e(value: object) -> str:
    """Safe to place in HTML text or an attribute: escaped, with control and bidi characters neutralised."""
    return escape(displayable(value), quote=True)


class HtmlWriter:
    """One self-contained HTML page per batch; clear travellers listed up to `clear_listed` (unless --all)."""

    def __init__(self, clear_listed: int = CLEAR_LISTED) -> None:
        self.clear_listed = clear_listed

    def write(self, batch: Batch | Sequence[ScreeningResult], stream: TextIO) -> None:
        """Write the whole page to `stream`."""
        stream.write(render_html(as_batch(batch), clear_listed=self.clear_listed))


def render_html(batch: Batch, *, clear_listed: int = CLEAR_LISTED) -> str:
    """The report as one HTML document."""
    summary = summarise(batch)
    today = batch.screening_date or date.today()
    title = subject_text("report.html.title", batch.subject)
    parts: list[str] = [
        f'<!DOCTYPE html>\n<html lang="{current_language().value}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n",
        _header(batch),
        _cards(summary),
        _notes(summary),  # first: whether the data can be trusted colours everything below
        _charts(summary),
        _groups(summary.groups, summary.subject),
        _worklist(summary),
        _action(summary, today),
        _rules(summary),  # the reference: each rule once, with the questions to ask
        _clear(summary, batch, today, clear_listed),
        f"<footer>{_e(text('report.html.footer', version=__version__))}</footer>\n</main>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _header(batch: Batch) -> str:
    unknown = text("report.html.unknown")
    pack = f"{batch.pack_name}@{batch.pack_version}" if batch.pack_name else unknown
    context = text(
        "report.html.context",
        date=batch.screening_date.isoformat() if batch.screening_date else unknown,
        pack=pack,
        snapshot=batch.registry_snapshot or unknown,
    )
    title = subject_text("report.html.title", batch.subject)
    return f'<header><h1>{_e(title)}</h1><p class="context">{_e(context)}</p></header>\n'


def _cards(summary: Summary) -> str:
    cards = [
        f'<div class="card {verdict.value}"><span class="n">{number(summary.counts[verdict])}</span>'
        f"{_e(verdict_name(verdict))}</div>"
        for verdict in VERDICTS_GRAVEST_FIRST
    ]
    line = subject_text("report.summary", summary.subject, count=summary.total, verdicts=_counts_words(summary))
    return (
        f"<section><h2>{_e(text('report.html.section.summary'))}</h2>"
        f'<div class="cards">{"".join(cards)}</div><p>{_e(line)}</p></section>\n'
    )


def _counts_words(summary: Summary) -> str:
    return ", ".join(f"{verdict_name(verdict).lower()} {summary.counts[verdict]}" for verdict in VERDICTS_GRAVEST_FIRST)


def _by_verdict(place: PlaceCount) -> tuple[Segment, ...]:
    return tuple(
        Segment(place.verdicts[verdict], verdict.value, verdict_name(verdict)) for verdict in VERDICTS_GRAVEST_FIRST
    )


def _charts(summary: Summary) -> str:
    figures = []
    verdicts = [
        Bar(verdict_name(verdict), (Segment(summary.counts[verdict], verdict.value, verdict_name(verdict)),))
        for verdict in VERDICTS_GRAVEST_FIRST
    ]
    figures.append((text("report.html.chart.verdicts"), bar_chart(text("report.html.chart.verdicts"), verdicts)))
    if summary.rules:
        title = subject_text("report.html.chart.rules", summary.subject)
        bars = [
            Bar(f"{rule.rule} {rule.title}", (Segment(rule.travellers, "rule", rule.rule),))
            for rule in summary.rules[:_CHART_BARS]
        ]
        figures.append((title, bar_chart(title, bars)))
    # One destination says little (a single flight): then the ports, if they vary; else the destinations.
    places, key = summary.destinations, "report.html.chart.destinations"
    if len(places) < 2 and len(summary.ports) >= 2:
        places, key = summary.ports, "report.html.chart.ports"
    if places:
        title = subject_text(key, summary.subject)
        chart = bar_chart(title, [Bar(p.place, _by_verdict(p)) for p in places[:_CHART_BARS]])
        figures.append((title, chart + _legend()))
    body = "".join(f"<figure><figcaption>{_e(caption)}</figcaption>{svg}</figure>" for caption, svg in figures)
    return f'<section><h2>{_e(text("report.html.section.charts"))}</h2><div class="charts">{body}</div></section>\n'


def _legend() -> str:
    # The stacked bars' colours, named: the same badges as in the tables.
    return f'<div class="legend">{" ".join(_badge(verdict) for verdict in VERDICTS_GRAVEST_FIRST)}</div>'


def _badge(verdict: Verdict | str) -> str:
    value = Verdict(verdict).value
    return f'<span class="badge {value}">{_e(verdict_name(value))}</span>'


def _who(result: ScreeningResult, subject: Subject) -> str:
    traveller = result.traveller
    lines = [f'<span class="muted small">{_e(subject_text("report.pax", subject, pax_id=result.pax_id))}</span>']
    if traveller.full_name:
        lines.append(f'<span class="name">{_e(traveller.full_name)}</span>')
    else:
        lines.append(f'<span class="muted">{_e(text("report.no_name"))}</span>')
    number = document_number(traveller, subject)
    if number:
        lines.append(_e(subject_text("report.document", subject, number=number)))
    else:
        lines.append(f'<span class="muted">{_e(subject_text("report.no_document", subject))}</span>')
    details = []
    if traveller.date_of_birth:
        details.append(text("report.html.born", date=traveller.date_of_birth.isoformat()))
    if traveller.destination:
        details.append(text("report.html.to", destination=traveller.destination))
    details += [value for value in (traveller.flight, traveller.booking_ref) if value]
    if details:
        lines.append(f'<span class="muted small">{_e(" · ".join(details))}</span>')
    return "<br>".join(lines)


def _record(result: ScreeningResult, today: date) -> str:
    outcome = result.outcome
    lines = []
    if outcome.match is not None:
        match = outcome.match
        said = text(
            "report.html.match", record_id=match.record_id, confidence=f"{match.confidence:.2f}", method=match.method
        )
        lines.append(f"<b>{_e(said)}</b>")
        doubts = match_doubts(match.fields)
        if doubts:
            lines.append(f'<span class="doubt">{_e(", ".join(doubts))}</span>')
        if outcome.record is not None:
            shown = [line for line in record_lines(outcome.record, today=today, fields=_RECORD_SHOWN) if line.recorded]
            lines += [f'<span class="small">{_e(line.label)}: {_e(line.value)}</span>' for line in shown]
    else:
        lines.append(f'<span class="muted">{_e(text("report.not_in_registry"))}</span>')
    if outcome.candidates:
        listed = ", ".join(f"{c.record_id} ({c.confidence:.2f})" for c in outcome.candidates)
        lines.append(f'<span class="small">{_e(text("report.html.near_misses", listed=listed))}</span>')
    return "<br>".join(lines)


def _reasons(result: ScreeningResult) -> str:
    items = []
    for hit in hits_by_severity(result.hits):  # the questions to ask are in the rules' table, once per rule
        explanation = f" — {_e(hit.explanation)}" if hit.explanation else ""
        items.append(f'<li><span class="rule-id">{_e(hit.rule)}</span> {_e(hit.title)}{explanation}</li>')
    for unknown in result.unknown:
        said = text("report.not_decided", rule=unknown.rule, missing=", ".join(unknown.missing))
        items.append(f'<li class="muted">{_e(said)}</li>')
    items += [f'<li class="muted">{_e(warning)}</li>' for warning in result_warnings(result)]
    if not items:
        return f'<span class="muted">{_e(text("report.no_findings"))}</span>'
    return f'<ul class="reasons">{"".join(items)}</ul>'


def _rows(results: Sequence[ScreeningResult], today: date, subject: Subject) -> str:
    """The travellers as tables of `_CHUNK` rows with fixed columns: the browser lays out and paints only the
    chunks on screen (`content-visibility`), so a batch with thousands flagged opens quickly."""
    header = "".join(
        f"<th>{_e(name)}</th>"
        for name in (
            text("report.html.column.verdict"),
            subject_text("report.html.column", subject),
            text("report.html.column.record"),
            text("report.html.column.reasons"),
        )
    )
    columns = '<colgroup><col class="c1"><col class="c2"><col class="c3"><col class="c4"></colgroup>'
    chunks = []
    for start in range(0, len(results), _CHUNK):
        rows = "".join(
            f'<tr class="{Verdict(result.verdict).value}"><td>{_badge(result.verdict)}<br>'
            f'<span class="muted small">{_e(text("report.risk", score=result.risk_score))}</span></td>'
            f"<td>{_who(result, subject)}</td><td>{_record(result, today)}</td><td>{_reasons(result)}</td></tr>"
            for result in results[start : start + _CHUNK]
        )
        head = f"<thead><tr>{header}</tr></thead>" if start == 0 else ""
        chunks.append(f'<div class="chunk"><table class="people">{columns}{head}<tbody>{rows}</tbody></table></div>')
    return "".join(chunks)


def _rules(summary: Summary) -> str:
    if not summary.rules:
        return ""
    header = "".join(
        f"<th>{_e(name)}</th>"
        for name in (
            text("report.html.column.rule"),
            subject_text("report.html.column.screened", summary.subject),
            subject_text("report.html.column.ask", summary.subject),
        )
    )
    rows = "".join(
        f'<tr><td><span class="rule-id">{_e(rule.rule)}</span> {_e(rule.title)}</td><td>{rule.travellers}</td>'
        f'<td class="ask">{"<br>".join(_e(question) for question in rule.ask)}</td></tr>'
        for rule in summary.rules
    )
    return (
        f"<section><h2>{_e(subject_text('report.html.section.rules', summary.subject))}</h2>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></section>\n"
    )


def _groups(groups: Sequence[FlaggedGroup], subject: Subject) -> str:
    if not groups:
        return ""
    blocks = []
    for group in groups:
        members = "".join(
            f'<tr class="{Verdict(m.verdict).value}"><td>{_badge(m.verdict)}</td><td>{_e(m.pax_id)}</td>'
            f"<td>{_e(m.traveller.full_name or '')}</td><td>{_e(document_number(m.traveller, subject) or '')}</td></tr>"
            for m in group.members
        )
        heading = f"{group_name(group)} — {', '.join(group.rules)}"
        blocks.append(f'<h3>{_e(heading)}</h3><table class="members"><tbody>{members}</tbody></table>')
    return f"<section><h2>{_e(text('report.section.groups'))}</h2>{''.join(blocks)}</section>\n"


def _worklist(summary: Summary) -> str:
    if not summary.worklist:
        return ""
    items = "".join(f"<li>{_e(worklist_line(result, summary.subject))}</li>" for result in summary.worklist)
    return f'<section><h2>{_e(text("report.section.worklist"))}</h2><ul class="plain">{items}</ul></section>\n'


def _action(summary: Summary, today: date) -> str:
    subject = summary.subject
    heading = f"<h2>{_e(subject_text('report.html.section.action', subject))} ({len(summary.needing_action)})</h2>"
    if not summary.needing_action:
        return f"<section>{heading}<p>{_e(subject_text('report.html.none_flagged', subject))}</p></section>\n"
    return f"<section>{heading}{_rows(summary.needing_action, today, subject)}</section>\n"


def _notes(summary: Summary) -> str:
    heading = f"<h2>{_e(text('report.section.notes'))}</h2>"
    if not summary.notes:
        return f'<section>{heading}<p class="muted">{_e(text("report.html.none"))}</p></section>\n'
    items = "".join(f"<li>{_e(note)}</li>" for note in summary.notes)
    return f'<section>{heading}<ul class="plain">{items}</ul></section>\n'


def _clear(summary: Summary, batch: Batch, today: date, listed: int) -> str:
    if not summary.clear:
        return ""
    subject = summary.subject
    heading = f"<h2>{_e(subject_text('report.html.section.clear', subject))} ({len(summary.clear)})</h2>"
    if len(summary.clear) > listed and not batch.list_clear:
        # The clear travellers with a warning or undecided checks are listed whatever the batch's size.
        noted, quiet = summary.clear_noted, len(summary.clear_quiet)
        counted = f"<p>{_e(subject_text('report.html.clear_summarised', subject, count=quiet))}</p>"
        return f"<section>{heading}{_rows(noted, today, subject) if noted else ''}{counted}</section>\n"
    return f"<section>{heading}{_rows(summary.clear, today, subject)}</section>\n"
