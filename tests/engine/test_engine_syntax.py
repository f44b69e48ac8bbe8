"""YAML syntax errors in plain words (engine/syntax.py): any broken text gets one sentence at a place in the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.engine.document import Problem, parse_document

# Pieces a pack is written with, so that the texts drawn are near-YAML, broken in the ways people break it.
PIECES = [
    "rules:",
    "\n",
    "  ",
    "\t",
    "- ",
    "id: NP-001",
    ":",
    "'",
    '"',
    "{",
    "}",
    "[",
    "]",
    ", ",
    "#",
    "x",
    "---",
    "\\",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_broken_text_is_one_placed_sentence_never_an_exception(source: str) -> None:
    problems: list[Problem] = []
    parse_document(source.encode("utf-8"), Path("pack.yaml"), problems)
    lines = source.splitlines() or [""]
    for problem in problems:
        assert problem.message and "\n" not in problem.message
        assert 1 <= problem.mark.line <= len(lines) + 1
        assert problem.mark.column >= 1
