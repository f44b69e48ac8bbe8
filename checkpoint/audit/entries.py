"""What one line of the log holds, and `entry_line`, the one function that writes a line.

Two kinds of entry share the chain: a `ScreeningEntry` per screened traveller, and a `DecisionEntry` per
decision an officer records on one (SPEC §3.1, §7). A line is the entry's fields as one compact JSON object,
between the two keys that place it in the chain: `{"seq":N,` + the entry + `,"prev":"…"}`. The entry is
encoded once, before the log is locked (`encode_entry`); under the lock an append only numbers and chains the
encoded entries (`entry_line`), so a large screening keeps other screenings waiting for as short a time as
possible.

The format of the log is the dataclasses: `seq`, an entry's fields in order, then `prev` are the line's keys.
A decision's line names its kind first, `{"seq":N,"kind":"decision",…`; a line without `kind` is a
screening. Screening lines were written that way before decisions existed and still are, so every log
written so far reads and verifies as it did, byte for byte; a reader meeting a `kind` it does not know stops
rather than guess (a newer checkpoint wrote it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import ClassVar, NewType, TypeAlias

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
class ScreeningEntry:
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


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    """What an officer decided about a screened traveller (SPEC §3.1): the screening entry it `answers` (its
    seq), `cleared`, `referred` or `postponed` (`models.Decision`), a reason code (`decisions.reasons()`)
    and the officer's own note, both optional. In the order of its keys on disk, after `"kind":"decision"`.

    The note is free text typed by an officer: it lives in the owner-only log and is shown by `audit show`,
    never in an error."""

    KIND: ClassVar[str] = "decision"

    time: str
    officer: str | None
    post: str | None
    answers: int
    decision: str
    reason: str | None
    note: str | None
    tool_version: str


#: An entry of either kind.
AuditEntry: TypeAlias = ScreeningEntry | DecisionEntry

_SCREENING_BODY: tuple[str, ...] = tuple(f.name for f in fields(ScreeningEntry))
_DECISION_BODY: tuple[str, ...] = tuple(f.name for f in fields(DecisionEntry))

#: The keys of a screening's line, in their order on disk.
SCREENING_FIELDS: tuple[str, ...] = ("seq", *_SCREENING_BODY, "prev")
#: The keys of a decision's line, in their order on disk.
DECISION_FIELDS: tuple[str, ...] = ("seq", "kind", *_DECISION_BODY, "prev")

#: An entry encoded by `encode_entry`: its keys and values as compact JSON, without the braces.
EncodedEntry = NewType("EncodedEntry", bytes)

# `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`: compact, text as it is (no \u escapes). Made
# once; an entry cannot contain itself, so no circular check.
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def encode_entry(entry: AuditEntry) -> EncodedEntry:
    """The entry's fields as compact JSON members in UTF-8 (a decision's after its kind), ready for
    `entry_line`."""
    if isinstance(entry, DecisionEntry):
        members = {"kind": DecisionEntry.KIND, **{name: getattr(entry, name) for name in _DECISION_BODY}}
    else:
        members = {name: getattr(entry, name) for name in _SCREENING_BODY}
    encoded = _LINE_ENCODER.encode(members).encode()
    return EncodedEntry(encoded[1:-1])  # without the braces: entry_line puts seq before and prev after


def entry_line(seq: int, entry: EncodedEntry, prev: str) -> bytes:
    """Line `seq` of the log, holding `entry`, after the line whose hash is `prev`; without the newline."""
    # seq is an int and prev a hex digest: neither needs escaping.
    return b'{"seq":%d,%b,"prev":"%b"}' % (seq, entry, prev.encode("ascii"))


def entry_kind(line: dict[str, object]) -> object:
    """The kind of entry a parsed line holds: `"screening"` for a line without `kind` (every screening line),
    else what its `kind` says (`"decision"`, or something a newer checkpoint wrote)."""
    return line.get("kind", "screening")


def written_keyed(line: dict[str, object]) -> bool:
    """Whether a parsed line can only come from a checkpoint that keys its head file: one that keys pax ids
    (a `pax_key`) or records decisions (a `kind`). An unkeyed head after such a line was put back by hand."""
    return "pax_key" in line or "kind" in line


def entry_time(moment: datetime) -> str:
    """A moment as entries record it: UTC, to the second (`2026-11-28T06:15:02Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def screening_entry(result: ScreeningResult, context: ScreeningContext, key: bytes, *, time: str) -> ScreeningEntry:
    """The entry recording one screened traveller; `key` is the installation key of the traveller and pax keys."""
    traveller, match = result.traveller, result.outcome.match
    return ScreeningEntry(
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
