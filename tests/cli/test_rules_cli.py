"""`checkpoint rules check|test` through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()


def test_the_default_pack_checks_and_its_tests_pass() -> None:
    checked = runner.invoke(app, ["rules", "check"])
    assert checked.exit_code == 0, checked.stdout
    assert "is valid" in checked.stdout
    tested = runner.invoke(app, ["rules", "test"])
    assert tested.exit_code == 0, tested.stdout
    assert "case(s) passed" in tested.stdout and "FAIL" not in tested.stdout


def test_check_lists_every_problem_with_its_position(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: {name: broken, version: '1'}\n"
        "policy: {refer_at: 30, hold_at: 70}\n"
        "rules:\n"
        "  - id: NP-001\n"
        "    title: {id: t, en: t}\n"
        "    severity: hgh\n"
        "    score: 10\n"
        "    explanation: {en: 'x {visa_typ}', id: 'x'}\n"
        "    when: {field: visa_tpe, eq: work}\n"
        "    tests: [{traveller: {full_name: A}, expect: fire}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "check", str(pack)])
    assert result.exit_code == 4
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{pack}:6:") and "did you mean 'high'" in line for line in lines)
    assert any(":9:" in line and "E202" in line and "did you mean 'visa_type'" in line for line in lines)
    assert any("E208" in line for line in lines)


def test_failing_case_exits_1_naming_rule_and_line(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: {name: p, version: '1'}\n"
        "policy: {refer_at: 30, hold_at: 70}\n"
        "rules:\n"
        "  - id: XX-001\n"
        "    title: {id: Norwegia, en: Norway}\n"
        "    severity: low\n"
        "    score: 10\n"
        "    explanation: {en: 'to {destination}', id: 'ke {destination}'}\n"
        "    when: {field: destination, eq: NOR}\n"
        "    tests:\n"
        "      - {traveller: {full_name: A, destination: NO}, expect: fire}\n"
        "      - {traveller: {full_name: A, destination: SWE}, expect: fire}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "test", str(pack)])
    assert result.exit_code == 1
    assert f"{pack}:12:" in result.stdout and "FAIL XX-001" in result.stdout
    assert "1/2 case(s) passed" in result.stdout


GROUP_PACK = """\
pack: {name: p, version: '1'}
policy: {refer_at: 30, hold_at: 70}
rules:
  - id: GR-001
    title: {id: Empat penumpang sekali jalan dalam satu booking, en: Four one-way travellers on one booking}
    severity: high
    score: 40
    scope: group
    group_by: booking_ref
    members: {field: one_way, is: true}
    when: {field: group.members, ge: 4}
    explanation: {en: '{group.members}/{group.size} {booking_ref}', id: '{group.members}/{group.size} {booking_ref}.'}
    tests:
      - name: four of five
        shared: {booking_ref: QX7P2A, ticket: one_way}
        manifest:
          - {traveller: {full_name: A}, expect: fire}
          - {traveller: {full_name: B}, expect: fire}
          - {traveller: {full_name: C}, expect: fire}
          - {traveller: {full_name: D}, expect: fire}
          - {traveller: {full_name: E, ticket: return}, expect: fire}
"""


def test_a_manifest_case_fails_at_the_travellers_line(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(GROUP_PACK, encoding="utf-8")
    checked = runner.invoke(app, ["rules", "check", str(pack)])
    assert checked.exit_code == 0, checked.stdout
    result = runner.invoke(app, ["rules", "test", str(pack)])
    assert result.exit_code == 1
    assert f"{pack}:21:13: FAIL GR-001 'four of five [traveller 5]': expected fire, got no_fire" in result.stdout
    assert "4/5 case(s) passed in 1 rule(s)" in result.stdout


def test_check_reports_group_rule_mistakes(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    broken = GROUP_PACK.replace("group_by: booking_ref", "group_by: bookng_ref").replace(
        "when: {field: group.members, ge: 4}", "when: {field: one_way, is: true}"
    )
    pack.write_text(broken, encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(pack)])
    assert result.exit_code == 4
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{pack}:9:15: E104") and "did you mean 'booking_ref'?" in line for line in lines)
    assert any(line.startswith(f"{pack}:11:19: E214") and "test 'one_way' under 'members'" in line for line in lines)


OLD_FORM = """\
pack: {name: old, version: '1'}
policy: {language: id, refer_at: 30, hold_at: 70}
rules:
  - id: XX-001
    title: Work visa without a placement record
    severity: high
    score: 50
    explanation: {en: 'Work visa to {destination}.'}
    when: {field: visa_type, eq: work}
    tests: [{traveller: {full_name: A, visa_type: work}, expect: fire}]
"""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                ":2:10: E101 'language' is no longer part of the policy",
                ':5:12: E103 title must be written per language, e.g. title: {id: "…", en: "…"}',
                ":8:18: E102 explanation needs 'id': the text in Bahasa Indonesia is missing",
            ],
        ),
        (
            "id",
            [
                ":2:10: E101 'language' tidak lagi dipakai dalam policy",
                ":5:12: E103 title harus ditulis per bahasa",
                ":8:18: E102 explanation perlu 'id': teks dalam Bahasa Indonesia belum ditulis",
            ],
        ),
    ],
)
def test_check_says_which_language_a_pack_of_the_old_form_misses(
    tmp_path: Path, registry_csv: Path, language: str, expected: list[str]
) -> None:
    pack = tmp_path / "old.yaml"
    pack.write_text(OLD_FORM, encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(pack), "--lang", language])
    assert result.exit_code == 4
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected)
    for line, fragment in zip(lines, expected, strict=True):
        assert line.startswith(f"{pack}{fragment}"), line
    assert "Traceback" not in result.stdout + result.stderr
    # Screening with it stops with the configuration exit code and points to `rules check`, never a crash.
    screened = runner.invoke(app, ["screen", "--rules", str(pack), "--registry", str(registry_csv), "--name", "A"])
    assert screened.exit_code == 4 and "checkpoint rules check" in screened.stderr
    assert "Traceback" not in screened.stdout + screened.stderr
