"""The name, place and variant tables: loaded from package data, large enough, and validated."""

from __future__ import annotations

import pytest

from checkpoint.errors import ConfigError
from checkpoint.synth import NAME_VARIATIONS, SCENARIOS, tables


def test_there_are_several_hundred_name_tokens_for_each_sex() -> None:
    tokens = tables.name_tokens()
    assert len({token.token for token in tokens}) >= 500
    for role in ("mononym", "first", "second", "bali", "christian"):
        assert sum(token.weight_f > 0 for token in tokens if token.role == role) >= 20, role
        assert sum(token.weight_m > 0 for token in tokens if token.role == role) >= 20, role
    assert sum(token.role == "clan" for token in tokens) >= 50
    assert sum(token.role == "father" for token in tokens) >= 30


@pytest.mark.parametrize("name", ["SITI AMINAH", "SRI WAHYUNI", "MUHAMMAD RIZKI", "NUR HIDAYAH"])
def test_the_very_common_full_names_of_domain_notes_are_listed(name: str) -> None:
    assert name in {common.full_name for common in tables.common_names()}


def test_titles_cover_pilgrims_and_degrees() -> None:
    listed = {title.title: title.position for title in tables.titles()}
    assert listed["H."] == listed["HJ."] == "prefix"
    assert listed["S.PD"] == listed["S.E."] == "suffix"
    assert "DRS." in listed


def test_balinese_and_sasak_parts() -> None:
    parts = tables.name_parts()
    assert parts.balinese_particle == {"M": "I", "F": "NI"}
    assert parts.sasak_prefix == {"M": "LALU", "F": "BAIQ"}
    order_names = {name for _, names in parts.birth_order for name in names}
    assert {"WAYAN", "PUTU", "GEDE", "MADE", "KADEK", "NENGAH", "NYOMAN", "KOMANG", "KETUT"} <= order_names


def test_main_destinations_come_first_and_g2g_only_where_there_is_a_government_scheme() -> None:
    destinations = {entry.code: entry for entry in tables.destinations()}
    overall = {code: entry.weight_f * 0.61 + entry.weight_m * 0.39 for code, entry in destinations.items()}
    assert set(sorted(overall, key=overall.__getitem__, reverse=True)[:3]) == {"TWN", "MYS", "HKG"}
    with_g2g = {code for code, entry in destinations.items() if entry.schemes["G2G"] > 0}
    assert {"KOR", "JPN", "DEU"} <= with_g2g and not with_g2g & {"TWN", "MYS", "HKG", "SAU"}


def test_variant_rules_load_with_typed_fields() -> None:
    rules = tables.variant_rules()
    muhammad = rules.spelling_groups["muhammad_variant"][0]
    assert "MUHAMMAD" in muhammad.spellings and "M" in muhammad.abbreviations
    assert set(rules.realistic_name_weights) <= set(NAME_VARIATIONS)
    assert rules.ocr_confusions["O"] == "0"
    assert rules.truncation_limits == (35, 39)


def test_every_planned_scenario_exists() -> None:
    plans = tables.manifest_plans()
    assert set(plans) == {"flight", "ferry", "umrah"}
    for kind, plan in plans.items():
        assert plan["scenarios"] and set(plan["scenarios"]) <= set(SCENARIOS), kind


def test_a_malformed_table_is_a_config_error_naming_file_and_line(monkeypatch: pytest.MonkeyPatch) -> None:
    good = tables._text("given_names.csv")
    monkeypatch.setattr(tables, "_text", lambda name: good + "siti,first,arabic,0,3\n")
    with pytest.raises(ConfigError, match=r"given_names\.csv:\d+ .*damaged \(token 'siti'"):
        tables.name_tokens.__wrapped__()


def test_a_variant_spelling_in_two_groups_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    good = tables._text("variants.yaml")
    bad = good.replace("[NUR, NOOR, NOER]", "[NUR, NOOR, NOER, SITI]")
    monkeypatch.setattr(tables, "_text", lambda name: bad)
    with pytest.raises(ConfigError, match="SITI"):
        tables.variant_rules.__wrapped__()
