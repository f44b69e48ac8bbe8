"""The generic reader of a pack's YAML tree: each misfit one problem at its place, reading never stops."""

from __future__ import annotations

from datetime import date

from checkpoint.engine.document import Map, Mark, Scalar, Seq, Value
from checkpoint.engine.shapes import ShapeReader, suggest


def at(line: int, column: int = 1) -> Mark:
    return Mark("pack.yaml", line, column)


def scalar(text: str | None, line: int = 2) -> Scalar:
    return Scalar(text, at(line, 5))


def mapping(items: dict[str, Value], line: int = 1) -> Map:
    return Map(items, at(line), {key: at(line + i, 3) for i, key in enumerate(items)})


def reported(reader: ShapeReader) -> list[str]:
    return [str(problem) for problem in reader.problems]


def test_values_of_the_right_shape_are_read_without_a_problem() -> None:
    reader = ShapeReader()
    assert reader.text(scalar("NO"), "code", at(1)) == "NO"
    assert reader.integer(scalar("012"), "score", at(1)) == 12
    assert reader.day(scalar("2026-11-28"), "from", at(1)) == date(2026, 11, 28)
    assert reader.choice(scalar("high"), ("low", "high"), "severity", at(1)) == "high"
    assert reader.items(Seq((scalar("a"),), at(3)), "values", at(1)) == (scalar("a"),)
    assert reader.flat(mapping({"sex": scalar("F")}), {"sex"}, "traveller") == {"sex": "F"}
    assert reader.problems == []


def test_a_value_not_written_is_none_and_no_problem() -> None:
    reader = ShapeReader()
    assert reader.text(None, "title", at(1)) is None
    assert reader.integer(None, "score", at(1)) is None
    assert reader.mapping(None, "policy", at(1)) is None
    assert reader.items(None, "rules", at(1)) == ()
    assert reader.flat(None, {"sex"}, "traveller") == {}
    assert reader.problems == []


def test_every_misfit_is_recorded_at_its_place_and_reading_goes_on() -> None:
    reader = ShapeReader()
    assert reader.text(Seq((), at(4, 7)), "title", at(1)) is None
    assert reader.integer(scalar("4O", line=5), "score", at(1)) is None
    assert reader.day(scalar("28/11/2026", line=6), "from", at(1)) is None
    assert reader.choice(scalar("critcal", line=7), ("high", "critical"), "severity", at(1)) is None
    assert reader.mapping(scalar("x", line=8), "policy", at(1)) is None
    assert reader.items(scalar("x", line=9), "rules", at(1)) == ()
    assert reported(reader) == [
        "pack.yaml:4:7: E103 title must be text",
        "pack.yaml:5:5: E103 score must be a whole number, not '4O'",
        "pack.yaml:6:5: E103 from must be a date YYYY-MM-DD, not '28/11/2026'",
        "pack.yaml:7:5: E104 severity 'critcal' is not one of high, critical; did you mean 'critical'?",
        "pack.yaml:8:5: E103 policy must be a mapping of keys to values",
        "pack.yaml:9:5: E103 rules must be a list",
    ]


def test_unknown_and_missing_keys() -> None:
    reader = ShapeReader()
    reader.keys(mapping({"titel": scalar("x"), "score": scalar("1")}), ("title", "score"), ("title", "id"), "a rule")
    assert reported(reader) == [
        "pack.yaml:1:3: E101 unknown key 'titel' in a rule; did you mean 'title'?",
        "pack.yaml:1:1: E102 a rule needs 'title'",
        "pack.yaml:1:1: E102 a rule needs 'id'",
    ]


def test_a_flat_mapping_names_unknown_fields_with_their_hint_and_refuses_nested_values() -> None:
    reader = ShapeReader()
    node = mapping({"sexx": scalar("F"), "old": scalar("1"), "name": Seq((), at(9, 9)), "age": scalar("30")})
    hints = {"old": "write 'new' instead"}
    assert reader.flat(node, {"sex", "name", "age"}, "traveller", hints) == {"age": "30"}
    assert reported(reader) == [
        "pack.yaml:1:3: E101 unknown traveller field 'sexx'; did you mean 'sex'?",
        "pack.yaml:2:3: E101 unknown traveller field 'old'; write 'new' instead",
        "pack.yaml:9:9: E103 traveller field 'name' must be a single value",
    ]


def test_suggest_only_a_close_name() -> None:
    assert suggest("destinaton", ["destination", "departure_date"]) == "; did you mean 'destination'?"
    assert suggest("xyz", ["destination"]) == ""


def test_every_operator_alias_names_a_real_operator_and_no_operator_is_an_alias() -> None:
    from checkpoint.engine.pack import ALL_OPERATORS
    from checkpoint.engine.shapes import operator_aliases

    aliases = operator_aliases()
    assert len(aliases) > 20
    assert set(aliases.values()) <= ALL_OPERATORS
    assert not set(aliases) & (ALL_OPERATORS | {"is", "field", "all", "any", "not"})


def test_suggest_ignores_case_and_dashes_and_knows_aliases() -> None:
    assert suggest("Visa-Type", ["visa_type", "age"]) == "; did you mean 'visa_type'?"
    assert suggest(">=", ["ge", "gt"], {">=": "ge"}) == "; did you mean 'ge'?"
    assert suggest(">=", ["ge", "gt"]) == ""
