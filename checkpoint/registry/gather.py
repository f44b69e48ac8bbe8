"""Reading chosen rows of a memory-mapped snapshot straight from its Arrow buffers, with numpy.

Screening needs a few thousand of a million rows. `pyarrow.Table.take` would do, but it loads
`pyarrow.compute` (tens of milliseconds on every start: benchmarks/README.md), and `to_numpy` loads
pandas; the columns' buffers are plain enough to read directly: fixed-width values, validity bitmaps, and
for text, offsets into one byte buffer (the wanted rows' bytes are gathered by numpy and decoded in one go).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

_EPOCH = date(1970, 1, 1)
_NUMPY: dict[str, type[np.generic]] = {
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "uint16": np.uint16,
    "uint32": np.uint32,
    "uint64": np.uint64,
    "float": np.float32,
    "double": np.float64,
}


def numpy_view(column: pa.ChunkedArray | pa.Array, dtype: type[np.generic]) -> np.ndarray:
    """A fixed-width Arrow column without nulls as a numpy array: a view of its buffer when in one chunk."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        if chunk.null_count:
            raise ValueError("a column with missing values has no plain numpy view")
        width = np.dtype(dtype).itemsize
        if chunk.type.byte_width != width:
            raise TypeError(f"{chunk.type} is not {np.dtype(dtype)}")
        parts.append(np.frombuffer(chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=chunk.offset * width))
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def values_at(column: pa.ChunkedArray, rows: Sequence[int] | np.ndarray) -> list[Any]:
    """The Python values (as `to_pylist` gives them) of a column at these rows, in that order.

    Types: strings, booleans, integers, floats, date32 and lists of numbers; others raise TypeError.
    """
    wanted = _checked(column, rows)
    if column.num_chunks == 1:
        return _chunk_values(column.chunks[0], wanted)
    out: list[Any] = [None] * len(wanted)
    for number, positions, local in _by_chunk(column, wanted):
        values = _chunk_values(column.chunks[number], local)
        for position, value in zip(positions.tolist(), values, strict=True):
            out[position] = value
    return out


def lists_at(
    column: pa.ChunkedArray, rows: Sequence[int] | np.ndarray, dtype: type[np.generic]
) -> tuple[np.ndarray, np.ndarray]:
    """A column of lists of fixed-width values at these rows, vectorised: (the rows' values one row after
    another, offsets from 0 with one more entry than rows). A missing list reads as empty. A column of several
    chunks (a layered snapshot's base and delta) is read chunk by chunk, never joined."""
    wanted = _checked(column, rows)
    if column.num_chunks <= 1:
        chunk = column.chunks[0] if column.num_chunks else pa.array([], type=column.type)
        return _chunk_lists(chunk, wanted, dtype)
    parts = [
        (positions, *_chunk_lists(column.chunks[number], local, dtype))
        for number, positions, local in _by_chunk(column, wanted)
    ]
    lengths = np.zeros(len(wanted), dtype=np.int64)
    for positions, _, ends in parts:
        lengths[positions] = np.diff(ends)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    values = np.empty(int(offsets[-1]), dtype=dtype)
    for positions, found, ends in parts:
        sizes = np.diff(ends)
        values[np.repeat(offsets[positions], sizes) + (np.arange(len(found)) - np.repeat(ends[:-1], sizes))] = found
    return values, offsets


def numbers_at(column: pa.ChunkedArray, rows: Sequence[int] | np.ndarray, dtype: type[np.generic]) -> np.ndarray:
    """A fixed-width column without nulls at these rows, gathered from each chunk's mapped buffer."""
    wanted = _checked(column, rows)
    if column.num_chunks == 1:
        return np.asarray(numpy_view(column.chunks[0], dtype)[wanted])
    out = np.empty(len(wanted), dtype=dtype)
    for number, positions, local in _by_chunk(column, wanted):
        out[positions] = numpy_view(column.chunks[number], dtype)[local]
    return out


