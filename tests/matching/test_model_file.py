"""model.json: the shipped file reads, says where each value comes from, and a broken one is one clear error."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from checkpoint.errors import ConfigError
from checkpoint.matching import EvidenceMatcher, default_model, load_model
from checkpoint.matching.comparisons import LEVELS
from checkpoint.matching.model_file import MODEL_FORMAT, SECTIONS, model_from_tree, model_path, model_text, read_tree

SHIPPED = read_tree(model_path())


def entries(tree: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(section, value name, entry) of every value in the file (a field's outcomes one by one)."""
    found = []
    for section, names in SECTIONS.items():
        for name in names:
            entry = tree[section][name]
            if section == "weights" and name in LEVELS:
                found += [(section, f"{name}.{level}", entry[level]) for level in LEVELS[name]]
            else:
                found.append((section, name, entry))
    return found


def test_the_shipped_model_is_the_default_and_carries_its_versions() -> None:
    assert load_model(model_path()) == default_model()
    assert SHIPPED["format"] == MODEL_FORMAT and default_model().version == SHIPPED["model"]


def test_every_value_says_whether_it_was_fitted_or_set_by_hand_and_every_floor_what_protects_it() -> None:
    found = entries(SHIPPED)
    assert len(found) == 36  # every weight, threshold and floor the matcher uses
    for section, name, entry in found:
        assert entry["set"] in ("fitted", "hand"), name
        assert entry["set"] == "fitted" or entry["why"], name
        assert section != "pruning" or entry["protected_by"], name
    assert {name for _, name, entry in found if entry["set"] == "fitted"} >= {
        "prior", "date_of_birth.one_digit", "name_similarity", "name_rarity", "intercept", "lead_slope",
    }  # fmt: skip


def test_the_file_answers_what_a_one_digit_birth_date_slip_weighs() -> None:
    entry = SHIPPED["weights"]["date_of_birth"]["one_digit"]
    assert default_model().weights.outcomes["date_of_birth"]["one_digit"] == entry["value"] < 0


def test_the_shipped_file_is_laid_out_as_calibrate_writes_it() -> None:
    """So that a refit (`calibrate.py --write`) changes the values and nothing else."""
    assert model_path().read_text(encoding="utf-8") == model_text(SHIPPED)


def broken(change: dict[str, Any] | None = None, **top: Any) -> str:
    """The error message for the shipped tree with these changes (`section.name`: entry, or None to delete)."""
    tree = copy.deepcopy(SHIPPED)
    tree.update(top)
    for place, value in (change or {}).items():
        *parents, last = place.split(".")
        node = tree
        for parent in parents:
            node = node[parent]
        if value is None:
            del node[last]
        else:
            node[last] = value
    with pytest.raises(ConfigError) as raised:
        model_from_tree(tree, "model.json")
    assert raised.value.exit_code == 4
    return str(raised.value)


def test_a_broken_model_names_every_problem_at_once() -> None:
    message = broken(
        {
            "weights.date_of_birth.one_digit": {"value": "-2.39", "set": "fitted"},
            "decision.match_threshold": {"value": 1.5, "set": "hand", "why": "sure"},
            "pruning.name_prefilter": {"value": 60, "set": "hand", "why": "speed"},
            "claim.lead_cap": {"value": 8.0, "set": "guessed"},
            "namesakes.namesake_floor": None,
        }
    )
    assert message.startswith("the matching model model.json is not valid: ")
    for expected in (
        "weights.date_of_birth.one_digit must be a number",
        "decision.match_threshold must be below 1",
        "pruning.name_prefilter only saves work: name the test or benchmark that protects it",
        'claim.lead_cap must say where its value comes from: "set": "fitted" or "set": "hand"',
        "namesakes.namesake_floor is missing",
    ):
        assert expected in message


def test_a_hand_set_value_says_why() -> None:
    assert "decision.lead is set by hand: say why" in broken({"decision.lead": {"value": 2.5, "set": "hand"}})


def test_an_unknown_value_or_outcome_is_refused() -> None:
    assert "weights.sex must give exactly these outcomes a weight" in broken({"weights.sex.missing": None})
    assert "decision.threshold is not a value of the model" in broken(
        {"decision.threshold": {"value": 0.9, "set": "hand", "why": "x"}}
    )


def test_the_name_weight_must_not_fall_as_the_similarity_rises() -> None:
    points = [[0.7, -7.86], [0.8, -5.6], [0.9, 2.25], [0.95, 6.0], [1.0, 5.92]]
    message = broken({"weights.name_similarity": {"points": points, "set": "fitted"}})
    assert "weights.name_similarity must not fall as the name similarity rises" in message


def test_another_format_is_refused() -> None:
    assert f"format must be {MODEL_FORMAT}" in broken(format=MODEL_FORMAT + 1)


def test_a_file_that_is_not_json_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": 1,', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"is not valid JSON \(line 1, column 14"):
        load_model(path)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_model(tmp_path / "absent.json")


def test_the_matcher_takes_a_model(tmp_path: Path) -> None:
    tree = copy.deepcopy(SHIPPED)
    tree["decision"]["candidate_floor"]["value"] = 0.5
    path = tmp_path / "model.json"
    path.write_text(json.dumps(tree), encoding="utf-8")
    model = load_model(path)
    assert EvidenceMatcher(model).model.decision.candidate_floor == 0.5
    assert EvidenceMatcher().model is default_model()
