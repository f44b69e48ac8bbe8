"""Safe loading of pack files: nothing executed, nothing guessed, every refusal placed at its line and column."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checkpoint.engine import read_pack
from checkpoint.engine.document import Map, Problem, Scalar, Seq, load_document
from checkpoint.engine.limits import pack_limit
from checkpoint.engine.pack import Leaf

PROBLEM_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>E\d{3}) (?P<message>.+)$")


def load(tmp_path: Path, text: str | bytes, name: str = "doc.yaml") -> tuple[object, list[Problem]]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_document(path, problems), problems


def codes_at(problems: list[Problem]) -> list[tuple[str, int, int]]:
    return [(problem.code, problem.mark.line, problem.mark.column) for problem in problems]


# -- scalars stay text ----------------------------------------------------------------------------------


def test_every_scalar_stays_the_text_written(tmp_path: Path) -> None:
    doc, problems = load(
        tmp_path,
        "a: NO\nb: 012345\nc: yes\nd: 1.50\ne: 2026-11-28\nf: 0x1F\ng: ~\nh: ''\ni: 'null'\nj: [on, off, Null]\n",
    )
    assert problems == []
    assert isinstance(doc, Map)
    texts = {key: value.text for key, value in doc.items.items() if isinstance(value, Scalar)}
    assert texts == {
        "a": "NO",
        "b": "012345",
        "c": "yes",
        "d": "1.50",
        "e": "2026-11-28",
        "f": "0x1F",
        "g": None,
        "h": "",
        "i": "null",
    }
    listed = doc.items["j"]
    assert isinstance(listed, Seq)
    assert [item.text for item in listed.items if isinstance(item, Scalar)] == ["on", "off", None]


def test_norway_and_leading_zeros_reach_the_rule_as_text(make_pack, rule) -> None:
    pack = make_pack(
        rule("T-001", "{field: nationality, eq: NO}"),  # a country: read as Norway's alpha-3 code
        rule("T-002", "{field: booking_ref, in: [012345, 007]}"),
        rule("T-003", "{field: booking_ref, eq: NO}"),
        rule("T-004", "{field: one_way, is: NO}"),  # on a boolean field, NO does mean false
    )
    leaves = {r.id: r.when for r in pack.rules}
    assert all(isinstance(leaf, Leaf) for leaf in leaves.values())
    assert leaves["T-001"] == Leaf("nationality", "eq", "nor", leaves["T-001"].mark)
    assert leaves["T-002"].value == frozenset({"012345", "007"})  # type: ignore[union-attr]
    assert leaves["T-003"].value == "no"  # type: ignore[union-attr]
    assert leaves["T-004"].value is False  # type: ignore[union-attr]


def test_positions_are_one_based(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "first: 1\nsecond:\n  inner: x\n")
    assert isinstance(doc, Map)
    assert (doc.key_marks["second"].line, doc.key_marks["second"].column) == (2, 1)
    inner = doc.items["second"]
    assert isinstance(inner, Map)
    assert (inner.key_marks["inner"].line, inner.key_marks["inner"].column) == (3, 3)


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "\ufeffa: Sleman\n".encode())
    assert problems == [] and isinstance(doc, Map) and "a" in doc.items


# -- refused constructs -------------------------------------------------------------------------------


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "score: 10\ntitle: x\nscore: 90\n")
    assert codes_at(problems) == [("E007", 3, 1)]
    assert "duplicate key 'score'" in problems[0].message
    assert "line 1" in problems[0].message


def test_duplicate_keys_keep_the_first_value(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "score: 10\nscore: 90\n")
    assert isinstance(doc, Map)
    assert isinstance(doc.items["score"], Scalar) and doc.items["score"].text == "10"


@pytest.mark.parametrize(
    "tagged",
    [
        '!!python/object/apply:os.system ["touch {sentinel}"]',
        '!!python/object/apply:subprocess.check_call [["touch", "{sentinel}"]]',
        "!!python/object/new:pathlib.Path.touch [{sentinel}]",
        "!include {sentinel}",
        "!touch {sentinel}",
    ],
)
def test_tags_are_refused_and_never_run(tmp_path: Path, tagged: str) -> None:
    sentinel = tmp_path / "SENTINEL"
    text = f"pack: {{name: x, version: '1'}}\npolicy:\n  refer_at: {tagged.format(sentinel=sentinel)}\n"
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    pack, problems = read_pack(tmp_path / "pack.yaml")
    assert pack is None
    assert ("E005", 3, 13) in codes_at(problems)
    assert not sentinel.exists()


def test_tags_inside_a_folder_pack_are_refused_too(write_pack, tmp_path: Path) -> None:
    sentinel = tmp_path / "SENTINEL"
    folder = write_pack(
        {
            "a.yaml": "pack: {name: x, version: '1'}\n",
            "b.yaml": f"lists: !!python/object/apply:os.system ['touch {sentinel}']\n",
        }
    )
    pack, problems = read_pack(folder)
    assert pack is None
    assert [(p.code, Path(p.mark.path).name, p.mark.line) for p in problems if p.code == "E005"] == [
        ("E005", "b.yaml", 1)
    ]
    assert not sentinel.exists()


def test_an_anchor_and_its_alias_are_each_placed(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert codes_at(problems) == [("E004", 1, 4), ("E004", 2, 4)]
    assert "&x" in problems[0].message and "*x" in problems[1].message


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    levels = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        levels.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    text = "\n".join(levels) + "\n"
    _, problems = load(tmp_path, text)
    assert {problem.code for problem in problems} == {"E004"}
    # One problem per anchor and alias written (10 + 9 * 9), not per expanded node (9 ** 9).
    assert len(problems) == 10 + 81
    pack, pack_problems = read_pack(tmp_path / "doc.yaml")
    assert pack is None and any(problem.code == "E004" for problem in pack_problems)


def test_a_merge_key_is_not_a_plain_word(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "base: &b {score: 1}\nrule:\n  <<: *b\n")
    assert ("E006", 3, 3) in codes_at(problems)


def test_a_complex_key_is_refused(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "? [a, b]\n: c\n")
    assert codes_at(problems) == [("E006", 1, 3)]


# -- files that cannot be used at all -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "said"),
    [
        ("rules:\n  - id: NP-001\n    title: [unclosed\n    score: 5\n", 4, 10, "'[' opened on line 3 is not closed"),
        ("title: b: c\n", 1, 9, "the value of 'title' holds ': '"),
        ("when:\n  - x\n  field: age\n", 3, 3, "a key where the list that starts on line 2 expects another item"),
        ("a: 1\n\tb: 2\n", 2, 1, "use spaces, not tabs"),
    ],
)
def test_a_syntax_error_is_placed_and_said_plainly(
    tmp_path: Path, text: str, line: int, column: int, said: str
) -> None:
    doc, problems = load(tmp_path, text)
    assert doc is None
    assert codes_at(problems) == [("E002", line, column)]
    assert said in problems[0].message
    assert problems[0].detail, "the parser's own words are kept beside the plain sentence"


def test_two_documents_in_one_file_are_an_error(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "a: 1\n---\nb: 2\n")
    assert [problem.code for problem in problems] == ["E002"]


def test_a_file_that_is_not_utf8_says_where(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "title: ok\nexplanation: Pelintas ke Sleman caf\xe9\n".encode("latin-1"))
    assert doc is None
    assert codes_at(problems) == [("E001", 2, 36)]
    assert "UTF-8" in problems[0].message


def test_an_oversize_file_is_refused_before_parsing(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, b"# " + b"x" * pack_limit("file_bytes") + b"\n")
    assert doc is None
    assert [problem.code for problem in problems] == ["E001"]
    assert "larger than" in problems[0].message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
def test_an_empty_file(tmp_path: Path, text: str) -> None:
    doc, problems = load(tmp_path, text)
    assert doc is None
    assert codes_at(problems) == [("E003", 1, 1)]


def test_an_unreadable_path(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert load_document(tmp_path / "missing.yaml", problems) is None
    assert [problem.code for problem in problems] == ["E001"]


# -- packs as folders ------------------------------------------------------------------------------------


def test_a_folder_without_yaml(write_pack) -> None:
    folder = write_pack({"README.md": "# notes\n", "rules.txt": "rules: []\n"})
    pack, problems = read_pack(folder)
    assert pack is None
    assert [(problem.code, problem.mark.path) for problem in problems] == [("E001", str(folder))]
    assert "no .yaml" in problems[0].message


def test_a_pack_that_does_not_exist(tmp_path: Path) -> None:
    pack, problems = read_pack(tmp_path / "nowhere")
    assert pack is None and [problem.code for problem in problems] == ["E001"]


def test_hidden_files_are_not_part_of_a_pack(write_pack, tmp_path: Path) -> None:
    valid = (Path(__file__).parents[1] / "fixtures" / "packs" / "engine_minimal_pack.yaml").read_text("utf-8")
    folder = write_pack(
        {
            "pack.yaml": valid,
            "._pack.yaml": b"\x00\x05\x16\x07\xff\xfe",  # macOS metadata on a USB stick
            ".git/config.yaml": "broken: [\n",
        }
    )
    pack, problems = read_pack(folder)
    assert problems == [] and pack is not None


def test_upper_case_extensions_are_read(write_pack) -> None:
    folder = write_pack({"RULES.YAML": "rules: [\n"})
    _, problems = read_pack(folder)
    assert [Path(problem.mark.path).name for problem in problems if problem.code == "E002"] == ["RULES.YAML"]


def test_every_problem_prints_as_path_line_col_code_message(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "a: 1\na: 2\nb: !x y\nc: &z 1\n")
    assert len(problems) == 3
    for problem in problems:
        parts = PROBLEM_LINE.match(str(problem))
        assert parts is not None, str(problem)
        assert parts["path"] == str(tmp_path / "doc.yaml")
        assert (int(parts["line"]), int(parts["col"]), parts["code"]) == (
            problem.mark.line,
            problem.mark.column,
            problem.code,
        )


PACK_TEXT = "rules:\n  - id: X-1\n    title: 'quoted: yes'\n    when: {destination: [MYS, 'NO', ~]}\n    score: 012\n"


def test_a_file_read_again_gives_the_same_tree_from_the_cache(tmp_path: Path) -> None:
    first, problems = load(tmp_path, PACK_TEXT)
    assert not problems
    assert len(list((tmp_path / "checkpoint-home" / "cache" / "packs").glob("*.json"))) == 1
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    again, problems = load(moved, PACK_TEXT)  # same bytes, another place: read from the cache
    assert not problems
    assert isinstance(again, Map) and again.mark.path == str(moved / "doc.yaml")
    assert _same_shape(again, first)
    rules = again.items["rules"]
    assert isinstance(rules, Seq) and isinstance(rules.items[0], Map)
    score = rules.items[0].items["score"]
    assert isinstance(score, Scalar) and score.text == "012" and (score.mark.line, score.mark.column) == (5, 12)


def _same_shape(a: object, b: object) -> bool:
    """Equal trees apart from the file path in the marks."""
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        return (a.text, a.quoted, a.mark.line, a.mark.column) == (b.text, b.quoted, b.mark.line, b.mark.column)
    if isinstance(a, Seq) and isinstance(b, Seq):
        return len(a.items) == len(b.items) and all(map(_same_shape, a.items, b.items))
    if isinstance(a, Map) and isinstance(b, Map):
        return (
            list(a.items) == list(b.items)
            and all(_same_shape(a.items[key], b.items[key]) for key in a.items)
            and {k: (m.line, m.column) for k, m in a.key_marks.items()}
            == {k: (m.line, m.column) for k, m in b.key_marks.items()}
        )
    return False


def test_a_damaged_cache_entry_is_ignored_and_a_broken_file_is_never_cached(tmp_path: Path) -> None:
    first, _ = load(tmp_path, PACK_TEXT)
    (entry,) = (tmp_path / "checkpoint-home" / "cache" / "packs").glob("*.json")
    entry.write_text('["s", 1, 1, 42, false]', encoding="utf-8")  # not a tree this file could give
    again, problems = load(tmp_path, PACK_TEXT)
    assert not problems and _same_shape(again, first)
    _, problems = load(tmp_path, "a: 1\na: 2\n", name="dup.yaml")
    assert [p.code for p in problems] == ["E007"]
    assert len(list((tmp_path / "checkpoint-home" / "cache" / "packs").glob("*.json"))) == 1
    _, problems = load(tmp_path, "a: 1\na: 2\n", name="dup.yaml")
    assert [p.code for p in problems] == ["E007"]  # still reported: broken files are parsed every time


def test_a_cache_entry_nested_past_the_limit_is_not_trusted(tmp_path: Path) -> None:
    first, _ = load(tmp_path, PACK_TEXT)
    (entry,) = (tmp_path / "checkpoint-home" / "cache" / "packs").glob("*.json")
    deep: list[object] = ["s", 1, 1, "x", False]
    for _ in range(pack_limit("nesting_levels")):
        deep = ["q", 1, 1, [deep]]
    entry.write_text(json.dumps(deep), encoding="utf-8")  # a tree the parser would have refused
    again, problems = load(tmp_path, PACK_TEXT)
    assert not problems and _same_shape(again, first)  # parsed afresh, not read back
