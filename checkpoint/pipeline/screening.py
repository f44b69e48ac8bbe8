"""A screening from start to finish: travellers in, one logged verdict each out.

    read rows -> match (matching/) -> facts and rules (engine/) -> audit log (audit/)

Reading and matching are the same work for every traveller, so a large batch shares them among processes
(`processes.py`, the only place that starts any); the facts, the rules, which look at groups of travellers,
and the audit log, which is one chain, run here. The core never prints and never exits: the CLI reads
options, calls one function here, renders the run and maps errors to exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from checkpoint import __version__
from checkpoint.audit import AuditLog, ScreeningContext
from checkpoint.engine import RulePack, build_facts, default_pack_path, evaluate, load_pack
from checkpoint.engine.facts import columns_lacking
from checkpoint.gcpause import cycle_collection_paused
from checkpoint.i18n import text
from checkpoint.manifests import build_traveller, open_manifest
from checkpoint.matching import EvidenceMatcher
from checkpoint.models import MatchOutcome, ScreeningResult, Subject, Traveller, Verdict
from checkpoint.pipeline.freshness import registry_age_warning
from checkpoint.pipeline.processes import start_shares, usable_cores
from checkpoint.progress import SILENT, Progress
from checkpoint.registry import Registry
from checkpoint.registry.recommendations import RecommendationBook

#: The catalog key of the warning on a traveller whose row cannot be looked up in the registry.
UNSCREENABLE = "pipeline.unscreenable"


@dataclass(frozen=True)
class Officer:
    """Who is screening, for the audit log (both optional)."""

    officer: str | None = None
    post: str | None = None


@dataclass(frozen=True)
class ScreeningRun:
    """The results of one screening, in input order, with what they were screened against."""

    results: tuple[ScreeningResult, ...]
    registry_snapshot: str
    pack_name: str
    pack_version: str
    notes: tuple[str, ...] = field(default=())
    #: The audit log and the sequence numbers of this screening's entries in it.
    audit_log: Path | None = None
    logged: range = range(0)
    #: Each group rule of the pack and the traveller field it groups by (reports list the groups flagged).
    group_rules: Mapping[str, str] = field(default_factory=dict)
    #: Whom the results are about: travellers, or applicants when a file of applications was screened.
    subject: Subject = Subject.TRAVELLER

    @property
    def exit_code(self) -> int:
        """SPEC §2: 0 when every traveller is clear, 1 otherwise."""
        return 0 if all(r.verdict is Verdict.CLEAR for r in self.results) else 1


def desk_traveller(cells: Mapping[str, object], *, today: date, mrz: tuple[str, str] | None = None) -> Traveller:
    """One traveller at the desk: typed fields, or an MRZ plus typed fields (typed ones fill the gaps).

    A failed MRZ check digit is a warning on the traveller, not an error: the officer still gets a verdict.
    """
    if mrz is None:
        return build_traveller(cells, row=1, today=today)
    from checkpoint.mrz import parse_td3, problems_as_warnings, to_traveller_fields  # at the desk only
    from checkpoint.mrz.td3 import failed_checks

    result = parse_td3(*mrz, today=today)
    document = {name: value for name, value in to_traveller_fields(result).items() if value is not None}
    typed = {name: value for name, value in cells.items() if value not in (None, "")}
    traveller = build_traveller({**typed, **document}, row=1, today=today)
    warnings = (*problems_as_warnings(result), *traveller.warnings)
    return replace(traveller, warnings=warnings, mrz_check_failed=bool(failed_checks(*mrz)))


def assess(
    travellers: Sequence[Traveller], outcomes: Sequence[MatchOutcome], pack: RulePack, *, today: date
) -> list[ScreeningResult]:
    """The rule pack's verdict for each matched traveller, same order. No side effects."""
    with cycle_collection_paused():  # many short-lived objects, no cycles among them
        facts = build_facts(travellers, outcomes, today)
        assessments = evaluate(pack, facts, today)
    results = []
    for traveller, outcome, assessment in zip(travellers, outcomes, assessments, strict=True):
        verdict, extra = assessment.verdict, tuple[str, ...]()
        if not traveller.screenable:  # a row that cannot be looked up is never silently clear
            verdict, extra = Verdict.worst(verdict, Verdict.REFER), (text(UNSCREENABLE),)
        could_be = assessment.could_be  # SPEC §5: kept only while worse than the verdict (raised just above)
        if could_be is not None and could_be.rank <= verdict.rank:
            could_be = None
        results.append(
            ScreeningResult(
                traveller=traveller,
                verdict=verdict,
                risk_score=assessment.risk_score,
                outcome=outcome,
                hits=assessment.hits,
                unknown=assessment.unknown,
                warnings=extra,
                could_be=could_be,
            )
        )
    return results


