"""The audit log (SPEC §7): an append-only, hash-chained JSON Lines file, one entry per screened traveller and
one per decision an officer records on a screened traveller (SPEC §3.1), in the same chain.

Files, all in the log's folder (`audit.jsonl` stands for the log's name):

- `audit.jsonl`          one compact JSON object per line; `prev` is the SHA-256 of the previous line's exact
                         bytes (without its newline), 64 zeros on the first line, so any edited, removed or
                         reordered line breaks the chain; a decision's line says `"kind":"decision"` after its
                         seq and `answers` the seq of the screening entry it is about (`entries.py`);
- `audit.jsonl.head`     `{"seq": N, "hash": "…", "mac": "…"}` of the last entry, the MAC keyed with the
                         installation key, replaced atomically after every append, so that removing lines
                         from the end (which leaves a valid chain) is detected, even by someone who rewrites
                         the head file; `checkpoint audit show --head` exports it as an anchor to keep
                         elsewhere, and `audit verify --anchor` checks the log still holds the anchored entry;
- `audit.jsonl.pending`  while an append is under way: what it writes, sealed with the installation key, so
                         that an append interrupted before its head is completed or taken back, and nothing
                         else after the head is ever accepted (`pending.py`);
- `audit.jsonl.lock`     the inter-process lock every append (and the start of a verification) takes;
- `audit.key`            32 random bytes (mode 0600), the per-installation HMAC key.

The traveller key is HMAC-SHA256(key, normalised passport number + nationality + date of birth), or
(normalised name + date of birth) when there is no passport number; the pax key is HMAC-SHA256(key, pax_id),
as a manifest's pax_id can carry personal data. A plain hash would be brute-forced over the ~10^9 passport
numbers; with the HMAC only someone holding `audit.key` can link entries to a person: an auditor who has the
key and a document recomputes `traveller_key(...)` (or `pax_key(key, pax_id)`) and searches the log for that
value (trying without nationality or date of birth if the screening may have lacked them). Each use of the
key has its own label, so no keyed value can stand for another. Losing the key does not break the chain; it
makes the keys unlinkable and the head's MAC uncheckable. SECURITY.md says what all this proves and what not.

Modules: `entries` (what a line holds, and `entry_line`, which writes it), `decisions` (a decision's entry, made
and checked; the reason codes of `reasons.csv`), `keys` (the installation key and what is keyed with it), `chain`
(the prev hashes and the head file), `pending` (the record of an append under way), `log` (appending:
`AuditLog.record` and `AuditLog.decide`), `verify`, `read` (entries and the head), `review` (each screening
with its decisions, filtered; the screening a decision is for; the per-rule summary).
"""

from __future__ import annotations

from checkpoint.audit.chain import GENESIS_HASH, AuditChainError, Head, head_line, head_path_for, read_anchor
from checkpoint.audit.decisions import (
    NOTE_MAX_CHARACTERS,
    DecisionError,
    Reason,
    reason_codes,
    reason_label,
    reasons,
)
from checkpoint.audit.entries import (
    DECISION_FIELDS,
    SCREENING_FIELDS,
    AuditEntry,
    DecisionEntry,
    EncodedEntry,
    ScreeningContext,
    ScreeningEntry,
    encode_entry,
    entry_line,
    screening_entry,
)
from checkpoint.audit.keys import KEY_FILE_NAME, load_key, pax_key, traveller_key
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS, Appended, AuditLog, lock_path_for
from checkpoint.audit.pending import pending_path_for
from checkpoint.audit.read import LoggedEntry, current_head, read_entries
from checkpoint.audit.review import (
    UNDECIDED,
    FoundScreening,
    LoggedDecision,
    LoggedScreening,
    RuleSummary,
    ScreeningFilter,
    Summary,
    find_screening,
    read_screenings,
    summarise,
)
from checkpoint.audit.verify import VerifyReport, verify

__all__ = [
    "DECISION_FIELDS",
    "GENESIS_HASH",
    "KEY_FILE_NAME",
    "LOCK_TIMEOUT_SECONDS",
    "NOTE_MAX_CHARACTERS",
    "SCREENING_FIELDS",
    "UNDECIDED",
    "Appended",
    "AuditChainError",
    "AuditEntry",
    "AuditLog",
    "DecisionEntry",
    "DecisionError",
    "EncodedEntry",
    "FoundScreening",
    "Head",
    "LoggedDecision",
    "LoggedEntry",
    "LoggedScreening",
    "Reason",
    "RuleSummary",
    "ScreeningContext",
    "ScreeningEntry",
    "ScreeningFilter",
    "Summary",
    "VerifyReport",
    "current_head",
    "encode_entry",
    "entry_line",
    "find_screening",
    "head_line",
    "head_path_for",
    "load_key",
    "lock_path_for",
    "pax_key",
    "pending_path_for",
    "read_anchor",
    "read_entries",
    "read_screenings",
    "reason_codes",
    "reason_label",
    "reasons",
    "screening_entry",
    "summarise",
    "traveller_key",
    "verify",
]
