"""Reviewing the log: each screening with the decisions that answer it, filtered; the screening a decision is
for; and the per-rule summary supervisors tune a pack with (SPEC §7: how often a rule's referrals ended in a
postponement).

A screening may have several decisions (an officer corrects one, or a referral ends in a postponement after
the interview): the latest supersedes the earlier ones, which stay in the log and are shown as superseded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checkpoint.audit.decisions import DecisionError
from checkpoint.audit.entries import DecisionEntry, ScreeningEntry
from checkpoint.audit.keys import KEY_FILE_NAME, pax_key, read_key
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS
from checkpoint.audit.read import log_lines, parse_line
from checkpoint.errors import AuditError
from checkpoint.i18n import text
from checkpoint.models import Decision

#: The `decision` a filter gives to admit the screenings no decision answers yet.
UNDECIDED = "none"


@dataclass(frozen=True, slots=True)
class LoggedDecision:
    """A decision as the log holds it: its own seq and what it says."""

    seq: int
    entry: DecisionEntry


@dataclass(frozen=True, slots=True)
class LoggedScreening:
    """A screening entry with the decisions that answer it, oldest first (the last one stands)."""

    seq: int
    entry: ScreeningEntry
    decisions: tuple[LoggedDecision, ...] = ()

    @property
    def latest(self) -> LoggedDecision | None:
        """The decision that stands, if any: the latest."""
        return self.decisions[-1] if self.decisions else None


@dataclass(frozen=True, slots=True)
class ScreeningFilter:
    """Which screenings to show: each given condition must hold. Dates, officer, post and verdict are the
    screening's (dates its UTC date, inclusive); `decision` is the latest decision's, or `UNDECIDED`;
    `pax_id` is found by its pax key (never kept in the log, never shown)."""

    first_day: date | None = None
    last_day: date | None = None
    officer: str | None = None
    post: str | None = None
    verdict: str | None = None
    decision: str | None = None
    pax_id: str | None = None

    def admits_entry(self, entry: ScreeningEntry) -> bool:
        """Whether the screening entry meets every condition but the decision's."""
        day = entry.time[:10]
        return (
            (self.first_day is None or day >= self.first_day.isoformat())
            and (self.last_day is None or day <= self.last_day.isoformat())
            and (self.officer is None or entry.officer == self.officer)
            and (self.post is None or entry.post == self.post)
            and (self.verdict is None or entry.verdict == self.verdict)
        )

    def admits_decision(self, latest: LoggedDecision | None) -> bool:
        """Whether the latest decision (None: none yet) meets the decision's condition."""
        if self.decision is None:
            return True
        if latest is None:
            return self.decision == UNDECIDED
        return latest.entry.decision == self.decision


def read_screenings(
    path: Path,
    wanted: ScreeningFilter | None = None,
    *,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    on_wait: Callable[[float], object] | None = None,
) -> list[LoggedScreening]:
    """The screenings of the log that `wanted` admits, oldest first, each with its decisions."""
    wanted = wanted or ScreeningFilter()
    key = read_key(path.parent / KEY_FILE_NAME)
    theirs = _pax_key(path, key, wanted.pax_id) if wanted.pax_id is not None else None
    kept: dict[int, tuple[ScreeningEntry, list[LoggedDecision]]] = {}
    for number, raw in log_lines(path, lock_timeout=lock_timeout, on_wait=on_wait):
        logged = parse_line(path, number, raw, key)
        entry = logged.entry
        if isinstance(entry, ScreeningEntry):
            if wanted.admits_entry(entry) and (theirs is None or entry.pax_key == theirs):
                kept[logged.seq] = (entry, [])
        elif entry.answers in kept:
            kept[entry.answers][1].append(LoggedDecision(logged.seq, entry))
    screenings = (LoggedScreening(seq, entry, tuple(decisions)) for seq, (entry, decisions) in kept.items())
    return [screening for screening in screenings if wanted.admits_decision(screening.latest)]


@dataclass(frozen=True, slots=True)
class FoundScreening:
    """The screening a decision is for, and how many earlier screenings share its pax_id (a manifest's ids
    repeat from one flight to the next)."""

    screening: LoggedScreening
    earlier: int = 0


