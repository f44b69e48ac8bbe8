"""PAXLST as it travels between airlines and governments: EDIFACT interchanges inside Type-B teletype envelopes.

A message sent over the airlines' Type-B network (SITA, ARINC) starts with an address line (a priority code and
seven-character addresses: `QN SINCKXH`) and an origin line (`.SINCKOD 041643`: the sender and the day-hour-
minute), sometimes a message identifier (`PAXLST`), and may end with `NNNN` or `=`. A list too long for one
message comes as several, each in its own envelope, each an interchange of its own (UNA, UNB … UNZ). Envelope
lines are no EDIFACT: they are set aside and counted, and the interchanges are given back one by one, each to be
read with its own service characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: `QN SINCKXH`, `QU KULAPXH SINAPXH`: a priority code, then one or more seven-character addresses.
_ADDRESS = re.compile(r"(?:Q[A-Z] +)?[A-Z0-9]{7}(?: +[A-Z0-9]{7})*")
#: `.SINCKOD 041643`, `.SINCKOD 041643/ABC123`: the originator and the time of sending.
_ORIGIN = re.compile(r"\.[A-Z0-9]{7}(?: +\S+)*")
#: A standard message identifier line (`PAXLST`), and the end of a teletype message.
_OTHER = re.compile(r"[A-Z]{3,6}|NNNN|=+")
#: Teletype control characters (start of header, start and end of text) around a message.
_CONTROLS = str.maketrans("", "", "\x01\x02\x03")
#: A line opening an interchange (a UNH opens one only outside another).
_OPENS = ("UNA", "UNB+")
_CLOSES = re.compile(r"(?:^|')\s*UNZ\+[^']*'?\s*$")


@dataclass(frozen=True)
class Interchanges:
    """The EDIFACT texts of a file, in order, and how many Type-B envelopes were set aside around them."""

    texts: tuple[str, ...]
    envelopes: int


def envelope_line(line: str) -> bool:
    """True for a line of a Type-B envelope: an address, an origin, a message identifier or an end marker."""
    stripped = line.translate(_CONTROLS).strip()
    return bool(_ADDRESS.fullmatch(stripped) or _ORIGIN.fullmatch(stripped) or _OTHER.fullmatch(stripped))


def opens_with_envelope(head: str) -> bool:
    """True when a file's first lines are a Type-B envelope followed by an EDIFACT service segment."""
    lines = [line for line in head.splitlines() if line.translate(_CONTROLS).strip()]
    for at, line in enumerate(lines[:8]):
        stripped = line.translate(_CONTROLS).strip()
        if stripped.startswith((*_OPENS, "UNH+")):
            return at > 0 and any(_ORIGIN.fullmatch(x.translate(_CONTROLS).strip()) for x in lines[:at])
        if not envelope_line(line):
            return False
    return False


def interchanges(text: str) -> Interchanges:
    """Split text into its EDIFACT interchanges, setting aside the Type-B envelope lines between them.

    Outside an interchange (before the first, after a UNZ), envelope lines are dropped and counted by their
    origin lines; any other line is kept, so that text which is not EDIFACT still fails as such.
    """
    texts: list[str] = []
    current: list[str] = []
    segments = False  # the current text holds a segment besides a UNA
    inside = False
    envelopes = 0
    for line in text.splitlines(keepends=True):
        stripped = line.translate(_CONTROLS).strip()
        starts = stripped.startswith("UNA") or (
            segments and (stripped.startswith("UNB+") or (not inside and stripped.startswith("UNH+")))
        )
        if starts and "".join(current).strip():
            texts.append("".join(current))
            current, segments = [], False
        if stripped.startswith((*_OPENS, "UNH+")):
            inside = True
        elif not inside and stripped and envelope_line(stripped):
            envelopes += bool(_ORIGIN.fullmatch(stripped))
            continue
        current.append(line.translate(_CONTROLS))
        segments |= bool(stripped) and (not stripped.startswith("UNA") or len(stripped) > len("UNA:+.? '"))
        if inside and _CLOSES.search(stripped):
            inside = False
    if "".join(current).strip():
        texts.append("".join(current))
    return Interchanges(tuple(texts), envelopes)
