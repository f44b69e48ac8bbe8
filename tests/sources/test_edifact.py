"""The UN/EDIFACT tokenizer: service characters, release characters, segments, decoding and detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.sources.edifact import (
    DEFAULT_CHARS,
    EdifactError,
    NotEdifactError,
    Segment,
    ServiceChars,
    decode_edifact,
    looks_like_edifact,
    parse_edifact,
    service_chars,
    split_segments,
)

# --- segments --------------------------------------------------------------------------------------------


def test_split_segments_elements_and_components() -> None:
    [segment] = split_segments("NAD+FL+++SURNAME:GIVEN:MIDDLE'")
    assert segment == Segment("NAD", (("FL",), ("",), ("",), ("SURNAME", "GIVEN", "MIDDLE")))
    assert segment.value(0) == "FL"
    assert segment.value(1) is None  # blank
    assert segment.value(3, 2) == "MIDDLE"
    assert segment.value(3, 3) is None and segment.value(9) is None  # absent
    assert segment.components(3) == ("SURNAME", "GIVEN", "MIDDLE")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NAD+FL+++O?'BRIEN:SITI'", "O'BRIEN"),
        ("NAD+FL+++NUR?+AINI:SITI'", "NUR+AINI"),
        ("NAD+FL+++A?:B:SITI'", "A:B"),
        ("NAD+FL+++50?? OFF:SITI'", "50? OFF"),
        ("NAD+FL+++?'?+?:??:SITI'", "'+:?"),
    ],
)
def test_release_character_escapes_the_next_character(text: str, value: str) -> None:
    [segment] = split_segments(text)
    assert segment.components(3) == (value, "SITI")


def test_line_breaks_after_segments_and_inside_values_are_not_data() -> None:
    text = "UNH+1'\r\nNAD+FL+++NURHA\r\nYATI:SITI'\nATT+2++F'\r\n\r\n"
    assert [s.tag for s in split_segments(text)] == ["UNH", "NAD", "ATT"]
    assert split_segments(text)[1].components(3) == ("NURHAYATI", "SITI")


def test_release_before_a_line_break_still_escapes_the_character_after_it() -> None:
    [segment] = split_segments("NAD+FL+++O?\r\n'NEIL'")
    assert segment.value(3) == "O'NEIL"


def test_last_segment_without_terminator_is_marked() -> None:
    segments = split_segments("ATT+2++F'DTM+329:93")
    assert [s.terminated for s in segments] == [True, False]
    assert segments[-1].value(0, 1) == "93"


def test_empty_segments_are_skipped() -> None:
    assert [s.tag for s in split_segments("''UNH+1''  'UNT+2+1'")] == ["UNH", "UNT"]


def test_release_at_the_very_end_is_an_error() -> None:
    with pytest.raises(EdifactError, match="release character"):
        split_segments("NAD+FL+++ABC?")


def test_service_chars_default_without_una() -> None:
    assert service_chars("UNB+UNOA:4'") == (DEFAULT_CHARS, "UNB+UNOA:4'")


def test_service_chars_custom_element_separator() -> None:
    chars, rest = service_chars("UNA:*.? 'UNB*UNOA:4'")
    assert chars == ServiceChars(component=":", element="*", decimal=".", release="?", reserved=" ", terminator="'")
    [segment] = split_segments(rest, chars)
    assert segment == Segment("UNB", (("UNOA", "4"),))
    [plus] = split_segments("FTX*AAI***A+B?*C'", chars)
    assert plus.value(3) == "A+B*C"


def test_every_separator_can_be_redeclared() -> None:
    chars, rest = service_chars("UNA|^,!*~NAD^FL^^^O'NEIL|IDA!~X~ATT^2^^F~")
    segments = split_segments(rest, chars)
    assert segments[0].components(3) == ("O'NEIL", "IDA~X")
    assert segments[1].value(2) == "F"


def test_newline_as_segment_terminator() -> None:
    chars, rest = service_chars("UNA:+.? \nUNH+1\r\nNAD+FL+++SUMIATI\n")
    assert chars.terminator == "\n"
    assert [s.tag for s in split_segments(rest, chars)] == ["UNH", "NAD"]


def test_space_as_release_means_no_release_character() -> None:
    chars, rest = service_chars("UNA:+.  'NAD+FL+++50?:SITI'")
    [segment] = split_segments(rest, chars)
    assert segment.components(3) == ("50?", "SITI")


def test_repetition_separator_of_syntax_4_is_plain_text() -> None:
    chars, rest = service_chars("UNA:+.?*'FTX+AAI+++A*B'")
    assert split_segments(rest, chars)[0].value(3) == "A*B"


@pytest.mark.parametrize("text", ["UNA:+.", "UNA::.? '", "UNA:A.? '", "UNA:+.+ '"])
def test_unusable_una_is_an_error(text: str) -> None:
    with pytest.raises(EdifactError, match="UNA"):
        service_chars(text)


# Test-side encoder: the inverse of split_segments, used to check that decoding is exact.
_PUNCTUATION = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def encode(tag: str, elements: list[list[str]], chars: ServiceChars) -> str:
    special = {chars.component, chars.element, chars.terminator, chars.release}

    def escape(text: str) -> str:
        return "".join(f"{chars.release}{ch}" if ch in special else ch for ch in text)

    body = chars.element.join(chars.component.join(escape(c) for c in element) for element in elements)
    return f"{tag}{chars.element}{body}{chars.terminator}"


@st.composite
def separators(draw: st.DrawFn) -> ServiceChars:
    component, element, release, terminator = draw(
        st.lists(st.sampled_from(_PUNCTUATION), min_size=4, max_size=4, unique=True)
    )
    return ServiceChars(component, element, ".", release, " ", terminator)


_TEXT = st.text(
    alphabet=st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)) | st.sampled_from(_PUNCTUATION),
    max_size=12,
)


@given(
    chars=st.one_of(st.just(DEFAULT_CHARS), separators()),
    segments=st.lists(st.lists(st.lists(_TEXT, min_size=1, max_size=4), min_size=1, max_size=5), max_size=4),
)
def test_escaped_text_decodes_back_exactly(chars: ServiceChars, segments: list[list[list[str]]]) -> None:
    text = "".join(encode("FTX", elements, chars) for elements in segments)
    decoded = split_segments(text, chars)
    assert [s.tag for s in decoded] == ["FTX"] * len(segments)
    assert [[list(e) for e in s.elements] for s in decoded] == segments


def test_segment_tags_that_are_not_three_letters_or_digits_are_garbled() -> None:
    assert [s.garbled for s in split_segments("NAD+FL'XYZ+1'N?D+FL'NA+X'1AB+2'nad+FL'")] == [
        False, False, True, True, True, False,
    ]  # fmt: skip


# --- a whole text ------------------------------------------------------------------------------------------


def test_parse_skips_a_bom_and_leading_blank_lines_and_honours_the_una() -> None:
    segments = parse_edifact("\ufeff\r\n  UNA:*.? 'UNB*UNOA:4'UNH*1'")
    assert [(s.tag, s.elements) for s in segments] == [("UNB", (("UNOA", "4"),)), ("UNH", (("1",),))]


@pytest.mark.parametrize("text", ["No,Name\r\n1,SITI\r\n", "UNHCR ID,Name", "", "  \r\n"])
def test_text_that_does_not_open_with_a_service_segment_is_not_edifact(text: str) -> None:
    with pytest.raises(NotEdifactError, match="does not start with an EDIFACT UNA, UNB or UNH segment"):
        parse_edifact(text)


@pytest.mark.parametrize("text", ["UNB+UNOA:4+NAD+FL+++X", "UNA:+.? '"])
def test_text_without_a_terminated_segment_is_an_error(text: str) -> None:
    with pytest.raises(EdifactError, match="no segment terminator") as caught:
        parse_edifact(text)
    assert not isinstance(caught.value, NotEdifactError)


# --- decoding and detection ------------------------------------------------------------------------------


def test_decoding_utf8_with_or_without_bom_latin1_and_utf16() -> None:
    text = "NAD+FL+++MÜLLER:ANNA'"
    assert decode_edifact(text.encode("utf-8")) == (text, "utf-8")
    assert decode_edifact(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8")
    assert decode_edifact(text.encode("latin-1")) == (text, "latin-1")
    assert decode_edifact(text.encode("utf-16")) == (text, "utf-16")


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"\xff\xfeU\x00N\x00\x00\xd8", "not readable UTF-16"), (b"UNB+UNOA:4'\x00\x01NAD'", "binary")],
)
def test_bytes_that_are_not_text_are_an_error(data: bytes, reason: str) -> None:
    with pytest.raises(EdifactError, match=reason):
        decode_edifact(data)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"UNA:+.? 'UNB+UNOA:4'", True),
        (b"UNB+UNOA:4+X'", True),
        (b"UNH+1+PAXLST:D:05B:UN:IATA'", True),
        (b"\xef\xbb\xbf\r\n  UNA:*.? 'UNB*UNOA:4'", True),
        ("UNB+UNOA:4'".encode("utf-16"), True),
        (b"UNA\r\n", False),
        (b"UNA:A.? 'UNB", False),
        (b"UNBX", False),
        (b"No,Name\r\n", False),
    ],
)
def test_looks_like_edifact_by_the_first_bytes(head: bytes, expected: bool) -> None:
    assert looks_like_edifact(head) is expected
