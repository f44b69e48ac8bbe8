"""One officer's session at the counter: the registry and the rule pack loaded once, travellers one after another.

Each traveller is screened through the same pipeline as a manifest (`pipeline.screen`), logged before its
verdict is shown, with an id that says where and when (`counter.py`); the officer's decision on it is an audit
entry of its own, linked to that screening.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checkpoint import pipeline
from checkpoint.applications import build_application, with_recommendation
from checkpoint.audit import AuditLog
from checkpoint.desk.context import TripContext
from checkpoint.desk.counter import next_pax_id
from checkpoint.desk.problems import DeskProblem
from checkpoint.desk.reader import MrzLines
from checkpoint.engine import RulePack
from checkpoint.errors import InputDataError
from checkpoint.manifests.typed import typed_problem
from checkpoint.models import ScreeningResult, Subject
from checkpoint.registry import Registry
from checkpoint.registry.recommendations import RecommendationBook

#: The fields an officer may type (`nama=…; lahir=…`), by the names they may use, in both languages.
TYPED_FIELDS = {
    "full_name": ("nama", "name", "full_name"),
    "date_of_birth": ("lahir", "tgl_lahir", "tanggal_lahir", "dob", "date_of_birth"),
    "sex": ("jk", "jenis_kelamin", "sex"),
    "passport_number": ("paspor", "passport", "passport_number"),
    "nik": ("nik",),
    "nationality": ("kebangsaan", "nationality"),
    "visa_type": ("visa", "visa_type"),
    "ticket": ("tiket", "ticket"),
    "return_date": ("pulang", "tanggal_pulang", "return", "return_date"),
    "booking_ref": ("pnr", "booking", "booking_ref"),
    "destination": ("tujuan", "destination"),
    "flight": ("penerbangan", "flight"),
}
_FIELD_OF = {alias: name for name, aliases in TYPED_FIELDS.items() for alias in aliases}
#: The fields of a passport application an officer may type at the passport office (SPEC §4.3), by the names they
#: may use; a document not typed was not presented, a finding not typed is undecided (`checkpoint.applications`).
APPLICATION_FIELDS = {
    "nik": ("nik",),
    "full_name": ("nama", "name", "full_name"),
    "date_of_birth": ("lahir", "tgl_lahir", "tanggal_lahir", "dob", "date_of_birth"),
    "sex": ("jk", "jenis_kelamin", "sex"),
    "purpose": ("keperluan", "tujuan_perjalanan", "purpose"),
    "destination": ("negara", "tujuan", "destination"),
    "intended_departure": ("berangkat", "rencana_berangkat", "intended_departure"),
    "stay_days": ("lama", "lama_tinggal", "stay_days"),
    "channel": ("jalur", "channel"),
    "occupation": ("pekerjaan", "occupation"),
    "previous_passport": ("paspor_lama", "previous_passport"),
    "lost_passport_report": ("hilang", "paspor_hilang", "lost_passport_report"),
    "recommendation_id": ("rekomendasi", "rekom", "recommendation", "recommendation_id"),
    "ppiu_letter": ("ppiu", "surat_ppiu", "ppiu_letter"),
    "guarantee_letter": ("jaminan", "surat_jaminan", "guarantee_letter"),
    "relative_passport": ("paspor_keluarga", "relative_passport"),
    "itinerary": ("rencana_perjalanan", "booking", "itinerary"),
    "return_ticket": ("tiket_pulang", "return_ticket"),
    "stated_work_intent": ("niat_kerja", "mau_kerja", "stated_work_intent"),
    "trip_explained": ("bisa_jelaskan", "jelas", "trip_explained"),
    "inconsistency_noted": ("tidak_sesuai", "inconsistency_noted"),
    "previous_denial": ("pernah_ditolak", "pernah_ditunda", "previous_denial"),
}
_APPLICATION_FIELD_OF = {alias: name for name, aliases in APPLICATION_FIELDS.items() for alias in aliases}
#: The control points a desk may stand at: the border post (passports and trips) or the passport office.
BORDER, PASSPORT_OFFICE = "border", "passport-office"
#: Values an officer types in Bahasa Indonesia for the coded fields, as the codes rules test (SPEC §4.2).
TYPED_VALUES = {
    "visa_type": {
        "kerja": "work",
        "turis": "tourist",
        "wisata": "tourist",
        "kunjungan": "visit",
        "umroh": "umrah",
        "haji": "hajj",
        "pelajar": "student",
        "studi": "student",
        "bisnis": "business",
        "tanpa": "none",
        "tidak_ada": "none",
    },
    "ticket": {"sekali": "one_way", "sekali_jalan": "one_way", "pp": "return", "pulang_pergi": "return"},
}

#: The decisions an officer records (SPEC §3.1), by what they may type: a digit or a word in either language.
DECISIONS = {
    "cleared": ("1", "lolos", "izinkan", "cleared", "clear"),
    "referred": ("2", "rujuk", "lanjutan", "referred", "refer"),
    "postponed": ("3", "tunda", "postponed", "postpone"),
}
_DECISION_OF = {word: name for name, words in DECISIONS.items() for word in words}


@dataclass(frozen=True)
class Screened:
    """One traveller screened at the desk: the result shown, and where it is in the audit log."""

    result: ScreeningResult
    entry: int  # the screening entry's seq, which a decision answers
    notes: tuple[str, ...]


def typed_cells(cells: Mapping[str, str], *, at: str = BORDER) -> dict[str, str]:
    """Typed `alias=value` pairs as traveller fields (application fields at the passport office); DeskProblem for
    a name the desk does not know."""
    field_of = _APPLICATION_FIELD_OF if at == PASSPORT_OFFICE else _FIELD_OF
    fields: dict[str, str] = {}
    for alias, value in cells.items():
        name = field_of.get(alias)
        if name is None:
            closest = difflib.get_close_matches(alias, list(field_of), n=1, cutoff=0.6)
            if closest:
                raise DeskProblem("desk.typed.unknown_field_closest", name=alias[:20], closest=closest[0])
            raise DeskProblem("desk.typed.unknown_field", name=alias[:20], known=", ".join(sorted(field_of)))
        if at == PASSPORT_OFFICE:  # purposes and yes/no are read by the application reader, in both languages
            fields[name] = value
            continue
        known = TYPED_VALUES.get(name, {})
        fields[name] = known.get(value.strip().lower().replace(" ", "_").replace("-", "_"), value)
    return fields


def decision_of(word: str) -> str | None:
    """The decision an officer's answer names (`1`, `tunda`, `referred`…), or None."""
    return _DECISION_OF.get(word.strip().lower())


