"""The guard on supervisors' regular expressions: no nested repetition, which can take exponential time."""

from __future__ import annotations

import re

_BRACES = re.compile(r"\{(\d*)(,?)(\d*)\}")


def _repetition_at(pattern: str, index: int) -> tuple[int, bool] | None:
    """The length of a quantifier starting at `index`, and whether it can repeat more than once; else None."""
    char = pattern[index]
    if char in "*+":
        return 1, True
    if char == "?":
        return 1, False
    braces = _BRACES.match(pattern, index) if char == "{" else None
    if braces is None or not (braces[1] or braces[3]):
        return None  # a literal brace
    high = (int(braces[3]) if braces[3] else None) if braces[2] else int(braces[1])
    return braces.end() - index, high is None or high > 1


def _class_end(pattern: str, index: int) -> int:
    """The index just after the character class `[...]` opened at `index`."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def nested_repetition(pattern: str) -> bool:
    """True when a repeated group contains a repetition, e.g. `(a+)+` or `((\\w+\\s?))*`.

    Python's `re` backtracks without limit, so such a pattern can take exponential time on a value that
    almost matches; supervisors never need one to recognise a visa type or a code.
    """
    groups: list[bool] = []  # for each open group: does something inside it repeat?
    after_repeating_group = False
    index = 0
    while index < len(pattern):
        quantifier = _repetition_at(pattern, index)
        if quantifier is not None:
            length, repeats = quantifier
            if repeats and after_repeating_group:
                return True
            if repeats and groups:
                groups[-1] = True
            index += length
            if index < len(pattern) and pattern[index] in "?+":  # lazy or possessive
                index += 1
            after_repeating_group = False
            continue
        char = pattern[index]
        after_repeating_group = False
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            groups.append(False)
        elif char == ")" and groups:
            inner = groups.pop()
            if inner and groups:
                groups[-1] = True
            after_repeating_group = inner
        index += 1
    return False
