"""UN/EDIFACT PAXLST reader: every fixture to its rows, detection, bad inputs and notes."""

from __future__ import annotations

import contextlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoint.errors import InputDataError
from checkpoint.manifests import travellers_from_table
from checkpoint.sources.delimited import DelimitedReader
from checkpoint.sources.edifact import split_segments
from checkpoint.sources.interface import TableReader
from checkpoint.sources.paxlst import COLUMNS, PaxlstReader
from checkpoint.sources.read import read_table

FIXTURES = Path(__file__).parents[1] / "fixtures" / "paxlst"
READER = PaxlstReader()
TODAY = date(2026, 11, 28)


def rows(path: Path) -> list[dict[str, object]]:
    return READER.read(path).frame.to_dict("records")


def row(**cells: str) -> dict[str, object]:
    return {column: cells.get(column) for column in COLUMNS}


def write(tmp_path: Path, text: str, name: str = "manifest.edi", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def message(*body: str, ref: str = "M1") -> str:
    segments = [f"UNH+{ref}+PAXLST:D:05B:UN:IATA", *body]
    segments.append(f"UNT+{len(segments) + 1}+{ref}")
    return "".join(f"{segment}'" for segment in segments)


FLIGHT = ("BGM+745", "TDT+20+GA820", "LOC+125+CGK", "DTM+189:2611281430:201", "LOC+87+KUL")


# --- fixtures to rows ------------------------------------------------------------------------------------

GA820 = {"flight": "GA820", "port": "CGK", "destination": "KUL", "departure_date": "261128"}
SV817 = {"flight": "SV817", "port": "CGK", "destination": "JED", "departure_date": "261128"}


def test_two_flights_with_una_and_crlf() -> None:
    table = READER.read(FIXTURES / "two_flights.edi")
    assert table.source == "two_flights.edi"
    assert table.frame.to_dict("records") == [
        row(
            pax_id="1", full_name="SITI NURHAYATI", sex="F", date_of_birth="900517", nationality="IDN",
            passport_number="C1234567", passport_expiry="320401", passport_issue_date="220401",
            booking_ref="QX7K2M", **GA820,
        ),
        row(
            pax_id="2", full_name="PATRICK JAMES O'NEIL", sex="M", date_of_birth="851203", nationality="IRL",
            passport_number="PX0012345", passport_expiry="290715", booking_ref="PL9R4T", **GA820,
        ),
        row(
            pax_id="3", full_name="SUMIATI", sex="F", date_of_birth="000229", nationality="IDN",
            passport_number="C7654321", passport_expiry="310110", booking_ref="QX7K2M", **GA820,
        ),
        # the visa's expiry (DOC+V, DTM+36 after it) does not replace the passport's
        row(
            pax_id="4", full_name="SITI NUR+AINI", sex="F", date_of_birth="980830", nationality="IDN",
            passport_number="C2468013", passport_expiry="300912", booking_ref="ZK3M8P", **SV817,
        ),
        # LOC+179 (port of debarkation) wins over the flight's arrival
        row(
            pax_id="5", full_name="WAGIYEM", sex="F", date_of_birth="750101", nationality="IDN",
            passport_number="C1357924", passport_expiry="281120", **{**SV817, "destination": "RUH"},
        ),
        row(
            pax_id="6", full_name="ABDUL RAHMAN", sex="M", date_of_birth="880715", nationality="MYS",
            passport_number="A40112233", passport_expiry="330520", **SV817,
        ),
    ]  # fmt: skip
    assert table.notes == ("two_flights.edi: 1 in-transit passenger(s) (NAD+DDU) read as passengers",)


def test_every_cell_is_a_string_or_none() -> None:
    paths = sorted(FIXTURES.iterdir())
    assert len(paths) >= 5, "the PAXLST fixtures are missing"
    for path in paths:
        frame = READER.read(path).frame
        assert list(frame.columns) == list(COLUMNS)
        assert all(cell is None or isinstance(cell, str) for cell in frame.to_numpy().ravel()), path.name


def test_no_una_single_line_latin1_with_century_dates() -> None:
    table = READER.read(FIXTURES / "no_una.txt")
    flight = {"flight": "QZ262", "port": "SUB", "destination": "PNH", "departure_date": "20261128"}
    assert table.frame.to_dict("records") == [
        row(
            pax_id="1", full_name="ANNA MÜLLER", sex="F", date_of_birth="19880412", nationality="DEU",
            passport_number="C01X00T47", passport_expiry="20310630", booking_ref="MM4T7Q", **flight,
        ),
        row(
            pax_id="2", full_name="BUDI SANTOSO", sex="M", date_of_birth="19950221", nationality="IDN",
            passport_number="E9081726", passport_expiry="20290103", booking_ref="MM4T7Q", **flight,
        ),
    ]  # fmt: skip
    assert table.notes == ("no_una.txt: read as latin-1 text (not UTF-8)",)


def test_custom_una_with_star_as_element_separator() -> None:
    table = READER.read(FIXTURES / "custom_una.edi")
    flight = {"flight": "ID7521", "port": "DPS", "destination": "SIN", "departure_date": "261129"}
    assert table.frame.to_dict("records") == [
        row(
            pax_id="1", full_name="MARIA D'SOUZA", sex="F", date_of_birth="910304", nationality="IDN",
            passport_number="C5556667", passport_expiry="300101", booking_ref="HK2P9W", **flight,
        ),
        row(
            pax_id="2", full_name="EKO BUDI HARTONO", sex="M", date_of_birth="870919", nationality="IDN",
            passport_number="C5556668", passport_expiry="300102", booking_ref="HK2P9W", **flight,
        ),
    ]  # fmt: skip
    assert table.notes == ()


def test_garbled_message_keeps_every_passenger_group_and_notes_the_count() -> None:
    table = READER.read(FIXTURES / "garbled_count.edi")
    flight = {"flight": "JT152", "port": "CGK", "destination": "KUL", "departure_date": "261128"}
    assert table.frame.to_dict("records") == [
        row(
            pax_id="1", full_name="INDAH PRATIWI", sex="F", date_of_birth="930812", nationality="IDN",
            passport_number="C1112223", passport_expiry="300505", booking_ref="TT5R2Q", **flight,
        ),
        # its NAD tag is garbled: the group is still a row, without a name
        row(pax_id="2", sex="M", date_of_birth="890101", nationality="IDN", passport_number="C3334445", **flight),
        # NAD+FL without a name, an impossible birth date, DOC without a number: kept as they are
        row(pax_id="3", sex="X", date_of_birth="991340", nationality="IDN", **flight),
    ]  # fmt: skip
    assert table.notes == (
        "garbled_count.edi: message 1 (flight JT152): CNT says 4 passengers, 3 found",
        "garbled_count.edi: 1 passenger group(s) without a readable NAD+FL kept as rows without a name",
        "garbled_count.edi: 1 garbled segment(s) ignored",
        "garbled_count.edi: 1 segment(s) of unknown type ignored (XYZ)",
    )


def test_truncated_file_keeps_the_passengers_read_so_far() -> None:
    table = READER.read(FIXTURES / "truncated.edi")
    flight = {"flight": "IW1880", "port": "KNO", "destination": "PEN", "departure_date": "261128"}
    assert table.frame.to_dict("records") == [
        row(pax_id="1", full_name="RAHMAT LUBIS", sex="M", date_of_birth="920202", nationality="IDN",
            passport_number="C8889990", **flight),
        row(pax_id="2", full_name="LINDA SIREGAR", sex="F", date_of_birth="940404", nationality="IDN",
            passport_number="C8889991", **flight),
        row(pax_id="3", full_name="RINA SETIAWAN", sex="F", **flight),  # `DTM+329:93` was cut: not used
    ]  # fmt: skip
    assert table.notes == (
        "truncated.edi: the file ends in the middle of a segment; it may be cut short (that segment not read)",
        "truncated.edi: message 1 (flight IW1880) has no UNT trailer; the file may be cut short",
    )


def test_cnt_mismatch_and_unt_count_are_noted(tmp_path: Path) -> None:
    text = "UNB+UNOA:4+A+B+261128:0000+1'" + message(*FLIGHT, "NAD+FL+++A:B", "CNT+42:2") + "UNZ+1+1'"
    text = text.replace("UNT+9+", "UNT+12+")
    notes = READER.read(write(tmp_path, text)).notes
    assert notes == (
        "manifest.edi: message 1 (flight GA820): UNT counts 12 segments, 9 found; the message may be incomplete",
        "manifest.edi: message 1 (flight GA820): CNT says 2 passengers, 1 found",
    )


def test_flight_carrier_from_its_composite_and_mononym_forms(tmp_path: Path) -> None:
    text = message(
        "BGM+745", "TDT+20+820+++GA", "NAD+FL+++SUMIATI", "NAD+FL+++:SUMIATI", "NAD+FL+++ SUMIATI ::", "NAD+FL"
    )
    frame = READER.read(write(tmp_path, text)).frame
    assert frame["full_name"].tolist() == ["SUMIATI", "SUMIATI", "SUMIATI", None]
    assert set(frame["flight"]) == {"GA820"}


def test_long_name_components_are_kept_as_sent(tmp_path: Path) -> None:
    surname = "KUSUMAWARDHANIPUTRISETYANINGRUMSARI"  # 35 characters: the field width, as a carrier cuts it
    frame = READER.read(write(tmp_path, message(*FLIGHT, f"NAD+FL+++{surname}:DEWI"))).frame
    assert frame["full_name"].tolist() == [f"DEWI {surname}"]


def test_crew_are_not_read_and_noted(tmp_path: Path) -> None:
    crew = message("BGM+250", "TDT+20+GA820", "NAD+FM+++PILOT:SATU", "ATT+2++M", "NAD+FM+++PILOT:DUA", ref="C1")
    passengers = message(*FLIGHT, "NAD+FL+++A:B", "NAD+DDT+++CREW:TRANSIT", "ATT+2++M", "NAD+FL+++C:D", ref="P1")
    table = READER.read(write(tmp_path, crew + passengers))
    assert table.frame["full_name"].tolist() == ["B A", "D C"]
    assert table.frame["pax_id"].tolist() == ["1", "2"]
    assert table.notes == (
        "manifest.edi: message 1 (flight GA820) is a crew list (BGM+250); its 2 crew member(s) were not read "
        "(crew lists are not screened)",
        "manifest.edi: message 2 (flight GA820): 1 crew member(s) not read (crew are not screened)",
    )


def test_booking_reference_prefers_avf_and_visa_only_leaves_passport_blank(tmp_path: Path) -> None:
    text = message(
        *FLIGHT,
        "NAD+FL+++A:B", "RFF+ABO:OTHER1", "RFF+AVF:PNR123", "DOC+V:110:111+V123", "DTM+36:300101",
        "NAD+FL+++C:D", "DTM+36:290101", "DOC+P+X1", "DTM+182:190101",
    )  # fmt: skip
    table = READER.read(write(tmp_path, text))
    records = table.frame.to_dict("records")
    assert [r["booking_ref"] for r in records] == ["PNR123", None]
    assert [r["passport_number"] for r in records] == [None, "X1"]
    assert [r["passport_expiry"] for r in records] == [None, "290101"]  # a DTM+36 before DOC still counts
    assert [r["passport_issue_date"] for r in records] == [None, "190101"]
    assert table.notes == (
        "manifest.edi: 1 passenger(s) carry travel documents but no passport (DOC+P); passport number left blank",
    )


def test_passenger_segments_before_any_nad_make_an_unnamed_row(tmp_path: Path) -> None:
    text = message(*FLIGHT, "ATT+2++F", "DTM+329:900517", "NAD+FL+++A:B", "DTM+329:910101", "DTM+329:920202")
    frame = READER.read(write(tmp_path, text)).frame
    assert frame["full_name"].tolist() == [None, "B A", None]
    assert frame["date_of_birth"].tolist() == ["900517", "910101", "920202"]


# --- detection -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"UNA:+.? 'UNB+UNOA:4'",
        b"UNB+UNOA:4+X'",
        b"UNH+1+PAXLST:D:05B:UN:IATA'",
        b"\xef\xbb\xbf\r\n  UNA:*.? 'UNB*UNOA:4'",
        "UNB+UNOA:4'".encode("utf-16"),
    ],
)
def test_detected_by_content_whatever_the_extension(head: bytes) -> None:
    for name in ("manifest.txt", "manifest", "manifest.dat"):
        assert READER.detect(Path(name), head)


