"""One summary of a batch, computed once and rendered by the table, the HTML report and the spreadsheet.

Counts per verdict, the travellers needing action (hold, then refer, by risk), the rules most hit (titles in the
run's language, as the hits carry them), the groups flagged by group rules with their members, the worklist
of travellers whose undecided checks could make their verdict worse (SPEC §5 `could_be`), the destinations and
ports, and the data-quality notes of the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from checkpoint.engine.labels import could_be_note
from checkpoint.i18n import text
from checkpoint.i18n.language import has_text
from checkpoint.models import Hit, ScreeningResult, Subject, Verdict
from checkpoint.report.interface import Batch
from checkpoint.report.subject import subject_text

#: Gravest first: the order of every list of verdicts people read.
VERDICTS_GRAVEST_FIRST: tuple[Verdict, ...] = (Verdict.HOLD, Verdict.REFER, Verdict.CLEAR)


@dataclass(frozen=True)
class RuleCount:
    """A rule that fired in the batch and on how many travellers (titles as the hits carry them)."""

    rule: str
    title: str
    severity: str
    travellers: int
    ask: tuple[str, ...] = ()  # the questions to put to the travellers it fired on (the same for each)


@dataclass(frozen=True)
class FlaggedGroup:
    """Travellers a group rule flagged together: the field that groups them, its value, the rules, the members."""

    by: str
    key: str
    rules: tuple[str, ...]
    members: tuple[ScreeningResult, ...]

    @property
    def worst(self) -> Verdict:
        return Verdict.worst(*(Verdict(member.verdict) for member in self.members))


@dataclass(frozen=True)
class PlaceCount:
    """A destination or a port: how many travellers, and how many of each verdict."""

    place: str
    verdicts: Mapping[Verdict, int]

    @property
    def total(self) -> int:
        return sum(self.verdicts.values())


@dataclass(frozen=True)
class Summary:
    """Everything the views for people say about a batch beside the travellers themselves."""

    total: int
    counts: Mapping[Verdict, int]
    needing_action: tuple[ScreeningResult, ...]
    clear: tuple[ScreeningResult, ...]
    rules: tuple[RuleCount, ...]
    groups: tuple[FlaggedGroup, ...]
    worklist: tuple[ScreeningResult, ...]
    destinations: tuple[PlaceCount, ...]
    ports: tuple[PlaceCount, ...]
    notes: tuple[str, ...]
    #: Whom the batch screened (the views say "applications" at the passport office).
    subject: Subject = Subject.TRAVELLER

    @property
    def clear_noted(self) -> tuple[ScreeningResult, ...]:
        """The clear travellers an officer should still see: a warning on their data, or undecided checks that
        could make the verdict worse (never a silent clear)."""
        return tuple(result for result in self.clear if result.warnings or could_be_worse(result))

    @property
    def clear_quiet(self) -> tuple[ScreeningResult, ...]:
        """The clear travellers with nothing to note."""
        return tuple(result for result in self.clear if not (result.warnings or could_be_worse(result)))


def action_order(results: Iterable[ScreeningResult]) -> list[ScreeningResult]:
    """Hold, then refer, then clear; within each the highest risk first; ties keep input order."""
    return sorted(results, key=lambda result: (-Verdict(result.verdict).rank, -result.risk_score))


def could_be_worse(result: ScreeningResult) -> bool:
    """Whether the traveller's undecided checks could make the verdict worse (SPEC §5 `could_be`)."""
    return result.could_be is not None and bool(result.unknown) and result.could_be.rank > Verdict(result.verdict).rank


def summarise(batch: Batch) -> Summary:
    """The batch's summary; one pass over the results for the counts, sorting only the flagged few."""
    results = batch.results
    counts = Counter(Verdict(result.verdict) for result in results)
    flagged = [result for result in results if Verdict(result.verdict) is not Verdict.CLEAR]
    clear = tuple(result for result in results if Verdict(result.verdict) is Verdict.CLEAR)
    worklist = sorted(
        (result for result in results if could_be_worse(result)),
        key=lambda result: (
            -(result.could_be or Verdict.CLEAR).rank,
            -Verdict(result.verdict).rank,
            -result.risk_score,
        ),
    )
    return Summary(
        total=len(results),
        counts={verdict: counts[verdict] for verdict in VERDICTS_GRAVEST_FIRST},
        needing_action=tuple(action_order(flagged)),
        clear=clear,
        rules=_rules_hit(results),
        groups=_flagged_groups(results, batch.group_rules),
        worklist=tuple(worklist),
        destinations=_places(results, "destination"),
        ports=_places(results, "port"),
        notes=tuple(batch.notes),
        subject=batch.subject,
    )


def _rules_hit(results: Sequence[ScreeningResult]) -> tuple[RuleCount, ...]:
    travellers: Counter[str] = Counter()
    first: dict[str, Hit] = {}
    for result in results:
        for hit in result.hits:
            travellers[hit.rule] += 1
            first.setdefault(hit.rule, hit)
    ranked = sorted(travellers, key=lambda rule: (-travellers[rule], rule))
    return tuple(
        RuleCount(rule, first[rule].title, first[rule].severity, travellers[rule], tuple(first[rule].ask))
        for rule in ranked
    )


