"""What one line of the log holds (`AuditEntry`), and `entry_line`, the one function that writes a line.

A line is the entry's fields as one compact JSON object, between the two keys that place it in the chain:
`{"seq":N,` + the entry + `,"prev":"…"}`. The entry is encoded once, before the log is locked
(`encode_entry`); under the lock an append only numbers and chains the encoded entries (`entry_line`), so a
large screening keeps other screenings waiting for as short a time as possible.

The format of the log is the dataclass: `seq`, its fields in order, then `prev` are the line's keys.
Another kind of entry (an officer's decision, say) would be another frozen dataclass, written by the same
function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import NewType

from checkpoint.audit.keys import pax_key, traveller_key
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
    """What one screened traveller's line says (SPEC §7), in the order of its keys on disk; the line adds
    `seq` before and `prev` after, which place it in the chain."""

    time: str
    officer: str | None
    post: str | None
    pax_key: str
    traveller_key: str | None
    verdict: str
    risk_score: int
    rules: tuple[str, ...]
    record_id: str | None
    registry_snapshot: str
    rule_pack_version: str
    rule_pack_hash: str
    tool_version: str


_BODY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AuditEntry))

#: The keys of every line, in their order on disk.
ENTRY_FIELDS: tuple[str, ...] = ("seq", *_BODY_FIELDS, "prev")

#: An entry encoded by `encode_entry`: its keys and values as compact JSON, without the braces.
EncodedEntry = NewType("EncodedEntry", bytes)

# `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`: compact, text as it is (no \u escapes). Made
# once; an entry cannot contain itself, so no circular check.
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def encode_entry(entry: AuditEntry) -> EncodedEntry:
    """The entry's fields as compact JSON members in UTF-8, ready for `entry_line`."""
    encoded = _LINE_ENCODER.encode({name: getattr(entry, name) for name in _BODY_FIELDS}).encode()
    return EncodedEntry(encoded[1:-1])  # without the braces: entry_line puts seq before and prev after


def entry_line(seq: int, entry: EncodedEntry, prev: str) -> bytes:
    """Line `seq` of the log, holding `entry`, after the line whose hash is `prev`; without the newline."""
    # seq is an int and prev a hex digest: neither needs escaping.
    return b'{"seq":%d,%b,"prev":"%b"}' % (seq, entry, prev.encode("ascii"))


def entry_time(moment: datetime) -> str:
    """A moment as entries record it: UTC, to the second (`2026-11-28T06:15:02Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def screening_entry(result: ScreeningResult, context: ScreeningContext, key: bytes, *, time: str) -> AuditEntry:
    """The entry recording one screened traveller; `key` is the installation key of the traveller and pax keys."""
    traveller, match = result.traveller, result.outcome.match
    return AuditEntry(
        time=time,
        officer=context.officer,
        post=context.post,
        pax_key=pax_key(key, traveller.pax_id),
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
    )