def screen_travellers(
    travellers: Sequence[Traveller], registry: Registry, pack: RulePack, *, today: date
) -> list[ScreeningResult]:
    """Match and assess a batch in this process; one result per traveller, same order. No side effects."""
    with cycle_collection_paused():
        outcomes = EvidenceMatcher().match(registry, travellers)
    return assess(travellers, outcomes, pack, today=today)


def screen(
    travellers: Sequence[Traveller],
    registry: Registry,
    pack: RulePack,
    *,
    today: date,
    audit_log: Path,
    officer: Officer | None = None,
    notes: Sequence[str] = (),
    workers: int | None = None,
    on_wait: Callable[[float], object] | None = None,
    warn_age: bool = True,
) -> ScreeningRun:
    """Screen travellers already read and append them to the audit log; nothing is returned unless logged.

    `workers`: how many processes may share the matching (default: every core); the results do not depend
    on it. `on_wait(seconds)`: called while another screening holds the audit log's lock for long.
    `warn_age`: whether the run's notes warn of a registry older than the pack allows (the desk says it once
    per session instead of once per traveller).
    """
    return _screen(
        _AlreadyRead(travellers),
        registry,
        lambda: pack,
        today=today,
        audit_log=audit_log,
        officer=officer,
        notes=notes,
        workers=workers,
        on_wait=on_wait,
        warn_age=warn_age,
    )


def screen_manifest(
    path: Path,
    registry: Registry,
    rules: Path | None = None,
    *,
    today: date,
    audit_log: Path,
    officer: Officer | None = None,
    workers: int | None = None,
    on_wait: Callable[[float], object] | None = None,
    progress: Progress = SILENT,
) -> ScreeningRun:
    """Screen a manifest file against the rule pack at `rules` (default: the shipped pack).

    Its rows are read and matched by `workers` processes (default: every core) while the pack loads here;
    then the rules and the audit log. InputDataError when the file cannot be read, ConfigError when the
    pack is invalid, AuditError when the log cannot be written: nothing is logged then. `progress` hears of
    each phase.
    """
    with progress.phase(text("progress.reading", file=path.name)):
        rows = open_manifest(path, today=today)
    return _screen(
        rows,
        registry,
        lambda: load_pack(rules or default_pack_path()),
        today=today,
        audit_log=audit_log,
        officer=officer,
        notes=rows.notes,
        workers=workers,
        on_wait=on_wait,
        progress=progress,
    )


def screen_applications(
    path: Path,
    registry: Registry,
    rules: Path | None = None,
    *,
    today: date,
    audit_log: Path,
    officer: Officer | None = None,
    workers: int | None = None,
    on_wait: Callable[[float], object] | None = None,
    progress: Progress = SILENT,
    recommendations: RecommendationBook | None = None,
) -> ScreeningRun:
    """Screen a file of passport applications (SPEC §3.2) as `screen_manifest` screens a manifest, against
    the pack at `rules` (default: the passport office's, `rules/passport-office/`); the recommendations presented
    are checked against `recommendations` (the store's) when given."""
    from checkpoint.applications import application_pack_path, open_applications

    with progress.phase(text("progress.reading", file=path.name)):
        rows = open_applications(path, today=today, recommendations=recommendations)
    return _screen(
        rows,
        registry,
        lambda: load_pack(rules or application_pack_path()),
        today=today,
        audit_log=audit_log,
        officer=officer,
        notes=rows.raw.notes,
        workers=workers,
        on_wait=on_wait,
        progress=progress,
        subject=Subject.APPLICANT,
    )


def screen_desk(
    cells: Mapping[str, object],
    registry: Registry,
    rules: Path | None = None,
    *,
    mrz: tuple[str, str] | None = None,
    today: date,
    audit_log: Path,
    officer: Officer | None = None,
    on_wait: Callable[[float], object] | None = None,
) -> ScreeningRun:
    """Screen one traveller typed at the desk (`desk_traveller`) against the pack at `rules` (default: the
    shipped pack)."""
    traveller = desk_traveller(cells, today=today, mrz=mrz)
    pack = load_pack(rules or default_pack_path())
    return screen([traveller], registry, pack, today=today, audit_log=audit_log, officer=officer, on_wait=on_wait)


