"""Evaluate a pack over a whole batch at once and apply the verdict policy.

Conditions are decided in three-valued (Kleene) logic over the whole batch (`conditions.py`); a rule fires
only where it is surely true, and lists the missing fields where it is unknown. A group rule's outcome for
a traveller is its member condition *and* its group's test (`groups.py`). The policy, too, is applied
column-wise, twice: to the rules that fired (the verdict) and to those that fired or could not be decided
(what the verdict could be, SPEC §5 `could_be`). Only travellers with a hit or an unknown get Python objects
of their own. Hits carry the rule's texts in the run's language (`checkpoint.i18n`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from checkpoint.engine.columnar import factorize
from checkpoint.engine.conditions import Columns, Truth, truth
from checkpoint.engine.facts import Facts
from checkpoint.engine.groups import OTHER_MEMBERS, GroupFacts, group_facts
from checkpoint.engine.pack import Rule, RulePack, leaves
from checkpoint.i18n import Language, current_language, text_in
from checkpoint.models import Hit, Unknown, Verdict

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class Assessment:
    """What the pack concluded for one traveller."""

    verdict: Verdict
    risk_score: int
    hits: tuple[Hit, ...]
    unknown: tuple[Unknown, ...]
    #: The verdict if every rule left undecided had fired (SPEC §5), when that is worse than `verdict`.
    could_be: Verdict | None = None


_NOTHING_FOUND = Assessment(Verdict.CLEAR, 0, (), ())
_BY_RANK = sorted(Verdict, key=lambda verdict: verdict.rank)


def placeholders(template: str) -> list[str]:
    """The field names a template refers to."""
    return _PLACEHOLDER.findall(template)


@dataclass(frozen=True)
class RuleTruth:
    """A rule over the batch: its truth per traveller and, for a group rule, its group facts and group test."""

    true: np.ndarray
    false: np.ndarray
    group: GroupFacts | None = None
    group_test: Truth | None = None


def rule_truth(rule: Rule, facts: Facts, pack: RulePack, columns: Columns) -> RuleTruth:
    """Where a rule is surely true and surely false (a group rule: member condition and group test)."""
    if rule.group is None:
        return RuleTruth(*truth(rule.when, facts, pack, columns.today, columns))
    group = group_facts(rule.group, facts, pack, columns)
    group_true, group_false = truth(rule.when, facts, pack, columns.today, columns, group)
    if rule.group.lands_on == "everyone":
        return RuleTruth(group_true, group_false, group, (group_true, group_false))
    member_true, member_false = group.member_truth
    return RuleTruth(member_true & group_true, member_false | group_false, group, (group_true, group_false))


def leaf_truths(rule: Rule, facts: Facts, pack: RulePack, today: date) -> list[Truth]:
    """Each leaf's truth (member condition first, then `when`), for `rules test` coverage."""
    columns = Columns(facts, today)
    group = rule_truth(rule, facts, pack, columns).group
    members = rule.group.members if rule.group is not None and rule.group.members is not None else None
    return [
        *(truth(leaf, facts, pack, today, columns) for leaf in (leaves(members) if members is not None else [])),
        *(truth(leaf, facts, pack, today, columns, group) for leaf in leaves(rule.when)),
    ]


def _missing(rule: Rule, undecided: np.ndarray, columns: Columns, outcome: RuleTruth) -> tuple[list[str], np.ndarray]:
    """The fields an undecided rule may list, and which of them each undecided row misses (rows x fields).

    A group rule lists the member fields the traveller lacks and, where the group's test is undecided,
    as `members.<field>`, those lacking on another traveller of the group whose member condition is
    therefore undecided (any traveller, itself included, when the hit lands on everyone).
    """
    condition = rule.when if rule.group is None else rule.group.members
    tested = (leaf.field for leaf in leaves(condition) if leaf.op not in ("exists", "missing")) if condition else ()
    names = list(dict.fromkeys(tested))
    gone = [~columns.known(name) for name in names]
    group, test = outcome.group, outcome.group_test
    if rule.group is None or group is None or test is None:
        labels, flags = names, gone
    else:
        true, false = group.member_truth
        open_member = ~true & ~false
        open_group = ~test[0] & ~test[1]
        everyone = rule.group.lands_on == "everyone"
        mine = [] if everyone else [lacking & open_member for lacking in gone]
        others = []
        for lacking in gone:
            flagged = lacking & open_member
            in_group = group.in_group(flagged)
            others.append(open_group & ((in_group if everyone else in_group - flagged) > 0))
        labels = [*(names if not everyone else []), *(OTHER_MEMBERS + name for name in names)]
        flags = [*mine, *others]
    if not flags:
        return [], np.zeros((len(undecided), 0), dtype=bool)
    return labels, np.column_stack(flags)[undecided]


