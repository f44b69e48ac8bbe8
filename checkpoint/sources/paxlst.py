"""UN/EDIFACT PAXLST passenger lists (airline advance passenger data) read into one row per passenger.

The segments come from the EDIFACT tokenizer (`checkpoint.sources.edifact`); this module walks the message
(DOMAIN.md §6): flight-level TDT/LOC/DTM, then one group per passenger starting at `NAD+FL`.

A damaged message still yields a row for every passenger group found; what looked wrong becomes a file
note. Only a file that is not EDIFACT at all, or holds no passenger, is an error. Notes and errors name
segments, qualifiers and counts, never a name or a document number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checkpoint.errors import InputDataError
from checkpoint.i18n import text
from checkpoint.sources.edifact import (
    EdifactError,
    NotEdifactError,
    Segment,
    decode_edifact,
    looks_like_edifact,
    parse_edifact,
)
from checkpoint.sources.interface import FileSentenceError, RawTable
from checkpoint.sources.teletype import interchanges, opens_with_envelope

#: Output columns: SPEC §4.2 field names, which `checkpoint.columns` resolves without aliases.
COLUMNS: tuple[str, ...] = (
    "pax_id",
    "full_name",
    "sex",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expiry",
    "passport_issue_date",
    "booking_ref",
    "flight",
    "port",
    "destination",
    "departure_date",
    "transit",
    "final_destination",
)
_PASSENGER_PARTIES = frozenset({"FL", "DDU"})  # passenger, in-transit passenger
_CREW_PARTIES = frozenset({"FM", "DDT"})  # crew member, in-transit crew member
_REPORTING_PARTY = "MS"
_PASSENGER_LIST, _CREW_LIST = "745", "250"
_BOOKING_QUALIFIERS = ("AVF", "ABO")  # reservation number first, then the originator's reference
#: The flight's LOC qualifiers (WCO/IATA/ICAO PAXLST implementation guide, segment group 3; UN/EDIFACT 3227):
#: 125 the last port before arrival (departure), 87 the first arrival, 92 a routing stop on the way (in-transit),
#: 130 the final destination of the itinerary.
_FLIGHT_LOCATIONS = frozenset({"125", "87", "92", "130"})
#: Segments a PAXLST may carry that checkpoint does not use; any other tag is noted as unknown.
_UNUSED_TAGS = frozenset({"UNG", "UNE", "COM", "CTA", "MEA", "GEI", "FTX", "EMP", "CPI", "QTY", "GID", "AUT"})


class PaxlstError(FileSentenceError):
    """The text is no passenger list (not EDIFACT at all, or no passenger in it): a `source.paxlst.*` sentence."""


def _date_text(value: str | None) -> str | None:
    """A DTM value as a date: `YYMMDDHHMM` (format 201) and `CCYYMMDDHHMM` (203) lose their time."""
    if value is None or not value.isdigit():
        return value
    if len(value) == 10:
        return value[:6]
    if len(value) == 12:
        return value[:8]
    return value


def _flight(segment: Segment) -> str | None:
    """`TDT+20+GA820'` → GA820; `TDT+20+820+++GA'` → GA820 (carrier from the carrier composite)."""
    journey, carrier = segment.value(1), segment.value(4)
    if journey and carrier and not journey.upper().startswith(carrier.upper()):
        return f"{carrier}{journey}"
    return journey


def _name(segment: Segment) -> str | None:
    """`NAD+FL+++SURNAME:GIVEN:MIDDLE'` as `GIVEN MIDDLE SURNAME`; empty components are skipped."""
    parts = segment.components(3)
    if not parts:
        return None
    ordered = [*parts[1:], parts[0]]
    words = " ".join(part.strip() for part in ordered if part.strip()).split()
    return " ".join(words) or None


@dataclass
class _Document:
    """A DOC group: the document and the dates that follow it."""

    kind: str | None
    number: str | None
    expiry: str | None = None
    issued: str | None = None

    @property
    def is_passport(self) -> bool:
        return self.kind is None or self.kind.upper().startswith("P")


@dataclass
class _Passenger:
    """One passenger group (the NAD and the segments after it) as read so far."""

    name: str | None = None
    sex: str | None = None
    birth: str | None = None
    nationality: str | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    references: dict[str, str] = field(default_factory=dict)
    documents: list[_Document] = field(default_factory=list)
    expiry: str | None = None  # a DTM+36 or DTM+182 met before any DOC
    issued: str | None = None

    @property
    def passport(self) -> _Document | None:
        return next((doc for doc in self.documents if doc.is_passport), None)


@dataclass
class _Message:
    """One UNH…UNT message: the flight it describes and its passengers."""

    number: int
    reference: str | None = None
    explicit: bool = True  # False when the segments came without a UNH
    segments: int = 0
    document_code: str | None = None
    flight: str | None = None
    departure_port: str | None = None
    arrival_port: str | None = None
    stops: list[str] = field(default_factory=list)  # LOC+92, and arrivals of later legs: stops on the way
    final_port: str | None = None  # LOC+130: the final destination of the itinerary
    departure: str | None = None
    declared: str | None = None
    crew: int = 0
    passengers: list[_Passenger] = field(default_factory=list)

    @property
    def journey(self) -> tuple[str | None, str | None]:
        """(transit, final destination) as the message tells them: the stops on the way (`;`-separated), from the
        first arrival (LOC+87) through the routing stops (LOC+92) and later legs' arrivals, and the journey's end
        (LOC+130, else the last arrival of a later leg); both None for a flight that ends where it lands."""
        places = [place for place in (self.arrival_port, *self.stops) if place]
        final = self.final_port or (places[-1] if len(places) > 1 else None)
        if final is None:
            return None, None
        on_the_way = [place for place in places if place != final]
        return ";".join(on_the_way) or None, final

    @property
    def crew_list(self) -> bool:
        return self.document_code == _CREW_LIST

    @property
    def label(self) -> str:
        if self.flight:
            return text("source.paxlst.message_of_flight", number=self.number, flight=self.flight)
        return text("source.paxlst.message", number=self.number)


class _PaxlstWalk:
    """Walks the segments of one interchange, message by message, collecting passenger rows and notes."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str | None]] = []
        self.notes: list[str] = []
        self.messages = 0
        self.interchange_messages = 0  # since the last UNB, for the UNZ count
        self.passenger_nads = 0
        self.functional_groups = False
        self.message: _Message | None = None
        self.passenger: _Passenger | None = None
        self.other_party = False  # inside the NAD group of the reporting party or a crew member
        self.counts: Counter[str] = Counter()
        self.unknown_tags: Counter[str] = Counter()
        self.parts: list[tuple[str, str | None]] = []  # the sequence number and C/F of each UNH that has them

    # message boundaries

    def _open(self, segment: Segment | None) -> _Message:
        if self.message is not None:
            self._close(trailer=None)
        self.messages += 1
        self.interchange_messages += 1
        self.message = _Message(number=self.messages, explicit=segment is not None)
        if segment is not None:
            self.message.reference = segment.value(0)
        self.passenger, self.other_party = None, False
        return self.message

    def _current(self) -> _Message:
        return self.message if self.message is not None else self._open(None)

    def _close(self, trailer: Segment | None) -> None:
        message = self.message
        if message is None:
            return
        self.message, self.passenger, self.other_party = None, None, False
        if trailer is None:
            if message.explicit:
                self.notes.append(text("source.paxlst.no_trailer", message=message.label))
        else:
            counted = trailer.value(0)
            if message.explicit and not (counted and counted.isdigit() and int(counted) == message.segments):
                counted = counted or text("source.paxlst.no_count")
                said = text(
                    "source.paxlst.segment_count", message=message.label, counted=counted, found=message.segments
                )
                self.notes.append(said)
        if message.crew_list and not message.passengers:
            self.counts["crew list"] += 1
            self.notes.append(text("source.paxlst.crew_list", message=message.label, count=message.crew))
        elif message.crew:
            self.notes.append(text("source.paxlst.crew_members", message=message.label, count=message.crew))
        if message.declared is not None and not message.crew_list:
            found = len(message.passengers)
            if not message.declared.isdigit():
                self.notes.append(text("source.paxlst.cnt_not_number", message=message.label))
            elif int(message.declared) != found:
                declared = int(message.declared)
                self.notes.append(
                    text("source.paxlst.cnt_differs", message=message.label, declared=declared, found=found)
                )
        for passenger in message.passengers:
            if passenger.documents and passenger.passport is None:
                self.counts["no passport"] += 1
            self.rows.append(self._row(message, passenger, pax_id=len(self.rows) + 1))

    @staticmethod
    def _row(message: _Message, passenger: _Passenger, *, pax_id: int) -> dict[str, str | None]:
        passport = passenger.passport
        booking = next((passenger.references[q] for q in _BOOKING_QUALIFIERS if q in passenger.references), None)
        return {
            "pax_id": str(pax_id),
            "full_name": passenger.name,
            "sex": passenger.sex,
            "date_of_birth": passenger.birth,
            "nationality": passenger.nationality,
            "passport_number": passport.number if passport else None,
            "passport_expiry": (passport.expiry if passport else None) or passenger.expiry,
            "passport_issue_date": (passport.issued if passport else None) or passenger.issued,
            "booking_ref": booking,
            "flight": message.flight,
            "port": passenger.embarkation or message.departure_port,
            "destination": passenger.debarkation or message.arrival_port,
            "departure_date": message.departure,
            "transit": message.journey[0],
            "final_destination": message.journey[1],
        }

    def _holder(self, *, repeated: bool = False) -> _Passenger | None:
        """The passenger a passenger-level segment belongs to; a new unnamed one when its NAD was lost."""
        if self.other_party:
            return None
        message = self._current()
        if self.passenger is None or repeated:
            if message.crew_list:
                return None
            self.passenger = _Passenger()
            message.passengers.append(self.passenger)
            self.counts["unnamed"] += 1
        return self.passenger

    # segments

    def feed(self, segment: Segment) -> None:
        """Take one segment (in file order)."""
        if self.message is not None:
            self.message.segments += 1
        handler = _HANDLERS.get(segment.tag)
        if handler is not None:
            handler(self, segment)
        elif segment.tag in _UNUSED_TAGS:
            self.functional_groups |= segment.tag == "UNG"
        elif segment.garbled:
            self.counts["garbled"] += 1
        else:
            self.unknown_tags[segment.tag] += 1

    def _unh(self, segment: Segment) -> None:
        number, flag = segment.value(3, 0), segment.value(3, 1)
        if number is not None and (number.isdigit() or flag in ("C", "F")):  # `01:C`, `02:F`: a part of one list
            self.parts.append((number, flag))
        self._open(segment)
        assert self.message is not None
        self.message.segments = 1

    def _unt(self, segment: Segment) -> None:
        if self.message is None:
            self.counts["stray UNT"] += 1
            return
        self._close(trailer=segment)

    def _unz(self, segment: Segment) -> None:
        self._close(trailer=None)
        counted = segment.value(0)
        if self.functional_groups or counted is None:
            return
        if not (counted.isdigit() and int(counted) == self.interchange_messages):
            self.notes.append(text("source.paxlst.message_count", counted=counted, found=self.interchange_messages))

    def _unb(self, segment: Segment) -> None:
        self._close(trailer=None)
        self.interchange_messages = 0
        self.functional_groups = False

    def _bgm(self, segment: Segment) -> None:
        message = self._current()
        message.document_code = segment.value(0)
        if message.document_code not in (_PASSENGER_LIST, _CREW_LIST):
            code = message.document_code or text("source.paxlst.no_code")
            self.notes.append(text("source.paxlst.document_code", message=message.label, code=code))

    def _tdt(self, segment: Segment) -> None:
        message = self._current()
        message.flight = message.flight or _flight(segment)
        self.passenger, self.other_party = None, False

    def _nad(self, segment: Segment) -> None:
        message = self._current()
        qualifier = (segment.value(0) or "").upper()
        self.passenger = None
        if qualifier in _CREW_PARTIES or (message.crew_list and qualifier not in _PASSENGER_PARTIES):
            message.crew += 1
            self.other_party = True
            return
        if qualifier == _REPORTING_PARTY or (qualifier not in _PASSENGER_PARTIES and message.flight is None):
            self.other_party = True  # the sender's contact (group 1), before the flight
            return
        if qualifier not in _PASSENGER_PARTIES:
            self.counts["unexpected NAD"] += 1
        elif qualifier == "DDU":
            self.counts["in-transit"] += 1
        self.other_party = False
        self.passenger = _Passenger(name=_name(segment))
        message.passengers.append(self.passenger)
        self.passenger_nads += 1

    def _att(self, segment: Segment) -> None:
        if segment.value(0) != "2":
            return
        sex = segment.value(2) or segment.value(1)
        passenger = self._holder(repeated=self.passenger is not None and self.passenger.sex is not None)
        if passenger is not None:
            passenger.sex = sex

    def _nat(self, segment: Segment) -> None:
        passenger = self._holder()
        if passenger is not None and passenger.nationality is None:
            passenger.nationality = segment.value(1)

    def _rff(self, segment: Segment) -> None:
        qualifier = (segment.value(0) or "").upper()
        if qualifier not in _BOOKING_QUALIFIERS or self.message is None or self.passenger is None:
            return  # a message reference (RFF+TN) or one of a party that is not a passenger
        reference = segment.value(0, 1)
        if reference:
            self.passenger.references.setdefault(qualifier, reference)

    def _doc(self, segment: Segment) -> None:
        passenger = self._holder()
        if passenger is not None:
            passenger.documents.append(_Document(kind=segment.value(0), number=segment.value(1)))

    def _dtm(self, segment: Segment) -> None:
        qualifier, value = segment.value(0), _date_text(segment.value(0, 1))
        if qualifier == "189":
            message = self._current()
            message.departure = message.departure or value
        elif qualifier == "329":
            already = self.passenger is not None and self.passenger.birth is not None
            passenger = self._holder(repeated=already)
            if passenger is not None:
                passenger.birth = value
        elif qualifier in ("36", "182") and self.passenger is not None and not self.other_party:
            target: _Document | _Passenger = (
                self.passenger.documents[-1] if self.passenger.documents else self.passenger
            )
            if qualifier == "36":
                target.expiry = target.expiry or value
            else:
                target.issued = target.issued or value

    def _loc(self, segment: Segment) -> None:
        qualifier, place = segment.value(0), segment.value(1)
        if qualifier in _FLIGHT_LOCATIONS:
            message = self._current()
            if qualifier == "125":
                message.departure_port = message.departure_port or place
            elif qualifier == "87" and message.arrival_port is None:
                message.arrival_port = place
            elif qualifier in ("87", "92"):  # a later leg's arrival, or a routing stop
                if place and place not in message.stops:
                    message.stops.append(place)
            else:
                message.final_port = message.final_port or place
        elif qualifier in ("178", "179"):
            passenger = self._holder()
            if passenger is None:
                return
            if qualifier == "178":
                passenger.embarkation = passenger.embarkation or place
            else:
                passenger.debarkation = passenger.debarkation or place

    def _cnt(self, segment: Segment) -> None:
        if segment.value(0) == "42":
            self._current().declared = segment.value(0, 1)

    def finish(self) -> None:
        """Close what is open and turn the counters into notes; raise if no passenger was found."""
        self._close(trailer=None)
        if self.passenger_nads == 0:
            if self.counts["crew list"]:
                raise PaxlstError("source.paxlst.crew_only")
            raise PaxlstError("source.paxlst.no_passenger")
        self.notes.extend(
            text(key, count=self.counts[counter]) for counter, key in _COUNTED.items() if self.counts[counter]
        )
        if self.unknown_tags:
            tags = ", ".join(sorted(self.unknown_tags))
            self.notes.append(text("source.paxlst.unknown_tags", count=sum(self.unknown_tags.values()), tags=tags))


