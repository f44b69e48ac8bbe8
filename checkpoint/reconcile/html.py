"""The reconciliation's summary for people: one self-contained HTML file (inline CSS and SVG charts, no script, no
font or image fetched), in the run's language, read from the tables the run wrote.

What the ministry asks first: how many departures, how many of them registered workers, what share of those went
through the procedure, who left for another country than their placement, and how many unregistered departures the
rules referred or would have held; then the same by port, by country of arrival and by week, and the placement
records seen leaving or not. Charts are the report's (`report/charts.py`); every value is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from checkpoint import __version__
from checkpoint.durable import write_atomically
from checkpoint.i18n import current_language, number, text
from checkpoint.pipeline.reconciliation import Reconciliation
from checkpoint.reconcile.tables import BY_DESTINATION, BY_PORT, BY_WEEK, PLACEMENTS
from checkpoint.report.charts import Bar, Segment, bar_chart
from checkpoint.report.page import page_style
from checkpoint.report.terminal import displayable

#: Bars per chart, rows per table: the largest places first; the tables on disk hold them all.
_SHOWN = 25

_STYLE = page_style(
    """
.legend{margin:2px 0 0 290px;font-size:13px}.legend span{display:inline-block;margin-right:12px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.hold{fill:var(--hold);background:var(--hold)}.refer{fill:var(--refer);background:var(--refer)}
.clear{fill:var(--clear);background:var(--clear)}.other{fill:var(--other);background:var(--other)}
.card.hold,.card.refer,.card.clear{background:var(--bg)}
th,td{text-align:right;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th:first-child,td:first-child{text-align:left}
"""
)

#: The columns of a summary table, in order, and how each figure is written.
_COLUMNS = (
    "departures",
    "registered",
    "procedural",
    "procedural_share",
    "other_country",
    "unregistered",
    "unregistered_referred",
    "unregistered_held",
)


def _e(value: object) -> str:
    """Safe in HTML text or an attribute: escaped, control and bidi characters neutralised."""
    return escape(displayable(value), quote=True)


def write_html(done: Reconciliation, path: Path) -> None:
    """Write the summary of a reconciliation (its tables in `done.out`) to `path`, whole or not at all."""
    page = render_html(done)
    write_atomically(path, lambda handle: handle.write(page.encode("utf-8")))


def render_html(done: Reconciliation) -> str:
    """The summary as one HTML document."""
    out = done.out
    ports = pq.read_table(out / BY_PORT).to_pylist()
    destinations = pq.read_table(out / BY_DESTINATION).to_pylist()
    weeks = pq.read_table(out / BY_WEEK).to_pylist()
    title = text("reconcile.html.title")
    parts = [
        f'<!DOCTYPE html>\n<html lang="{current_language().value}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n",
        _header(done, title),
        _cards(done.counts),
        _notes(done.notes),
        _charts(ports, destinations, weeks),
        _table(text("reconcile.html.section.ports"), text("reconcile.html.column.port"), "port", ports),
        _table(
            text("reconcile.html.section.destinations"),
            text("reconcile.html.column.destination"),
            "destination",
            destinations,
        ),
        _table(text("reconcile.html.section.weeks"), text("reconcile.html.column.week"), "week", weeks),
        _placements(out / PLACEMENTS),
        f"<footer>{_e(text('reconcile.html.footer', version=__version__, out=out))}</footer>\n"
        "</main>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _header(done: Reconciliation, title: str) -> str:
    context = text(
        "reconcile.html.context",
        start=done.period.start.isoformat(),
        end=done.period.end.isoformat(),
        files=done.tally.files,
        pack=f"{done.pack_name}@{done.pack_version}",
        snapshot=done.snapshot_id,
    )
    return f'<header><h1>{_e(title)}</h1><p class="context">{_e(context)}</p></header>\n'


def _share(value: object) -> str:
    return "–" if value is None else f"{number(float(value) * 100, ',.1f')} %"  # type: ignore[arg-type]


def _number(value: object) -> str:
    return number(int(value or 0))  # type: ignore[call-overload]


def _cards(counts: Mapping[str, Any]) -> str:
    cards = [
        ("", _number(counts["departures"]), text("reconcile.html.card.departures")),
        ("clear", _number(counts["registered"]), text("reconcile.html.card.registered")),
        ("clear", _share(counts["procedural_share"]), text("reconcile.html.card.procedural_share")),
        ("refer", _number(counts["other_country"]), text("reconcile.html.card.other_country")),
        ("refer", _number(counts["unregistered_referred"]), text("reconcile.html.card.unregistered_referred")),
        ("hold", _number(counts["unregistered_held"]), text("reconcile.html.card.unregistered_held")),
    ]
    body = "".join(
        f'<div class="card {kind}"><span class="n">{_e(n)}</span>{_e(label)}</div>' for kind, n, label in cards
    )
    line = text(
        "reconcile.html.summary",
        departures=_number(counts["departures"]),
        registered=_number(counts["registered"]),
        procedural=_number(counts["procedural"]),
        unregistered=_number(counts["unregistered"]),
    )
    return (
        f"<section><h2>{_e(text('reconcile.html.section.summary'))}</h2>"
        f'<div class="cards">{body}</div><p>{_e(line)}</p></section>\n'
    )


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{_e(note)}</li>" for note in notes[:_SHOWN])
    return f'<section><h2>{_e(text("reconcile.html.section.notes"))}</h2><ul class="plain">{items}</ul></section>\n'


#: The parts of a bar: registered and procedural, registered and not, unregistered and flagged, unregistered and clear.
_PARTS = ("procedural", "registered_other", "unregistered_flagged", "unregistered_clear")
_PART_CLASS = {
    "procedural": "clear",
    "registered_other": "refer",
    "unregistered_flagged": "hold",
    "unregistered_clear": "other",
}


def _segments(row: Mapping[str, Any]) -> tuple[Segment, ...]:
    flagged = int(row["unregistered_referred"]) + int(row["unregistered_held"])
    values = {
        "procedural": int(row["procedural"]),
        "registered_other": int(row["registered"]) - int(row["procedural"]),
        "unregistered_flagged": flagged,
        "unregistered_clear": int(row["unregistered"]) - flagged,
    }
    return tuple(Segment(values[part], _PART_CLASS[part], text(f"reconcile.html.part.{part}")) for part in _PARTS)


def _charts(ports: list[dict[str, Any]], destinations: list[dict[str, Any]], weeks: list[dict[str, Any]]) -> str:
    figures = []
    for key, rows, label in (
        ("reconcile.html.chart.ports", ports, "port"),
        ("reconcile.html.chart.destinations", destinations, "destination"),
        ("reconcile.html.chart.weeks", weeks, "week"),
    ):
        if not rows:
            continue
        shown = rows if label == "week" else sorted(rows, key=lambda row: -int(row["departures"]))
        title = text(key)
        bars = [Bar(str(row[label] or text("reconcile.html.unknown")), _segments(row)) for row in shown[:_SHOWN]]
        figures.append(f"<figure><figcaption>{_e(title)}</figcaption>{bar_chart(title, bars)}{_legend()}</figure>")
    heading = _e(text("reconcile.html.section.charts"))
    return f'<section><h2>{heading}</h2><div class="charts">{"".join(figures)}</div></section>\n'


def _legend() -> str:
    items = "".join(
        f'<span><i class="{_PART_CLASS[part]}"></i>{_e(text(f"reconcile.html.part.{part}"))}</span>' for part in _PARTS
    )
    return f'<div class="legend">{items}</div>'


def _table(title: str, first: str, key: str, rows: list[dict[str, Any]]) -> str:
    shown = rows if key == "week" else sorted(rows, key=lambda row: -int(row["departures"]))
    header = f"<th>{_e(first)}</th>" + "".join(
        f"<th>{_e(text(f'reconcile.html.column.{name}'))}</th>" for name in _COLUMNS
    )
    body = "".join(
        "<tr><td>{}</td>{}</tr>".format(
            _e(row[key] or text("reconcile.html.unknown")),
            "".join(
                f"<td>{_e(_share(row[name]) if name == 'procedural_share' else _number(row[name]))}</td>"
                for name in _COLUMNS
            ),
        )
        for row in shown[:_SHOWN]
    )
    more = (
        f'<p class="muted">{_e(text("reconcile.html.more", shown=_SHOWN, count=len(rows)))}</p>'
        if len(rows) > _SHOWN
        else ""
    )
    table = f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    return f"<section><h2>{_e(title)}</h2>{table}{more}</section>\n"


def _placements(path: Path) -> str:
    """Placement records seen leaving or not, by status (a not-seen READY record is a worker still waiting, or one
    who left unseen)."""
    table = pq.read_table(path, columns=["status", "seen", "other_country"])
    statuses = sorted({str(status) for status in table.column("status").to_pylist() if status is not None})
    rows = []
    for status in [*statuses, None]:
        chosen = table.filter(pc.equal(table.column("status"), status)) if status else table
        seen = chosen.column("seen")
        departed = int(pc.sum(pc.equal(seen, "departed")).as_py() or 0)
        elsewhere = int(pc.sum(pc.fill_null(chosen.column("other_country"), False)).as_py() or 0)
        label = status or text("reconcile.html.all_records")
        rows.append((label, chosen.num_rows, departed, chosen.num_rows - departed, elsewhere))
    header = "".join(
        f"<th>{_e(text(f'reconcile.html.placements.{name}'))}</th>"
        for name in ("status", "records", "departed", "not_seen", "other_country")
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(_number(v) if i else v)}</td>" for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f"<section><h2>{_e(text('reconcile.html.section.placements'))}</h2>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></section>\n"
    )
