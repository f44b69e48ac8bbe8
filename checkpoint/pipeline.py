"""The screening spine: travellers + registry + rule pack -> one verdict per traveller, logged.

    match (matching/) -> facts (engine/facts) -> rules and policy (engine/evaluate) -> audit (audit.py)

The core never prints and never exits: the CLI reads options, calls `screen`, renders, and maps errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from checkpoint import __version__
from checkpoint.audit import AuditLog, ScreeningContext
from checkpoint.engine import Assessment, RulePack, build_facts, evaluate
from checkpoint.gcpause import cycle_collection_paused
from checkpoint.manifests import build_traveller
from checkpoint.matching import EvidenceMatcher, Matcher
from checkpoint.models import MatchOutcome, ScreeningResult, Traveller, Verdict
from checkpoint.registry import Registry

UNSCREENABLE = "could not be screened against the registry; verify the traveller's documents by hand"


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

    result = parse_td3(*mrz, today=today)
    document = {name: value for name, value in to_traveller_fields(result).items() if value is not None}
    typed = {name: value for name, value in cells.items() if value not in (None, "")}
    traveller = build_traveller({**typed, **document}, row=1, today=today)
    warnings = (*problems_as_warnings(result), *traveller.warnings)
    return replace(traveller, warnings=warnings)


def screen_travellers(
    travellers: Sequence[Traveller],
    registry: Registry,
    pack: RulePack,
    *,
    today: date,
    matcher: Matcher | None = None,
) -> list[ScreeningResult]:
    """Match and assess a batch; one result per traveller, same order. No side effects."""
    with cycle_collection_paused():  # millions of short-lived objects, no cycles among them
        outcomes = (matcher or EvidenceMatcher()).match(registry, travellers)
        facts = build_facts(travellers, outcomes, today)
        assessments = evaluate(pack, facts, today)
        return [
            _result(traveller, outcome, assessment)
            for traveller, outcome, assessment in zip(travellers, outcomes, assessments, strict=True)
        ]


def _result(traveller: Traveller, outcome: MatchOutcome, assessment: Assessment) -> ScreeningResult:
    verdict = assessment.verdict
    extra: tuple[str, ...] = ()
    if not traveller.screenable:  # a row that cannot be looked up is never silently clear
        verdict, extra = Verdict.worst(verdict, Verdict.REFER), (UNSCREENABLE,)
    return ScreeningResult(
        traveller=traveller,
        verdict=verdict,
        risk_score=assessment.risk_score,
        outcome=outcome,
        hits=assessment.hits,
        unknown=assessment.unknown,
        warnings=extra,
    )


def screen(
    travellers: Sequence[Traveller],
    registry: Registry,
    pack: RulePack,
    *,
    today: date,
    audit_log: Path,
    officer: Officer | None = None,
    notes: Sequence[str] = (),
    workers: int = 1,
) -> ScreeningRun:
    """Screen a batch and append it to the audit log; nothing is returned unless it was logged.

    `workers`: how many processes may share writing the audit log; the results do not depend on it.
    """
    log = AuditLog(audit_log)
    context = ScreeningContext(
        officer=officer.officer if officer else None,
        post=officer.post if officer else None,
        registry_snapshot=registry.info.snapshot_id,
        rule_pack_version=f"{pack.name}@{pack.version}",
        rule_pack_hash=pack.sha256,
        tool_version=__version__,
    )
    log.record([], context)  # fail before anything is assessed if the log cannot be written (exit 5)
    results = screen_travellers(travellers, registry, pack, today=today, matcher=EvidenceMatcher())
    log.record(results, context, workers=workers)
    return ScreeningRun(
        results=tuple(results),
        registry_snapshot=registry.info.snapshot_id,
        pack_name=pack.name,
        pack_version=pack.version,
        notes=(*registry.notes, *notes),
    )
