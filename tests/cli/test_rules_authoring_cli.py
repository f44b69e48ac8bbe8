"""Help for supervisors writing rules, through the CLI: YAML mistakes in plain words, why a failing case went
otherwise, and `rules fields`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.engine.pack import OPERATORS, field_catalogue

runner = CliRunner()

HEAD = "pack: {name: p, version: '1'}\npolicy: {refer_at: 30, hold_at: 70}\n"

# Each common mistake in a real file: (file text, line:column reported, English words, Indonesian words).
BROKEN = {
    "tab": (
        HEAD + "rules:\n\t- id: NP-001\n",
        "4:1",
        "use spaces, not tabs",
        "gunakan spasi, bukan tab",
    ),
    "unclosed_quote": (
        HEAD + 'rules:\n  - id: NP-001\n    title: {id: "Judul, en: Title}\n    severity: high\n',
        "5:17",
        'the text opened here with " is never closed',
        'teks yang dibuka dengan " di sini tidak pernah ditutup',
    ),
    "bad_indentation": (
        HEAD + "rules:\n  - id: NP-001\n    severity: high\n   score: 10\n",
        "6:4",
        "indented differently from the block that starts on line 4",
        "indentasi baris ini tidak sejajar dengan blok yang dimulai di baris 4",
    ),
    "indented_too_far": (
        HEAD + "rules:\n  - id: NP-001\n    severity: high\n      score: 10\n",
        "6:7",
        "indented further than line 5",
        "menjorok lebih dalam daripada baris 5",
    ),
    "value_with_colon": (
        HEAD + "rules:\n  - id: NP-001\n    family: visa: kerja\n",
        "5:17",
        "the value of 'family' holds ': '",
        "nilai 'family' memuat ': '",
    ),
    "duplicate_key": (
        HEAD + "rules:\n  - id: NP-001\n    score: 10\n    score: 20\n",
        "6:5",
        "duplicate key 'score': it is already written on line 5",
        "kunci ganda 'score': sudah ditulis di baris 5",
    ),
    "colon_without_space": (
        HEAD + "rules:\n  - id: NP-001\n    severity:high\n    score: 10\n",
        "5:13",
        "a colon needs a space after it: write 'severity: high'",
        "setelah titik dua harus ada spasi: tulis 'severity: high'",
    ),
    "colon_without_space_last": (
        HEAD + "rules:\n  - id: NP-001\n    score: 10\n    severity:high\n",
        "6:13",
        "a colon needs a space after it: write 'severity: high'",
        "setelah titik dua harus ada spasi: tulis 'severity: high'",
    ),
}


@pytest.mark.parametrize("mistake", sorted(BROKEN))
@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_yaml_mistake_is_one_plain_sentence_at_its_place(tmp_path: Path, mistake: str, lang: str) -> None:
    text, place, english, indonesian = BROKEN[mistake]
    pack = tmp_path / "pack.yaml"
    pack.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(pack), "--lang", lang])
    assert result.exit_code == 4
    # The file's own problem, alone: no follow-on "the pack needs a 'pack' section" for a file not read.
    lines = [line for line in result.stdout.splitlines() if ": E0" in line or ": E102 the pack" in line]
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(f"{pack}:{place}: E00"), lines[0]
    assert (english if lang == "en" else indonesian) in lines[0]
    assert "Traceback" not in result.output


def test_verbose_adds_the_parsers_own_words_under_a_syntax_error(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(BROKEN["tab"][0], encoding="utf-8")
    plain = runner.invoke(app, ["rules", "check", str(pack)])
    verbose = runner.invoke(app, ["rules", "check", str(pack), "--verbose"])
    assert "cannot start any token" not in plain.stdout
    first, second = verbose.stdout.splitlines()
    assert first == plain.stdout.splitlines()[0]
    assert second.startswith("  (YAML parser: ") and "found character '\\t' that cannot start any token" in second


def test_the_summary_line_speaks_the_language_chosen(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(BROKEN["tab"][0], encoding="utf-8")
    assert "1 problem; the pack cannot be used." in runner.invoke(app, ["rules", "check", str(pack)]).stderr
    indonesian = runner.invoke(app, ["rules", "check", str(pack), "--lang", "id"])
    assert "1 masalah; paket aturan ini tidak dapat dipakai." in indonesian.stderr
    valid = runner.invoke(app, ["rules", "check", "--lang", "id"])
    assert valid.exit_code == 0 and "valid:" in valid.stdout and "aturan" in valid.stdout


FAILING = (
    HEAD
    + """\