def match(travellers: Sequence[Traveller], registry: Registry, *, workers: int | None = None) -> list[MatchOutcome]:
    """The matcher's outcomes for a batch, shared among `workers` processes (default: every core)."""
    matcher = EvidenceMatcher()

    def match_rows(rows: range) -> list[MatchOutcome]:
        with cycle_collection_paused():
            return matcher.match(registry, travellers[rows.start : rows.stop])

    with start_shares(match_rows, len(travellers), workers or usable_cores()) as matching:
        return matching.finish()


class _Rows(Protocol):
    """Travellers to screen, read a run of rows at a time (a manifest's rows: `ManifestRows`)."""

    def __len__(self) -> int: ...

    def travellers(self, rows: range) -> list[Traveller]: ...

    def flag_repeats(self, travellers: Sequence[Traveller]) -> list[Traveller]: ...

    @property
    def fields(self) -> frozenset[str] | None: ...

    def lacking_notes(self, lacking: Mapping[str, Sequence[str]]) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class _AlreadyRead:
    """Travellers read already (at the desk, by a caller): `_Rows` with nothing left to read or flag."""

    read: Sequence[Traveller]

    def __len__(self) -> int:
        return len(self.read)

    def travellers(self, rows: range) -> list[Traveller]:
        return list(self.read[rows.start : rows.stop])

    def flag_repeats(self, travellers: Sequence[Traveller]) -> list[Traveller]:
        return list(travellers)

    @property
    def fields(self) -> frozenset[str] | None:
        return None  # typed or read one by one: each traveller's `unknown` says what it lacks

    def lacking_notes(self, lacking: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
        return ()


def _screen(
    rows: _Rows,
    registry: Registry,
    load_pack: Callable[[], RulePack],
    *,
    today: date,
    audit_log: Path,
    officer: Officer | None,
    notes: Sequence[str],
    workers: int | None,
    on_wait: Callable[[float], object] | None,
    warn_age: bool = True,
    progress: Progress = SILENT,
    subject: Subject = Subject.TRAVELLER,
) -> ScreeningRun:
    matcher = EvidenceMatcher()

    def read_and_match(run: range) -> list[tuple[Traveller, MatchOutcome]]:
        with cycle_collection_paused():
            travellers = rows.travellers(run)
            return list(zip(travellers, matcher.match(registry, travellers), strict=True))

    # The workers read and match while this process loads the rule pack and checks the audit log; they are
    # stopped if either fails (the context's exit).
    # The progress display starts once the workers are forked: a child never inherits its drawing thread.
    with (
        start_shares(read_and_match, len(rows), workers or usable_cores()) as matching,
        progress.phase(text(_phase("matching", subject), count=len(rows))),
    ):
        pack = load_pack()
        log = AuditLog(audit_log, on_wait=on_wait)
        context = ScreeningContext(
            officer=officer.officer if officer else None,
            post=officer.post if officer else None,
            registry_snapshot=registry.info.snapshot_id,
            rule_pack_version=f"{pack.name}@{pack.version}",
            rule_pack_hash=pack.sha256,
            tool_version=__version__,
        )
        preflight = log.record([], context)  # fail before anything is assessed if the log cannot be written (exit 5)
        matched = matching.finish()
    fields = rows.fields
    lacking = rows.lacking_notes(columns_lacking(pack, fields)) if fields is not None else ()
    with progress.phase(text(_phase("rules", subject), count=len(matched))):
        travellers = rows.flag_repeats([traveller for traveller, _ in matched])
        results = assess(travellers, [outcome for _, outcome in matched], pack, today=today)
    with progress.phase(text("progress.logging", count=len(results))):
        appended = log.record(results, context)
    aged = registry_age_warning(registry, pack, today) if warn_age else None
    warned = (aged,) if aged is not None else ()
    return ScreeningRun(
        results=tuple(results),
        registry_snapshot=registry.info.snapshot_id,
        pack_name=pack.name,
        pack_version=pack.version,
        # the registry's age first: a warning about every result; then what the log settled, too
        notes=(*warned, *registry.notes, *notes, *lacking, *preflight.notes, *appended.notes),
        audit_log=audit_log,
        logged=range(appended.first, appended.last + 1) if appended.count else range(0),
        group_rules={rule.id: rule.group.by for rule in pack.rules if rule.group is not None},
        subject=subject,
    )


def _phase(name: str, subject: Subject) -> str:
    """The catalog key of a screening phase's progress line: applications are counted as applications."""
    return f"progress.{name}" if subject is Subject.TRAVELLER else f"progress.{name}_applications"
