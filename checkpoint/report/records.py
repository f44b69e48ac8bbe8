"""The SPEC §5 result object: one plain dict per traveller, shared by the JSON and CSV writers."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from checkpoint.models import TRAVELLER_IDENTITY, Candidate, Match, ScreeningResult, Traveller, Verdict

#: Confidences are rounded so outputs are stable and readable; three places is finer than any threshold.
CONFIDENCE_PLACES = 3


def result_warnings(result: ScreeningResult) -> tuple[str, ...]:
    """The traveller's reading warnings, then the screening's warnings, without duplicates, order kept."""
    return tuple(dict.fromkeys((*result.traveller.warnings, *result.warnings)))


def result_to_dict(result: ScreeningResult) -> dict[str, Any]:
    """The SPEC §5 object for one result, keys in the specified order, JSON-ready values."""
    outcome = result.outcome
    return {
        "pax_id": str(result.pax_id),
        "verdict": Verdict(result.verdict).value,
        "risk_score": int(result.risk_score),
        "match": None if outcome.match is None else _match_to_dict(outcome.match),
        "candidates": [_candidate_to_dict(candidate) for candidate in outcome.candidates],
        "hits": [
            {
                "rule": hit.rule,
                "title": hit.title,
                "severity": hit.severity,
                "score": int(hit.score),
                "explanation": hit.explanation,
                "ask": list(hit.ask),
            }
            for hit in result.hits
        ],
        "unknown": [{"rule": unknown.rule, "missing": list(unknown.missing)} for unknown in result.unknown],
        **_could_be(result),
        "warnings": list(result_warnings(result)),
        "traveller": traveller_identity(result.traveller),
    }


def traveller_identity(traveller: Traveller) -> dict[str, str | None]:
    """The traveller's identifying fields (SPEC §5 `traveller`), `TRAVELLER_IDENTITY` order, every key present:
    text as read, dates as ISO, None where the manifest had nothing."""
    identity: dict[str, str | None] = {}
    for name in TRAVELLER_IDENTITY:
        value = getattr(traveller, name)
        identity[name] = None if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return identity


def _could_be(result: ScreeningResult) -> dict[str, str]:
    """`could_be` (SPEC §5): only for a traveller with undecided checks whose worst case is worse than the
    verdict; a worst case equal to the verdict says nothing, so the key is left out (as for everyone else)."""
    if result.could_be is None or not result.unknown or result.could_be.rank <= Verdict(result.verdict).rank:
        return {}
    return {"could_be": Verdict(result.could_be).value}


def _confidence(value: float) -> float:
    number = float(value)
    if not math.isfinite(number):  # a matcher bug; refuse rather than write NaN into a report
        raise ValueError(f"confidence {number} is not a finite number")
    return round(number, CONFIDENCE_PLACES)


def _match_to_dict(match: Match) -> dict[str, Any]:
    # Field evidence is either a similarity (rounded like a confidence) or a word such as "exact".
    fields = {name: _confidence(value) if isinstance(value, float) else value for name, value in match.fields.items()}
    return {
        "record_id": match.record_id,
        "confidence": _confidence(match.confidence),
        "method": match.method,
        "fields": fields,
    }


def _candidate_to_dict(candidate: Candidate) -> dict[str, Any]:
    return {"record_id": candidate.record_id, "confidence": _confidence(candidate.confidence)}
