"""Supervisors' regular expressions (`matches`), run by RE2: time linear in the value, whatever the pattern.

Python's `re` backtracks: `(a|aa)+$` or `a*a*a*a*a*b` against thirty characters can take minutes, and no
check of a pattern's text finds every such case. RE2 (Google's engine, the `google-re2` package) never
backtracks, so no pattern a pack may hold can stall a screening. It is a hard dependency, not an option
with a fallback: a pack must mean the same on every installation, and a fallback engine would accept other
patterns, or read the same ones differently.

What RE2 cannot do (backreferences, lookaround, possessive quantifiers, atomic groups) is refused with a
sentence saying what to write instead; so is `{,n}`, which the Python syntax packs were first written in
reads as `{0,n}` and RE2 as the characters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checkpoint.i18n import text

#: What RE2 reports for a construct it lacks (the start of the part it quotes), and the catalog entry saying
#: what to write instead (`engine.pattern.<key>`).
_INSTEAD = (
    (("(?=", "(?!", "(?<=", "(?<!"), "lookaround"),
    (("(?P=", "\\1", "\\2", "\\3", "\\4", "\\5", "\\6", "\\7", "\\8", "\\9", "\\k"), "backreference"),
    (("(?>",), "atomic"),
    (("*+", "++", "?+", "}+"), "possessive"),
    (("\\Z",), "end_z"),
)  # fmt: skip


@dataclass(frozen=True)
class Pattern:
    """A compiled `matches` pattern; two are equal when their texts are."""

    text: str
    compiled: Any = field(compare=False, repr=False)

    def search(self, value: str) -> bool:
        """Whether the pattern occurs anywhere in `value` (case is ignored)."""
        return self.compiled.search(value) is not None


def compile_pattern(written: str) -> Pattern | str:
    """The pattern compiled by RE2 (case ignored), or the sentence saying why it cannot be used."""
    most = _open_count(written)
    if most is not None:
        instead = text("engine.pattern.at_most", most=most) if most else text("engine.pattern.any_number")
        return text("engine.pattern.open_count", written=f"{{,{most}}}", instead=instead)
    try:
        import re2  # here, so that only a pack with a pattern pays for the import (benchmarks/README.md)
    except ImportError:  # a broken installation: google-re2 is a dependency of checkpoint
        return text("engine.pattern.no_re2")
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the reason is reported as a problem, not logged by RE2 on stderr
    try:
        return Pattern(written, re2.compile(written, options))
    except re2.error as error:
        return _why_not(error.args[0] if error.args else b"", written)


def _why_not(reason: bytes | str, written: str) -> str:
    """A supervisor's sentence for RE2's reason (`invalid perl operator: (?=`)."""
    detail = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    quoted = detail.partition(": ")[2]
    if quoted == "(?P" and "(?P=" in written:  # RE2 quotes only the start of a named backreference
        quoted = "(?P="
    for starts, key in _INSTEAD:
        if quoted.startswith(starts):
            return text("engine.pattern.uses", quoted=quoted, instead=text(f"engine.pattern.{key}"))
    return text("engine.pattern.invalid", detail=detail)


def _open_count(pattern: str) -> str | None:
    """The `n` of the first `{,n}` (or `{,}`) used as a repetition, outside classes and escapes; else None."""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "{" and index > 0 and pattern.startswith("{,", index):
            end = pattern.find("}", index)
            digits = pattern[index + 2 : end] if end > 0 else "x"
            if digits == "" or digits.isdigit():
                return digits
        index += 1
    return None


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