def _flagged_groups(results: Sequence[ScreeningResult], group_rules: Mapping[str, str]) -> tuple[FlaggedGroup, ...]:
    if not group_rules:
        return ()
    members: dict[tuple[str, str], dict[int, ScreeningResult]] = {}
    rules: dict[tuple[str, str], dict[str, None]] = {}
    for index, result in enumerate(results):
        for hit in result.hits:
            by = group_rules.get(hit.rule)
            key = getattr(result.traveller, by, None) if by is not None else None
            if by is None or key is None:
                continue
            group = (by, str(key))
            members.setdefault(group, {})[index] = result
            rules.setdefault(group, {})[hit.rule] = None
    groups = [
        FlaggedGroup(by, key, tuple(rules[(by, key)]), tuple(members[(by, key)].values())) for (by, key) in members
    ]
    return tuple(sorted(groups, key=lambda group: (-group.worst.rank, -len(group.members), group.by, group.key)))


def _places(results: Sequence[ScreeningResult], field: str) -> tuple[PlaceCount, ...]:
    tally: dict[str, Counter[Verdict]] = {}
    for result in results:
        place = getattr(result.traveller, field) or "—"
        tally.setdefault(place, Counter())[Verdict(result.verdict)] += 1
    places = [
        PlaceCount(place, {verdict: verdicts[verdict] for verdict in VERDICTS_GRAVEST_FIRST})
        for place, verdicts in tally.items()
    ]
    return tuple(sorted(places, key=lambda place: (-place.total, place.place)))


# --- the summary's lines in the run's language (the table and the spreadsheet print them; HTML lays them out) --


def group_name(group: FlaggedGroup) -> str:
    """ "booking 5TJZ9N", "group code RB-07": the field that groups the travellers and its value."""
    key = f"report.group_by.{group.by}"
    if has_text(key):
        return text(key, key=group.key)
    return text("report.group_by.other", field=group.by, key=group.key)


def group_line(group: FlaggedGroup, subject: Subject = Subject.TRAVELLER) -> str:
    """One flagged group: what ties it, how many, the rules, and its members' pax ids."""
    members = ", ".join(member.pax_id for member in group.members)
    rules = ", ".join(group.rules)
    return subject_text(
        "report.group", subject, group=group_name(group), count=len(group.members), rules=rules, members=members
    )


def rule_line(rule: RuleCount, subject: Subject = Subject.TRAVELLER) -> str:
    """One rule and how many travellers (or applications) it fired on."""
    return subject_text("report.rule_count", subject, rule=rule.rule, title=rule.title, count=rule.travellers)


def verdict_name(verdict: Verdict | str) -> str:
    """The verdict's word in the run's language (LOLOS, RUJUK, TUNDA)."""
    return text(f"verdict.name.{Verdict(verdict).value}")


def worklist_line(result: ScreeningResult, subject: Subject = Subject.TRAVELLER) -> str:
    """One traveller (or application) of the worklist: who, the verdict, what it could become and the data
    missing, and the indicators already found (what put them high on the list)."""
    name = result.traveller.full_name or text("report.no_name")
    note = could_be_note(result.could_be or Verdict(result.verdict), result.unknown)
    verdict = verdict_name(result.verdict)
    line = subject_text("report.worklist_line", subject, pax_id=result.pax_id, name=name, verdict=verdict, note=note)
    if not result.hits:
        return line
    return text("report.worklist_found", line=line, rules=", ".join(hit.rule for hit in result.hits))


def summary_sections(
    summary: Summary, *, most_rules: int = 10, most_worklist: int | None = 20, notes: bool = True
) -> list[tuple[str, list[str]]]:
    """The summary after the counts, as (heading, lines) in reading order; empty sections are left out, and the
    notes when `notes` is False (where they were shown already). The worklist shows its first `most_worklist`
    travellers (None: all): on an airline list without visa or ticket columns nearly everyone is on it, and the
    counter starts from the top; the HTML report and the spreadsheet hold the whole list."""
    subject = summary.subject
    rules = [rule_line(rule, subject) for rule in summary.rules[:most_rules]]
    if len(summary.rules) > most_rules:
        rules.append(text("report.more", count=len(summary.rules) - most_rules))
    shown = summary.worklist if most_worklist is None else summary.worklist[:most_worklist]
    worklist = [worklist_line(result, subject) for result in shown]
    if len(shown) < len(summary.worklist):
        worklist.append(text("report.worklist_more", count=len(summary.worklist) - len(shown)))
    sections = [
        (text("report.section.rules"), rules),
        (text("report.section.groups"), [group_line(group, subject) for group in summary.groups]),
        (text("report.section.worklist"), worklist),
        (text("report.section.notes"), list(summary.notes) if notes else []),
    ]
    return [(heading, lines) for heading, lines in sections if lines]
