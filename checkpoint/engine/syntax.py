"""YAML syntax errors in plain words: what a supervisor mistyped, where, and how to write it.

The parser's own messages ("mapping values are not allowed here", "found character '\\t' that cannot start any
token") describe its state, not the mistake, and often point past it: a colon written without its space on
line 2 is noticed on line 3, an unclosed quote at the end of the file. `explain` recognises the common
mistakes (a tab, an unclosed quote or bracket, a line indented differently from its neighbours, a value
holding ': ', a colon without a space) from the error and the text, and says each in one sentence of the
catalog (`engine.syntax.*`) at the place to fix; the parser's words stay on the problem as its `detail`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checkpoint.i18n import text

if TYPE_CHECKING:
    from ruamel.yaml.error import MarkedYAMLError

#: `key:value` with no space after the colon (a URL's `://` and a time's `10:30` are not keys).
_COLON_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?(?P<key>[A-Za-z_][\w.]*):(?P<value>[^\s:/][^#]*?)\s*(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class Explained:
    """A syntax error in plain words: the 1-based line and column to fix, and the sentence."""

    line: int
    column: int
    message: str


def explain(error: MarkedYAMLError, source: str) -> Explained:
    """The plain sentence for a parser error on `source`, placed where the mistake most likely is."""
    problem = str(error.problem or "")
    context = str(error.context or "")
    at = error.problem_mark or error.context_mark
    line, column = (at.line, at.column) if at is not None else (0, 0)
    opened = error.context_mark
    lines = source.splitlines()
    written = lines[line] if line < len(lines) else ""
    if "'\\t'" in problem or (column < len(written) and written[column] == "\t"):
        return Explained(line + 1, column + 1, text("engine.syntax.tab"))
    if "quoted scalar" in context and "end of stream" in problem and opened is not None:
        quote = _character(lines, opened.line, opened.column) or '"'
        return Explained(opened.line + 1, opened.column + 1, text("engine.syntax.unclosed_quote", quote=quote))
    if "escape character" in problem:
        return Explained(line + 1, column + 1, text("engine.syntax.escape"))
    if "flow mapping" in context or "flow sequence" in context:
        bracket, closing = ("{", "}") if "mapping" in context else ("[", "]")
        where = opened or at
        return Explained(
            line + 1,
            column + 1,
            text(
                "engine.syntax.unclosed_bracket",
                bracket=bracket,
                closing=closing,
                opened_line=(where.line + 1) if where else line + 1,
            ),
        )
    if "mapping values are not allowed" in problem:
        return _stray_colon(lines, line, column)
    if "could not find expected ':'" in problem and opened is not None:
        missing = _colon_without_space(lines, opened.line)
        if missing is not None:
            return missing
        return Explained(opened.line + 1, opened.column + 1, text("engine.syntax.no_colon"))
    if "expected <block end>" in problem:
        block = (opened.line + 1) if opened is not None else line
        if "'-'" in problem:
            return Explained(line + 1, column + 1, text("engine.syntax.list_item_in_mapping", block_line=block))
        if "'?'" in problem and "block collection" in context:
            return Explained(line + 1, column + 1, text("engine.syntax.key_in_list", block_line=block))
        return Explained(line + 1, column + 1, text("engine.syntax.indentation", block_line=block))
    if "expected a single document" in problem or "but found another document" in problem:
        return Explained(line + 1, column + 1, text("engine.syntax.two_documents"))
    return Explained(line + 1, column + 1, text("engine.syntax.other", problem=problem or context))


def _character(lines: list[str], line: int, column: int) -> str:
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _stray_colon(lines: list[str], line: int, column: int) -> Explained:
    """`mapping values are not allowed here`: a value holding ': ', a line indented too far, or a colon
    without its space on the line before (the parser read both lines as one value)."""
    before = lines[line][:column] if line < len(lines) else ""
    if ": " in before or before.rstrip().endswith(":"):
        key = before.split(":", 1)[0].strip().lstrip("- ").strip()
        return Explained(line + 1, column + 1, text("engine.syntax.colon_in_value", key=key))
    previous = next((at for at in range(line - 1, -1, -1) if lines[at].strip()), None)
    if previous is not None:
        missing = _colon_without_space(lines, previous)
        if missing is not None:
            return missing
    indent = len(lines[line]) - len(lines[line].lstrip()) if line < len(lines) else column
    return Explained(line + 1, indent + 1, text("engine.syntax.indented_too_far", previous_line=(previous or 0) + 1))


def _colon_without_space(lines: list[str], line: int) -> Explained | None:
    """`key:value` on this line: the parser took it for one word."""
    found = _COLON_WITHOUT_SPACE.match(lines[line]) if line < len(lines) else None
    if found is None:
        return None
    key, value = found["key"], found["value"]
    return Explained(
        line + 1, found.end("key") + 1, text("engine.syntax.colon_without_space", key=key, value=value.strip())
    )
