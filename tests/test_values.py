"""Small field values: sex, booleans, text cells, document numbers and NIKs, as registries and manifests write them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.values import clean_text, document_key, document_number, is_missing, nik_digits, read_bool, read_sex

NIK = "3201015705900001"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("M", "M"), ("m", "M"), ("Male", "M"), ("MALE", "M"), ("L", "M"), ("Laki-laki", "M"), ("LAKI LAKI", "M"),
        ("laki-laki", "M"), ("Laki - Laki", "M"), ("Laki2", "M"), ("Lk", "M"), ("Pria", "M"), ("MR", "M"), ("Mr.", "M"),
        ("F", "F"), ("f", "F"), ("Female", "F"), ("P", "F"), ("Perempuan", "F"), ("PEREMPUAN", "F"), ("Pr", "F"),
        ("Wanita", "F"), ("W", "F"), ("MRS", "F"), ("Ms.", "F"), ("Miss", "F"), (" F ", "F"),
    ],
)  # fmt: skip
def test_read_sex(value: str, expected: str) -> None:
    assert read_sex(value) == expected


@pytest.mark.parametrize("value", [None, "", " ", "X", "U", "Unknown", "-", float("nan"), 1, "MF"])
def test_unreadable_sex_is_none(value: object) -> None:
    assert read_sex(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ya", True), ("Ya", True), ("YES", True), ("y", True), ("true", True), ("TRUE", True), ("1", True),
        ("1.0", True), (1, True), (1.0, True), (True, True), (np.True_, True), ("aktif", True), ("Sudah", True),
        ("tidak", False), ("TIDAK", False), ("no", False), ("N", False), ("false", False), ("0", False), ("0.0", False),
        (0, False), (0.0, False), (False, False), ("nonaktif", False), ("Non-Aktif", False), ("non aktif", False),
        ("Tidak Aktif", False), ("belum", False),
    ],
)  # fmt: skip
def test_read_bool(value: object, expected: bool) -> None:
    assert read_bool(value) is expected


@pytest.mark.parametrize("value", [None, "", "maybe", "2", float("nan"), pd.NA, "ya tidak"])
def test_unreadable_bool_is_none(value: object) -> None:
    assert read_bool(value) is None


class TestCleanText:
    @pytest.mark.parametrize("blank", [None, "", "  \t", float("nan"), np.nan, pd.NA, pd.NaT, np.datetime64("NaT")])
    def test_blanks_are_none(self, blank: object) -> None:
        assert clean_text(blank) is None

    @pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT, np.datetime64("NaT")])
    def test_is_missing(self, missing: object) -> None:
        assert is_missing(missing)

    def test_text_is_stripped_and_kept(self) -> None:
        assert clean_text("  SITI AMINAH ") == "SITI AMINAH"
        assert clean_text("NO") == "NO"
        assert clean_text("012345") == "012345"

    def test_whole_numbers_lose_their_spreadsheet_point_zero(self) -> None:
        assert clean_text(1234567.0) == "1234567"
        assert clean_text(np.float64(17.0)) == "17"
        assert clean_text(np.int64(17)) == "17"
        assert clean_text(1.5) == "1.5"

    def test_is_missing_is_false_for_values(self) -> None:
        assert not any(is_missing(v) for v in ("", "x", 0, 0.0, False, pd.Timestamp("2020-01-01")))


class TestDocumentNumber:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("B1234567", "B1234567"),
            (" b1234567 ", "B1234567"),
            ("B 123 4567", "B1234567"),
            ("B-123.4567", "B1234567"),
            ("B1234567<<", "B1234567"),
            ("012345", "012345"),
            ("NO", "NO"),
            (1234567.0, "1234567"),
            (1234567, "1234567"),
        ],
    )
    def test_document_number(self, value: object, expected: str) -> None:
        assert document_number(value) == expected

    @pytest.mark.parametrize("value", [None, "", " ", "<<<", "--", float("nan")])
    def test_blank_document_number_is_none(self, value: object) -> None:
        assert document_number(value) is None

    def test_document_key_folds_ocr_confusions(self) -> None:
        assert document_key("BO12345") == document_key("8012345") == document_key("B012345")
        assert document_key("S1Z") == document_key("512")
        assert document_key("A1234567") != document_key("A1234568")

    @given(st.text(max_size=20))
    def test_document_number_is_idempotent(self, text: str) -> None:
        once = document_number(text)
        assert once is None or (document_number(once) == once and once.isalnum() and once == once.upper())


class TestNik:
    @pytest.mark.parametrize(
        "value",
        [
            NIK,
            f" {NIK} ",
            f"{NIK}.0",
            "3201 0157 0590 0001",
            "3201.0157.0590.0001",
            "32-01-01-570590-0001",
            f"'{NIK}",  # the apostrophe Excel uses to keep a number as text
            int(NIK),
            float(NIK),  # below 2**53: stored exactly
            np.int64(NIK),
        ],
    )
    def test_readable_nik(self, value: object) -> None:
        assert nik_digits(value) == NIK

    @pytest.mark.parametrize(
        "value",
        [None, "", "320101570590000", "32010157059000011", "3201O157O59OOOO1", "3.201015705900001E+15", "abc"],
    )
    def test_not_sixteen_digits_is_none(self, value: object) -> None:
        assert nik_digits(value) is None

    def test_a_nik_rounded_by_a_float_is_not_trusted(self) -> None:
        papua = 9101015705900001  # above 2**53: a float cannot hold it
        assert float(papua) != papua
        assert nik_digits(float(papua)) is None
        assert nik_digits(papua) == str(papua)

    @given(digits=st.text(alphabet="0123456789", min_size=16, max_size=16), sep=st.sampled_from(["", " ", ".", "-"]))
    def test_formatted_nik_reads_back(self, digits: str, sep: str) -> None:
        formatted = sep.join([digits[:6], digits[6:12], digits[12:]])
        assert nik_digits(formatted) == digits