#: What the walk counts, and the note that says how many (a catalog key), in the order the notes are given.
_COUNTED = {
    "in-transit": "source.paxlst.in_transit",
    "unexpected NAD": "source.paxlst.unexpected_nad",
    "unnamed": "source.paxlst.unnamed",
    "no passport": "source.paxlst.no_passport",
    "garbled": "source.paxlst.garbled",
    "stray UNT": "source.paxlst.stray_unt",
}

_Handler = Callable[[_PaxlstWalk, Segment], None]
_HANDLERS: dict[str, _Handler] = {
    "UNB": _PaxlstWalk._unb,
    "UNH": _PaxlstWalk._unh,
    "UNT": _PaxlstWalk._unt,
    "UNZ": _PaxlstWalk._unz,
    "BGM": _PaxlstWalk._bgm,
    "TDT": _PaxlstWalk._tdt,
    "NAD": _PaxlstWalk._nad,
    "ATT": _PaxlstWalk._att,
    "NAT": _PaxlstWalk._nat,
    "RFF": _PaxlstWalk._rff,
    "DOC": _PaxlstWalk._doc,
    "DTM": _PaxlstWalk._dtm,
    "LOC": _PaxlstWalk._loc,
    "CNT": _PaxlstWalk._cnt,
}


def read_paxlst(content: str) -> tuple[list[dict[str, str | None]], list[str]]:
    """Passenger rows (COLUMNS as keys, in message order) and file notes from PAXLST text.

    Raises EdifactError when the text is not readable EDIFACT, PaxlstError when it holds no passenger.
    """
    found = interchanges(content)  # Type-B envelopes set aside; each interchange with its own UNA
    walk = _PaxlstWalk()
    for interchange in found.texts or (content,):
        try:
            segments = parse_edifact(interchange)
        except NotEdifactError:
            raise PaxlstError("source.paxlst.not_edifact") from None
        for segment in segments:
            if segment.terminated or segment.tag in ("UNT", "UNZ"):
                walk.feed(segment)
            else:  # a segment cut off by the end of the file: its last value is likely incomplete
                walk.notes.append(text("source.paxlst.cut_segment"))
    walk.finish()
    structure = _structure(found.envelopes, len(found.texts), walk.messages, walk.parts)
    return walk.rows, [*structure, *walk.notes]


