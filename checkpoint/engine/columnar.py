"""Whole-column operations on object arrays: distinct values and codes, numbers, strict booleans.

The engine's facts are object arrays (each value as Python made it); these few operations are all it needs
to read them column-wise, in numpy and plain Python so that screening never loads a table library. Each
keeps the meaning of the pandas function it stands for (`pd.factorize`, `pd.to_numeric(errors="coerce")`)
for the values a facts column can hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from numbers import Real
from typing import Any

import numpy as np

from checkpoint.values import is_missing


def objects(items: Iterable[Any], count: int) -> np.ndarray:
    """An object array of `count` items kept as they are (numpy would unpack tuples and lists)."""
    return np.fromiter(items, dtype=object, count=count)


def factorize(values: Sequence[Any] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values): each value's index into the distinct values, in order of first appearance.

    Missing values (None, NaN, NaT: `is_missing`) get code -1 and are not among the distinct values. Values
    that are equal as Python compares them share one code (1, 1.0 and True are one value), as in pandas.
    """
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    kinds = set(map(type, items))
    if kinds <= _FLOATS and float in kinds:  # numbers (ages, days, confidences): sorted in numpy, many distinct
        return _factorize_floats(items)
    # dict.fromkeys and the lookups run in C, in one pass however many values are distinct.
    # NaN is not equal to itself, so two NaN objects are two keys here: both missing all the same.
    index = dict.fromkeys(items, -1)
    if kinds <= _NONE_THE_ONLY_MISSING:  # text, codes, dates: no value is missing but None
        had_none = index.pop(None, 0)
        distinct = list(index)
        index.update(zip(distinct, range(len(distinct)), strict=True))
        if had_none:
            index[None] = -1
    else:
        distinct = [value for value in index if not is_missing(value)]
        index.update(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(index.__getitem__, items), dtype=np.int64, count=len(items))
    return codes, objects(distinct, len(distinct))


_FLOATS = frozenset({float, type(None)})
#: Types none of whose values is missing (NaN, NaT and NA are of other types): only None is.
_NONE_THE_ONLY_MISSING = frozenset({type(None), str, bool, int, date, datetime})


def _factorize_floats(items: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """`factorize` of floats and None: the same codes and distinct values, found by sorting."""
    values = np.array(items, dtype=float)  # None becomes NaN: missing either way
    present = np.flatnonzero(~np.isnan(values))
    _, first, inverse = np.unique(values[present], return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # the distinct values in order of first appearance
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.full(len(items), -1, dtype=np.int64)
    codes[present] = rank[inverse.ravel()]
    firsts = present[first[order]].tolist()
    return codes, objects((items[position] for position in firsts), len(firsts))


def number(value: object) -> float:
    """A value as a float, or NaN when it is not a number: `pd.to_numeric(errors="coerce")` of one value.

    Numbers and booleans convert; text converts when it spells a decimal number (spaces around allowed, as
    `1e3`, `inf` and `nan` are; digit separators `1_000` and hexadecimal are not); anything else is NaN.
    """
    if isinstance(value, Real | np.bool_):  # int, float, bool and their numpy kinds
        return float(value)
    if isinstance(value, str) and "_" not in value:
        try:
            return float(value)
        except ValueError:
            return math.nan
    return math.nan


_BOOLEANS = (bool, np.bool_)


def strict_bools(values: np.ndarray) -> np.ndarray:
    """True where a value is a real boolean True: never a truthy string, nor 1 (which equals True)."""
    cells = np.asarray(values, dtype=object)
    try:
        result = np.asarray(cells == True, dtype=bool)  # noqa: E712 (elementwise; None is not True)
    except TypeError:  # a value that refuses to be a boolean (pandas' NA): each value on its own
        return np.fromiter((type(value) in _BOOLEANS and bool(value) for value in cells.tolist()), bool, len(cells))
    equal = np.flatnonzero(result)
    result[equal] = [type(value) in _BOOLEANS for value in cells[equal].tolist()]
    return result
