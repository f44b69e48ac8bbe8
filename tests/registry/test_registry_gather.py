"""Reading rows from Arrow buffers directly gives what Arrow's own take + to_pylist gives."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.registry.gather import lists_at, rows_at, values_at

VALUES = {
    pa.string(): st.text(max_size=6),  # any code point, NUL included
    pa.large_string(): st.text(alphabet="AB\u00e9 ", max_size=6),
    pa.bool_(): st.booleans(),
    pa.int32(): st.integers(-(2**31), 2**31 - 1),
    pa.uint64(): st.integers(0, 2**64 - 1),
    pa.float64(): st.floats(allow_nan=False),
    pa.date32(): st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    pa.list_(pa.int32()): st.lists(st.integers(0, 1000), max_size=4),
}


@st.composite
def columns(draw: st.DrawFn) -> tuple[pa.ChunkedArray, list[int]]:
    """A column of one type in one to three chunks, some sliced (offsets), with missing values; rows to read."""
    kind = draw(st.sampled_from(list(VALUES)))
    chunks = []
    for _ in range(draw(st.integers(1, 3))):
        values = draw(st.lists(st.one_of(st.none(), VALUES[kind]), min_size=1, max_size=12))
        chunks.append(pa.array(values, type=kind).slice(draw(st.integers(0, len(values) - 1))))
    column = pa.chunked_array(chunks, type=kind)
    return column, draw(st.lists(st.integers(0, len(column) - 1), max_size=20))


@settings(max_examples=150, deadline=None)
@given(columns())
def test_values_at_is_take_then_to_pylist(case: tuple[pa.ChunkedArray, list[int]]) -> None:
    column, rows = case
    expected = column.take(pa.array(rows, type=pa.int64())).to_pylist()
    assert values_at(column, np.array(rows, dtype=np.int64)) == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.lists(st.integers(0, 2**31 - 1), max_size=4)), min_size=1, max_size=15), st.data()
)
def test_lists_at_gives_each_rows_values_one_after_another(values: list[list[int] | None], data: st.DataObject) -> None:
    column = pa.chunked_array([pa.array(values, type=pa.list_(pa.int32())).slice(1 if len(values) > 1 else 0)])
    rows = data.draw(st.lists(st.integers(0, len(column) - 1), max_size=10))
    flat, offsets = lists_at(column, rows, np.int32)
    assert offsets[0] == 0 and len(offsets) == len(rows) + 1
    got = [flat[offsets[at] : offsets[at + 1]].tolist() for at in range(len(rows))]
    assert got == [value or [] for value in column.take(pa.array(rows, type=pa.int64())).to_pylist()]


def test_rows_at_reads_whole_records() -> None:
    table = pa.table(
        {
            "record_id": ["A", "B", None],
            "born": pa.array([date(1990, 5, 17), None, date(1969, 7, 20)], type=pa.date32()),
            "ready": [True, None, False],
        }
    )
    assert rows_at(table, [2, 0]) == [
        {"record_id": None, "born": date(1969, 7, 20), "ready": False},
        {"record_id": "A", "born": date(1990, 5, 17), "ready": True},
    ]
    assert rows_at(table, []) == []


def test_rows_out_of_range_and_unsupported_types_are_refused() -> None:
    with pytest.raises(IndexError):
        values_at(pa.chunked_array([pa.array(["x"])]), [1])
    with pytest.raises(TypeError, match="cannot read"):
        values_at(pa.chunked_array([pa.array([b"x"], type=pa.binary())]), [0])
