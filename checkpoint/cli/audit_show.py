"""How `checkpoint audit` writes the log for people (a table, in the language chosen) and for scripts (JSON
lines, keys and codes in English): screenings with their decisions, the per-rule summary, a decision recorded.

Travellers appear only by their keys, never by a name, a passport number or a pax_id. A decision's note is
shown: whoever may read the log (its owner) may read what officers wrote in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from typing import Any

import typer

from checkpoint.audit import DecisionEntry, LoggedDecision, LoggedScreening, ScreeningEntry, Summary, reason_label
from checkpoint.i18n import current_language, text
from checkpoint.models import Decision, Verdict

#: Width of each column of the screenings' table (the last, the record id, takes what it needs); a decision's
#: row shares the first four, then says what was decided.
_WIDTHS = (7, 20, 16, 20, 7, 5, 16)
_RIGHT = (0, 5)  # numbers
_COLUMNS = (
    "audit.column.seq",
    "audit.column.time",
    "audit.column.officer",
    "audit.column.post",
    "audit.column.verdict",
    "audit.column.score",
    "audit.column.rules",
    "audit.column.record",
)
_SUMMARY_COLUMNS = (
    "audit.summary.rule",
    "audit.summary.fired",
    "audit.summary.flagged",
    "audit.summary.decided",
    "audit.summary.cleared",
    "audit.summary.referred",
    "audit.summary.postponed",
    "audit.summary.postponed_share",
)
_VERDICTS = (Verdict.HOLD, Verdict.REFER, Verdict.CLEAR)
_NAMES = {kind: tuple(field.name for field in fields(kind)) for kind in (ScreeningEntry, DecisionEntry)}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECISIONS = (Decision.POSTPONED, Decision.REFERRED, Decision.CLEARED)


def write_screenings(screenings: Iterable[LoggedScreening], *, jsonl: bool) -> None:
    """Each screening, oldest first, with its decisions: a table row and one row per decision under it, or one
    JSON object with the decision that stands and those it superseded."""
    if jsonl:
        typer.echo("".join(_jsonl(screening) for screening in screenings), nl=False)
        return
    lines = [_row(tuple(text(key) for key in _COLUMNS))]
    for screening in screenings:
        lines.append(_screening_row(screening))
        lines.extend(_decision_row(decision, screening) for decision in screening.decisions)
    typer.echo("\n".join(lines))


def write_summary(summary: Summary, *, jsonl: bool) -> None:
    """The counts per verdict and decision, then per rule: a table for people, or one JSON object."""
    if jsonl:
        data = {
            "screenings": summary.screenings,
            "verdicts": {verdict.value: summary.verdicts.get(verdict, 0) for verdict in _VERDICTS},
            "decisions": {decision.value: summary.decisions.get(decision, 0) for decision in _DECISIONS},
            "undecided": summary.undecided,
            "superseded": summary.superseded,
            "rules": [asdict(rule) for rule in summary.rules],
        }
        typer.echo(_json(data))
        return
    verdicts = ", ".join(f"{_verdict_word(v)} {summary.verdicts.get(v, 0)}" for v in _VERDICTS)
    decisions = ", ".join(f"{text(f'audit.summary.{d}')} {summary.decisions.get(d, 0)}" for d in _DECISIONS)
    lines = [
        text("audit.summary.verdicts", count=summary.screenings, verdicts=verdicts),
        text(
            "audit.summary.decisions",
            decisions=decisions,
            undecided=summary.undecided,
            superseded=summary.superseded,
        ),
        "",
    ]
    headers = tuple(text(key) for key in _SUMMARY_COLUMNS)
    widths = [max(len(header), 8) for header in headers]
    rows = [headers]
    for rule in summary.rules:
        share = f"{100 * rule.postponed / rule.decided:.0f} %" if rule.decided else "-"
        numbers = (rule.fired, rule.flagged, rule.decided, rule.cleared, rule.referred, rule.postponed)
        rows.append((rule.rule, *(str(number) for number in numbers), share))
    widths[0] = max(len(row[0]) for row in rows)
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        lines.append(_printable("  ".join(cells)))
    if not summary.rules:
        lines.append(text("audit.summary.no_rules"))
    typer.echo("\n".join(lines))


def recorded(seq: int, decision: Decision, screening: LoggedScreening) -> str:
    """The sentence saying a decision was logged, for which screening, and which decision it supersedes."""
    entry = screening.entry
    sentence = text(
        "audit.decide.recorded",
        seq=seq,
        decision=_decision_word(decision),
        answers=screening.seq,
        verdict=_verdict_word(entry.verdict),
        time=entry.time,
    )
    latest = screening.latest
    if latest is not None:
        before = text("audit.decide.supersedes", seq=latest.seq, decision=_decision_word(latest.entry.decision))
        sentence = f"{sentence} {before}"
    return _printable(sentence)


def _screening_row(screening: LoggedScreening) -> str:
    entry = screening.entry
    return _row(
        (
            str(screening.seq),
            entry.time,
            entry.officer or "-",
            entry.post or "-",
            _verdict_word(entry.verdict),
            str(entry.risk_score),
            ",".join(entry.rules) or "-",
            entry.record_id or "-",
        )
    )


def _decision_row(logged: LoggedDecision, screening: LoggedScreening) -> str:
    """A decision under its screening: who, when, what, why, the note; and whether a later one superseded it."""
    entry = logged.entry
    said = f"→ {_decision_word(entry.decision)}"
    if entry.reason is not None:
        said += f": {reason_label(entry.reason, current_language())}"
    if entry.note is not None:
        said += f"; {text('audit.show.note', note=entry.note)}"
    latest = screening.latest
    if latest is not None and latest.seq != logged.seq:
        said += f" ({text('audit.show.superseded', seq=latest.seq)})"
    return _row((str(logged.seq), entry.time, entry.officer or "-", entry.post or "-", said))


def _row(cells: Sequence[str]) -> str:
    """One line of the table: fixed widths (numbers to the right), text cut with … and kept on one line."""
    shown = []
    for number, cell in enumerate(cells):
        cell = _printable(cell)
        if number < len(_WIDTHS) and number < len(cells) - 1:
            width = _WIDTHS[number]
            cell = cell if len(cell) <= width else cell[: width - 1] + "…"
            cell = cell.rjust(width) if number in _RIGHT else cell.ljust(width)
        shown.append(cell)
    return "  ".join(shown).rstrip()


def _printable(value: str) -> str:
    """Kept on one line: a control character or line separator typed into a note or a post becomes a space."""
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else " " for ch in value)


def _jsonl(screening: LoggedScreening) -> str:
    """A screening as one JSON object: its entry's keys, then `decision` (the one that stands, or null) and
    `superseded` (the earlier ones, oldest first)."""
    latest = screening.latest
    members: dict[str, Any] = {"seq": screening.seq, **_members(screening.entry)}
    members["decision"] = _decision_object(latest) if latest is not None else None
    members["superseded"] = [_decision_object(decision) for decision in screening.decisions[:-1]]
    return _json(members) + "\n"


def _decision_object(logged: LoggedDecision) -> dict[str, Any]:
    return {"seq": logged.seq, **_members(logged.entry)}


def _members(entry: ScreeningEntry | DecisionEntry) -> dict[str, Any]:
    """An entry's fields by name (`dataclasses.asdict` copies every value deeply, for nothing here)."""
    return {name: getattr(entry, name) for name in _NAMES[type(entry)]}


def _json(members: dict[str, Any]) -> str:
    """Compact JSON, text as it is, but the two line separators escaped (readers split lines on them)."""
    encoded = _ENCODER.encode(members)
    return encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _verdict_word(verdict: str) -> str:
    """A verdict as the table says it: the badge's word in lower case (`hold`, `tunda`); a code the tool no
    longer has, as it is."""
    return text(f"verdict.name.{verdict}").lower() if verdict in tuple(Verdict) else verdict


def _decision_word(decision: str) -> str:
    """A decision in the language chosen (`postponed`, `ditunda`); a code the tool no longer has, as it is."""
    return text(f"audit.decision.{decision}") if decision in tuple(Decision) else decision
