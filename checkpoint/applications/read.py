"""Read a day's passport applications from any tabular file into rows the pipeline screens."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from checkpoint.applications.build import APPLICATION_COLUMNS, REQUIRED_COLUMNS, build_application
from checkpoint.columns import resolve_headers
from checkpoint.engine import default_pack_path
from checkpoint.errors import InputDataError
from checkpoint.gcpause import cycle_collection_paused
from checkpoint.i18n import text
from checkpoint.models import Traveller
from checkpoint.registry.recommendations import RecommendationBook
from checkpoint.sources import RawTable, read_table
from checkpoint.sources.interface import place

#: The folder of the shipped default pack that holds the passport office's pack.
APPLICATION_PACK = "passport-office"


def application_pack_path() -> Path:
    """The shipped pack for the passport office (`rules/passport-office/`, inside the installed package too)."""
    return default_pack_path() / APPLICATION_PACK


def open_applications(path: Path, *, today: date, recommendations: RecommendationBook | None = None) -> ApplicationRows:
    """A file's applications, ready to be screened; InputDataError when the file is unreadable, lacks a
    required column or holds no application. `recommendations`: the store's, to check those presented."""
    rows = ApplicationRows(read_table(path), today=today, recommendations=recommendations)
    if not len(rows):
        raise InputDataError(text("application.no_rows", file=path.name))
    return rows


def with_recommendation(application: Traveller, book: RecommendationBook, today: date) -> Traveller:
    """The application with what the store's recommendations say of the one it presents (`application.*`)."""
    held = dict(application.application)
    found = book.facts(
        held.get("recommendation_id"),  # type: ignore[arg-type]
        nik=application.nik,
        destination=application.destination,
        on=today,
    )
    return replace(application, application=(*application.application, *found.items())) if found else application


class ApplicationRows:
    """An applications table, turned into travellers a run of rows at a time (as `ManifestRows`)."""

    def __init__(self, raw: RawTable, *, today: date, recommendations: RecommendationBook | None = None) -> None:
        """Resolve the columns; InputDataError naming every required column the table lacks."""
        self.recommendations = recommendations
        found = resolve_headers(list(raw.headers), APPLICATION_COLUMNS)
        lacking = [name for name in REQUIRED_COLUMNS if name not in found]
        if lacking:
            raise InputDataError(
                text(
                    "application.missing_columns",
                    file=raw.source,
                    columns=", ".join(lacking),
                    required=", ".join(REQUIRED_COLUMNS),
                )
            )
        self.raw = raw
        self.today = today
        self._columns = {name: raw.columns[index] for name, index in found.items()}
        self._lines = raw.row_lines()

    def __len__(self) -> int:
        return self.raw.height

    @property
    def fields(self) -> None:
        """None: the columns an application lacks are said per application (`unknown`, `could_be`), not in the
        manifests' note on lacking columns, which knows the traveller fields only."""
        return None

    def lacking_notes(self, lacking: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
        """No note (see `fields`)."""
        return ()

    def travellers(self, rows: range) -> list[Traveller]:
        """The applications of these rows (0-based), in order; each warning starts with the row's place."""
        columns, unit, lines = self._columns, self.raw.unit, self._lines
        present = frozenset(columns)
        read = []
        with cycle_collection_paused():
            for position in rows:
                application = build_application(
                    {name: cells[position] for name, cells in columns.items()},
                    row=position + 1,
                    today=self.today,
                    columns=present,
                )
                if self.recommendations is not None:
                    application = with_recommendation(application, self.recommendations, self.today)
                if application.warnings:
                    where = place(unit, lines[position])
                    warnings = tuple(text("manifest.at", place=where, warning=w) for w in application.warnings)
                    application = replace(application, warnings=warnings)
                read.append(application)
        return read

    def flag_repeats(self, travellers: Sequence[Traveller]) -> list[Traveller]:
        """The applications of the whole table, each warned when its application_id is on another row, and
        marked (`application.duplicate`) when another row applies for the same valid NIK: a duplicate application.

        Another row is named by its place in the file, never by the NIK.
        """
        unit, lines = self.raw.unit, self._lines
        ids = Counter(t.pax_id for t in travellers)
        by_nik: dict[str, list[int]] = defaultdict(list)
        for position, traveller in enumerate(travellers):
            if traveller.nik is not None:
                by_nik[traveller.nik].append(position)
        flagged = []
        for position, traveller in enumerate(travellers):
            where = place(unit, lines[traveller.row - 1])
            added = []
            if ids[traveller.pax_id] > 1:
                repeated = text("application.repeated_id", application_id=traveller.pax_id)
                added.append(text("manifest.at", place=where, warning=repeated))
            others = [at for at in by_nik.get(traveller.nik or "", ()) if at != position]
            if others:
                places = ", ".join(place(unit, lines[travellers[at].row - 1]) for at in others)
                repeated = text("application.repeated_nik", places=places)
                added.append(text("manifest.at", place=where, warning=repeated))
            if traveller.nik is not None:
                traveller = replace(traveller, application=(*traveller.application, ("duplicate", bool(others))))
            if added:
                traveller = replace(traveller, warnings=(*traveller.warnings, *added))
            flagged.append(traveller)
        return flagged
