"""One manifest row (or the desk's options) as a clean Traveller: names, codes, dates, and a warning per doubt."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest

from checkpoint.errors import InputDataError
from checkpoint.i18n import set_language
from checkpoint.manifests import build_traveller, travellers_from_table
from checkpoint.manifests.travellers import MAX_CELL_CHARS
from checkpoint.models import Traveller
from checkpoint.nik import NikProblem, parse_nik
from checkpoint.sources import RawTable

TODAY = date(2026, 11, 28)
NO_KEY = "row has neither a name nor a passport number; it cannot be looked up in the registry"
ONE_PERSON = "one person listed twice? Group rules count them once"


def build(**cells: object) -> Traveller:
    return build_traveller(cells, row=7, today=TODAY)


def table(columns: list[str], *rows: list[object], source: str = "pax.csv") -> RawTable:
    return RawTable(
        tuple(columns), tuple(map(list, zip(*rows, strict=True))) if rows else tuple([] for _ in columns), source
    )


class TestNames:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("AMINAH/SITI MRS", "SITI AMINAH"),
            ("AMINAH/SITI NURUL MS", "SITI NURUL AMINAH"),
            ("SANTOSO/BUDI MR", "BUDI SANTOSO"),
            ("WIJAYA/KEVIN MSTR", "KEVIN WIJAYA"),
            ("HARYANTI/FNU", "HARYANTI"),
            ("LNU/HARYANTI", "HARYANTI"),
            ("HARYANTI/HARYANTI MRS", "HARYANTI"),  # a mononym doubled to fill both fields
            ("HARYANTI/HARYANTI", "HARYANTI"),
        ],
    )
    def test_airline_names(self, name: str, expected: str) -> None:
        assert build(name=name).full_name == expected

    def test_an_airline_name_in_the_full_name_column(self) -> None:
        assert build(full_name="AMINAH/SITI MRS").full_name == "SITI AMINAH"

    def test_a_plain_full_name_is_kept(self) -> None:
        assert build(full_name="SITI AMINAH BINTI KARSO").full_name == "SITI AMINAH BINTI KARSO"

    def test_surname_and_given_names(self) -> None:
        assert build(surname="Aminah", given_names="Siti Nurul").full_name == "Siti Nurul Aminah"
        assert build(surname="AMINAH").full_name == "AMINAH"
        assert build(given_names="SUSILAWATI").full_name == "SUSILAWATI"
        assert build(surname="FNU", given_names="SUSILAWATI").full_name == "SUSILAWATI"

    def test_full_name_wins_over_the_parts(self) -> None:
        assert build(full_name="SITI AMINAH", name="OTHER/NAME", surname="X").full_name == "SITI AMINAH"


class TestUnscreenableRows:
    @pytest.mark.parametrize("cells", [{}, {"name": "   "}, {"full_name": None, "sex": "F"}, {"surname": float("nan")}])
    def test_a_row_without_name_or_passport_is_kept_with_a_warning(self, cells: dict[str, object]) -> None:
        traveller = build_traveller(cells, row=4, today=TODAY)
        assert traveller.pax_id == "4"
        assert not traveller.screenable
        assert traveller.warnings[-1] == NO_KEY

    def test_a_passport_alone_is_enough(self) -> None:
        traveller = build(passport_number="b 123 4567")
        assert traveller.passport_number == "B1234567"
        assert traveller.screenable
        assert traveller.warnings == ()


class TestValues:
    def test_a_clean_row_has_no_warnings(self) -> None:
        traveller = build(
            pax_id="17",
            name="AMINAH/SITI MRS",
            sex="Perempuan",
            date_of_birth="17MAY90",
            nationality="id",
            nik="3201015705900001.0",
            passport_number="b1234567",
            passport_expiry="01APR32",
            passport_issue_date="01/04/2022",
            destination="KUL",
            departure_date="2026-11-28",
            return_date="05/12/2026",
            ticket="One Way",
            visa_type="Tourist",
            flight="ga820",
            port="cgk",
            booking_ref="abc123",
            group_code="umr-77",
        )
        assert traveller == Traveller(
            pax_id="17",
            row=7,
            full_name="SITI AMINAH",
            sex="F",
            date_of_birth=date(1990, 5, 17),
            nationality="IDN",
            nik="3201015705900001",
            passport_number="B1234567",
            passport_expiry=date(2032, 4, 1),
            passport_issue_date=date(2022, 4, 1),
            destination="MYS",
            departure_date=date(2026, 11, 28),
            return_date=date(2026, 12, 5),
            ticket="one_way",
            visa_type="tourist",
            flight="GA820",
            port="CGK",
            booking_ref="ABC123",
            group_code="UMR-77",
        )

    def test_spreadsheet_typed_cells(self) -> None:
        traveller = build(
            pax_id=3.0,
            full_name="SITI",
            date_of_birth=pd.Timestamp("1990-05-17"),
            passport_expiry=datetime(2032, 4, 1),
            departure_date=pd.NaT,
            passport_number=1234567,
            nik=3201015705900001,
        )
        assert (traveller.pax_id, traveller.date_of_birth, traveller.passport_expiry) == ("3", date(1990, 5, 17),
                                                                                          date(2032, 4, 1))  # fmt: skip
        assert traveller.departure_date is None
        assert (traveller.passport_number, traveller.nik) == ("1234567", "3201015705900001")
        assert traveller.warnings == ()

    def test_two_digit_years_follow_the_kind_of_date(self) -> None:
        traveller = build(full_name="X", date_of_birth="01JAN30", passport_expiry="01JAN30")
        assert traveller.date_of_birth == date(1930, 1, 1)
        assert traveller.passport_expiry == date(2030, 1, 1)


class TestWarnings:
    def test_an_impossible_date_names_the_field_and_the_value(self) -> None:
        traveller = build(full_name="SITI", date_of_birth="31/02/1990")
        assert traveller.date_of_birth is None
        assert traveller.warnings == ("date_of_birth '31/02/1990' is not a real calendar date; treated as missing",)

    @pytest.mark.parametrize(
        ("field", "value", "warning"),
        [
            ("passport_expiry", "soon",
             "passport_expiry 'soon' is not in a recognised date format; treated as missing"),
            ("departure_date", "17XYZ26", "departure_date '17XYZ26' has an unknown month name; treated as missing"),
            ("return_date", "0990-01-01", "return_date '0990-01-01' has an implausible year; treated as missing"),
            ("date_of_birth", "2027-01-01", "date_of_birth '2027-01-01' is in the future; treated as missing"),
            ("passport_issue_date", "2027-01-01",
             "passport_issue_date '2027-01-01' is in the future; treated as missing"),
            ("sex", "X", "sex 'X' is not M or F; treated as missing"),
            ("nationality", "KUL", "nationality 'KUL' is not a known country code; treated as missing"),
            ("destination", "XYZ", "destination 'XYZ' is not a known country or airport code; treated as missing"),
            ("nik", "12345", "nik is not 16 digits; treated as missing"),
            ("nik", 12345.0, "nik is not 16 digits; treated as missing"),
        ],
    )  # fmt: skip
    def test_each_unreadable_value_is_one_warning_and_missing(self, field: str, value: str, warning: str) -> None:
        traveller = build(full_name="SITI", **{field: value})
        assert getattr(traveller, field) is None
        assert traveller.warnings == (warning,)

    def test_a_nik_warning_does_not_repeat_the_number(self) -> None:
        assert "1234" not in build(full_name="SITI", nik="1234").warnings[0]

    def test_a_nik_rounded_by_a_spreadsheet_float_is_not_used(self) -> None:
        traveller = build(full_name="SITI", nik=float(9101015705900001))
        assert traveller.nik is None
        assert traveller.warnings == ("nik was stored as a number too long to keep exactly; treated as missing",)

    def test_return_before_departure(self) -> None:
        traveller = build(full_name="SITI", departure_date="2026-12-01", return_date="2026-11-20")
        assert traveller.departure_date == date(2026, 12, 1)
        assert traveller.return_date is None
        assert traveller.warnings == ("return_date is before departure_date; return_date treated as missing",)

    def test_same_day_return_is_fine(self) -> None:
        traveller = build(full_name="SITI", departure_date="2026-12-01", return_date="01/12/2026")
        assert traveller.return_date == date(2026, 12, 1)
        assert traveller.warnings == ()

    def test_several_problems_are_all_reported_in_field_order(self) -> None:
        traveller = build(sex="?", date_of_birth="31/02/1990", destination="XYZ")
        assert [w.split(" ", 1)[0] for w in traveller.warnings] == ["sex", "date_of_birth", "destination", "row"]


class TestTable:
    def test_every_row_in_order_with_row_numbers_and_default_pax_ids(self) -> None:
        raw = table(
            ["Name", "Passport No.", "DOB"],
            ["AMINAH/SITI MRS", "B1234567", "17MAY90"],
            [None, None, None],
            ["SANTOSO/BUDI MR", None, "31/02/1990"],
        )
        travellers = travellers_from_table(raw, today=TODAY)
        assert [(t.row, t.pax_id, t.full_name) for t in travellers] == [
            (1, "1", "SITI AMINAH"),
            (2, "2", None),
            (3, "3", "BUDI SANTOSO"),
        ]
        assert travellers[1].warnings == (f"line 3: {NO_KEY}",)  # the header is line 1
        assert travellers[2].warnings == (
            "line 4: date_of_birth '31/02/1990' is not a real calendar date; treated as missing",
        )

    def test_pax_id_from_the_file_and_blanks_defaulting_to_the_row(self) -> None:
        raw = table(["No.", "Name"], ["17", "A/B"], [None, "C/D"], [5.0, "E/F"])
        assert [t.pax_id for t in travellers_from_table(raw, today=TODAY)] == ["17", "2", "5"]

    def test_a_repeated_pax_id_is_warned_on_each_row(self) -> None:
        raw = table(["pax_id", "full_name"], ["7", "SITI"], ["8", "BUDI"], ["7", "AGUS"])
        travellers = travellers_from_table(raw, today=TODAY)
        assert [t.warnings for t in travellers] == [("line 2: pax_id 7 appears more than once",), (),
                                                    ("line 4: pax_id 7 appears more than once",)]  # fmt: skip

    def test_a_default_pax_id_can_collide_with_a_given_one(self) -> None:
        raw = table(["pax_id", "full_name"], ["2", "SITI"], [None, "BUDI"])
        travellers = travellers_from_table(raw, today=TODAY)
        assert [t.warnings for t in travellers] == [("line 2: pax_id 2 appears more than once",),
                                                    ("line 3: pax_id 2 appears more than once",)]  # fmt: skip

    def test_surname_and_given_names_columns(self) -> None:
        raw = table(["Surname", "Given Names", "Gender"], ["AMINAH", "SITI", "P"], ["SANTOSO", "BUDI", "L"])
        travellers = travellers_from_table(raw, today=TODAY)
        assert [(t.full_name, t.sex) for t in travellers] == [("SITI AMINAH", "F"), ("BUDI SANTOSO", "M")]

    def test_a_passport_column_alone_is_enough(self) -> None:
        travellers = travellers_from_table(table(["Passport No."], ["B1234567"]), today=TODAY)
        assert travellers[0].passport_number == "B1234567"

    def test_no_name_or_passport_column_is_an_input_error(self) -> None:
        raw = table(["Sex", "DOB", "Destination"], ["F", "17MAY90", "KUL"], source="gate3.csv")
        with pytest.raises(InputDataError, match=r"^gate3\.csv has no name or passport column") as caught:
            travellers_from_table(raw, today=TODAY)
        assert "\n" not in str(caught.value)

    def test_unknown_columns_are_ignored(self) -> None:
        raw = table(["Name", "Transit", "Remarks"], ["A/B", "SIN", "wheelchair"])
        assert travellers_from_table(raw, today=TODAY)[0].warnings == ()

    def test_warnings_name_the_place_in_the_file_in_its_own_unit(self) -> None:
        raw = RawTable(("Name", "DOB"), (["A/B", None], ["31/02/1990", None]), "agent.xlsx", lines=(5, 9), unit="row")
        travellers = travellers_from_table(raw, today=TODAY)
        assert [t.warnings for t in travellers] == [
            ("row 5: date_of_birth '31/02/1990' is not a real calendar date; treated as missing",),
            (f"row 9: {NO_KEY}",),
        ]
        assert [t.row for t in travellers] == [1, 2]  # the position in the manifest, as for the default pax_id

    def test_one_person_on_several_rows_is_warned_on_each_naming_the_others_by_place(self) -> None:
        rows = [[str(pax), "SITI AMINAH" if pax % 2 else "BUDI", "B1234567"] for pax in range(1, 7)]
        raw = RawTable(("pax_id", "Name", "Passport"), tuple(map(list, zip(*rows, strict=True))), "p.edi",
                       lines=(3, 4, 5, 6, 7, 8), unit="passenger")  # fmt: skip
        travellers = travellers_from_table(raw, today=TODAY)
        same = "the same passport number as"
        assert travellers[0].warnings == (
            f"passenger 3: {same} passenger 4, passenger 5, passenger 6 and 2 more; {ONE_PERSON}",
        )
        assert travellers[5].warnings == (
            f"passenger 8: {same} passenger 3, passenger 4, passenger 5 and 2 more; {ONE_PERSON}",
        )

    def test_rows_of_one_pax_id_are_warned_of_the_pax_id_alone(self) -> None:
        raw = table(["pax_id", "full_name", "passport_number"], ["7", "SITI", "B1234567"], ["7", "SITI", "B1234567"],
                    ["8", "SITI", "B1234567"])  # fmt: skip
        travellers = travellers_from_table(raw, today=TODAY)
        assert [t.warnings for t in travellers] == [
            ("line 2: pax_id 7 appears more than once", f"line 2: the same passport number as line 4; {ONE_PERSON}"),
            ("line 3: pax_id 7 appears more than once", f"line 3: the same passport number as line 4; {ONE_PERSON}"),
            (f"line 4: the same passport number as line 2 and line 3; {ONE_PERSON}",),
        ]


class TestOverlongCells:
    def test_a_cell_longer_than_any_field_is_missing_with_a_warning_not_quoting_it(self) -> None:
        traveller = build(full_name="SITI " * 200_000, passport_number="B1234567")
        assert traveller.full_name is None and traveller.passport_number == "B1234567"
        assert traveller.warnings == ("full_name is 1,000,000 characters long (at most 200 read); treated as missing",)

    def test_every_field_is_guarded_and_the_row_is_still_kept(self) -> None:
        traveller = build(name="A/" + "B" * 300, date_of_birth="1" * 5000)
        assert (traveller.full_name, traveller.date_of_birth) == (None, None)
        assert traveller.warnings == (
            "name is 302 characters long (at most 200 read); treated as missing",
            "date_of_birth is 5,000 characters long (at most 200 read); treated as missing",
            NO_KEY,
        )

    def test_up_to_the_limit_and_surrounding_blanks_are_read(self) -> None:
        assert build(full_name="A" * MAX_CELL_CHARS).full_name == "A" * MAX_CELL_CHARS
        padded = build(full_name="  SITI AMINAH" + " " * 10_000)
        assert (padded.full_name, padded.warnings) == ("SITI AMINAH", ())

    def test_a_table_reads_every_row_as_build_traveller_reads_it_alone(self) -> None:
        # Rows without an overlong text skip that check, and repeated texts are read once: neither may
        # change a traveller. Mixed cell types, overlong and padded texts, repeats and bad values, per row.
        rows = [
            ["SITI AMINAH", "F", "1990-05-17", "IDN", "KUL", "2026-11-28"],
            ["BUDI", " m ", "31/02/1990", "indonesia", "XXX", "2026-11-28"],
            ["SITI AMINAH", "F", "1990-05-17", "IDN", "KUL", "2026-11-28"],
            ["X" * (MAX_CELL_CHARS + 1), None, 19900517.0, "IDN", "SIN", None],
            ["DEWI" + " " * 500, "F", datetime(1990, 5, 17), float("nan"), "  kul ", "2099-01-01"],
            [None, "P", "2030-01-01", "ID", "Saudi Arabia", "28NOV26"],
            ["NUR", "Q", "", 3, "KUL", "2026-11-28"],
        ]
        columns = ["full_name", "sex", "date_of_birth", "nationality", "destination", "departure_date"]
        read = travellers_from_table(table(columns, *rows), today=TODAY)
        alone = [
            build_traveller(dict(zip(columns, row, strict=True)), row=at, today=TODAY) for at, row in enumerate(rows, 1)
        ]
        # Rows 1 and 3 list one person (the same name and date of birth): the table, not the row, says so.
        repeated = {
            1: "line 2: the same name and date of birth as line 4",
            3: "line 4: the same name and date of birth as line 2",
        }
        assert [t.warnings for t in read] == [
            (
                *(f"line {at + 1}: {w}" for w in t.warnings),
                *([f"{repeated[at]}; {ONE_PERSON}"] if at in repeated else []),
            )
            for at, t in enumerate(alone, 1)
        ]
        assert [replace(t, warnings=()) for t in read] == [replace(t, warnings=()) for t in alone]
        assert read[3].warnings[0].startswith("line 5: full_name is 201 characters long")


class TestIndonesian:
    """`--lang id`: every warning on a traveller, and the place of its row, in Bahasa Indonesia."""

    @pytest.fixture
    def indonesian(self) -> Iterator[None]:
        set_language("id")
        yield
        set_language("en")

    @pytest.mark.usefixtures("indonesian")
    def test_row_warnings_and_places(self) -> None:
        raw = table(
            ["full_name", "date_of_birth", "sex", "nik", "passport_number"],
            ["SITI AMINAH", "31/02/1990", "X", "12345", "C1234567"],
            ["SITI AMINAH", "17/05/1990", "F", None, "C1234567"],
        )
        first, second = travellers_from_table(raw, today=TODAY)
        assert first.warnings == (
            "baris 2: jenis kelamin 'X' bukan M atau F; dianggap tidak ada",
            "baris 2: tanggal lahir '31/02/1990' bukan tanggal yang ada di kalender; dianggap tidak ada",
            "baris 2: NIK tidak 16 digit; dianggap tidak ada",
            "baris 2: nomor paspor sama dengan baris 3; satu orang tercatat dua kali? "
            "Aturan rombongan menghitungnya sekali",
        )
        assert second.warnings == (
            "baris 3: nomor paspor sama dengan baris 2; satu orang tercatat dua kali? "
            "Aturan rombongan menghitungnya sekali",
        )

    @pytest.mark.usefixtures("indonesian")
    def test_no_key_column(self) -> None:
        with pytest.raises(InputDataError, match="tidak punya kolom nama atau nomor paspor"):
            travellers_from_table(table(["flight"], ["OD 305"]), today=TODAY)

    @pytest.mark.usefixtures("indonesian")
    def test_nik_problem(self) -> None:
        problem = parse_nik("9901011705900001", today=TODAY)
        assert isinstance(problem, NikProblem)
        assert problem.reason == "kode provinsi NIK 99 bukan kode provinsi Indonesia."


def test_transit_and_final_destination_are_read_from_their_columns_and_aliases() -> None:
    rows = travellers_from_table(
        table(["Name", "Destination", "Via", "Tujuan Akhir"], ["SITI AMINAH", "KUL", "kul / bkk", "PNH"]), today=TODAY
    )
    assert (rows[0].destination, rows[0].transit, rows[0].final_destination) == ("MYS", "KUL;BKK", "KHM")
    assert rows[0].warnings == ()


def test_an_unknown_transit_stop_or_final_destination_is_a_warning_not_a_crash() -> None:
    traveller = build(full_name="SITI AMINAH", transit="KUL;XQZ1", final_destination="NOWHERE")
    assert (traveller.transit, traveller.final_destination) == ("KUL", None)
    assert traveller.warnings == (
        "final destination 'NOWHERE' is not a known country or airport code; treated as missing",
        "transit 'XQZ1' is not a known country or airport code; left out of the route",
    )