@pytest.mark.parametrize(
    "head",
    [b"No,Name,Sex\r\n1,SITI,F\r\n", b"UNHCR ID,Name\r\n", b"UNA\r\n", b'[{"name": "X"}]', b"PAR1\x00"],
)
def test_other_content_is_not_claimed(head: bytes) -> None:
    assert not READER.detect(Path("manifest.csv"), head)


def test_edi_extension_is_claimed_even_without_edifact_content() -> None:
    assert READER.detect(Path("MANIFEST.EDI"), b"No,Name\r\n")


def test_read_table_picks_paxlst_before_the_delimited_fallback(tmp_path: Path) -> None:
    path = tmp_path / "api_export.txt"
    shutil.copy(FIXTURES / "two_flights.edi", path)
    readers: tuple[TableReader, ...] = (PaxlstReader(), DelimitedReader())
    table = read_table(path, readers)
    assert len(table.frame) == 6
    assert table.frame["full_name"].iloc[1] == "PATRICK JAMES O'NEIL"


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    text = message(*FLIGHT, "NAD+FL+++NURÜL:SITI")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf\r\n" + text.encode("utf-8"))
    utf16 = write(tmp_path, text, "utf16.txt", encoding="utf-16")
    assert READER.read(bom).frame["full_name"].tolist() == ["SITI NURÜL"]
    assert READER.read(bom).notes == ()
    assert READER.read(utf16).frame["full_name"].tolist() == ["SITI NURÜL"]