rules:
  - id: XX-001
    title: {id: Norwegia, en: Norway}
    severity: low
    score: 10
    explanation: {en: 'to {destination}', id: 'ke {destination}'}
    when:
      all:
        - {field: destination, eq: NO}
        - any:
            - {field: age, ge: 18}
            - {field: visa_type, in: [tourist, visit]}
    tests:
      - name: to Sweden
        traveller: {full_name: A, destination: SWE, date_of_birth: 1990-01-01, departure_date: 2026-11-28}
        expect: fire
"""
)


def test_a_failing_case_shows_which_condition_decided(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(FAILING, encoding="utf-8")
    result = runner.invoke(app, ["rules", "test", str(pack)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = lines.index(f"{pack}:16:9: FAIL XX-001 'to Sweden': expected fire, got no_fire")
    assert lines[at + 1 : at + 7] == [
        "    when:",
        "      all → false  ◀ decided",
        "      ├─ destination eq NO → false (traveller: SWE)  ◀ decided",
        "      └─ any → true",
        "         ├─ age ge 18 → true (traveller: 36)",
        "         └─ visa_type in [tourist, visit] → unknown (traveller: ?)",
    ]


def test_the_tree_speaks_indonesian(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(FAILING, encoding="utf-8")
    result = runner.invoke(app, ["rules", "test", str(pack), "--lang", "id"])
    assert "GAGAL XX-001 'to Sweden': diharapkan fire, hasilnya no_fire" in result.stdout
    assert "      ├─ destination eq NO → salah (penumpang: SWE)  ◀ menentukan" in result.stdout.splitlines()
    assert "0/1 kasus lulus dalam 1 aturan" in result.stdout


def test_a_group_rule_shows_its_member_condition_and_the_group_count(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        HEAD
        + """\
rules:
  - id: GR-001
    title: {id: Rombongan sekali jalan, en: One-way group}
    severity: high
    score: 40
    scope: group
    group_by: booking_ref
    members: {field: one_way, is: true}
    explanation: {en: '{group.members} of {group.size}', id: '{group.members} dari {group.size}'}
    when: {field: group.members, ge: 3}
    tests:
      - name: three of four
        shared: {booking_ref: ABC123, departure_date: 2026-11-28}
        manifest:
          - {traveller: {full_name: A, ticket: one_way}, expect: fire}
          - {traveller: {full_name: B, ticket: one_way}, expect: fire}
          - {traveller: {full_name: C}, expect: fire}
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "test", str(pack)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "FAIL GR-001 'three of four [traveller 1]'" in line)
    assert lines[at + 1 : at + 5] == [
        "    members (who counts in the group):",
        "      one_way eq true → true (traveller: yes)  ◀ decided",
        "    when:",
        "      group.members ge 3 → unknown (group: 2–3)  ◀ decided",
    ]


