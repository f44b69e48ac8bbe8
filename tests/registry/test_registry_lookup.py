"""Finding a record by its id (`Registry.record`, `registry show`): the scan finds exactly the rows whose text is
the id, whatever the column's chunks, offsets and missing values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.registry import Registry, import_registry, open_registry
from checkpoint.registry.gather import rows_holding

TEXTS = st.text(alphabet="AB0\u00e9\0", max_size=4)


@st.composite
def searched(draw: st.DrawFn) -> tuple[pa.ChunkedArray, str]:
    """A text column in one to three chunks, some sliced, with missing and empty values; a text to look for,
    often one of its own."""
    kind = draw(st.sampled_from([pa.string(), pa.large_string()]))
    chunks = []
    for _ in range(draw(st.integers(1, 3))):
        values = draw(st.lists(st.one_of(st.none(), TEXTS), min_size=1, max_size=12))
        chunks.append(pa.array(values, type=kind).slice(draw(st.integers(0, len(values) - 1))))
    column = pa.chunked_array(chunks, type=kind)
    present = [value for value in column.to_pylist() if value is not None]
    wanted = draw(st.sampled_from(present)) if present and draw(st.booleans()) else draw(TEXTS)
    return column, wanted


@settings(max_examples=200, deadline=None)
@given(searched())
def test_the_scan_finds_exactly_the_rows_holding_the_text(case: tuple[pa.ChunkedArray, str]) -> None:
    column, wanted = case
    expected = [row for row, value in enumerate(column.to_pylist()) if value == wanted]
    assert rows_holding(column, wanted).tolist() == expected


def test_the_scan_refuses_a_column_that_is_not_text() -> None:
    with pytest.raises(TypeError):
        rows_holding(pa.chunked_array([pa.array([1, 2])]), "1")


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    store = tmp_path_factory.mktemp("store")
    import_registry(fixtures / "registry_small.csv", store, today=date(2026, 11, 28))
    return open_registry(None, store, today=date(2026, 11, 28))


def test_a_record_is_found_by_its_id_as_stored_or_typed_in_lower_case(registry: Registry) -> None:
    ids = registry.values("record_id")
    for row, record_id in enumerate(ids):
        assert registry.record(record_id) == registry.records([row])[0]
    assert registry.record("sp2mi-0000004") == registry.records([ids.index("SP2MI-0000004")])[0]


@pytest.mark.parametrize("record_id", ["SP2MI-0000099", "SP2MI-000000", "SP2MI-00000011", "", "SP2MI"])
def test_an_id_the_snapshot_does_not_hold_finds_nothing(registry: Registry, record_id: str) -> None:
    assert registry.record(record_id) is None
