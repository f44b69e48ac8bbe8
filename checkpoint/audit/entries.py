"""What one line of the log holds (`AuditEntry`), and `entry_line`, the one function that writes an entry.

The format of the log is the dataclass: its fields, in order, are the line's keys. Another kind of entry
(an officer's decision, say) would be another frozen dataclass, written by the same function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from checkpoint.audit.keys import traveller_key
from checkpoint.models import ScreeningResult


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """Who screened and with what: the same for every traveller of one screening."""

    officer: str | None
    post: str | None
    registry_snapshot: str
    rule_pack_version: str
    rule_pack_hash: str
    tool_version: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One screened traveller's line of the log (SPEC §7); the field order is the key order on disk."""

    seq: int
    time: str
    officer: str | None
    post: str | None
    pax_id: str
    traveller_key: str | None
    verdict: str
    risk_score: int
    rules: tuple[str, ...]
    record_id: str | None
    registry_snapshot: str
    rule_pack_version: str
    rule_pack_hash: str
    tool_version: str
    prev: str


#: The keys of every entry, in their order on disk.
ENTRY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AuditEntry))

# `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`: compact, text as it is (no \u escapes). Made
# once; an entry cannot contain itself, so no circular check.
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def entry_line(entry: AuditEntry) -> bytes:
    """The entry's line in the log, without the newline: its fields as compact JSON, in order, in UTF-8."""
    return _LINE_ENCODER.encode({name: getattr(entry, name) for name in ENTRY_FIELDS}).encode()


def entry_time(moment: datetime) -> str:
    """A moment as entries record it: UTC, to the second (`2026-11-28T06:15:02Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def screening_entry(
    result: ScreeningResult, context: ScreeningContext, key: bytes, *, seq: int, time: str, prev: str
) -> AuditEntry:
    """The entry recording one screened traveller, as number `seq` of the log, after the line hashed `prev`."""
    traveller, match = result.traveller, result.outcome.match
    return AuditEntry(
        seq=seq,
        time=time,
        officer=context.officer,
        post=context.post,
        pax_id=traveller.pax_id,
        traveller_key=traveller_key(
            key,
            passport_number=traveller.passport_number,
            nationality=traveller.nationality,
            date_of_birth=traveller.date_of_birth,
            full_name=traveller.full_name,
        ),
        verdict=result.verdict.value,
        risk_score=result.risk_score,
        rules=tuple(hit.rule for hit in result.hits),
        record_id=match.record_id if match else None,
        registry_snapshot=context.registry_snapshot,
        rule_pack_version=context.rule_pack_version,
        rule_pack_hash=context.rule_pack_hash,
        tool_version=context.tool_version,
        prev=prev,
    )