def test_fields_lists_every_field_with_its_type_and_the_operators(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "fields"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for spec in field_catalogue().values():
        assert any(line.split()[:3] == [spec.name, spec.type, spec.scope] for line in lines if line.strip()), spec
    assert any(line.split()[0] == "number" and "between" in line for line in lines if line.strip())
    assert any(line.startswith("  in_list ") and "named list" in line for line in lines)


def test_fields_in_indonesian_describe_each_field_in_indonesian() -> None:
    result = runner.invoke(app, ["rules", "fields", "--lang", "id"])
    assert result.exit_code == 0
    assert "Kolom yang dapat diuji aturan" in result.stdout
    assert "jenis kelamin penumpang (M atau F)" in result.stdout
    assert "kurang dari atau sama dengan" in result.stdout


def test_fields_as_json_for_scripts() -> None:
    english = json.loads(runner.invoke(app, ["rules", "fields", "--format", "json"]).stdout)
    indonesian = json.loads(runner.invoke(app, ["rules", "fields", "--format", "json", "--lang", "id"]).stdout)
    assert [field["name"] for field in english["fields"]] == list(field_catalogue())
    age = next(field for field in english["fields"] if field["name"] == "age")
    assert age["type"] == "number" and age["scope"] == "traveller"
    assert set(age["operators"]) == set(OPERATORS["number"])
    assert {kind: set(ops) for kind, ops in english["operators"].items()} == dict(OPERATORS)
    sex = next(field for field in indonesian["fields"] if field["name"] == "sex")
    assert sex["description"] == "jenis kelamin penumpang (M atau F)" and sex["type"] == "code"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("greater_than", "gt"),  # a word from another tool
        ("'>='", "ge"),
        ("at-least", "ge"),
        ("gte", "ge"),
        ("not_inn", "not_in"),  # a slip
        ("betwen", "between"),
        ("Matches", "matches"),
        ("exist", "exists"),
    ],
)
def test_an_unknown_operator_gets_a_did_you_mean(tmp_path: Path, written: str, meant: str) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(HEAD + "rules:\n  - id: NP-001\n    when: {field: age, " + written + ": 18}\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(pack)])
    assert result.exit_code == 4
    shown = written.strip("'")
    assert any(
        line.startswith(f"{pack}:5:") and f"E203 unknown operator '{shown}'; did you mean '{meant}'?" in line
        for line in result.stdout.splitlines()
    ), result.stdout


def test_did_you_mean_in_indonesian_and_for_fields(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(HEAD + "rules:\n  - id: NP-001\n    when: {field: Visa-Type, in_lst: tourist}\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(pack), "--lang", "id"])
    assert "maksud Anda 'visa_type'?" in result.stdout
    assert "maksud Anda 'in_list'?" in result.stdout


def test_a_far_word_gets_no_guess(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(HEAD + "rules:\n  - id: NP-001\n    when: {field: age, frobnicate: 18}\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(pack)])
    line = next(line for line in result.stdout.splitlines() if "E203" in line)
    assert line.endswith("unknown operator 'frobnicate'")


def test_every_problem_of_a_pack_speaks_indonesian(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: {name: p, version: '1'}\n"
        "policy: {refer_at: 80, hold_at: 70}\n"
        "rules:\n"
        "  - id: NP-1\n"
        "    titel: {id: t, en: t}\n"
        "    severity: hgh\n"
        "    score: sepuluh\n"
        "    explanation: {id: 'ke {destinaton}', en: 'to {destinaton}'}\n"
        "    when: {field: passport_number, matches: '(?=A)'}\n"
        "    tests: []\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "check", str(pack), "--lang", "id"])
    assert result.exit_code == 4
    said = {line.removeprefix(f"{pack}:").split(": ", 1)[1] for line in result.stdout.splitlines()}
    assert {
        "E301 ambang harus memenuhi 0 < refer_at (80) < hold_at (70) <= 100",
        "E211 id aturan 'NP-1' harus berbentuk seperti NP-001 (huruf, tanda hubung, 3 angka)",
        "E101 kunci 'titel' tidak dikenal di aturan; maksud Anda 'title'?",
        "E102 aturan memerlukan 'title'",
        "E104 severity 'hgh' bukan salah satu dari low, medium, high, critical; maksud Anda 'high'?",
        "E103 score harus bilangan bulat, bukan 'sepuluh'",
        "E202 kolom 'passport_number' tidak dikenal; maksud Anda 'passport_expiry'?",
        "E209 aturan NP-1 tidak punya kasus uji",
        "E208 placeholder '{destinaton}' bukan kolom; maksud Anda 'destination'?",
    } <= said, result.stdout


def test_a_colon_without_its_space_that_yaml_reads_as_one_word_is_named(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: {name: p, version: '1'}\npolicy: {refer_at: 30, hold_at: 70}\n"
        "rules:\n  - id: NP-001\n    when: {field:age, ge: 18}\n    tests:\n      - field:age\n",
        encoding="utf-8",
    )
    lines = runner.invoke(app, ["rules", "check", str(pack)]).stdout.splitlines()
    assert any(
        line.startswith(f"{pack}:5:11: E102") and "a colon needs a space after it: write 'field: age'" in line
        for line in lines
    ), lines
    assert any(
        line.startswith(f"{pack}:7:9: E103") and "write 'field: age', not 'field:age'" in line for line in lines
    ), lines
