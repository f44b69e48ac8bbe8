"""Column operations without pandas: each agrees with the pandas function it replaced, on facts-like values."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.engine.columnar import factorize, number, objects, strict_bools

#: What a facts column may hold: text, numbers, booleans, dates, and every spelling of missing.
FACT_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "tourist", "TOURIST", "NO", "012345", "12", " 12 ", "1e3", "abc", "1_000", "0x10", "inf"]),
    st.floats(min_value=-1e6, max_value=1e6),
    st.integers(min_value=-5, max_value=5),
    st.booleans(),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 1, 5)),
    st.sampled_from([float("nan"), np.nan, pd.NA, pd.NaT, np.True_, np.False_, np.float64(1.0)]),
)


@given(st.lists(FACT_VALUES, max_size=30))
def test_factorize_is_pandas_factorize(values: list[object]) -> None:
    cells = objects(values, len(values))
    codes, distinct = factorize(cells)
    expected_codes, expected_distinct = pd.factorize(cells, use_na_sentinel=True)
    assert codes.tolist() == expected_codes.tolist()
    assert [(type(v), v) for v in distinct.tolist()] == [(type(v), v) for v in expected_distinct.tolist()]
    assert distinct.dtype == object and codes.dtype == np.int64


@given(st.lists(st.one_of(st.none(), st.floats(), st.sampled_from([0.0, -0.0, 18.0, 25.0])), max_size=40))
def test_factorize_of_numbers_is_pandas_factorize(values: list[float | None]) -> None:
    codes, distinct = factorize(objects(values, len(values)))
    expected_codes, expected_distinct = pd.factorize(objects(values, len(values)), use_na_sentinel=True)
    assert codes.tolist() == expected_codes.tolist()
    assert [repr(v) for v in distinct.tolist()] == [repr(v) for v in expected_distinct.tolist()]


def test_factorize_keeps_first_appearances_and_marks_missing() -> None:
    codes, distinct = factorize(["b", None, "a", "b", float("nan"), pd.NaT, "a"])
    assert codes.tolist() == [0, -1, 1, 0, -1, -1, 1]
    assert distinct.tolist() == ["b", "a"]
    empty_codes, empty = factorize([])
    assert empty_codes.tolist() == [] and empty.tolist() == []


def test_equal_values_share_a_code_as_in_pandas() -> None:
    codes, distinct = factorize(objects([1, True, 1.0, datetime(2020, 1, 1), pd.Timestamp("2020-01-01")], 5))
    assert codes.tolist() == [0, 0, 0, 1, 1]
    assert distinct.tolist() == [1, datetime(2020, 1, 1)]


@given(st.lists(FACT_VALUES, max_size=30))
def test_number_is_pandas_to_numeric_coerced(values: list[object]) -> None:
    expected = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    got = np.array([number(v) if not pd.isna(v) else math.nan for v in values], dtype=float)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, 1.0), (3, 3.0), (2.5, 2.5), ("12", 12.0), (" 12 ", 12.0), ("1e3", 1000.0), ("-0", 0.0)],
)
def test_numbers_and_numeric_text_convert(value: object, expected: float) -> None:
    assert number(value) == expected


@pytest.mark.parametrize("value", ["abc", "1_000", "0x10", "", date(2020, 1, 1), None])
def test_anything_else_is_not_a_number(value: object) -> None:
    assert math.isnan(number(value))


def test_only_real_booleans_are_true() -> None:
    cells = objects([True, np.True_, 1, 1.0, "True", "yes", None, False, np.False_, float("nan")], 10)
    assert strict_bools(cells).tolist() == [True, True] + [False] * 8
    assert strict_bools(objects([], 0)).tolist() == []


@given(st.lists(FACT_VALUES, max_size=30))
def test_strict_bools_is_each_value_checked_on_its_own(values: list[object]) -> None:
    expected = [type(v) in (bool, np.bool_) and bool(v) for v in values]
    assert strict_bools(objects(values, len(values))).tolist() == expected
