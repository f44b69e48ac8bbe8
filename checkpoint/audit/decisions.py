"""Officers' decisions (SPEC §3.1): what an officer did after a verdict, the reasons they may give, and the
entry that records it.

The reason codes are data, `reasons.csv`: a code, its label in Bahasa Indonesia, its label in English, in the
order a desk offers them. They live in the audit package, not in the i18n catalog, because the codes are what
the log records and what `AuditLog.decide` accepts: the list is the log's vocabulary, and each label sits on
its code's row, so a new reason is one line and cannot lack a language (checked as loaded). A code, once
logged, is never renamed or removed; `audit show` prints a code the list no longer has as it is.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from checkpoint.audit.entries import DecisionEntry
from checkpoint.errors import InputDataError, UsageError
from checkpoint.i18n import Language, text
from checkpoint.models import Decision

#: The longest note an officer may type (characters): a few sentences; the log is no case file.
NOTE_MAX_CHARACTERS = 500

_CODE = re.compile(r"[a-z][a-z0-9_]*")


class DecisionError(InputDataError):
    """A decision names no screening of the log: a traveller never screened, or an entry that is not a
    screening (exit 3)."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason an officer may give for a decision: the code the log records, and its label per language."""

    code: str
    id: str
    en: str

    def label(self, language: Language | str) -> str:
        """The label in `language` (`id` or `en`)."""
        return self.id if Language(language) is Language.ID else self.en


@cache
def reasons() -> tuple[Reason, ...]:
    """Every reason code with its labels, in the order of `reasons.csv`; checked as loaded."""
    content = files("checkpoint.audit").joinpath("reasons.csv").read_text(encoding="utf-8")
    found: list[Reason] = []
    for number, row in enumerate(csv.DictReader(content.splitlines()), start=2):
        reason = Reason(row["code"], row["id"], row["en"])
        if not _CODE.fullmatch(reason.code) or not (reason.id and reason.en):
            raise ValueError(f"reasons.csv line {number}: a code of lower-case words and both labels are needed")
        if any(other.code == reason.code for other in found):
            raise ValueError(f"reasons.csv line {number}: {reason.code} is listed twice")
        found.append(reason)
    return tuple(found)


def reason_codes() -> tuple[str, ...]:
    """The codes `AuditLog.decide` accepts, in the order of `reasons.csv`."""
    return tuple(reason.code for reason in reasons())


def reason_label(code: str, language: Language | str) -> str:
    """The label of a logged code in `language`; a code the list no longer has, as it is."""
    return next((reason.label(language) for reason in reasons() if reason.code == code), code)


def decision_entry(
    answers: int,
    decision: Decision | str,
    *,
    reason: str | None,
    note: str | None,
    officer: str | None,
    post: str | None,
    time: str,
    tool_version: str,
) -> DecisionEntry:
    """The entry recording a decision on screening entry `answers`; UsageError for a decision or reason code
    that does not exist or a note too long (the note itself is never quoted)."""
    try:
        decided = Decision(decision)
    except ValueError:
        raise UsageError(text("audit.decide.bad_decision", decisions=", ".join(Decision))) from None
    if reason is not None and reason not in reason_codes():
        # Not quoted: what was typed there may be a note given in the wrong place.
        raise UsageError(text("audit.decide.bad_reason", codes=", ".join(reason_codes())))
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX_CHARACTERS:
        raise UsageError(text("audit.decide.long_note", count=len(note), limit=NOTE_MAX_CHARACTERS))
    return DecisionEntry(
        time=time,
        officer=officer,
        post=post,
        answers=answers,
        decision=decided.value,
        reason=reason,
        note=note,
        tool_version=tool_version,
    )