class Desk:
    """The counter's state: what it screens against, who screens, the trip, and the last traveller screened."""

    def __init__(
        self,
        registry: Registry,
        pack: RulePack,
        *,
        audit_log: Path,
        officer: pipeline.Officer,
        today: date,
        counters: Path,
        context: TripContext | None = None,
        on_wait: Callable[[float], object] | None = None,
        at: str = BORDER,
        recommendations: RecommendationBook | None = None,
    ) -> None:
        """`at`: the control point, BORDER (passports and trips) or PASSPORT_OFFICE (applications typed);
        `recommendations`: the store's, to check those an applicant presents."""
        self.at = at
        self.recommendations = recommendations
        self.registry = registry
        self.pack = pack
        self.audit_log = audit_log
        self.officer = officer
        self.today = today
        self.context = context or TripContext()
        self.counters = counters
        self.on_wait = on_wait
        self.last: Screened | None = None
        self._last_input: tuple[dict[str, object], tuple[str, str] | None, str] | None = None
        self.screened = 0
        self.decided = 0

    @property
    def subject(self) -> Subject:
        """Whom this desk screens: applicants at the passport office, travellers at the border."""
        return Subject.APPLICANT if self.at == PASSPORT_OFFICE else Subject.TRAVELLER

    def screen_mrz(self, lines: MrzLines) -> Screened:
        """Screen the passport these MRZ lines describe, on the current trip; DeskProblem when the lines cannot
        be read as a passport MRZ at all (a failed check digit is a warning on the traveller instead)."""
        if self.at == PASSPORT_OFFICE:  # an applicant has no passport yet: the application is typed
            raise DeskProblem("desk.office.no_mrz")
        try:
            return self._screen({}, (lines.line1, lines.line2))
        except InputDataError as error:  # the layout: the MRZ reader's own sentence
            raise DeskProblem("desk.input.mrz_unreadable", reason=str(error)) from None

    def screen_typed(self, cells: Mapping[str, str]) -> Screened:
        """Screen a traveller whose fields the officer typed (DeskProblem for a field name it does not know).

        Fields without a name or a passport number complete the traveller just screened (the visa type the
        officer read off the visa, the ticket seen): that traveller is screened again with them, under the same
        id, and the new screening is the one a decision answers.
        """
        fields = typed_cells(cells, at=self.at)
        if self.at != PASSPORT_OFFICE:  # an application's doubtful NIK or date is a finding, screened as such
            problem = typed_problem(fields, {}, today=self.today)  # refused, never screened as if missing
            if problem is not None:
                raise DeskProblem(problem[0], **problem[1])
        if (
            fields.get("full_name")
            or fields.get("passport_number")
            or (self.at == PASSPORT_OFFICE and fields.get("nik"))
        ):
            return self._screen(fields, None)
        if self._last_input is None:
            office = self.at == PASSPORT_OFFICE
            raise DeskProblem("desk.office.needs_name_or_nik" if office else "desk.typed.needs_name_or_passport")
        typed, mrz, pax_id = self._last_input
        return self._screen({**typed, **fields}, mrz, pax_id=pax_id)

    def decide(self, decision: str, reason: str | None = None, note: str | None = None) -> int:
        """Record the officer's decision on the last traveller screened; return its audit entry's seq."""
        if self.last is None:
            raise LookupError("no traveller screened yet")
        appended = AuditLog(self.audit_log, on_wait=self.on_wait).decide(
            self.last.entry,
            decision,
            reason=reason,
            note=note,
            officer=self.officer.officer,
            post=self.officer.post,
        )
        self.decided += 1
        return appended.last

    def _screen(
        self, typed: Mapping[str, object], mrz: tuple[str, str] | None, *, pax_id: str | None = None
    ) -> Screened:
        again = pax_id is not None
        pax_id = pax_id or next_pax_id(self.counters, self.officer.post, self.today)
        if self.at == PASSPORT_OFFICE:  # every document not typed was not presented (`APPLICATION_FIELDS`)
            traveller = build_application({**typed, "application_id": pax_id}, row=1, today=self.today)
            if self.recommendations is not None:
                traveller = with_recommendation(traveller, self.recommendations, self.today)
        else:
            cells = {**self.context.cells(), **typed, "pax_id": pax_id}
            traveller = pipeline.desk_traveller(cells, today=self.today, mrz=mrz)
        run = pipeline.screen(
            [traveller],
            self.registry,
            self.pack,
            today=self.today,
            audit_log=self.audit_log,
            officer=self.officer,
            workers=1,
            on_wait=self.on_wait,
            warn_age=False,  # said once, when the desk opens
        )
        self.screened += 0 if again else 1  # travellers, not screenings
        self.last = Screened(run.results[0], run.logged.start, run.notes)
        self._last_input = (dict(typed), mrz, pax_id)
        return self.last
