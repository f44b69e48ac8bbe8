"""The audit log (SPEC §7): an append-only, hash-chained JSON Lines file, one entry per screened traveller.

Files, all in the log's folder (`audit.jsonl` stands for the log's name):

- `audit.jsonl`       one compact JSON object per line; `prev` is the SHA-256 of the previous line's exact
                      bytes (without its newline), 64 zeros on the first line, so any edited, removed or
                      reordered line breaks the chain;
- `audit.jsonl.head`  `{"seq": N, "hash": "…"}` of the last entry, replaced atomically after every
                      append, so that removing lines from the end (which leaves a valid chain) is
                      detected too;
- `audit.jsonl.lock`  the inter-process lock every append (and the start of a verification) takes;
- `audit.key`         32 random bytes (mode 0600), the per-installation HMAC key of the traveller keys.

The traveller key is HMAC-SHA256(key, normalised passport number + nationality + date of birth), or
(normalised name + date of birth) when there is no passport number. A plain hash would be brute-forced over
the ~10^9 passport numbers; with the HMAC only someone holding `audit.key` can link entries to a person: an
auditor who has the key and a document recomputes `traveller_key(...)` for it and searches the log for that
value (trying without nationality or date of birth if the screening may have lacked them). Losing the key
does not break the chain; it only makes the keys unlinkable.

Modules: `entries` (what a line holds, and `entry_line`, which writes it), `keys` (the installation key
and traveller keys), `chain` (the prev hashes and the head file), `log` (appending), `verify`.
"""

from __future__ import annotations

from checkpoint.audit.chain import GENESIS_HASH, AuditChainError, head_path_for
from checkpoint.audit.entries import ENTRY_FIELDS, AuditEntry, ScreeningContext, entry_line, screening_entry
from checkpoint.audit.keys import KEY_FILE_NAME, load_key, traveller_key
from checkpoint.audit.log import LOCK_TIMEOUT_SECONDS, AuditLog, lock_path_for
from checkpoint.audit.verify import VerifyReport, verify

__all__ = [
    "ENTRY_FIELDS",
    "GENESIS_HASH",
    "KEY_FILE_NAME",
    "LOCK_TIMEOUT_SECONDS",
    "AuditChainError",
    "AuditEntry",
    "AuditLog",
    "ScreeningContext",
    "VerifyReport",
    "entry_line",
    "head_path_for",
    "load_key",
    "lock_path_for",
    "screening_entry",
    "traveller_key",
    "verify",
]
