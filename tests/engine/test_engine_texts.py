"""The texts of a rule an officer reads (title, explanation, ask): both languages, checked as the pack loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkpoint.engine import read_pack
from checkpoint.engine.document import Problem
from checkpoint.i18n import set_language

#: A rule in the current form, its texts on lines of their own so that each mistake is placed.
RULE = """\
  - id: T-001
    title:
      id: Sekali jalan
      en: One way
    severity: high
    score: 40
    explanation:
      id: "Tiket sekali jalan ke {destination}."
      en: "One-way trip to {destination}."
    ask:
      id: ["Mengapa tiket Anda sekali jalan?", "Siapa yang membayar tiket Anda?"]
      en: ["Why is your ticket one way?", "Who paid for your ticket?"]
    when: {field: one_way, is: true}
    tests:
      - {traveller: {full_name: SITI}, expect: no_fire}
"""
GROUP = """\
    scope: group
    group_by: booking_ref
    members: {field: one_way, is: true}
    when: {field: group.members, ge: 4}
"""


def only(problems: list[Problem], code: str) -> Problem:
    assert [problem.code for problem in problems] == [code], [str(problem) for problem in problems]
    return problems[0]


def test_the_rule_as_written_is_valid(make_pack) -> None:
    [rule] = make_pack(RULE).rules
    assert rule.title == {"id": "Sekali jalan", "en": "One way"}
    assert rule.explanation["id"] == "Tiket sekali jalan ke {destination}."
    assert rule.ask == {
        "id": ("Mengapa tiket Anda sekali jalan?", "Siapa yang membayar tiket Anda?"),
        "en": ("Why is your ticket one way?", "Who paid for your ticket?"),
    }


def test_questions_are_optional(make_pack) -> None:
    text = RULE[: RULE.index("    ask:")] + RULE[RULE.index("    when:") :]
    [rule] = make_pack(text).rules
    assert rule.ask == {}


@pytest.mark.parametrize(
    ("replace", "by", "code", "line", "message"),
    [
        # a language missing, in each text: the place of the text, the language named
        ("      id: Sekali jalan\n", "", "E102", 3, "title needs 'id': the text in Bahasa Indonesia is missing"),
        ("      en: One way\n", "", "E102", 3, "title needs 'en': the text in English is missing"),
        ('      en: "One-way trip to {destination}."\n', "", "E102", 8, "explanation needs 'en'"),
        (
            '      id: ["Mengapa tiket Anda sekali jalan?", "Siapa yang membayar tiket Anda?"]\n',
            "",
            "E102",
            11,
            "ask needs 'id': the text in Bahasa Indonesia is missing",
        ),
        ("      id: Sekali jalan\n", '      id: ""\n', "E102", 3, "title needs 'id'"),
        # a pack of the old form: a single text where each language is wanted
        (
            "    title:\n      id: Sekali jalan\n      en: One way\n",
            "    title: One way\n",
            "E103",
            2,
            'title must be written per language, e.g. title: {id: "…", en: "…"}',
        ),
        (
            '    explanation:\n      id: "Tiket sekali jalan ke {destination}."\n'
            '      en: "One-way trip to {destination}."\n',
            '    explanation: "One-way trip to {destination}."\n',
            "E103",
            7,
            "explanation must be written per language",
        ),
        (
            '      id: ["Mengapa tiket Anda sekali jalan?", "Siapa yang membayar tiket Anda?"]\n'
            '      en: ["Why is your ticket one way?", "Who paid for your ticket?"]\n',
            '      - "Why is your ticket one way?"\n',
            "E103",
            11,
            'ask: {id: ["…", "…"], en: ["…", "…"]}',
        ),
        # the two languages disagree
        (
            '"Tiket sekali jalan ke {destination}."',
            '"Tiket sekali jalan."',
            "E215",
            8,
            "explanation uses different placeholders in each language: id —, en {destination}",
        ),
        (
            '"Who paid for your ticket?"]',
            '"Who paid for your ticket?", "Who is meeting you?"]',
            "E215",
            11,
            "ask has 2 question(s) in Bahasa Indonesia but 3 in English",
        ),
        # what is not allowed in a text
        (
            "      en: One way\n",
            "      en: One way to {destination}\n",
            "E208",
            4,
            "title takes no placeholders ('{destination}')",
        ),
        (
            '"Who paid for your ticket?"]',
            '"Who paid for the ticket to {destination}?"]',
            "E208",
            12,
            "ask takes no placeholders",
        ),
        ('      id: ["Mengapa', '      id: [" ", "Mengapa', "E103", 11, "a question in ask.id is empty"),
        (
            '["Why is your ticket one way?", "Who paid for your ticket?"]',
            "[]",
            "E102",
            12,
            "ask.en needs at least one question",
        ),
        ('["Why is your ticket one way?", "Who paid for your ticket?"]', "Why?", "E103", 12, "ask.en must be a list"),
        ("      en: One way\n", "      en: One way\n      ms: Sehala\n", "E101", 5, "unknown key 'ms' in title"),
    ],
)
def test_a_text_mistake(check_pack, replace: str, by: str, code: str, line: int, message: str) -> None:
    assert replace in RULE
    problem = only(check_pack(RULE.replace(replace, by, 1)), code)
    assert message in problem.message, problem.message
    assert problem.mark.line == 11 + line  # line 1 of RULE is line 12 of the pack (see PACK_TEMPLATE)


def test_a_group_rule_is_checked_the_same(check_pack) -> None:
    text = RULE.replace("    when: {field: one_way, is: true}\n", GROUP).replace("      en: One way\n", "")
    assert "title needs 'en'" in only(check_pack(text), "E102").message


def test_every_text_problem_of_a_rule_in_one_pass(check_pack) -> None:
    text = RULE.replace("      en: One way\n", "").replace('"Tiket sekali jalan ke {destination}."', '"Tiket."')
    text = text.replace('"Who paid for your ticket?"]', '"Who paid?", "Who meets you?"]')
    assert [problem.code for problem in check_pack(text)] == ["E102", "E215", "E215"]


def test_the_problems_speak_the_language_of_the_run(check_pack) -> None:
    try:
        set_language("id")
        problem = only(check_pack(RULE.replace("      en: One way\n", "")), "E102")
    finally:
        set_language("en")
    assert problem.message.startswith("title perlu 'en': teks dalam bahasa Inggris belum ditulis")


def test_an_old_policy_language_is_refused_with_what_to_do(write_pack) -> None:
    text = (Path(__file__).parents[1] / "fixtures" / "packs" / "engine_minimal_pack.yaml").read_text("utf-8")
    pack, problems = read_pack(write_pack({"pack.yaml": text.replace("hold_at: 70", "hold_at: 70\n  language: en")}))
    assert pack is None
    problem = only(problems, "E101")
    assert "--lang id|en" in problem.message and problem.mark.line == 9