# --- bad inputs ------------------------------------------------------------------------------------------

SECRET_NAME, SECRET_PASSPORT = "RAHASIAWATI", "C9990001"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f"No,Name,Passport\r\n1,{SECRET_NAME},{SECRET_PASSPORT}\r\n", "does not start with an EDIFACT"),
        (f"{message(*FLIGHT)}NAD+FL+++{SECRET_NAME}'DOC+P+{SECRET_PASSPORT}?", "release character"),
        (message(*FLIGHT).replace("NAD", "XXX"), "no passenger (NAD+FL)"),
        (message("BGM+250", "TDT+20+GA820", f"NAD+FM+++{SECRET_NAME}"), "crew list"),
        (f"UNB+UNOA:4+NAD+FL+++{SECRET_NAME}+{SECRET_PASSPORT}", "no segment terminator"),
        ("UNA:+", "UNA"),
        ("UNA:::? 'UNB:UNOA'", "UNA"),
        ("UNB+UNOA:4'UNZ+0+1'", "no passenger (NAD+FL)"),
    ],
)
def test_bad_input_is_one_clean_sentence_naming_the_file(tmp_path: Path, text: str, reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputDataError) as caught:
        READER.read(path)
    message_text = str(caught.value)
    assert message_text.startswith("manifest.edi ") and message_text.endswith(".")
    assert reason in message_text
    assert ". " not in message_text[:-1]  # one sentence
    assert SECRET_NAME not in message_text and SECRET_PASSPORT not in message_text
    assert caught.value.__cause__ is None


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.edi"
    path.write_bytes(b"UNB+UNOA:4'\x00\x01\x02NAD+FL+++X'")
    with pytest.raises(InputDataError, match="binary"):
        READER.read(path)


