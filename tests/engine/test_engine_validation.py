"""`rules check`: every mistake in a pack reported in one pass, placed, with a did-you-mean where one helps."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkpoint.engine import default_pack_path, load_pack, read_pack
from checkpoint.engine.document import Problem
from checkpoint.engine.patterns import Pattern, compile_pattern
from checkpoint.errors import ConfigError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "packs"


def codes(problems: list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


def only(problems: list[Problem], code: str) -> Problem:
    """The single problem of a test that makes one mistake."""
    assert codes(problems) == [code], [str(problem) for problem in problems]
    return problems[0]


# -- valid packs -----------------------------------------------------------------------------------------


def test_the_default_pack_is_valid() -> None:
    pack, problems = read_pack(default_pack_path())
    assert problems == []
    assert pack is not None and pack.name == "default"
    assert len(pack.rules) == len({rule.id for rule in pack.rules}) >= 10


def test_the_minimal_fixture_is_valid_as_a_file() -> None:
    pack, problems = read_pack(FIXTURES / "engine_minimal_pack.yaml")
    assert problems == [] and pack is not None
    assert [rule.id for rule in pack.rules] == ["MN-001"]
    assert len(pack.sha256) == 64


def test_the_hash_changes_with_any_byte(write_pack) -> None:
    text = (FIXTURES / "engine_minimal_pack.yaml").read_text("utf-8")
    first, _ = read_pack(write_pack({"pack.yaml": text}))
    same, _ = read_pack(write_pack({"pack.yaml": text}))
    changed, _ = read_pack(write_pack({"pack.yaml": text.replace("score: 50", "score: 51")}))
    assert first and same and changed
    assert first.sha256 == same.sha256 != changed.sha256


# -- one pass, every problem ---------------------------------------------------------------------------

#: file, line, column, code and a part of the message, for every mistake planted in engine_many_errors/.
MANY_ERRORS = [
    ("many_errors_policy.yaml", 5, 3, "E101", "unknown key 'descripton' in pack; did you mean 'description'?"),
    ("many_errors_policy.yaml", 7, 3, "E301", "refer_at (70) < hold_at (30)"),
    ("many_errors_policy.yaml", 10, 18, "E104", "severity 'critcal' is not one of"),
    ("many_errors_policy.yaml", 11, 14, "E212", "unknown rule 'NP-099'"),
    ("many_errors_policy.yaml", 12, 7, "E106", "'severity' or a 'rule', not both"),
    ("many_errors_policy.yaml", 14, 14, "E212", "unknown rule 'NP-00l'; did you mean"),
    ("many_errors_policy.yaml", 20, 16, "E105", "'until' (2019-01-01) must be after 'from' (2020-01-01)"),
    ("many_errors_rules.yaml", 5, 12, "E103", "score must be a whole number, not 'high'"),
    ("many_errors_rules.yaml", 6, 23, "E208", "placeholder '{visa}' is not a field; did you mean 'visa_type'?"),
    ("many_errors_rules.yaml", 9, 18, "E202", "unknown field 'visa'; did you mean 'visa_type'?"),
    ("many_errors_rules.yaml", 12, 11, "E203", "unknown operator 'betwen'; did you mean 'between'?"),
    ("many_errors_rules.yaml", 14, 20, "E206", "unknown list 'guff'; did you mean 'gulf'?"),
    ("many_errors_rules.yaml", 18, 5, "E102", "a rule needs 'severity'"),
    ("many_errors_rules.yaml", 20, 5, "E101", "unknown key 'sevrity' in a rule; did you mean 'severity'?"),
    ("many_errors_rules.yaml", 21, 12, "E205", "score must be between 0 and 100"),
    ("many_errors_rules.yaml", 22, 18, "E102", "explanation needs 'id'"),
    ("many_errors_rules.yaml", 26, 11, "E204", "operator 'lt' does not apply to text field 'visa_type'"),
    ("many_errors_rules.yaml", 28, 20, "E205", "'between' takes [low, high] with low <= high"),
    ("many_errors_rules.yaml", 30, 20, "E205", "'between' takes [low, high] with low <= high"),
    ("many_errors_rules.yaml", 32, 53, "E205", "'many' is not a number"),
    ("many_errors_rules.yaml", 34, 5, "E209", "rule NP-003 has no test cases"),
    ("many_errors_rules.yaml", 42, 20, "E207", "not a valid regular expression"),
    ("many_errors_rules.yaml", 44, 20, "E207", "lookahead and lookbehind are not supported"),
    ("many_errors_rules.yaml", 47, 5, "E102", "a rule needs 'tests'"),
    ("many_errors_rules.yaml", 47, 9, "E211", "rule id 'np_4' must look like NP-001"),
    ("many_errors_rules.yaml", 49, 15, "E104", "severity 'sever' is not one of"),
    ("many_errors_rules.yaml", 52, 32, "E205", "'maybe' is not true or false"),
    ("many_errors_zmore.yaml", 2, 5, "E201", "duplicate rule id 'NP-003' (first at "),
]


def test_every_problem_of_a_broken_pack_is_reported_in_one_pass() -> None:
    folder = FIXTURES / "engine_many_errors"
    pack, problems = read_pack(folder)
    assert pack is None
    found = [(Path(p.mark.path).name, p.mark.line, p.mark.column, p.code) for p in problems]
    assert found == [entry[:4] for entry in MANY_ERRORS]
    for problem, (*_, fragment) in zip(problems, MANY_ERRORS, strict=True):
        assert fragment in problem.message, str(problem)
    duplicate = problems[-1].message
    assert f"{folder / 'many_errors_rules.yaml'}:34:5" in duplicate


def test_load_pack_raises_a_config_error_naming_the_first_problems() -> None:
    with pytest.raises(ConfigError) as raised:
        load_pack(FIXTURES / "engine_many_errors")
    message = str(raised.value)
    assert "many_errors_policy.yaml:5:3: E101" in message
    assert f"(and {len(MANY_ERRORS) - 3} more)" in message
    assert "checkpoint rules check" in message
    assert raised.value.exit_code == 4


# -- one mistake at a time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "code", "message"),
    [
        ("{field: destnation, eq: SAU}", "E202", "unknown field 'destnation'; did you mean 'destination'?"),
        ("{field: destination, not_inlist: gulf}", "E203", "did you mean 'not_in_list'?"),
        ("{field: destination, in_list: gulff}", "E206", "unknown list 'gulff'; did you mean 'gulf'?"),
        ("{field: visa_type, lt: work}", "E204", "operator 'lt' does not apply to text field 'visa_type'"),
        ("{field: one_way, gt: 1}", "E204", "operator 'gt' does not apply to bool field 'one_way'"),
        ("{field: departure_date, in: [2026-01-01]}", "E204", "does not apply to date field"),
        ("{field: age, between: [45, 18]}", "E205", "low <= high"),
        ("{field: departure_date, between: [2026-12-01, 2026-11-01]}", "E205", "low <= high"),
        ("{field: age, between: [18]}", "E205", "'between' takes [low, high]"),
        ("{field: age, between: 18}", "E103", "between must be a list"),
        ("{field: age, gt: eighteen}", "E205", "'eighteen' is not a number"),
        ("{field: age, gt: .nan}", "E205", "is not a number"),
        ("{field: age, lt: inf}", "E205", "is not a number"),
        ("{field: departure_date, lt: 28/11/2026}", "E205", "'28/11/2026' is not a date YYYY-MM-DD"),
        ("{field: one_way, is: maybe}", "E205", "'maybe' is not true or false"),
        ("{field: destination, eq: Narnia}", "E205", "'Narnia' is not a country code"),
        ("{field: nationality, in: [IDN, 012345]}", "E205", "'012345' is not a country code"),
        ("{field: destination, eq: KSA}", "E205", "'KSA' is an airport code (in FSM), not a country code"),
        ("{field: destination, eq: JED}", "E205", "'JED' is an airport code (in SAU)"),
        ("{field: age, exists: false}", "E205", "'exists' takes 'true'"),
        ("{field: visa_type, in: []}", "E205", "'in' needs at least one value"),
        ("{field: age, gt: 1, lt: 5}", "E106", "exactly one operator"),
        ("{field: age}", "E106", "exactly one operator"),
        ("{all: [{field: age, gt: 1}], field: age}", "E106", "either all/any/not or one field test"),
        ("{any: []}", "E106", "'any' needs a list of at least one condition"),
        ("{all: {field: age, gt: 1}}", "E103", "'all' must be a list"),
        ("{eq: 5}", "E102", "a condition needs 'field'"),
        ("[{field: age, gt: 1}]", "E103", "a condition must be a mapping"),
        ("{field: flight, matches: '[GA'}", "E207", "not a valid regular expression"),
        ("{field: flight, matches: '(GA)\\1'}", "E207", "backreferences are not supported"),
        ("{field: flight, matches: '" + "A" * 101 + "'}", "E207", "longer than 100 characters"),
    ],
)
def test_a_condition_mistake(check_pack, rule, when: str, code: str, message: str) -> None:
    problem = only(check_pack(rule("T-001", when)), code)
    assert message in problem.message
    assert Path(problem.mark.path).name == "pack.yaml"
    assert problem.mark.line == 18  # the `when:` line of the rule (see PACK_TEMPLATE and rule_yaml)


def test_an_unknown_field_and_an_unknown_operator_in_one_test_are_both_reported(check_pack, rule) -> None:
    problems = check_pack(rule("T-001", "{field: visa, equals: work}"))
    assert codes(problems) == ["E202", "E203"]


@pytest.mark.parametrize(
    ("replace", "by", "code", "message"),
    [
        ("status:", "stauts:", "E101", "unknown key 'stauts' in a rule; did you mean 'status'?"),
        ("score: 40", "score: high", "E103", "score must be a whole number, not 'high'"),
        ("score: 40", "score: 12.5", "E103", "whole number"),
        ("score: 40", "score: 101", "E205", "score must be between 0 and 100"),
        ("score: 40", "score: -1", "E205", "score must be between 0 and 100"),
        ("severity: high", "severity: hihg", "E104", "did you mean 'high'?"),
        ("status: active", "status: live", "E104", "status 'live' is not one of active, draft, retired"),
        ("id: T-001", "id: rule one", "E211", "must look like NP-001"),
        ("en: 'rule fired'", "en: 'age {umur}'", "E208", "placeholder '{umur}' is not a field"),
        ("en: 'rule fired'", "en: 'from {pasport_expiry}'", "E208", "did you mean 'passport_expiry'?"),
        ("en: 'rule fired', ", "", "E102", "explanation needs 'en'"),
        (", id: 'aturan'", "", "E102", "explanation needs 'id'"),
        ("expect: no_fire", "expect: nofire", "E104", "did you mean 'no_fire'?"),
        ("traveller: {full_name: SITI}", "traveller: {full_name: SITI, visa: work}", "E101", "unknown traveller"),
        ("traveller: {full_name: SITI}", "traveller: {full_name: SITI}, record: {stat: READY}", "E101", "'status'?"),
        (
            "traveller: {full_name: SITI}",
            "traveller: {full_name: SITI}, facts: {candidates.cont: '4'}",
            "E101",
            "did you mean 'candidates.count'?",
        ),
        (
            "traveller: {full_name: SITI}",
            "traveller: {full_name: SITI}, facts: {group.size: '4'}",
            "E101",
            "group facts are counted from the travellers of a 'manifest' case",
        ),
        (
            "traveller: {full_name: SITI}",
            "traveller: {full_name: SITI}, facts: {booking.unregistered_one_way: '4'}",
            "E101",
            "written as a group rule: scope: group, group_by: booking_ref",
        ),
        ("traveller: {full_name: SITI}", "traveller: {full_name: SITI}, facts: {age: old}", "E205", "not a number"),
        ("traveller: {full_name: SITI}", "traveller: {full_name: SITI}, facts: {one_way: '1'}", "E205", "true or"),
        ("traveller: {full_name: SITI}", "facts: {age: '40'}", "E102", "a test case needs 'traveller'"),
    ],
)
def test_a_rule_mistake(check_pack, rule, replace: str, by: str, code: str, message: str) -> None:
    text = rule("T-001", "{field: age, gt: 1}")
    assert replace in text
    problem = only(check_pack(text.replace(replace, by, 1)), code)
    assert message in problem.message


def test_a_rule_without_tests(check_pack, rule) -> None:
    text = rule("T-001", "{field: age, gt: 1}")
    without = text[: text.index("    tests:")]
    assert "a rule needs 'tests'" in only(check_pack(without), "E102").message
    empty = without + "    tests: []\n"
    assert "rule T-001 has no test cases" in only(check_pack(empty), "E209").message


def test_duplicate_rule_ids_across_files(check_pack, rule) -> None:
    other = "rules:\n" + rule("T-001", "{field: age, gt: 2}")
    problem = only(check_pack(rule("T-001", "{field: age, gt: 1}"), extra={"zz_more.yaml": other}), "E201")
    assert Path(problem.mark.path).name == "zz_more.yaml"
    assert problem.mark.line == 2
    assert "pack.yaml:12:5" in problem.message


def test_a_list_defined_in_two_files(check_pack, rule) -> None:
    other = "lists:\n  gulf:\n    entries:\n      - values: [QAT]\n"
    problems = check_pack(rule("T-001", "{field: age, gt: 1}"), extra={"zz_lists.yaml": other})
    assert "list 'gulf' is defined twice" in only(problems, "E213").message


def test_two_policies(check_pack, rule) -> None:
    other = "policy:\n  refer_at: 10\n  hold_at: 20\n"
    problems = check_pack(rule("T-001", "{field: age, gt: 1}"), extra={"zz_policy.yaml": other})
    assert "'policy' is defined more than once" in only(problems, "E213").message


def test_a_pack_without_policy_or_pack_section(write_pack) -> None:
    _, problems = read_pack(write_pack({"rules.yaml": "rules: []\n"}))
    assert sorted(problem.message for problem in problems) == [
        "the pack needs a 'pack' section",
        "the pack needs a 'policy' section",
    ]


@pytest.mark.parametrize(("refer_at", "hold_at"), [(70, 30), (50, 50), (0, 50), (30, 101)])
def test_thresholds_out_of_order(write_pack, refer_at: int, hold_at: int) -> None:
    text = (FIXTURES / "engine_minimal_pack.yaml").read_text("utf-8")
    text = text.replace("refer_at: 30", f"refer_at: {refer_at}").replace("hold_at: 70", f"hold_at: {hold_at}")
    _, problems = read_pack(write_pack({"pack.yaml": text}))
    assert "thresholds must satisfy 0 < refer_at" in only(problems, "E301").message


@pytest.mark.parametrize(
    ("policy", "code", "message"),
    [
        ("  force:\n    - {rule: T-002, verdict: hold}", "E212", "unknown rule 'T-002'; did you mean 'T-001'?"),
        ("  unknown:\n    - {rule: T-01, verdict: refer}", "E212", "unknown rule 'T-01'; did you mean 'T-001'?"),
        ("  force:\n    - {severity: urgent, verdict: hold}", "E104", "severity 'urgent' is not one of"),
        ("  force:\n    - {severity: high, verdict: clear}", "E104", "verdict 'clear' is not one of refer, hold"),
        ("  force:\n    - {verdict: hold}", "E102", "needs 'severity' or 'rule'"),
        ("  unknown:\n    - {rule: T-001}", "E102", "an unknown entry needs 'verdict'"),
        ("  language: id", "E101", "'language' is no longer part of the policy: texts follow the language of the run"),
        ("  refer_after: 3", "E101", "did you mean 'refer_at'?"),
    ],
)
def test_a_policy_mistake(check_pack, rule, policy: str, code: str, message: str) -> None:
    problem = only(check_pack(rule("T-001", "{field: age, gt: 1}"), policy=policy), code)
    assert message in problem.message


def test_a_force_entry_may_name_a_rule_that_has_its_own_mistake(check_pack, rule) -> None:
    # Only the rule's own mistake is reported, not a follow-on "unknown rule" in the policy.
    problems = check_pack(rule("T-001", "{field: age, gt: old}"), policy="  force:\n    - {rule: T-001, verdict: hold}")
    assert codes(problems) == ["E205"]


def test_list_mistakes(check_pack, rule) -> None:
    lists = (
        "  scam:\n    entries:\n      - values: [KHM]\n        form: 2020-01-01\n      - {values: [MMR], until: soon}\n"
    )
    problems = check_pack(rule("T-001", "{field: destination, in_list: scam}"), lists=lists)
    assert codes(problems) == ["E101", "E103"]
    assert "did you mean 'from'?" in problems[0].message
    assert "until must be a date YYYY-MM-DD, not 'soon'" in problems[1].message


def test_a_list_compared_with_countries_holds_alpha3_codes(check_pack, rule) -> None:
    lists = "  trips:\n    entries:\n      - values: [SAU, JED, SA, Narnia]\n"
    problems = check_pack(
        rule("T-001", "{field: destination, in_list: trips}"),
        rule("T-002", "{field: record.destination_country, not_in_list: trips}"),  # reported once, not twice
        rule("T-003", "{field: visa_type, in_list: trips}"),  # any text will do for visa types
        lists=lists,
    )
    assert [(p.code, p.mark.line, p.mark.column) for p in problems] == [("E205", 12, n) for n in (23, 28, 32)]
    messages = [
        problem.message.removeprefix("list 'trips' is compared with countries (ISO alpha-3): ") for problem in problems
    ]
    assert messages == [
        "'JED' is an airport code (in SAU), not a country code; write the country's code",
        "write SAU",
        "'Narnia' is not a country code (ISO alpha-3 such as SAU, or alpha-2 such as NO)",
    ]


def test_problems_come_out_in_file_and_line_order(check_pack, rule) -> None:
    problems = check_pack(
        rule("T-002", "{field: age, gt: x}"),
        rule("T-001", "{field: ag, gt: 1}", score=500),
        policy="  force:\n    - {rule: T-009, verdict: hold}",
    )
    places = [(problem.mark.path, problem.mark.line, problem.mark.column) for problem in problems]
    assert places == sorted(places)
    assert codes(problems) == ["E212", "E205", "E205", "E202"]


# -- patterns, run by RE2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "matching", "not_matching"),
    [
        ("(a+)+$", "aaaa", "aaa!"),  # refused while Python's backtracking engine ran patterns: now harmless
        ("(a|aa)+$", "aaaa", "aaa!"),
        (r"^(GA|QZ)8\d+$", "ga820", "ga8x"),
        ("umr[ao]h|ziarah", "UMROH", "hajj"),
        (r"\(a+\)+", "(a)", "a"),
        ("[(a+)]+", "+", "b"),
        ("a{2}b+", "aab", "ab"),
        ("^vis", "visa_free", "tourist visa"),
    ],
)
def test_patterns_match_as_written_whatever_their_repetitions(pattern: str, matching: str, not_matching: str) -> None:
    compiled = compile_pattern(pattern)
    assert isinstance(compiled, Pattern), compiled
    assert compiled.search(matching) and not compiled.search(not_matching)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(GA)\1", r"the pattern uses '\1'; backreferences are not supported"),
        ("(?P<x>GA)(?P=x)", "the pattern uses '(?P='; backreferences are not supported"),
        ("GA(?=8)", "the pattern uses '(?='; lookahead and lookbehind are not supported"),
        ("GA(?!8)", "lookahead and lookbehind are not supported"),
        ("(?<=G)A", "lookahead and lookbehind are not supported"),
        ("(?<!G)A", "lookahead and lookbehind are not supported"),
        ("(?>GA)", "atomic groups"),
        (r"GA\d*+", "possessive quantifiers"),
        (r"GA\Z", r"write $ (or \z) for the end of the value"),
        ("GA{,3}", "'{,3}' would match the characters themselves; write {0,3} for at most 3 times"),
        ("GA{,}", "write * for any number of times"),
        ("GA{1001}", "not a valid regular expression (invalid repetition size: {1001})"),
    ],
)
def test_what_re2_cannot_do_is_refused_at_its_place_with_what_to_write(
    check_pack, rule, pattern: str, message: str
) -> None:
    problem = only(check_pack(rule("T-001", f"{{field: flight, matches: '{pattern}'}}")), "E207")
    assert message in problem.message
    assert (problem.mark.line, problem.mark.column) == (18, 36)


def test_a_brace_that_is_not_a_repetition_is_no_problem() -> None:
    for pattern in (r"[{,3}]", r"\{,3}", "{,3}"):
        assert isinstance(compile_pattern(pattern), Pattern), pattern


# -- group rules -------------------------------------------------------------------------------------------

GROUP = {"scope": "group", "group_by": "booking_ref", "members": "{field: one_way, is: true}"}
GROUP_WHEN = "{field: group.members, ge: 4}"
MANIFEST_CASE = "{name: m, manifest: [{traveller: {full_name: A}, expect: no_fire}]}"


def test_a_group_rule_is_valid(check_pack, rule) -> None:
    assert check_pack(rule("G-001", GROUP_WHEN, extra=GROUP)) == []
    assert check_pack(rule("G-001", GROUP_WHEN, extra={**GROUP, "lands_on": "everyone"})) == []
    assert (
        check_pack(rule("G-001", "{field: group.size, ge: 10}", extra={"scope": "group", "group_by": "flight"})) == []
    )


@pytest.mark.parametrize(
    ("extra", "when", "code", "message"),
    [
        ({**GROUP, "group_by": "booking"}, GROUP_WHEN, "E104", "group_by 'booking' is not one of booking_ref"),
        ({**GROUP, "group_by": "group_cod"}, GROUP_WHEN, "E104", "did you mean 'group_code'?"),
        ({"scope": "group"}, GROUP_WHEN, "E102", "a group rule needs 'group_by' (one of booking_ref, group_code"),
        ({**GROUP, "scope": "groups"}, GROUP_WHEN, "E104", "did you mean 'group'?"),
        ({**GROUP, "lands_on": "all"}, GROUP_WHEN, "E104", "lands_on 'all' is not one of members, everyone"),
        ({**GROUP, "members": "{field: one_wya, is: true}"}, GROUP_WHEN, "E202", "did you mean 'one_way'?"),
        ({**GROUP, "members": "{field: one_way, is: perhaps}"}, GROUP_WHEN, "E205", "not true or false"),
        ({**GROUP, "members": "{field: group.size, ge: 2}"}, GROUP_WHEN, "E214", "test it under 'when'"),
        (GROUP, "{field: visa_type, eq: work}", "E214", "test 'visa_type' under 'members'"),
        (GROUP, "{field: group.membres, ge: 4}", "E202", "did you mean 'group.members'?"),
        (GROUP, "{field: group.members, ge: many}", "E205", "'many' is not a number"),
        (GROUP, "{field: group.members, in: [4, 5]}", "E204", "operator 'in' does not apply to count field"),
        (GROUP, "{field: group.members, exists: true}", "E204", "operator 'exists' does not apply"),
        (GROUP, "{field: group.share, ge: 50}", "E205", "group.share is a fraction from 0 to 1"),
        (GROUP, "{field: group.share, between: [0.5, 2]}", "E205", "group.share is a fraction from 0 to 1"),
        ({}, GROUP_WHEN, "E214", "'group.members' is a fact of a group of travellers: use it in a group rule"),
        ({"group_by": "booking_ref"}, "{field: age, gt: 1}", "E106", "'group_by' belongs to group rules"),
        ({"members": "{field: age, gt: 1}"}, "{field: age, gt: 1}", "E106", "'members' belongs to group rules"),
        ({}, "{field: booking.unregistered_one_way, ge: 4}", "E202", "scope: group, group_by: booking_ref"),
        ({}, "{field: group.unregistered, ge: 4}", "E202", "scope: group, group_by: group_code"),
    ],
)
def test_a_group_rule_mistake(check_pack, rule, extra: dict[str, str], when: str, code: str, message: str) -> None:
    problem = only(check_pack(rule("G-001", when, extra=extra)), code)
    assert message in problem.message, problem.message


def test_group_placeholders_only_in_group_rules(check_pack, rule) -> None:
    assert check_pack(rule("G-001", GROUP_WHEN, extra=GROUP, en="{group.members} of {group.size}, {group.share}")) == []
    problem = only(check_pack(rule("T-001", "{field: age, gt: 1}", en="{group.size}", id="aturan")), "E208")
    assert "group facts are only known in group rules" in problem.message


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        (MANIFEST_CASE, None, ""),
        (
            "{manifest: [{traveller: {full_name: A}, expect: fire}], shared: {booking_ref: X, ticket: one_way}}",
            None,
            "",
        ),
        ("{manifest: []}", "E106", "a manifest case needs at least one traveller"),
        ("{manifest: [{traveller: {full_name: A}}]}", "E102", "a manifest traveller needs 'expect'"),
        ("{manifest: [{traveller: {full_name: A}, expect: fires}]}", "E104", "did you mean 'fire'?"),
        ("{manifest: [{travller: {full_name: A}, expect: fire}]}", "E101", "did you mean 'traveller'?"),
        ("{manifest: [{traveller: {full_name: A}, expect: fire}], expect: fire}", "E101", "in a manifest case"),
        ("{manifest: [{traveller: {full_name: A}, expect: fire}], shared: {bookingref: X}}", "E101", "'booking_ref'?"),
        ("{manifest: [{facts: {group.size: '3'}, expect: fire}]}", "E101", "counted from the travellers"),
        ("{manifest: [{record: {stauts: READY}, expect: fire}]}", "E101", "did you mean 'status'?"),
        ("{manifest: {traveller: {full_name: A}, expect: fire}}", "E103", "manifest must be a list"),
        ("{manifest: [SITI], expect: fire}", "E103", "a manifest traveller must be a mapping"),
        ("{traveller: {full_name: A}, shared: {booking_ref: X}, expect: fire}", "E101", "unknown key 'shared'"),
    ],
)
def test_manifest_case_mistakes(check_pack, rule, case: str, code: str | None, message: str) -> None:
    text = rule("G-001", GROUP_WHEN, extra=GROUP).replace("{traveller: {full_name: SITI}, expect: no_fire}", case)
    problems = check_pack(text)
    if code is None:
        assert problems == []
    else:
        problem = only(problems, code) if code != "E103" or len(problems) == 1 else problems[0]
        assert problem.code == code and message in problem.message, [str(p) for p in problems]


def test_a_single_traveller_case_may_test_a_group_rule(make_pack, rule) -> None:
    pack = make_pack(rule("G-001", GROUP_WHEN, extra=GROUP))
    [case] = pack.rules[0].tests
    assert not case.manifest and len(case.travellers) == 1


def test_every_group_rule_mistake_is_reported_in_one_pass(check_pack, rule) -> None:
    extra = {"scope": "group", "members": "{field: one_wya, is: true}", "lands_on": "all"}
    problems = check_pack(rule("G-001", "{field: age, gt: 1}", extra=extra))
    assert codes(problems) == ["E102", "E202", "E104", "E214"]


def test_the_registry_age_limit_is_read_from_the_policy(write_pack) -> None:
    text = (FIXTURES / "engine_minimal_pack.yaml").read_text("utf-8")
    pack, problems = read_pack(
        write_pack({"pack.yaml": text.replace("hold_at: 70", "hold_at: 70\n  registry_max_age_days: 5")})
    )
    assert problems == [] and pack is not None and pack.policy.registry_max_age_days == 5
    pack, _ = read_pack(write_pack({"pack.yaml": text}))
    assert pack is not None and pack.policy.registry_max_age_days is None  # optional: no warning then
    assert load_pack(default_pack_path()).policy.registry_max_age_days == 7


@pytest.mark.parametrize(("value", "code", "message"), [("0", "E301", "1 or more"), ("week", "E103", "whole number")])
def test_a_wrong_registry_age_limit(write_pack, value: str, code: str, message: str) -> None:
    text = (FIXTURES / "engine_minimal_pack.yaml").read_text("utf-8")
    text = text.replace("hold_at: 70", f"hold_at: 70\n  registry_max_age_days: {value}")
    _, problems = read_pack(write_pack({"pack.yaml": text}))
    assert message in only(problems, code).message
