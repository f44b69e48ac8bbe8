"""Typed reading of a pack's YAML tree: each value read as the shape it must have, each misfit one problem.

`ShapeReader` knows nothing of rules: it checks keys, text, whole numbers, dates, choices, mappings and
lists, and records every mistake as a `Problem` at its place (`PATH:LINE:COL: CODE message`) instead of
stopping, so that a supervisor sees them all at once, with a did-you-mean where a name is misspelt.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.resources import files

from checkpoint import i18n
from checkpoint.engine.document import Map, Mark, Problem, Scalar, Seq, Value


class Invalid:
    """The type of `INVALID`."""


#: What a reader returns for a value that was written but is unusable (its problem is already recorded),
#: where None means "not written".
INVALID = Invalid()


def suggest(word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """`; did you mean 'x'?` for the closest choice, or nothing when none is close.

    Case, dashes and spaces are ignored (`Greater-Than` is `greater_than`); `aliases` maps words of other
    tools to a choice (`>=` or `at_least` to `ge`). Closeness is rapidfuzz's Indel ratio, at least 60 of 100:
    one slip in a short word, two or three in a long one.
    """
    options = list(choices)
    written = "_".join(word.strip().casefold().replace("-", " ").split())
    if aliases and aliases.get(written) in options:
        return i18n.text("engine.problem.did_you_mean", name=aliases[written])
    from rapidfuzz import fuzz, process

    best = process.extractOne(written, options, scorer=fuzz.ratio, processor=str.casefold, score_cutoff=60)
    return i18n.text("engine.problem.did_you_mean", name=best[0]) if best else ""


def colon_hint(written: str) -> str:
    """`; a colon needs a space after it …` when `written` is a `key:value` YAML read as one word, else nothing."""
    key, colon, value = written.partition(":")
    if not colon or not key.strip() or not value or value[0].isspace() or " " in key.strip():
        return ""
    return "; " + i18n.text("engine.syntax.colon_without_space", key=key.strip(), value=value.strip())


@cache
def operator_aliases() -> Mapping[str, str]:
    """Words for operators that supervisors bring from other tools, and the operator each means
    (operator_aliases.csv)."""
    table = files("checkpoint.engine").joinpath("operator_aliases.csv").read_text(encoding="utf-8")
    return {row["alias"]: row["operator"] for row in csv.DictReader(table.splitlines())}


class ShapeReader:
    """Reads values of a document tree as the shapes they must have, recording a problem for each misfit.

    Every reader takes the node (None when the key was not written, which is no problem here), what the
    value is (for the message) and the mark to blame when the node itself has none.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, mark: Mark, code: str, message: str) -> None:
        self.problems.append(Problem(mark, code, message))

    def keys(self, node: Map, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
        """E101 for every key not allowed, E102 for every required key not written."""
        for key in node.key_marks:  # every key written, in file order (even one whose value was rejected)
            if key not in allowed:
                hint = colon_hint(key) or suggest(key, allowed)
                self.error(
                    node.key_marks[key], "E101", i18n.text("engine.problem.unknown_key", key=key, what=what, hint=hint)
                )
        for key in required:
            if key not in node.items and key not in node.key_marks:
                self.error(node.mark, "E102", i18n.text("engine.problem.needs_key", what=what, key=key))

    def text(self, node: Value | None, what: str, mark: Mark) -> str | None:
        if node is None:
            return None
        if not isinstance(node, Scalar) or node.text is None:
            self.error(getattr(node, "mark", mark), "E103", i18n.text("engine.problem.must_be_text", what=what))
            return None
        return node.text

    def integer(self, node: Value | None, what: str, mark: Mark) -> int | None:
        text = self.text(node, what, mark)
        if text is None:
            return None
        try:
            return int(text)
        except ValueError:
            message = i18n.text("engine.problem.must_be_whole", what=what, value=text)
            self.error(node.mark if node else mark, "E103", message)
            return None

    def day(self, node: Value | None, what: str, mark: Mark) -> date | None:
        text = self.text(node, what, mark)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            message = i18n.text("engine.problem.must_be_date", what=what, value=text)
            self.error(node.mark if node else mark, "E103", message)
            return None

    def choice(self, node: Value | None, allowed: Iterable[str], what: str, mark: Mark) -> str | None:
        text = self.text(node, what, mark)
        options = tuple(allowed)
        if text is not None and text not in options:
            self.error(
                node.mark if node else mark,
                "E104",
                i18n.text(
                    "engine.problem.not_one_of",
                    what=what,
                    value=text,
                    options=", ".join(options),
                    hint=suggest(text, options),
                ),
            )
            return None
        return text

    def mapping(self, node: Value | None, what: str, mark: Mark) -> Map | None:
        if node is None:
            return None
        if not isinstance(node, Map):
            hint = colon_hint(node.text) if isinstance(node, Scalar) and node.text else ""
            self.error(node.mark, "E103", i18n.text("engine.problem.must_be_mapping", what=what) + hint)
            return None
        return node

    def sequence(self, node: Value | None, what: str, mark: Mark) -> Seq | None:
        if node is None:
            return None
        if not isinstance(node, Seq):
            self.error(node.mark, "E103", i18n.text("engine.problem.must_be_list", what=what))
            return None
        return node

    def items(self, node: Value | None, what: str, mark: Mark) -> tuple[Value, ...]:
        """The items of a list; none when it is not written or not a list (then reported)."""
        seq = self.sequence(node, what, mark)
        return seq.items if seq is not None else ()

    def flat(
        self, node: Value | None, allowed: set[str], what: str, hints: Mapping[str, str] | None = None
    ) -> dict[str, str | None] | None:
        """A mapping of allowed names to single values (an unknown name gets its hint, else a did-you-mean)."""
        if node is None:
            return {}
        body = self.mapping(node, what, node.mark)
        if body is None:
            return None
        values: dict[str, str | None] = {}
        for key, value in body.items.items():
            if key not in allowed:
                hint = f"; {hints[key]}" if hints and key in hints else suggest(key, allowed)
                message = i18n.text("engine.problem.unknown_field_of", what=what, key=key, hint=hint)
                self.error(body.key_marks[key], "E101", message)
                continue
            if isinstance(value, Scalar):
                values[key] = value.text
            else:
                self.error(value.mark, "E103", i18n.text("engine.problem.single_value", what=what, key=key))
        return values