#: Facts whose values an explanation shows as a phrase of the catalog (`engine.value.<area>.<value>`), in
#: the run's language: `{match.outcome}` says "no placement record was found" only when no near miss exists;
#: `{application.purpose}` says "wisata" in Bahasa Indonesia, not the form's code `tourism`.
PHRASED = {"match.outcome": "match_outcome", "application.purpose": "purpose"}


def shown(found: object, language: Language | str = Language.EN, name: str = "") -> str:
    """A fact as an explanation shows it: missing as '?', booleans as yes/no (in `language`), whole numbers
    without '.0', the values of a `PHRASED` fact as their phrase."""
    if found is None or (isinstance(found, float) and found != found):
        return "?"
    if isinstance(found, bool | np.bool_):
        return text_in(language, "engine.value.yes" if found else "engine.value.no")
    if isinstance(found, float) and found.is_integer():
        return str(int(found))
    if name in PHRASED:
        try:
            return text_in(language, f"engine.value.{PHRASED[name]}.{found}")
        except KeyError:  # a value no phrase is written for (a test case may set any): shown as it is
            pass
    return str(found)


def render(template: str, row: Mapping[str, object], language: Language | str = Language.EN) -> str:
    """Fill an explanation template from one traveller's facts (missing values shown as '?')."""
    return _PLACEHOLDER.sub(lambda match: shown(row.get(match[1]), language, match[1]), template)


def _explanations(template: str, shown: Mapping[str, np.ndarray], rows: np.ndarray) -> list[str]:
    """`render` for many rows at once, from each placeholder's values already shown as text (per traveller)."""
    parts = _PLACEHOLDER.split(template)  # literal, name, literal, …, literal
    literals, names = parts[0::2], parts[1::2]
    columns: list[Sequence[str]] = [literals[0:1] * len(rows)]
    for name, literal in zip(names, literals[1:], strict=True):
        columns.append(shown[name][rows] if name in shown else ["?"] * len(rows))
        columns.append([literal] * len(rows))
    return ["".join(pieces) for pieces in zip(*columns, strict=True)]


def evaluate(
    pack: RulePack,
    facts: Facts,
    today: date,
    rules: Sequence[Rule] | None = None,
    language: Language | str | None = None,
) -> list[Assessment]:
    """Hits, unknowns, score, verdict and what the verdict could be, for every traveller in the facts table,
    in order; the hits' texts in `language` (default: the run's, `checkpoint.i18n.current_language()`).

    The policy is applied column-wise too: per family the best score of the rules that fired, summed and
    capped at 100, thresholds, then forced verdicts as floors. The same, counting the rules left undecided as
    fired, gives the worst case (`could_be`): an upper bound, since two undecided rules may not be able to
    fire together. Hits and unknowns are gathered as arrays (row, order, object) and split per traveller
    once; only travellers with one get objects of their own.
    """
    count = len(facts)
    policy = pack.policy
    speaking = Language(language or current_language())
    chosen = list(pack.active_rules if rules is None else rules)
    # Hits come out graver first; unknowns in pack order.
    hit_rank = {rule.id: rank for rank, rule in enumerate(sorted(chosen, key=_hit_order))}
    found: dict[str, list[np.ndarray]] = {"hit_rows": [], "hit_ranks": [], "hits": []}
    gaps: dict[str, list[np.ndarray]] = {"rows": [], "ranks": [], "unknown": []}
    best: dict[str, np.ndarray] = {}  # family -> best score per traveller (near-duplicates do not stack)
    floor = np.zeros(count, dtype=np.int64)  # the verdict rank forced on each traveller
    # The same, counting undecided rules as fired: what the verdict could be.
    worst: dict[str, np.ndarray] = {}
    worst_floor = np.zeros(count, dtype=np.int64)
    columns = Columns(facts, today)
    texts = _Shown(columns, speaking)
    for position, rule in enumerate(chosen):
        outcome = rule_truth(rule, facts, pack, columns)
        true, false = outcome.true, outcome.false
        fired = np.flatnonzero(true)
        undecided_rows = ~true & ~false
        undecided = np.flatnonzero(undecided_rows)
        family = rule.family or rule.id
        forcing = [
            forced.rank
            for forced in (policy.force_rules.get(rule.id), policy.force_severity.get(rule.severity))
            if forced
        ]
        if len(fired):
            best[family] = np.maximum(best.get(family, 0), np.where(true, rule.score, 0))
            # Both kinds of force are floors: a rule entry does not hide its severity's entry.
            for rank in forcing:
                floor = np.maximum(floor, np.where(true, rank, 0))
            found["hit_rows"].append(fired)
            found["hit_ranks"].append(np.full(len(fired), hit_rank[rule.id]))
            found["hits"].append(_hits(rule, speaking, texts, outcome.group, fired))
        if len(fired) or len(undecided):
            possible = ~false
            worst[family] = np.maximum(worst.get(family, 0), np.where(possible, rule.score, 0))
            for rank in forcing:
                worst_floor = np.maximum(worst_floor, np.where(possible, rank, 0))
        if len(undecided):
            if rule.id in policy.unknown_verdicts:
                floor = np.maximum(floor, np.where(undecided_rows, policy.unknown_verdicts[rule.id].rank, 0))
            names, missing = _missing(rule, undecided, columns, outcome)
            # Rows missing the same fields share one Unknown: a handful of kinds, however large the batch.
            kinds, which = np.unique(missing, axis=0, return_inverse=True)
            shared = _objects(
                [Unknown(rule.id, tuple(n for n, gone in zip(names, kind, strict=True) if gone)) for kind in kinds]
            )
            gaps["rows"].append(undecided)
            gaps["ranks"].append(np.full(len(undecided), position))
            gaps["unknown"].append(shared[which.ravel()])
    score = _score(best, count)
    level = np.maximum(_level(score, pack), floor)
    # Unknown-verdict floors already hold in `floor`; the worst case keeps them.
    could_be = np.maximum(np.maximum(_level(_score(worst, count), pack), worst_floor), floor)
    hits = _per_row(found["hit_rows"], found["hit_ranks"], found["hits"])
    unknown = _per_row(gaps["rows"], gaps["ranks"], gaps["unknown"])
    verdicts, scores, worse = level.tolist(), score.tolist(), could_be.tolist()
    results = [_NOTHING_FOUND] * count
    for row in hits.keys() | unknown.keys():
        results[row] = Assessment(
            _BY_RANK[verdicts[row]],
            scores[row],
            hits.get(row, ()),
            unknown.get(row, ()),
            _BY_RANK[worse[row]] if worse[row] > verdicts[row] else None,
        )
    return results


