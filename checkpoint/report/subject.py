"""How the views for people name whom a batch screens: travellers at the border, or applicants and their
applications at the passport office (SPEC §3.2).

The subject is the batch's (`Batch.subject`, from the pipeline that knows what it read), never guessed row by row.
Each text that names the people comes in a pair in the catalog, `….traveller` and `….applicant`.
"""

from __future__ import annotations

from typing import Any

from checkpoint.i18n import text
from checkpoint.models import Subject, Traveller


def subject_text(key: str, subject: Subject, **params: Any) -> str:
    """The text of `key` for `subject`: the catalog's `key.traveller` or `key.applicant`."""
    return text(f"{key}.{Subject(subject).value}", **params)


def document_number(traveller: Traveller, subject: Subject) -> str | None:
    """The number that identifies the person in a view: the passport's for a traveller; the NIK for an applicant,
    who has no passport yet. Shown as the passport number is (in full: the officer compares it with the paper)."""
    return traveller.nik if subject is Subject.APPLICANT else traveller.passport_number
