"""Turn manifest cells (or desk options) into clean `Traveller` values, with a warning for every doubt.

One function, `build_traveller`, serves the desk and every manifest format, so a value is read the same
way wherever it comes from. Nothing unreadable stops the batch: it becomes None plus a warning. A
manifest row's warnings start with where the row is in the file (`line 7: …`, `row 12: …` in a
spreadsheet, `passenger 3: …` in a PAXLST), so that whoever fixes the file finds it.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache

from checkpoint.columns import resolve_headers
from checkpoint.dates import DateKind, DateProblem, parse_date
from checkpoint.errors import InputDataError
from checkpoint.gcpause import cycle_collection_paused
from checkpoint.geo import country_code, nationality_code
from checkpoint.i18n import Language, current_language, text, text_in
from checkpoint.manifests.quality import field_label, read_columns
from checkpoint.models import TRAVELLER_FIELDS, Traveller
from checkpoint.names.normalise import airline_name
from checkpoint.nik import NikProblem, parse_nik
from checkpoint.repeats import PASSPORT, repeated_listings
from checkpoint.sources import RawTable
from checkpoint.sources.interface import place
from checkpoint.values import EXACT_FLOAT_LIMIT, clean_text, document_number, nik_digits, read_sex

_DATE_KINDS = {
    "date_of_birth": DateKind.PAST,
    "passport_issue_date": DateKind.PAST,
    "passport_expiry": DateKind.NEAR,
    "departure_date": DateKind.NEAR,
    "return_date": DateKind.NEAR,
}
_UPPER = ("port", "flight", "booking_ref", "group_code")
_LOWER = ("visa_type", "ticket")
#: Headers a manifest may use besides the traveller fields themselves.
_NAME_PARTS = ("name", "surname", "given_names")
#: Every header a manifest's columns are looked up by.
_WANTED = (*TRAVELLER_FIELDS, *_NAME_PARTS)
#: No field of a traveller is longer (an MRZ name holds 39 characters, a KTP name a few dozen); a longer
#: cell is a mistake or an attack, and reading it (names are compared token by token) would only cost time.
MAX_CELL_CHARS = 200


def _code(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def _full_name(cells: Mapping[str, object]) -> str | None:
    full = clean_text(cells.get("full_name"))
    if full:
        return airline_name(full) if "/" in full else full
    airline = clean_text(cells.get("name"))
    if airline:
        return airline_name(airline)
    parts = [clean_text(cells.get("given_names")), clean_text(cells.get("surname"))]
    joined = " ".join(p for p in parts if p)
    return airline_name(joined) if joined else None


def _without_overlong(cells: Mapping[str, object], warnings: list[str]) -> Mapping[str, object]:
    """The cells with every text longer than MAX_CELL_CHARS blanked, and a warning (not quoting it) for each."""
    overlong = {
        name: len(value)
        for name, value in cells.items()
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS and len(value.strip()) > MAX_CELL_CHARS
    }
    for name, length in overlong.items():
        warnings.append(text("manifest.overlong", field=field_label(name), length=length, limit=MAX_CELL_CHARS))
    return {**cells, **dict.fromkeys(overlong)} if overlong else cells


def _use_nik(values: dict[str, object], today: date) -> list[str]:
    """Check the NIK's structure; fill a missing sex or birth date from it, and flag disagreement.

    The NIK encodes the holder's birth date (day + 40 for women): a desk officer who types only the NIK
    still gives the matcher a date of birth and a sex to corroborate a match.
    """
    info = parse_nik(str(values["nik"]), today=today)
    if isinstance(info, NikProblem):
        values["nik"] = None
        return [text("manifest.nik_invalid", part=text(f"manifest.nik_part.{info.part}"))]
    notes = []
    born, sex = values.get("date_of_birth"), values.get("sex")
    if born is None:
        values["date_of_birth"] = info.birth_date
    elif born != info.birth_date:
        notes.append(text("manifest.nik_birth_differs"))
    if sex is None:
        values["sex"] = info.sex
    elif sex != info.sex:
        notes.append(text("manifest.nik_sex_differs"))
    return notes


def build_traveller(cells: Mapping[str, object], *, row: int, today: date) -> Traveller:
    """A traveller from field-named cells (SPEC §4.2 names); problems become warnings, never errors."""
    warnings: list[str] = []
    return _build(_without_overlong(cells, warnings), row, today, warnings)


def _build_checked(cells: Mapping[str, object], *, row: int, today: date) -> Traveller:
    """`build_traveller` of cells known to hold no overlong text (`_overlong_rows`)."""
    return _build(cells, row, today, [])


def _overlong_rows(columns: Iterable[Sequence[object]]) -> set[int]:
    """The positions of the rows holding a text longer than MAX_CELL_CHARS in any of these columns."""
    rows: set[int] = set()
    for cells in columns:
        with contextlib.suppress(TypeError):  # a cell without a length (None, a number): looked at one by one
            if max(map(len, cells), default=0) <= MAX_CELL_CHARS:  # type: ignore[arg-type]
                continue
        rows.update(at for at, cell in enumerate(cells) if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS)
    return rows


def _build(cells: Mapping[str, object], row: int, today: date, warnings: list[str]) -> Traveller:
    """`build_traveller` of cells already checked for overlong texts (`warnings`: what that check found)."""
    values: dict[str, object] = {}
    values["full_name"] = _full_name(cells)
    get = cells.get
    language = current_language()
    for name in _CELL_FIELDS:  # sex, dates, countries: each read on its own, the same text the same way
        raw = get(name)
        value, warning = (
            _read_repeated(name, raw, today, language) if type(raw) is str else _read(name, raw, today, language)
        )
        values[name] = value
        if warning:
            warnings.append(warning)
    values["passport_number"] = document_number(cells.get("passport_number"))
    raw_nik = cells.get("nik")
    values["nik"] = nik_digits(raw_nik)
    if isinstance(raw_nik, float) and abs(raw_nik) >= EXACT_FLOAT_LIMIT:
        warnings.append(text("manifest.nik_float"))
    elif values["nik"] is None and clean_text(raw_nik):
        warnings.append(text("manifest.nik_length"))
    if values["nik"] is not None:
        warnings.extend(_use_nik(values, today))
    values["transit"], transit_warning = _transit(cells.get("transit"))
    if transit_warning:
        warnings.append(transit_warning)
    for name in _UPPER:
        cell = clean_text(cells.get(name))
        values[name] = cell.upper() if cell else None
    for name in _LOWER:
        cell = clean_text(cells.get(name))
        values[name] = _code(cell) if cell else None
    departure, back = values["departure_date"], values["return_date"]
    if isinstance(departure, date) and isinstance(back, date) and back < departure:
        warnings.append(text("manifest.return_before_departure"))
        values["return_date"] = None
    pax_id = clean_text(cells.get("pax_id")) or str(row)
    traveller = Traveller(pax_id=pax_id, row=row, warnings=tuple(warnings), **values)  # type: ignore[arg-type]
    if not traveller.screenable:
        extra = text("manifest.no_name_or_passport")
        traveller = replace(traveller, warnings=(*traveller.warnings, extra))
    return traveller


#: The fields read from their own cell alone, in the order their warnings are given.
_CELL_FIELDS = ("sex", *_DATE_KINDS, "nationality", "destination", "final_destination")
#: What separates the stops of a `transit` cell (SPEC §4.2 writes `;`; lists also use commas, slashes, dashes).
_STOP_SEPARATORS = re.compile(r"[;,/>\s-]+")


def _transit(raw: object) -> tuple[str | None, str | None]:
    """A `transit` cell as `KUL;BKK` (upper case, `;`-separated, each stop an airport or a country), and a warning
    naming the stops that are neither (they are left out)."""
    cell = clean_text(raw)
    if not cell:
        return None, None
    stops = [stop for stop in _STOP_SEPARATORS.split(cell.upper()) if stop]
    unknown = [stop for stop in stops if country_code(stop) is None]
    known = [stop for stop in stops if stop not in unknown]
    warning = text("manifest.bad_transit", value=", ".join(unknown)) if unknown else None
    return (";".join(known) or None), warning


def _read(name: str, raw: object, today: date, language: Language) -> tuple[object, str | None]:
    """One of `_CELL_FIELDS` read from its cell: the value (None when missing or unreadable) and the warning
    (in `language`, the run's: part of the cache key of `_read_repeated`)."""
    if name == "sex":
        cell = clean_text(raw)
        sex = read_sex(cell)
        return sex, text_in(language, "manifest.bad_sex", value=cell) if cell and sex is None else None
    kind = _DATE_KINDS.get(name)
    if kind is not None:
        parsed = parse_date(raw, kind=kind, today=today)
        if isinstance(parsed, DateProblem):
            label = field_label(name)
            return None, text("manifest.bad_date", field=label, value=clean_text(raw), reason=parsed.reason)
        if kind is DateKind.PAST and parsed is not None and parsed > today:
            return None, text("manifest.future_date", field=field_label(name), value=clean_text(raw))
        return parsed, None
    cell = clean_text(raw)
    code = nationality_code(cell) if name == "nationality" else country_code(cell)
    if not cell or code is not None:
        return code, None
    return None, text_in(language, f"manifest.bad_{name}", value=cell)


#: The same texts recur down a manifest's columns (one sex, one departure date, a few countries): each is read once.
_read_repeated = lru_cache(maxsize=65_536)(_read)


class ManifestRows:
    """A manifest table's traveller columns, turned into travellers a run of rows at a time.

    Rows are read on their own, so the pipeline may share the runs among processes; `travellers` of every
    run, concatenated and given to `flag_repeats`, is `travellers_from_table` of the whole table.
    """

    def __init__(self, raw: RawTable, *, today: date) -> None:
        """Resolve the columns; InputDataError when the table has no name or passport column."""
        found = resolve_headers(list(raw.headers), _WANTED)
        if not ({"full_name", "name", "surname", "given_names", "passport_number"} & found.keys()):
            raise InputDataError(text("manifest.no_key_column", file=raw.source))
        self.raw = raw
        self.today = today
        reading = read_columns(
            raw.headers,
            raw.columns,
            found,
            wanted=_WANTED,
            dates=_DATE_KINDS,
            source=raw.source,
            today=today,
        )
        self._columns = dict(reading.columns)
        #: What the file as a whole is told: how it was read (`RawTable.notes`), then what its columns say.
        self.notes: tuple[str, ...] = (*raw.notes, *reading.notes)
        self._overlong = _overlong_rows(self._columns.values())
        self._lines = raw.row_lines()

    def __len__(self) -> int:
        return self.raw.height

    @property
    def fields(self) -> frozenset[str]:
        """The traveller fields the file has a column for (a name in parts counts as `full_name`; a date
        column holding no date, as none)."""
        found = set(self._columns)
        return frozenset(found | {"full_name"} if found & set(_NAME_PARTS) else found)

    def lacking_notes(self, lacking: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
        """One note naming the columns the rule pack reads that the file lacks (`engine.facts.columns_lacking`),
        each with the rules it leaves undecided; none when nothing lacks."""
        if not lacking:
            return ()
        items = [
            text(
                "manifest.column.lacking_item",
                column="/".join(field_label(name) for name in column.split("/")),
                rules=", ".join(rules),
            )
            for column, rules in lacking.items()
        ]
        return (text("manifest.column.lacking", file=self.raw.source, lacking="; ".join(items)),)

    def travellers(self, rows: range) -> list[Traveller]:
        """The travellers of these rows (0-based positions), in order; each warning starts with the row's place."""
        columns, today, unit, lines = self._columns, self.today, self.raw.unit, self._lines
        travellers = []
        with cycle_collection_paused():  # many small objects, no cycles among them
            for position in rows:
                build = build_traveller if position in self._overlong else _build_checked
                traveller = build(
                    {field: cells[position] for field, cells in columns.items()}, row=position + 1, today=today
                )
                if traveller.warnings:
                    where = place(unit, lines[position])
                    traveller = replace(
                        traveller,
                        warnings=tuple(text("manifest.at", place=where, warning=w) for w in traveller.warnings),
                    )
                travellers.append(traveller)
        return travellers

    def flag_repeats(self, travellers: Sequence[Traveller]) -> list[Traveller]:
        """The travellers of the whole table, each warned when its pax_id, or the person it lists (the same
        passport number, or the same name and date of birth: `checkpoint.repeats`), is on another row too.

        A person's other rows are named by their place in the file (`line 12`), never by name or number.
        """
        unit, lines = self.raw.unit, self._lines
        counts = Counter(t.pax_id for t in travellers)
        added: dict[int, list[str]] = defaultdict(list)
        for position, traveller in enumerate(travellers):
            if counts[traveller.pax_id] > 1:
                added[position].append(text("manifest.pax_id_repeated", pax_id=traveller.pax_id))
        named: dict[int, set[int]] = defaultdict(set)  # the rows already named to each row
        for repeat in repeated_listings(travellers):
            for position in repeat.positions:
                pax_id = travellers[position].pax_id
                others = [
                    other
                    for other in repeat.positions
                    if travellers[other].pax_id != pax_id and other not in named[position]
                ]
                if others:
                    named[position].update(others)
                    places = _places([place(unit, lines[travellers[other].row - 1]) for other in others])
                    key = "manifest.repeat.passport" if repeat.shared == PASSPORT else "manifest.repeat.name_and_birth"
                    added[position].append(text(key, places=places))
        if not added:
            return list(travellers)
        where = {at: place(unit, lines[travellers[at].row - 1]) for at in added}  # the warned rows only
        return [
            replace(t, warnings=(*t.warnings, *(text("manifest.at", place=where[at], warning=w) for w in added[at])))
            if at in added
            else t
            for at, t in enumerate(travellers)
        ]


#: How many other rows a warning names before it counts the rest.
_PLACES_NAMED = 3


def _places(places: Sequence[str]) -> str:
    """`line 7`, `line 7 and line 9`, `line 7, line 9, line 12 and 4 more`."""
    if len(places) > _PLACES_NAMED:
        return text("manifest.places.more", listed=", ".join(places[:_PLACES_NAMED]), count=len(places) - _PLACES_NAMED)
    if len(places) == 1:
        return places[0]
    return text("manifest.places.two", first=", ".join(places[:-1]), last=places[-1])


def travellers_from_table(raw: RawTable, *, today: date) -> list[Traveller]:
    """Every row of a manifest table as a traveller, in order; raise only if no name or passport column exists.

    Each row's warnings start with its place in the file (`RawTable.where`).
    """
    rows = ManifestRows(raw, today=today)
    return rows.flag_repeats(rows.travellers(range(len(rows))))