def _by_chunk(column: pa.ChunkedArray, wanted: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """For each chunk holding some of these rows: its number, where those rows are among the wanted, and their
    positions in the chunk."""
    starts = np.cumsum([0] + [len(chunk) for chunk in column.chunks])
    which = np.searchsorted(starts, wanted, side="right") - 1
    found = []
    for number in np.flatnonzero(np.bincount(which, minlength=column.num_chunks)).tolist():
        positions = np.flatnonzero(which == number) if column.num_chunks > 1 else np.arange(len(wanted))
        found.append((number, positions, wanted[positions] - starts[number]))
    return found


def _chunk_lists(chunk: pa.Array, wanted: np.ndarray, dtype: type[np.generic]) -> tuple[np.ndarray, np.ndarray]:
    offsets = _offsets(chunk)
    starts = offsets[wanted].astype(np.int64)
    lengths = np.where(_valid(chunk, wanted), offsets[wanted + 1] - starts, 0)
    ends = np.concatenate(([0], np.cumsum(lengths)))
    within = np.arange(ends[-1]) - np.repeat(ends[:-1], lengths)
    return numpy_view(chunk.values, dtype)[np.repeat(starts, lengths) + within], ends


def _checked(column: pa.ChunkedArray, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """The rows as int64 positions, refused when one is outside the column."""
    wanted = np.asarray(rows, dtype=np.int64)
    if len(wanted) and (wanted.min() < 0 or wanted.max() >= len(column)):
        raise IndexError("row out of range")
    return wanted


def rows_holding(column: pa.ChunkedArray, value: str) -> np.ndarray:
    """The rows whose text is exactly `value` (ascending; a missing value never is), found by a vectorised scan.

    The rows of the same byte length are kept, then narrowed one byte position at a time from the last (the
    positions that tell identifiers apart: they share their beginnings): no row's text is decoded.
    """
    wanted = np.frombuffer(value.encode("utf-8"), dtype=np.uint8)
    found: list[np.ndarray] = []
    start = 0
    for chunk in column.chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            raise TypeError(f"cannot search {chunk.type} columns for text")
        offsets = _offsets(chunk)
        starts = offsets[:-1]
        rows = np.flatnonzero(np.diff(offsets) == len(wanted))
        data = chunk.buffers()[2]
        if len(wanted) and len(rows):
            source = np.frombuffer(data, dtype=np.uint8)
            for position in range(len(wanted) - 1, -1, -1):
                rows = rows[source[starts[rows] + position] == wanted[position]]
                if not len(rows):
                    break
        found.append(rows[_valid(chunk, rows)] + start)
        start += len(chunk)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def rows_at(table: pa.Table, rows: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
    """The table's rows at these positions as dicts (as `take(rows).to_pylist()` gives them)."""
    columns = {name: values_at(table.column(name), rows) for name in table.column_names}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _valid(chunk: pa.Array, local: np.ndarray) -> np.ndarray:
    """Which of these rows of the chunk hold a value (its validity bitmap, read bit by bit)."""
    if chunk.null_count == 0:
        return np.ones(len(local), dtype=bool)
    return _bits(chunk.buffers()[0], local + chunk.offset)


def _bits(buffer: pa.Buffer, at: np.ndarray) -> np.ndarray:
    bitmap = np.frombuffer(buffer, dtype=np.uint8)
    return np.asarray((bitmap[at >> 3] >> (at & 7)) & 1, dtype=bool)


def _offsets(chunk: pa.Array) -> np.ndarray:
    """The offsets buffer of a string or list chunk, from the chunk's own start (a view: index it, then
    widen the few values wanted, not the million)."""
    wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_list(chunk.type)
    offsets = np.frombuffer(
        chunk.buffers()[1], dtype=np.int64 if wide else np.int32, count=len(chunk) + 1 + chunk.offset
    )
    return offsets[chunk.offset :]


def _texts(chunk: pa.Array, local: np.ndarray) -> list[str]:
    """The strings at these rows (missing ones read as ""): their bytes gathered, NUL-separated, by numpy,
    then decoded and split in one call each (UTF-8 never holds a NUL byte inside a character)."""
    offsets = _offsets(chunk)
    starts, ends = offsets[local].astype(np.int64), offsets[local + 1].astype(np.int64)
    lengths = ends - starts + 1  # each string and its separator
    data = chunk.buffers()[2]
    source = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, dtype=np.uint8)
    total = int(lengths.sum())
    within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    gathered = source[np.minimum(np.repeat(starts, lengths) + within, len(source) - 1)]
    gathered[np.cumsum(lengths) - 1] = 0  # the separators
    if (gathered[: total - 1] == 0).sum() != len(local) - 1:  # a NUL inside a string: decode one by one
        raw = memoryview(data) if data is not None else memoryview(b"")
        return [str(raw[start:end], "utf-8") for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]
    return gathered[: total - 1].tobytes().decode("utf-8").split("\0") if total else []


def _chunk_values(chunk: pa.Array, local: np.ndarray) -> list[Any]:
    kind = chunk.type
    values: list[Any]
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        values = _texts(chunk, local)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        offsets = _offsets(chunk)
        child = numpy_view(chunk.values, _NUMPY[str(kind.value_type)])
        values = [child[offsets[at] : offsets[at + 1]].tolist() for at in local.tolist()]
    elif pa.types.is_boolean(kind):
        values = _bits(chunk.buffers()[1], local + chunk.offset).tolist()
    elif pa.types.is_date32(kind):
        days = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[local + chunk.offset].tolist()
        values = [_EPOCH + timedelta(days=day) for day in days]
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
        values = np.frombuffer(chunk.buffers()[1], dtype=_NUMPY[str(kind)])[local + chunk.offset].tolist()
    else:
        raise TypeError(f"cannot read {kind} columns directly")
    if chunk.null_count == 0:
        return values
    return [value if ok else None for value, ok in zip(values, _valid(chunk, local).tolist(), strict=True)]