def _score(best: Mapping[str, np.ndarray], count: int) -> np.ndarray:
    """The risk score: the best score per family, summed, capped at 100."""
    total = np.sum(list(best.values()), axis=0) if best else np.zeros(count, dtype=np.int64)
    return np.asarray(np.minimum(total, 100))


def _level(score: np.ndarray, pack: RulePack) -> np.ndarray:
    """The verdict rank the thresholds give a score."""
    policy = pack.policy
    return np.where(score >= policy.hold_at, 2, np.where(score >= policy.refer_at, 1, 0))


def _hit_order(rule: Rule) -> tuple[int, int, str]:
    """Graver first: severity, then score, then id."""
    return (_SEVERITY_ORDER.get(rule.severity, 9), -rule.score, rule.id)


def _objects(items: Sequence[object]) -> np.ndarray:
    """An object array holding `items` as they are (numpy would unpack tuples)."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _hits(rule: Rule, language: Language, texts: _Shown, group: GroupFacts | None, fired: np.ndarray) -> np.ndarray:
    """The rule's hit on each fired row, its texts in `language`; rows with the same explanation share one Hit."""
    template = rule.explanation[language.value]
    used = {
        name: group.shown(name) if name.startswith("group.") and group is not None else texts(name)
        for name in dict.fromkeys(placeholders(template))
    }
    said = _explanations(template, {name: values for name, values in used.items() if values is not None}, fired)
    codes, distinct = factorize(said)
    title, ask = rule.title[language.value], rule.ask.get(language.value, ())
    made = _objects([Hit(rule.id, title, rule.severity, rule.score, str(text), ask) for text in distinct])
    return np.asarray(made[codes])


class _Shown:
    """Each fact column as explanations show it in one language, made once per batch for all the rules that
    quote it."""

    def __init__(self, columns: Columns, language: Language) -> None:
        self.columns = columns
        self.language = language
        self.made: dict[str, np.ndarray | None] = {}

    def __call__(self, name: str) -> np.ndarray | None:
        if name not in self.made:
            known = name in self.columns.facts

            def show(value: object) -> str:
                return shown(value, self.language, name)

            self.made[name] = self.columns.per_distinct(name, show, "?", object) if known else None
        return self.made[name]


def _per_row(rows: list[np.ndarray], ranks: list[np.ndarray], items: list[np.ndarray]) -> dict[int, tuple[Any, ...]]:
    """Items gathered rule by rule, regrouped per traveller in rank order."""
    if not rows:
        return {}
    row, rank, item = np.concatenate(rows), np.concatenate(ranks), np.concatenate(items)
    order = np.lexsort((rank, row))
    row, item = row[order], item[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    ends = np.r_[starts[1:], len(row)]
    return {at: tuple(item[start:end]) for at, start, end in zip(row[starts].tolist(), starts, ends, strict=True)}
