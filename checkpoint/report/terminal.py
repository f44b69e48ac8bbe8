"""Text safe to print on an officer's terminal, whatever the input files held."""

from __future__ import annotations

import unicodedata

# Zero-width joiners shape the letters some scripts need; they cannot reorder or repaint the screen.
_JOINERS = frozenset("\u200c\u200d")


def displayable(value: object) -> str:
    """Text safe for a terminal: line breaks and tabs become spaces, other control characters become �.

    Input files and registry exports can carry escape sequences or bidirectional overrides that would repaint
    or reorder the officer's screen; JSON and CSV keep the exact value, people are shown what is safe.
    """
    value = str(value)
    if value.isprintable():  # nothing to replace (every character below is not printable): the common case
        return value
    characters = []
    for character in value:
        category = unicodedata.category(character)
        if character.isspace() and category != "Zs":
            characters.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn") and character not in _JOINERS:
            characters.append("\ufffd")
        else:
            characters.append(character)
    return "".join(characters)
