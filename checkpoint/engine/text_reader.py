"""Read the texts of a rule an officer reads: its title, explanation and questions, each in both languages.

Every such text is a mapping of language to text (`title: {id: "…", en: "…"}`; the questions a mapping of
language to a list, `ask: {id: ["…"], en: ["…"]}`), so that a missing language is a missing key, reported
with its place like any other. The two languages of a text must say the same thing: an explanation uses the
same placeholders in both, and the questions are as many in both, in the same order. A title and the
questions take no placeholders: the title names the rule wherever rules are listed or counted, and the
questions are the rule's own, the same for every traveller it fires on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from checkpoint.engine.document import Map, Mark, Scalar, Seq, Value
from checkpoint.engine.pack import LANGUAGES
from checkpoint.engine.shapes import ShapeReader
from checkpoint.i18n import text

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_T = TypeVar("_T")
_LANGUAGE_NAMES = {"id": "engine.language.indonesian", "en": "engine.language.english"}
#: How each text is written, for the message that meets a pack of the old form (a single text).
_FORMS = {
    "title": 'title: {id: "…", en: "…"}',
    "explanation": 'explanation: {id: "…", en: "…"}',
    "ask": 'ask: {id: ["…", "…"], en: ["…", "…"]}',
}


class TextReader:
    """Reads the texts of one rule, recording a problem for each language missing or disagreeing."""

    def __init__(self, shapes: ShapeReader) -> None:
        self.shapes = shapes

    def title(self, node: Value | None) -> dict[str, str] | None:
        """The title per language; None when it is not written or unusable (reported)."""
        body = self._languages(node, "title")
        if body is None:
            return None
        titles = {language: self._text(body, language, "title") for language in LANGUAGES}
        for language, written in titles.items():
            for name in _PLACEHOLDER.findall(written or ""):
                self._no_placeholder(body.items[language].mark, "title", name)
        return _complete(titles)

    def explanation(self, node: Value | None, refused: Callable[[str], str | None]) -> dict[str, str] | None:
        """The explanation template per language, its placeholders checked: `refused(name)` is None for a
        placeholder that may be shown, else the end of the message saying why not (a did-you-mean); both
        languages must use the same placeholders."""
        body = self._languages(node, "explanation")
        if body is None:
            return None
        templates = {language: self._text(body, language, "explanation") for language in LANGUAGES}
        used: dict[str, set[str]] = {}
        valid = True
        for language, template in templates.items():
            if template is None:
                continue
            used[language] = set(_PLACEHOLDER.findall(template))
            for name in _PLACEHOLDER.findall(template):
                hint = refused(name)
                if hint is not None:
                    valid = False
                    self.shapes.error(
                        body.items[language].mark,
                        "E208",
                        text("engine.problem.placeholder_not_field", placeholder=f"{{{name}}}", hint=hint),
                    )
        # A placeholder already refused is one mistake, reported once: compare only texts that are otherwise right.
        if valid and len(used) == len(LANGUAGES) and len({frozenset(names) for names in used.values()}) > 1:
            self.shapes.error(
                body.mark,
                "E215",
                text(
                    "engine.problem.placeholders_differ",
                    what="explanation",
                    id_names=_names(used["id"]),
                    en_names=_names(used["en"]),
                ),
            )
        return _complete(templates)

    def ask(self, node: Value | None) -> dict[str, tuple[str, ...]] | None:
        """The questions per language (an empty mapping when the rule asks nothing); None when unusable."""
        if node is None:
            return {}
        body = self._languages(node, "ask")
        if body is None:
            return None
        questions: dict[str, tuple[str, ...] | None] = {}
        for language in LANGUAGES:
            item = body.items.get(language)
            if item is None:
                questions[language] = None
                continue
            if not isinstance(item, Seq):
                self.shapes.error(item.mark, "E103", text("engine.problem.ask_not_list", language=language))
                questions[language] = None
                continue
            if not item.items:
                self.shapes.error(item.mark, "E102", text("engine.problem.no_questions", language=language))
            usable: list[str] = []
            for question in item.items:
                said = self.shapes.text(question, text("engine.what.question", where=f"ask.{language}"), item.mark)
                if said is not None and not said.strip():
                    self.shapes.error(question.mark, "E103", text("engine.problem.empty_question", language=language))
                    continue
                for name in _PLACEHOLDER.findall(said or ""):
                    self._no_placeholder(question.mark, "ask", name)
                if said is not None:
                    usable.append(said)
            questions[language] = tuple(usable) if usable and len(usable) == len(item.items) else None
        counts = {language: len(found) for language, found in questions.items() if found is not None}
        if len(counts) == len(LANGUAGES) and len(set(counts.values())) > 1:
            self.shapes.error(
                body.mark, "E215", text("engine.problem.questions_differ", id_count=counts["id"], en_count=counts["en"])
            )
            return None
        return _complete(questions)

    def _languages(self, node: Value | None, what: str) -> Map | None:
        """The mapping of languages to texts; a single text (the old form) or another shape is reported."""
        if node is None:
            return None
        if isinstance(node, Scalar) or (isinstance(node, Seq) and what == "ask"):
            self.shapes.error(node.mark, "E103", text("engine.problem.text_plain", what=what, form=_FORMS[what]))
            return None
        body = self.shapes.mapping(node, what, node.mark)
        if body is None:
            return None
        self.shapes.keys(body, LANGUAGES, (), what)
        for language in LANGUAGES:
            if language not in body.key_marks:
                self._missing(body.mark, what, language)
        return body

    def _text(self, body: Map, language: str, what: str) -> str | None:
        """One language's text; an empty one counts as not written."""
        written = self.shapes.text(body.items.get(language), f"{what}.{language}", body.mark)
        if written is not None and not written.strip():
            self._missing(body.items[language].mark, what, language)
            return None
        return written

    def _missing(self, mark: Mark, what: str, language: str) -> None:
        self.shapes.error(
            mark,
            "E102",
            text(
                "engine.problem.text_missing",
                what=what,
                language=language,
                language_name=text(_LANGUAGE_NAMES[language]),
            ),
        )

    def _no_placeholder(self, mark: Mark, what: str, name: str) -> None:
        self.shapes.error(mark, "E208", text("engine.problem.no_placeholders", what=what, placeholder=f"{{{name}}}"))


def _complete(texts: Mapping[str, _T | None]) -> dict[str, _T] | None:
    """The texts when every language has one, else None (what is missing was reported)."""
    found = {language: written for language, written in texts.items() if written is not None}
    return found if len(found) == len(LANGUAGES) else None


def _names(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "—"