def find_screening(
    path: Path,
    *,
    pax_id: str | None = None,
    seq: int | None = None,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    on_wait: Callable[[float], object] | None = None,
) -> FoundScreening:
    """The latest screening of `pax_id` (found by its pax key, or by the pax_id of an entry written before
    ids were keyed), or screening entry `seq`, with its decisions. Given both, entry `seq` must be a screening
    of `pax_id`. DecisionError (exit 3) when there is no such screening; the pax_id is never quoted."""
    if pax_id is None and seq is None:
        raise ValueError("find_screening needs a pax_id or a seq")
    key = read_key(path.parent / KEY_FILE_NAME)
    wanted = _pax_key(path, key, pax_id) if pax_id is not None else None
    # Only lines that may matter are parsed: the pax key's, old entries' (a pax_id in clear), decisions', seq's.
    marks = [mark for mark in (wanted.encode() if wanted else None, b'"pax_id"', b'"kind"') if mark]
    theirs: list[tuple[int, ScreeningEntry]] = []  # the screenings of pax_id, oldest first
    target: tuple[int, ScreeningEntry] | None = None  # screening entry `seq`
    decisions: dict[int, list[LoggedDecision]] = {}
    for number, raw in log_lines(path, lock_timeout=lock_timeout, on_wait=on_wait):
        if number != seq and not any(mark in raw for mark in marks):
            continue
        logged = parse_line(path, number, raw, key)
        entry = logged.entry
        if isinstance(entry, DecisionEntry):
            if number == seq:
                raise DecisionError(text("audit.decide.not_screening", seq=seq, answers=entry.answers))
            decisions.setdefault(entry.answers, []).append(LoggedDecision(logged.seq, entry))
            continue
        if number == seq:
            target = (logged.seq, entry)
        if wanted is not None and entry.pax_key == wanted:
            theirs.append((logged.seq, entry))
    if seq is not None:
        if target is None:
            raise DecisionError(text("audit.decide.no_entry", path=path, seq=seq))
        if wanted is not None and target[1].pax_key != wanted:
            raise DecisionError(text("audit.decide.not_theirs", seq=seq))
        found, earlier = target, sum(other < seq for other, _ in theirs)
    elif theirs:
        found, earlier = theirs[-1], len(theirs) - 1
    else:
        raise DecisionError(text("audit.decide.never_screened", path=path))
    screening = LoggedScreening(found[0], found[1], tuple(decisions.get(found[0], ())))
    return FoundScreening(screening, earlier)


def _pax_key(path: Path, key: bytes | None, pax_id: str) -> str:
    """The pax key the log records for `pax_id`; AuditError when the log's key is missing."""
    if key is None:
        raise AuditError(text("audit.decide.no_key", path=path, key=KEY_FILE_NAME))
    return pax_key(key, pax_id)


@dataclass(frozen=True, slots=True)
class RuleSummary:
    """What became of one rule's findings: the screenings it `fired` on; of those, the ones `flagged` (verdict
    refer or hold); of those, the ones `decided`, and how many were cleared, referred and postponed (by their
    latest decision)."""

    rule: str
    fired: int
    flagged: int
    decided: int
    cleared: int
    referred: int
    postponed: int


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over some screenings: per verdict, per latest decision, undecided, decisions superseded by a
    later one, and per rule (the most fired first)."""

    screenings: int
    verdicts: Mapping[str, int]
    decisions: Mapping[str, int]
    undecided: int
    superseded: int
    rules: tuple[RuleSummary, ...]


def summarise(screenings: Iterable[LoggedScreening]) -> Summary:
    """The counts supervisors tune a pack with: per rule, how often it fired, how many of its referrals and
    holds got a decision, and how many of those ended in a postponement; overall per verdict and decision."""
    verdicts: Counter[str] = Counter()
    decisions: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = {}
    count = superseded = 0
    for screening in screenings:
        count += 1
        entry, latest = screening.entry, screening.latest
        verdicts[entry.verdict] += 1
        superseded += max(len(screening.decisions) - 1, 0)
        decided = latest.entry.decision if latest is not None else None
        if decided is not None:
            decisions[decided] += 1
        is_flagged = entry.verdict != "clear"
        for rule in dict.fromkeys(entry.rules):
            fired[rule] += 1
            if is_flagged:
                flagged[rule] += 1
                if decided is not None:
                    outcomes.setdefault(rule, Counter())[decided] += 1
    rules = []
    for rule, times in sorted(fired.items(), key=lambda item: (-item[1], item[0])):
        ended = outcomes.get(rule, Counter())
        rules.append(
            RuleSummary(
                rule,
                times,
                flagged[rule],
                ended.total(),
                ended[Decision.CLEARED],
                ended[Decision.REFERRED],
                ended[Decision.POSTPONED],
            )
        )
    undecided = count - decisions.total()
    return Summary(count, dict(verdicts), dict(decisions), undecided, superseded, tuple(rules))
