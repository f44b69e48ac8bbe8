"""JSON (one array) and JSON Lines (one object per line) writers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from checkpoint.models import ScreeningResult
from checkpoint.report.interface import Batch, as_batch
from checkpoint.report.records import result_to_dict

# JSON leaves these unescaped with ensure_ascii=False, but str.splitlines() and some JSON Lines readers
# treat them as line breaks; inside JSON they can only occur in strings, so escaping them is always safe.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


# allow_nan=False: a NaN confidence is a bug upstream and must not produce invalid JSON. One encoder each,
# made once (`json.dumps` with options makes a new one per call); no circular check: results are plain trees.
_COMPACT = json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False, separators=(",", ":"))
_INDENTED = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, allow_nan=False, indent=2, separators=(",", ": ")
)


def _dumps(value: Any, *, indent: bool) -> str:
    text = (_INDENTED if indent else _COMPACT).encode(value)
    # Translating is a pass in Python over every character: only for the rare text that needs it.
    if "\u0085" in text or "\u2028" in text or "\u2029" in text:
        return text.translate(_LINE_BREAKS)
    return text


def dumps_line(value: Any) -> str:
    """One compact JSON object and its newline: a JSON Lines line."""
    return _dumps(value, indent=False) + "\n"


class JsonWriter:
    """One JSON array of SPEC §5 objects, indented by two spaces, with a trailing newline."""

    def write(self, batch: Batch | Sequence[ScreeningResult], stream: TextIO) -> None:
        """Write all results, in input order, as one pretty-printed JSON array."""
        results = as_batch(batch).results
        stream.write(_dumps([result_to_dict(result) for result in results], indent=True) + "\n")


class JsonLinesWriter:
    """One compact SPEC §5 object per line, so a long manifest can be processed line by line."""

    def write(self, batch: Batch | Sequence[ScreeningResult], stream: TextIO) -> None:
        """Write each result, in input order, as one compact JSON object followed by a newline."""
        for result in as_batch(batch).results:
            stream.write(dumps_line(result_to_dict(result)))
