"""An MRZ result as traveller fields and warnings, for the screening pipeline (`screen --mrz`)."""

from __future__ import annotations

from checkpoint.i18n import text
from checkpoint.mrz.td3 import MrzResult


def to_traveller_fields(result: MrzResult) -> dict[str, object]:
    """The Traveller fields the MRZ gives (blanks as None).

    A document number whose check digit fails but which one OCR confusion repairs is given repaired: the
    check digit confirms the repair, and the registry holds the printed number, not the misread one.
    The warnings from `problems_as_warnings` say so.
    """
    return {
        "full_name": result.full_name or None,
        "sex": result.sex,
        "date_of_birth": result.birth_date,
        "nationality": result.nationality or None,
        "passport_number": _repaired_document_number(result) or result.document_number or None,
        "passport_expiry": result.expiry_date,
    }


def problems_as_warnings(result: MrzResult) -> tuple[str, ...]:
    """One sentence per MRZ problem, fit for a traveller's warnings (no name or document number in clear)."""
    warnings = []
    for problem in result.problems:
        if problem.field == "document_number" and problem.repaired_value is not None:
            warnings.append(text("mrz.warning_repaired", message=problem.message.rstrip(".")))
        else:
            warnings.append(text("mrz.warning", message=problem.message))
    return tuple(warnings)


def _repaired_document_number(result: MrzResult) -> str | None:
    for problem in result.problems:
        if problem.field == "document_number" and problem.repaired_value:
            return problem.repaired_value
    return None
