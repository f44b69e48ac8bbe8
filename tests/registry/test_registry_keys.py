"""Blocking keys and the sorted index: stable hashes, slip keys that meet exactly, lookups equal to a scan."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.names import normalise_name
from checkpoint.registry.index import BlockingIndex, numpy_view
from checkpoint.registry.keys import (
    key_hashes,
    name_signature,
    record_keys,
    signature_overlap,
    traveller_keys,
)


def fnv1a(text: str) -> int:
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) % 2**64
    return value


def test_hashes_are_fnv1a_64_so_a_stored_index_stays_valid_across_processes() -> None:
    assert key_hashes(["", "a", "foobar"]).tolist() == [0xCBF29CE484222325, 0xAF63DC4C8601EC8C, 0x85944171F73967E8]


@given(st.lists(st.text(max_size=30), max_size=40))
def test_vectorised_hashes_equal_the_reference_on_any_text(texts: list[str]) -> None:
    assert key_hashes(texts).tolist() == [fnv1a(text) for text in texts]


def shared(a: list[str], b: list[str]) -> set[str]:
    return set(a) & set(b)


def test_a_date_one_digit_off_shares_exactly_one_slip_key_per_common_token() -> None:
    record = record_keys("B1234567", None, date(1990, 5, 17), ["SITI", "AMINAH"])
    for slipped in (date(1991, 5, 17), date(1980, 5, 17), date(1990, 6, 17), date(1990, 5, 18), date(1990, 5, 27)):
        keys = traveller_keys(None, None, slipped, "SITI AMINAH")
        assert len([key for key in shared(record, keys) if key.startswith("S")]) == 2  # one per token
        assert not [key for key in shared(record, keys) if key.startswith("D")]
    two_digits = traveller_keys(None, None, date(1991, 6, 17), "SITI AMINAH")
    assert not shared(record, two_digits)


def test_a_swapped_day_and_month_is_found_through_the_date_key_and_an_initial() -> None:
    record = record_keys(None, None, date(1993, 8, 9), ["NURHAYATI"])
    # no token in common (a split name), the same birth date swapped, a word starting alike
    found = shared(record, traveller_keys(None, None, date(1993, 9, 8), "NUR HAYATI"))
    assert {key[0] for key in found} == {"D", "J"} and "D19930908|N" in found
    assert not shared(record, traveller_keys(None, None, date(1993, 9, 8), "BUDI SANTOSO"))


def test_a_space_stripped_name_with_a_slipped_day_is_found_through_the_whole_name_and_year() -> None:
    record = record_keys(None, None, date(1992, 9, 26), ["DEDI", "KURNIAWAN"])
    # an airline system wrote the name as one word and the day slipped: no token, no date in common
    found = shared(record, traveller_keys(None, None, date(1992, 9, 28), "DEDIKURNIAWAN"))
    # the whole name and its year, and its consonants with the slipped day blanked
    assert found == {"JDEDIKURNIAWAN|1992", "KDKRNWN|1992092_"}
    assert not shared(record, traveller_keys(None, None, date(1993, 9, 28), "DEDIKURNIAWAN"))  # another year


def test_documents_are_keys_whatever_the_name_and_date() -> None:
    record = record_keys("B1234567", "3201011705900001", date(1990, 5, 17), ["SITI"])
    assert shared(record, traveller_keys("B1234567", None, None, None)) == {"P81234567"}  # B read as 8
    assert shared(record, traveller_keys(None, "3201011705900001", None, None)) == {"N3201011705900001"}
    # the OCR-tolerant key: a passport read with O for 0 still meets its record
    assert shared(record_keys("B1O34567", None, None, []), record_keys("B1034567", None, None, []))


@given(
    st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=4), min_size=1, max_size=30),
    st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=10),
    st.integers(min_value=0, max_value=5),
)
def test_lookups_equal_a_scan_of_every_row(rows_keys: list[list[str]], queries: list[str], cap: int) -> None:
    index = BlockingIndex.build(rows_keys)
    found_queries, found_rows = index.lookup(key_hashes(queries), np.full(len(queries), cap))
    got = sorted(zip(found_queries.tolist(), found_rows.tolist(), strict=True))
    expected = []
    for position, query in enumerate(queries):
        block = sorted({row for row, keys in enumerate(rows_keys) if query in keys})
        if len(block) <= cap:
            expected += [(position, row) for row in block]
    assert got == sorted(expected)


def overlap(a: list[str], b: list[str]) -> float:
    (a_low, a_high), (b_low, b_high) = name_signature(a), name_signature(b)
    arrays = [np.array([value], dtype=np.uint64) for value in (a_low, a_high, b_low, b_high)]
    return float(signature_overlap(*arrays)[0])


def test_signatures_see_the_same_letters_in_any_order_merged_or_cut() -> None:
    assert overlap(["SITI", "AMINA"], ["AMINA", "SITI"]) == 1.0
    assert overlap(["NURHAYATI"], ["NUR", "HAYATI"]) >= 0.8
    assert overlap(["SITI", "AMINA"], ["SITI", "AMI"]) == 1.0  # truncated: the shorter is inside
    assert overlap(["SITI", "AMINA"], ["BAMBANG", "SUSILO"]) < 0.5
    assert overlap([], ["SITI"]) == 0.0


def test_numpy_views_of_arrow_columns_are_exact_and_refuse_missing_values() -> None:
    chunked = pa.chunked_array([pa.array([1, 2, 3], pa.uint32()), pa.array([4], pa.uint32())])
    assert numpy_view(chunked, np.uint32).tolist() == [1, 2, 3, 4]
    sliced = pa.array([10, 20, 30, 40], pa.uint64()).slice(1, 2)
    assert numpy_view(sliced, np.uint64).tolist() == [20, 30]
    with pytest.raises(ValueError, match="missing values"):
        numpy_view(pa.array([1, None], pa.uint32()), np.uint32)
    with pytest.raises(TypeError):
        numpy_view(pa.array([1], pa.uint32()), np.uint64)


@given(st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=4), min_size=1, max_size=30), st.integers(1, 7))
def test_hashing_in_batches_builds_the_same_index(rows_keys: list[list[str]], batch: int) -> None:
    whole, batched = BlockingIndex.build(rows_keys), BlockingIndex.build(rows_keys, batch=batch)
    assert whole.hashes.tolist() == batched.hashes.tolist() and whole.rows.tolist() == batched.rows.tolist()


@pytest.mark.parametrize("written", ["I NYM SUPARTA", "NYM SUPARTA", "I NYM SUPARTO"])
def test_a_balinese_abbreviation_is_filed_under_the_word_it_stands_for(written: str) -> None:
    # the written-out record and the abbreviated traveller share their name-token keys, not only the date
    born = date(1991, 4, 12)
    record = record_keys(None, None, born, normalise_name("I NYOMAN SUPARTA").tokens)
    found = shared(record, traveller_keys(None, None, born, written))
    assert any(key.startswith("SNYOMAN|") for key in found)


@pytest.mark.parametrize(
    ("written", "typed_born", "registered", "born"),
    [
        ("SUPRIYONA", date(1994, 7, 13), "SUPRIYONO", date(1994, 3, 13)),  # a vowel changed, the month slipped
        ("SALMET", date(1998, 6, 11), "SLAMET", date(1998, 6, 14)),  # two letters swapped, the day slipped
        ("MOHAMADSAPUTRA", date(1985, 12, 6), "MOHAMAD SAPUTRA", date(1989, 12, 6)),  # run together, year slipped
        ("LALUSALEH", date(1990, 9, 21), "LALU SALEH", date(1992, 9, 21)),  # three consonants, run together
        ("DIANRAHAYU", date(2003, 6, 26), "DIAN RAHAYU", date(2000, 6, 26)),
        ("MRYATI", date(2003, 5, 22), "MARYATI", date(2003, 5, 2)),  # a letter dropped, the day slipped
    ],
)
def test_a_name_sharing_no_token_with_its_record_meets_it_through_its_skeleton_when_the_date_slipped(
    written: str, typed_born: date, registered: str, born: date
) -> None:
    # no S key (no token in common) and no D key (the date slipped): only the consonants and the slipped date
    record = record_keys(None, None, born, normalise_name(registered).tokens)
    found = shared(record, traveller_keys(None, None, typed_born, written))
    assert found and all(key.startswith("K") for key in found)


def test_a_short_skeleton_files_no_key() -> None:
    # ANI or EKO alone would file unrelated names together
    for name in (["ANI"], ["EKO"], ["ENOK"]):
        assert not [key for key in record_keys(None, None, date(1990, 1, 1), name) if key.startswith("K")]


def test_a_slip_in_a_names_first_letters_still_meets_the_date_key_through_the_written_initial() -> None:
    # EEUIS sounds as if it began with I, EUIS with E: the written initial both share files them together
    record = record_keys(None, None, date(1972, 2, 29), ["EUIS"])
    assert shared(record, traveller_keys(None, None, date(1972, 2, 29), "EEUIS")) == {"D19720229|E"}