_SEGMENTS = (FIXTURES / "two_flights.edi").read_text(encoding="utf-8").splitlines()


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_interchange_never_loses_a_passenger(tmp_path: Path, data: st.DataObject) -> None:
    """Segments dropped, repeated, shuffled or cut: only InputDataError, and a row for every NAD+FL/DDU."""
    kept = data.draw(st.lists(st.sampled_from(_SEGMENTS[1:]), max_size=60))
    cut = data.draw(st.integers(min_value=0, max_value=20))
    text = "UNA:+.? '" + "".join(kept)
    text = text[: len(text) - cut] if cut < len(text) - 9 else text
    path = write(tmp_path, text, "fuzz.edi")
    try:
        table = READER.read(path)
    except InputDataError:
        return
    passengers = sum(
        1 for segment in split_segments(text[9:]) if segment.terminated and segment.tag == "NAD"
        and segment.value(0) in ("FL", "DDU")
    )  # fmt: skip
    assert len(table.frame) >= passengers


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(noise=st.binary(max_size=200))
def test_random_bytes_after_a_header_raise_only_input_errors(tmp_path: Path, noise: bytes) -> None:
    path = tmp_path / "noise.edi"
    path.write_bytes(b"UNB+UNOA:4+X'" + noise)
    with contextlib.suppress(InputDataError):
        READER.read(path)


# --- end to end ------------------------------------------------------------------------------------------


