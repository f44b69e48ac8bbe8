"""The UN/EDIFACT syntax (ISO 9735): text decoded, service characters from a UNA advice, segments split.

Knows separators, the release character and segment terminators, and nothing of any message built from
them: `Segment`s come out with their tag and elements, and what they mean is the caller's business.
Errors are sentences about the file that its reader completes with the file's name, never quoting data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checkpoint.sources.interface import FileSentenceError

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_BREAKS = ("\r", "\n")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
#: What may come before the first segment: a BOM left by an editor, blank lines, indentation.
_LEADING = "\ufeff \t\r\n"


@dataclass(frozen=True, slots=True)
class ServiceChars:
    """The six characters of a UNA service string advice; the defaults are those of a file without UNA."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    reserved: str = " "  # the repetition separator in syntax version 4; kept as a plain character here
    terminator: str = "'"


DEFAULT_CHARS = ServiceChars()


class EdifactError(FileSentenceError):
    """The text cannot be read as EDIFACT (a `source.edifact.*` sentence about the file, never quoting data)."""


class NotEdifactError(EdifactError):
    """The text does not open with an EDIFACT service segment at all (another format, not a damaged file)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its tag and its data elements, each a tuple of components (release characters resolved)."""

    tag: str
    elements: tuple[tuple[str, ...], ...]
    terminated: bool = True

    @property
    def garbled(self) -> bool:
        """True when the tag is not three letters or digits starting with a letter, as every EDIFACT tag is."""
        return _TAG.fullmatch(self.tag) is None

    def value(self, element: int, component: int = 0) -> str | None:
        """One component (0-based, after the tag), stripped; None when absent or blank."""
        if element >= len(self.elements) or component >= len(self.elements[element]):
            return None
        return self.elements[element][component].strip() or None

    def components(self, element: int) -> tuple[str, ...]:
        """Every component of one data element (empty when the element is absent)."""
        return self.elements[element] if element < len(self.elements) else ()


def decode_edifact(data: bytes) -> tuple[str, str]:
    """Text of an EDIFACT file and the encoding used: UTF-8 (BOM stripped), else Latin-1 (UNOA/UNOB/UNOC).

    A file with a UTF-16 BOM is read as UTF-16. Raises EdifactError when the bytes are not text.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise EdifactError("source.edifact.utf16") from None
    else:
        data = data.removeprefix(_UTF8_BOM)
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"  # every byte is a Latin-1 character
    if "\x00" in text:
        raise EdifactError("source.edifact.binary")
    return text, encoding


def looks_like_edifact(head: bytes) -> bool:
    """True when a file's first bytes (after a BOM and whitespace) open with a UNA advice, or UNB/UNH and `+`."""
    if head.startswith(_UTF16_BOMS):
        text = head[:512].decode("utf-16", errors="ignore")
    else:
        text = head.removeprefix(_UTF8_BOM)[:512].decode("latin-1")
    start = text.lstrip(_LEADING)
    if start.startswith("UNA"):
        advice = start[3:9]
        return len(advice) == 6 and not any(ch.isalnum() for ch in advice[:2] + advice[5])
    return start.startswith(("UNB+", "UNH+"))


def service_chars(text: str) -> tuple[ServiceChars, str]:
    """The separators a leading UNA declares (the defaults without one) and the text after the advice."""
    if not text.startswith("UNA"):
        return DEFAULT_CHARS, text
    advice = text[3:9]
    if len(advice) < 6:
        raise EdifactError("source.edifact.una_short")
    chars = ServiceChars(*advice)
    separators = [chars.component, chars.element, chars.terminator]
    if chars.release != " ":  # a space says "no release character" (ISO 9735)
        separators.append(chars.release)
    if len(set(separators)) < len(separators) or any(ch.isalnum() for ch in separators):
        raise EdifactError("source.edifact.una_separators")
    return chars, text[9:]


def _cut(text: str, at: str, release: str | None) -> list[str]:
    """Split text at every `at` that is not released (release pairs are left in place for `_unescape`)."""
    if release is None or release not in text:
        return text.split(at)
    pieces: list[str] = []
    start = 0
    for match in re.finditer(f"{re.escape(release)}.|{re.escape(at)}", text, re.DOTALL):
        if match[0] == at:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def _unescape(text: str, release: str | None) -> str:
    if release is None or release not in text:
        return text
    return re.sub(f"{re.escape(release)}(.)", r"\1", text, flags=re.DOTALL)


def split_segments(text: str, chars: ServiceChars = DEFAULT_CHARS) -> list[Segment]:
    """The segments of EDIFACT text (after any UNA): elements and components split, releases resolved.

    Line breaks are not data in EDIFACT: senders put one after each segment or wrap at a fixed width, so
    every CR and LF is dropped (unless the UNA makes it a separator) before splitting. Blank segments are
    skipped; a last segment without terminator is kept with `terminated=False`. Raises EdifactError when the
    text ends with a release character that escapes nothing.
    """
    breaks = [ch for ch in _LINE_BREAKS if ch not in (chars.component, chars.element, chars.terminator)]
    text = text.translate({ord(ch): None for ch in breaks})
    release = None if chars.release == " " else chars.release  # a space says "no release character"
    if release is not None and (len(text) - len(text.rstrip(release))) % 2:
        raise EdifactError("source.edifact.release_at_end", release=repr(release))
    pieces = _cut(text, chars.terminator, release)
    segments: list[Segment] = []
    for position, piece in enumerate(pieces):
        if not piece.strip():
            continue
        if release is None or release not in piece:  # the common case, at the speed of str.split
            elements = tuple(tuple(element.split(chars.component)) for element in piece.split(chars.element))
        else:
            elements = tuple(
                tuple(_unescape(part, release) for part in _cut(element, chars.component, release))
                for element in _cut(piece, chars.element, release)
            )
        tag = elements[0][0].strip().upper()
        segments.append(Segment(tag=tag, elements=elements[1:], terminated=position < len(pieces) - 1))
    return segments


def parse_edifact(text: str) -> list[Segment]:
    """Segments of a whole EDIFACT text: BOM and leading whitespace skipped, UNA honoured and not returned.

    Raises NotEdifactError when the text does not open with UNA, UNB or UNH, and EdifactError when its UNA
    is unusable, it ends with a release character, or no segment in it is terminated.
    """
    text = text.lstrip(_LEADING)
    if not text.startswith(("UNA", "UNB+", "UNH+")):
        raise NotEdifactError("source.edifact.no_service_segment")
    chars, rest = service_chars(text)
    segments = split_segments(rest, chars)
    if not any(segment.terminated for segment in segments):
        raise EdifactError("source.edifact.no_terminator")
    return segments
