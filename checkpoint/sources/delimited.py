"""CSV and other delimited text: encoding and delimiter are sniffed, every cell stays text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from checkpoint.errors import InputDataError
from checkpoint.sources.interface import RawTable

_DELIMITERS = ",;\t|"


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), else CP1252, else Latin-1."""
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
        raise InputDataError(f"{source} is a binary file, not a text table; export it as CSV or XLSX.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header and first lines (comma when in doubt)."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


class DelimitedReader:
    """Reads `.csv`, `.tsv`, `.txt` tables."""

    name = "csv"

    def detect(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".csv", ".tsv", ".txt"} or (
            b"\x00" not in head and any(d.encode() in head.split(b"\n", 1)[0] for d in _DELIMITERS)
        )

    def read(self, path: Path) -> RawTable:
        source = path.name
        text, encoding = decode(path.read_bytes(), source)
        if not text.strip():
            raise InputDataError(f"{source} is empty; expected a header row and at least one traveller.")
        delimiter = sniff_delimiter(text)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=object,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=True,
                engine="c",
            )
        except (pd.errors.ParserError, csv.Error) as error:
            line = _error_line(str(error))
            where = f" near line {line}" if line else ""
            raise InputDataError(
                f"{source} is not a well-formed delimited table{where}; check the quoting and the delimiter."
            ) from None
        for column in frame.columns:  # all cells are text here: strip, and blanks become None
            stripped = frame[column].str.strip()
            frame[column] = stripped.where(stripped != "", None)
        notes = () if encoding == "utf-8" else (f"{source} read as {encoding}",)
        return RawTable(frame=frame, source=source, notes=notes)


def _error_line(message: str) -> str | None:
    for word in ("line", "row"):
        if word in message:
            tail = message.split(word, 1)[1].strip().split()[0].strip(",.:")
            if tail.isdigit():
                return tail
    return None
