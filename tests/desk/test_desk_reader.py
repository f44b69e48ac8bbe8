"""The desk's line reader: MRZ lines as a document reader types them, commands, typed fields, and mistakes."""

from __future__ import annotations

from datetime import date

from checkpoint.desk.reader import Command, End, LineReader, MrzLines, Problem, Typed
from checkpoint.mrz import format_td3

LINE1, LINE2 = format_td3(
    primary="WAHYUNI",
    secondary="SRI",
    document_number="C5586812",
    nationality="IDN",
    birth_date=date(2002, 2, 6),
    sex="F",
    expiry_date=date(2034, 3, 1),
)


def read_all(*lines: str) -> list[object]:
    reader = LineReader()
    return [event for line in lines if (event := reader.read(line)) is not None]


def test_two_lines_each_ended_by_enter_make_one_passport() -> None:
    assert read_all(LINE1 + "\r\n", LINE2 + "\n") == [MrzLines(LINE1, LINE2)]


def test_a_blank_line_between_them_is_passed_over() -> None:
    assert read_all(LINE1, "", "  ", LINE2) == [MrzLines(LINE1, LINE2)]


def test_lower_case_and_the_readers_own_prefix_and_suffix_are_read_with_a_note() -> None:
    [event] = read_all("\x02" + LINE1.lower(), LINE2 + "\x03")
    assert isinstance(event, MrzLines) and (event.line1, event.line2) == (LINE1, LINE2)
    assert [key for key, _ in event.notes] == ["desk.input.trimmed", "desk.input.lower_case", "desk.input.trimmed"]


def test_both_lines_joined_in_one_are_split() -> None:
    [event] = read_all(LINE1 + LINE2)
    assert isinstance(event, MrzLines) and (event.line1, event.line2) == (LINE1, LINE2)


def test_an_identity_card_or_visa_line_says_what_it_is() -> None:
    assert read_all("I<IDNA12345678".ljust(30, "<")) == [Problem("desk.input.td1", {"length": 30})]
    assert read_all("V<IDNWAHYUNI<<SRI".ljust(36, "<")) == [Problem("desk.input.td2", {"length": 36})]


def test_a_line_of_another_length_asks_for_a_new_scan() -> None:
    assert read_all(LINE1[:40]) == [Problem("desk.input.wrong_length", {"length": 40, "expected": 44})]


def test_a_second_line_alone_and_a_lost_second_line_are_said() -> None:
    assert read_all(LINE2) == [Problem("desk.input.first_line_missing", {})]
    events = read_all(LINE1, LINE1, LINE2)
    assert events == [Problem("desk.input.second_line_missing", {}), MrzLines(LINE1, LINE2)]


def test_a_second_line_whose_number_starts_with_p_is_a_second_line() -> None:
    line1, line2 = format_td3(
        primary="SUPARMAN",
        document_number="P1234567",
        nationality="IDN",
        birth_date=date(1980, 1, 1),
        sex="M",
        expiry_date=date(2030, 1, 1),
    )
    assert line2.startswith("P1")
    assert read_all(line1, line2) == [MrzLines(line1, line2)]


def test_commands_typed_fields_and_the_end() -> None:
    reader = LineReader()
    assert reader.read("/tujuan KUL") == Command("tujuan", "KUL")
    assert reader.read("/Flight GA 820") == Command("flight", "GA 820")
    assert reader.read("nama=SITI AMINAH; lahir=17/05/1990 ;") == Typed({"nama": "SITI AMINAH", "lahir": "17/05/1990"})
    assert reader.read("nama SITI; lahir=1990") == Problem("desk.input.typed_malformed", {"part": "nama SITI"})
    assert reader.read("Keluar") == End()
    assert reader.read("hello world") == Problem("desk.input.not_mrz", {"length": 11})
