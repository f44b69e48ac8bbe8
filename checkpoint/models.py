"""Value objects shared by every part of checkpoint.

Glossary (one word, one meaning, everywhere in the code):

- **traveller**: one person about to depart, from the desk (typed or MRZ) or from a manifest row.
- **application**: a passport application at the passport office (SPEC §4.3), screened as a traveller whose
  `application` holds the application's own facts (`checkpoint.applications`); its person is an
  **applicant**. Whom a batch screens (`Subject`) is the batch's, never guessed row by row.
- **manifest**: a list of travellers (airline API/PNR list, ferry list, agent's group list).
- **record**: one placement record in the registry (SISKOP2MI / SIAPkerja proxy, SPEC §4.1).
- **registry**: the columnar table of records, normalised once per snapshot.
- **candidate**: a record that might be the traveller, with a confidence.
- **match**: the claim that a traveller *is* a record (only above a high confidence).
- **rule**: a supervisor-written YAML condition with a score and an explanation.
- **hit**: a rule that fired for a traveller; **unknown**: a rule that could not be decided for missing data.
- **verdict**: `clear`, `refer` or `hold`, from the scores and the pack's policy.
- **decision**: what the officer did after the verdict, `cleared`, `referred` or `postponed`, logged as its own
  audit entry (the tool recommends; the officer decides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Verdict(StrEnum):
    """What the tool recommends to the officer; ordered by gravity."""

    CLEAR = "clear"
    REFER = "refer"
    HOLD = "hold"

    @property
    def rank(self) -> int:
        return _VERDICT_RANK[self]

    @classmethod
    def worst(cls, *verdicts: Verdict) -> Verdict:
        return max(verdicts, key=lambda v: v.rank, default=cls.CLEAR)


_VERDICT_RANK = {Verdict.CLEAR: 0, Verdict.REFER: 1, Verdict.HOLD: 2}


class Subject(StrEnum):
    """Whom a screening is about: travellers (the border, a manifest) or applicants (the passport office, SPEC
    §3.2). The views for people speak of them by this; machine formats do not change (SPEC §5 `pax_id`)."""

    TRAVELLER = "traveller"
    APPLICANT = "applicant"


class Decision(StrEnum):
    """What the officer did after the verdict (SPEC §3.1); the audit log records it beside the screening."""

    CLEARED = "cleared"  # diizinkan berangkat
    REFERRED = "referred"  # dirujuk ke pemeriksaan lanjutan (secondary inspection)
    POSTPONED = "postponed"  # penundaan keberangkatan


#: Traveller fields in the order of SPEC §4.2 (plus `nik`, which a desk officer may type).
TRAVELLER_FIELDS: tuple[str, ...] = (
    "pax_id",
    "full_name",
    "sex",
    "date_of_birth",
    "nationality",
    "nik",
    "passport_number",
    "passport_expiry",
    "passport_issue_date",
    "destination",
    "departure_date",
    "return_date",
    "ticket",
    "visa_type",
    "flight",
    "port",
    "booking_ref",
    "group_code",
    "transit",
    "final_destination",
)

#: Registry record fields in the order SPEC §4.1 lists them (the one list of names; the snapshot's Arrow
#: schema, with its derived columns, is `registry/schema.py`).
RECORD_FIELDS: tuple[str, ...] = (
    "record_id",
    "full_name",
    "sex",
    "date_of_birth",
    "destination_country",
    "nik",
    "passport_number",
    "status",
    "scheme",
    "agency",
    "agency_licence",
    "employer",
    "job_title",
    "sector",
    "visa_number",
    "epmi_number",
    "bpjs_active",
    "opp_completed",
    "planned_departure",
    "departure_port",
)
RECORD_REQUIRED = ("record_id", "full_name", "sex", "date_of_birth", "destination_country")
RECORD_BOOLEANS = ("bpjs_active", "opp_completed")
RECORD_DATES = ("planned_departure",)
RECORD_TEXTS = tuple(name for name in RECORD_FIELDS if name not in RECORD_REQUIRED + RECORD_BOOLEANS + RECORD_DATES)
#: The record fields grouped by type: the order a snapshot stores them in.
RECORD_COLUMNS = RECORD_REQUIRED + RECORD_TEXTS + RECORD_BOOLEANS + RECORD_DATES

#: The traveller's identifying fields repeated in every result (SPEC §5 `traveller`), as read: so that a CSV or
#: a spreadsheet of results needs no join back to the manifest.
TRAVELLER_IDENTITY: tuple[str, ...] = (
    "full_name",
    "sex",
    "date_of_birth",
    "nationality",
    "passport_number",
    "destination",
    "flight",
    "port",
    "booking_ref",
    "group_code",
)

RECORD_STATUSES = ("REGISTERED", "VERIFIED", "READY", "DEPARTED", "CANCELLED")


@dataclass(frozen=True, slots=True)
class Traveller:
    """One departing person, already cleaned: codes upper-case, dates parsed, blanks as None.

    `row` is the 1-based position in the input (1 for a desk screening); `warnings` carries every problem
    met while reading the row, so that nothing is lost silently.
    """

    pax_id: str
    row: int
    full_name: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    nik: str | None = None
    passport_number: str | None = None
    passport_expiry: date | None = None
    passport_issue_date: date | None = None
    destination: str | None = None
    departure_date: date | None = None
    return_date: date | None = None
    ticket: str | None = None
    visa_type: str | None = None
    flight: str | None = None
    port: str | None = None
    booking_ref: str | None = None
    group_code: str | None = None
    #: The stops on the way, as read (airports or countries, `;`-separated, upper case), and the journey's end
    #: (an ISO alpha-3 country) when the manifest knows it (SPEC §4.2).
    transit: str | None = None
    final_destination: str | None = None
    #: Whether a check digit of the passport's MRZ failed (None: no MRZ was read, as in a manifest).
    mrz_check_failed: bool | None = None
    warnings: tuple[str, ...] = ()
    #: A passport application's own facts (`application.*` in engine/fields.csv), by name without the prefix;
    #: empty for a departing traveller.
    application: tuple[tuple[str, object], ...] = ()

    @property
    def screenable(self) -> bool:
        """A row needs at least a name or a passport number to be looked up (SPEC §4.2)."""
        return bool(self.full_name or self.passport_number)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record that might be the traveller but is not claimed to be: its id and confidence (SPEC §5), and for
    the people who check it, the field outcomes (as `Match.fields`) and the record's own registry fields."""

    record_id: str
    confidence: float
    fields: Mapping[str, float | str] = field(default_factory=dict, compare=False)
    record: Mapping[str, object] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Match:
    """The claim that the traveller is this record, with per-field evidence (SPEC §5 `match`)."""

    record_id: str
    confidence: float
    method: str
    fields: Mapping[str, float | str]


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """What the matcher found for one traveller.

    `record` holds the matched record's registry fields (for the rules), or None when there is no match.
    """

    match: Match | None = None
    candidates: tuple[Candidate, ...] = ()
    record: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fired for a traveller."""

    rule: str
    title: str
    severity: str
    score: int
    explanation: str
    ask: tuple[str, ...] = ()  # the questions to put to the traveller, in the run's language


@dataclass(frozen=True, slots=True)
class Unknown:
    """A rule that could not be decided because fields were missing."""

    rule: str
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The verdict for one traveller, as written to every output format (SPEC §5)."""

    traveller: Traveller
    verdict: Verdict
    risk_score: int
    outcome: MatchOutcome = field(default_factory=MatchOutcome)
    hits: tuple[Hit, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The verdict if every undecided check had gone against the traveller (SPEC §5), when worse than `verdict`.
    could_be: Verdict | None = None

    @property
    def pax_id(self) -> str:
        return self.traveller.pax_id