def test_travellers_from_a_paxlst() -> None:
    travellers = travellers_from_table(READER.read(FIXTURES / "two_flights.edi"), today=TODAY)
    assert [t.pax_id for t in travellers] == ["1", "2", "3", "4", "5", "6"]
    first, _, mononym, _, wagiyem, _ = travellers
    assert first.full_name == "SITI NURHAYATI"
    assert first.date_of_birth == date(1990, 5, 17)
    assert first.passport_expiry == date(2032, 4, 1)
    assert first.passport_issue_date == date(2022, 4, 1)
    assert first.departure_date == TODAY
    assert first.destination == "MYS"
    assert first.nationality == "IDN" and first.sex == "F" and first.passport_number == "C1234567"
    assert first.flight == "GA820" and first.port == "CGK" and first.booking_ref == "QX7K2M"
    assert mononym.full_name == "SUMIATI" and mononym.date_of_birth == date(2000, 2, 29)
    assert wagiyem.destination == "SAU"  # RUH
    assert all(not t.warnings for t in travellers)


def test_travellers_from_a_garbled_paxlst_keep_every_row_with_warnings() -> None:
    travellers = travellers_from_table(READER.read(FIXTURES / "garbled_count.edi"), today=TODAY)
    assert len(travellers) == 3
    assert travellers[2].date_of_birth is None
    assert any("date_of_birth" in warning for warning in travellers[2].warnings)


# -- PAXLST as it travels: Type-B envelopes, several interchanges, a list in parts (issue 16) -----------------


def test_a_list_in_two_teletype_messages_and_two_parts_is_one_manifest() -> None:
    """Two Type-B messages (address, origin and identifier lines, SOH/STX/ETX, NNNN), each its own UNA…UNZ,
    the list's parts `01:C` and `02:F`, one segment per CR LF line: three passengers, one note."""
    table = read_table(FIXTURES / "teletype_two_parts.txt")
    assert table.height == 3
    assert table.columns[COLUMNS.index("passport_number")] == ["C4455667", "C7788990", "C1112223"]
    assert table.notes == (
        "teletype_two_parts.txt: read as one manifest: 2 Type-B teletype envelope(s) (address and origin lines) "
        "set aside; 2 PAXLST message(s) in 2 interchange(s); the list comes in 2 part(s) (01, 02), the last "
        "marked final",
    )


def test_a_part_not_marked_final_is_said(tmp_path: Path) -> None:
    text = (FIXTURES / "teletype_two_parts.txt").read_bytes().decode("latin-1")
    first = text[: text.index("NNNN")].rsplit("\x01QN CGKIMXH\r\n", 1)[0]  # the first message alone
    path = tmp_path / "first_part_only.txt"
    path.write_bytes(first.encode("latin-1"))
    table = read_table(path)
    assert table.height == 2
    assert table.notes == (
        "first_part_only.txt: read as one manifest: 1 Type-B teletype envelope(s) (address and origin lines) "
        "set aside; the list comes in 1 part(s) (01) and none ends it as final: a part may be missing; ask the "
        "sender",
    )


def test_a_teletype_envelope_is_recognised_whatever_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "from_the_airline.dat"
    shutil.copyfile(FIXTURES / "teletype_two_parts.txt", path)
    assert read_table(path).height == 3
    assert not PaxlstReader().detect(tmp_path / "x.csv", b"QN CGKIMXH\r\nfull_name,passport_number\r\n")


def test_the_flights_routing_and_final_destination_are_read(tmp_path: Path) -> None:
    body = (*FLIGHT, "LOC+92+BKK", "LOC+130+KTI", "NAD+FL+++AMINAH:SITI", "ATT+2++F")
    found = rows(write(tmp_path, message(*body)))
    assert (found[0]["destination"], found[0]["transit"], found[0]["final_destination"]) == ("KUL", "KUL;BKK", "KTI")


def test_a_later_legs_arrival_is_the_journeys_end(tmp_path: Path) -> None:
    legs = (*FLIGHT, "TDT+20+MH754", "LOC+125+KUL", "LOC+87+KTI", "NAD+FL+++AMINAH:SITI")
    found = rows(write(tmp_path, message(*legs)))
    assert (found[0]["flight"], found[0]["transit"], found[0]["final_destination"]) == ("GA820", "KUL", "KTI")


def test_a_single_leg_flight_has_no_transit(tmp_path: Path) -> None:
    found = rows(write(tmp_path, message(*FLIGHT, "NAD+FL+++AMINAH:SITI")))
    assert (found[0]["transit"], found[0]["final_destination"]) == (None, None)