def _structure(envelopes: int, interchanges: int, messages: int, parts: Sequence[tuple[str, str | None]]) -> list[str]:
    """One note on how the list travelled, when it came other than as one plain message: the teletype
    envelopes set aside, the interchanges and messages, and the parts (`UNH …+01:C`, `…+02:F`) read as one list."""
    said = []
    if envelopes:
        said.append(text("source.paxlst.envelopes", count=envelopes))
    if interchanges > 1:
        said.append(text("source.paxlst.messages", interchanges=interchanges, messages=messages))
    # Every message its own whole list (`01:F`, as two flights in one file) is no list in parts.
    if any(flag == "C" or number.lstrip("0") not in ("", "1") for number, flag in parts):
        numbers = ", ".join(number for number, _ in parts)
        final = any(flag == "F" for _, flag in parts)
        key = "source.paxlst.parts" if final and parts[-1][1] == "F" else "source.paxlst.parts_unfinished"
        said.append(text(key, count=len(parts), numbers=numbers))
    return [text("source.paxlst.structure", parts="; ".join(said))] if said else []


class PaxlstReader:
    """Reads UN/EDIFACT PAXLST passenger lists, recognised by content (UNA, UNB or UNH, or those after a Type-B
    teletype envelope) or a `.edi` name."""

    name = "paxlst"

    def detect(self, path: Path, head: bytes) -> bool:
        """True for text opening with an EDIFACT service segment, whatever the extension, or a `.edi` file."""
        if path.suffix.lower() in {".edi", ".edifact"} or looks_like_edifact(head):
            return True
        return opens_with_envelope(head[:2048].decode("latin-1"))

    def read(self, path: Path) -> RawTable:
        """One row per passenger, every cell a string or None; InputDataError naming the file if unreadable."""
        try:
            content, encoding = decode_edifact(path.read_bytes())
            rows, notes = read_paxlst(content)
        except (EdifactError, PaxlstError) as error:
            raise InputDataError(error.sentence(path.name)) from None
        if encoding != "utf-8":
            notes.insert(0, text("source.paxlst.encoding", encoding=encoding))
        return RawTable(
            headers=COLUMNS,
            columns=tuple([row.get(column) for row in rows] for column in COLUMNS),
            source=path.name,
            notes=tuple(text("source.paxlst.note", file=path.name, note=note) for note in notes),
            lines=range(1, len(rows) + 1),
            unit="passenger",
        )
