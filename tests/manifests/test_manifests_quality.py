"""What a manifest's columns say about the file: said once as a note, never as a warning on every row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from checkpoint.dates import DateOrder, column_dates, reordered
from checkpoint.i18n import set_language
from checkpoint.manifests.travellers import ManifestRows
from checkpoint.sources import RawTable

TODAY = date(2026, 11, 28)


def rows(columns: list[str], *values: list[object]) -> ManifestRows:
    raw = RawTable(tuple(columns), tuple(map(list, zip(*values, strict=True))), "pax.csv")
    return ManifestRows(raw, today=TODAY)


class TestHeaders:
    def test_a_misspelt_header_is_named_once_with_the_closest_field(self) -> None:
        manifest = rows(
            ["full_name", "pasport", "date_of_brith", "Seat"],
            ["SITI AMINAH", "C1234567", "17/05/1990", "12A"],
            ["BUDI SANTOSO", "C7654321", "01/02/1985", "12B"],
        )
        assert manifest.notes == (
            "pax.csv: column 'pasport' is not one checkpoint knows and was ignored; did you mean "
            "'passport_number'? Correct the header and screen again.",
            "pax.csv: column 'date_of_brith' is not one checkpoint knows and was ignored; did you mean "
            "'date_of_birth'? Correct the header and screen again.",
            "pax.csv: 1 column(s) not recognised and ignored: 'Seat'.",
        )
        travellers = manifest.travellers(range(2))
        assert all(not t.warnings for t in travellers)  # said on the file, not on each row

    def test_known_headers_say_nothing(self) -> None:
        manifest = rows(
            ["Name", "Passport No.", "DOB", "Transit"], ["AMINAH/SITI MRS", "C1234567", "1990-05-17", "KUL"]
        )
        assert manifest.notes == ()


class TestDateColumns:
    def test_month_first_throughout_is_read_month_first(self) -> None:
        manifest = rows(
            ["full_name", "date_of_birth", "departure_date"],
            ["SITI AMINAH", "04/16/1989", "11/28/2026"],
            ["BUDI SANTOSO", "02/03/1985", "11/28/2026"],
        )
        first, second = manifest.travellers(range(2))
        assert (first.date_of_birth, second.date_of_birth) == (date(1989, 4, 16), date(1985, 2, 3))
        assert first.departure_date == date(2026, 11, 28)
        assert not first.warnings and not second.warnings
        assert manifest.notes == (
            "pax.csv: column 'date_of_birth' is written month-first throughout (e.g. '04/16/1989'); "
            "read as month/day/year.",
            "pax.csv: column 'departure_date' is written month-first throughout (e.g. '11/28/2026'); "
            "read as month/day/year.",
        )

    def test_an_ambiguous_column_stays_day_first_with_a_note(self) -> None:
        manifest = rows(["full_name", "date_of_birth"], ["SITI AMINAH", "03/04/1990"])
        (traveller,) = manifest.travellers(range(1))
        assert traveller.date_of_birth == date(1990, 4, 3)
        assert manifest.notes == (
            "pax.csv: every date in column 'date_of_birth' reads either day-first or month-first (e.g. "
            "'03/04/1990'); read day-first (DD/MM/YYYY), as usual in Indonesia. Check the sender's format.",
        )

    def test_a_column_with_no_readable_date_is_one_note(self) -> None:
        manifest = rows(["full_name", "passport_expiry"], *([f"PAX {n}", "soon"] for n in range(1000)))
        travellers = manifest.travellers(range(1000))
        assert not any(t.warnings for t in travellers)
        assert manifest.notes == (
            "pax.csv: column 'passport_expiry' holds no readable date (e.g. 'soon'); passport_expiry treated "
            "as missing on 1,000 rows. Export that column again as dates.",
        )

    def test_day_first_evidence_keeps_day_first_and_its_row_warnings(self) -> None:
        manifest = rows(["full_name", "date_of_birth"], ["A", "17/05/1990"], ["B", "05/17/1990"])
        first, second = manifest.travellers(range(2))
        assert first.date_of_birth == date(1990, 5, 17)
        assert second.date_of_birth is None and "05/17/1990" in second.warnings[0]
        assert manifest.notes == ()

    @pytest.fixture
    def indonesian(self) -> Iterator[None]:
        set_language("id")
        yield
        set_language("en")

    @pytest.mark.usefixtures("indonesian")
    def test_notes_in_bahasa_indonesia(self) -> None:
        manifest = rows(["full_name", "pasport", "date_of_birth"], ["SITI AMINAH", "C1234567", "04/16/1989"])
        assert manifest.notes == (
            "pax.csv: kolom 'pasport' tidak dikenal dan diabaikan; apakah maksudnya 'passport_number'? "
            "Perbaiki judul kolomnya lalu periksa ulang.",
            "pax.csv: kolom 'date_of_birth' ditulis bulan dulu di semua baris (mis. '04/16/1989'); dibaca "
            "sebagai bulan/tanggal/tahun.",
        )


@pytest.mark.parametrize(
    ("values", "order", "ambiguous"),
    [
        (["17/05/1990", "03/04/1990"], DateOrder.DAY_FIRST, False),
        (["05/17/1990", "03/04/1990", None], DateOrder.MONTH_FIRST, False),
        (["05-17-90"], DateOrder.MONTH_FIRST, False),
        (["90/05/17", "85.01.02"], DateOrder.YEAR_FIRST, False),
        (["170590", "010285"], DateOrder.DDMMYY, False),
        (["900517", "170590"], DateOrder.DAY_FIRST, False),  # YYMMDD shown too: nothing reordered
        (["03/04/1990", "1990-05-17"], DateOrder.DAY_FIRST, True),
        (["17/05/1990", "05/17/1990"], DateOrder.DAY_FIRST, False),  # both shown: day-first, per-row warnings
        (["1990-05-17", "17MAY90"], DateOrder.DAY_FIRST, False),
    ],
)
def test_column_dates(values: list[object], order: DateOrder, ambiguous: bool) -> None:
    shape = column_dates(values)
    assert (shape.order, shape.ambiguous) == (order, ambiguous)


def test_reordered() -> None:
    assert reordered("05/17/1990", DateOrder.MONTH_FIRST) == "17/05/1990"
    assert reordered("90/05/17", DateOrder.YEAR_FIRST) == "17/05/90"
    assert reordered("170590", DateOrder.DDMMYY) == "17/05/90"
    assert reordered("1990-05-17", DateOrder.MONTH_FIRST) == "1990-05-17"
