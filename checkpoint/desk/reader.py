"""What the officer's keyboard and the document reader send, line by line, turned into what the desk does next.

A passport reader acts as a keyboard (DOMAIN §10): it types the two MRZ lines, each ended by Enter (CR or CR LF),
sometimes both in one 88-character line, sometimes with a prefix or suffix character it is configured to send,
sometimes a stray blank line; OCR slips happen there too. The officer types the same way: a command for the trip
(`/tujuan KUL`), a traveller's fields (`nama=SITI AMINAH; lahir=17/05/1990`), a decision, `exit`. The reader
never fails: a line it cannot use becomes a `Problem` saying what is wrong, and the next line is read afresh.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

#: What an MRZ holds; anything else at either end of a line is taken for the reader's own prefix or suffix.
_MRZ_CHARACTERS = frozenset(string.ascii_letters + string.digits + "<")
_LINE = 44
#: Lengths of the lines of other machine-readable documents (ICAO 9303 TD1 identity cards, TD2 and visas).
_OTHER_DOCUMENTS = {30: "td1", 36: "td2"}
#: Words that end the session, in both languages.
END_WORDS = frozenset({"exit", "quit", "keluar", "selesai"})


@dataclass(frozen=True)
class MrzLines:
    """Both lines of a passport's MRZ, as the reader sent them (upper-cased); `notes`: what was tidied."""

    line1: str
    line2: str
    notes: tuple[tuple[str, dict[str, object]], ...] = ()


@dataclass(frozen=True)
class Command:
    """A line starting with `/`: a command word and the rest of the line."""

    word: str
    argument: str


@dataclass(frozen=True)
class Typed:
    """A traveller typed as `field=value; field=value` (the field names as `desk.fields` knows them)."""

    cells: dict[str, str]


@dataclass(frozen=True)
class Problem:
    """A line the desk cannot use: a catalog key saying what is wrong, and its parameters."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class End:
    """The officer ended the session (`exit`)."""


Event = MrzLines | Command | Typed | Problem | End


class LineReader:
    """Reads one line at a time; remembers a first MRZ line until its second arrives."""

    def __init__(self) -> None:
        self._first: str | None = None
        self._notes: list[tuple[str, dict[str, object]]] = []

    @property
    def waiting_for_second_line(self) -> bool:
        """Whether a first MRZ line was read and its second is awaited."""
        return self._first is not None

    def read(self, line: str) -> Event | None:
        """What this line asks for (None: nothing yet, e.g. a blank line or a first MRZ line)."""
        stripped = line.strip()
        if not stripped:
            return None  # a reader's stray blank line
        if stripped.lower() in END_WORDS:
            return End()
        if stripped.startswith("/"):
            word, _, argument = stripped[1:].partition(" ")
            return Command(word.lower(), argument.strip())
        if "=" in stripped:
            return self._typed(stripped)
        return self._mrz(stripped)

    def _typed(self, line: str) -> Event:
        cells: dict[str, str] = {}
        for part in line.split(";"):
            name, equals, value = part.partition("=")
            if not part.strip():
                continue
            if not equals or not name.strip():
                return Problem("desk.input.typed_malformed", {"part": part.strip()[:40]})
            cells[name.strip().lower()] = value.strip()
        return Typed(cells)

    def _mrz(self, line: str) -> Event | None:
        trimmed = _trim(line)
        notes: list[tuple[str, dict[str, object]]] = []
        if trimmed != line:
            notes.append(("desk.input.trimmed", {"count": len(line) - len(trimmed)}))
        if not trimmed or any(char not in _MRZ_CHARACTERS for char in trimmed):
            return Problem("desk.input.not_mrz", {"length": len(trimmed)})
        if trimmed != trimmed.upper():
            notes.append(("desk.input.lower_case", {}))
        trimmed = trimmed.upper()
        if len(trimmed) == 2 * _LINE and trimmed.startswith("P"):
            self._first = None
            return MrzLines(trimmed[:_LINE], trimmed[_LINE:], (*notes, ("desk.input.joined", {})))
        if len(trimmed) in _OTHER_DOCUMENTS:
            self._first = None
            return Problem(f"desk.input.{_OTHER_DOCUMENTS[len(trimmed)]}", {"length": len(trimmed)})
        if len(trimmed) != _LINE:
            return Problem("desk.input.wrong_length", {"length": len(trimmed), "expected": _LINE})
        if _looks_like_first_line(trimmed):
            lost = self._first is not None  # a new passport before the last one's second line
            self._first, self._notes = trimmed, notes
            return Problem("desk.input.second_line_missing", {}) if lost else None
        if self._first is None:
            return Problem("desk.input.first_line_missing", {})
        first, earlier = self._first, self._notes
        self._first, self._notes = None, []
        return MrzLines(first, trimmed, (*earlier, *notes))


def _trim(line: str) -> str:
    """The line without the characters a reader may send around it (STX, ETX, a configured prefix or suffix)."""
    start, end = 0, len(line)
    while start < end and line[start] not in _MRZ_CHARACTERS:
        start += 1
    while end > start and line[end - 1] not in _MRZ_CHARACTERS:
        end -= 1
    return line[start:end]


def _looks_like_first_line(line: str) -> bool:
    """A passport's first line: P, a type letter or `<`, an issuing state of letters, then the name field."""
    return line[0] == "P" and all(char.isalpha() or char == "<" for char in line[1:5])
