"""The catalog: every entry in both languages with the same placeholders; the language a run speaks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checkpoint.i18n import Language, choose_language, load_catalog, number, set_language, text, text_in
from checkpoint.i18n.catalog_file import REQUIRED

PACKAGE = Path(__import__("checkpoint").__file__).resolve().parent
#: The suffixes of the files the code names, which are not catalog keys.
FILE_SUFFIXES = frozenset({"csv", "parquet", "arrow", "json", "jsonl", "toml", "xlsx", "yaml", "txt"})


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    catalog = load_catalog()
    assert len(catalog.entries) >= 6
    for entry in catalog.entries.values():
        assert set(entry.texts) == set(REQUIRED)
        assert entry.placeholders("id") == entry.placeholders("en"), entry.key


def test_every_key_the_code_names_exists() -> None:
    """A key missing from the catalog would fail only when its message is shown: at the worst time. Every
    string in the code that starts with a catalog area's name and a dot is taken for a key, unless it names a
    file (`"registry.parquet"`: the area `registry` is also a file's name)."""
    areas = {path.stem for path in (PACKAGE / "i18n" / "catalog").glob("*.toml")}
    alternatives = "|".join(sorted(areas))
    named = re.compile(rf"""["']((?:{alternatives})\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)["']""")
    found = {key for path in PACKAGE.rglob("*.py") for key in named.findall(path.read_text(encoding="utf-8"))}
    keys = {key for key in found if key.rsplit(".", 1)[1] not in FILE_SUFFIXES}
    assert keys, "no catalog key found in the code: the pattern no longer matches it"
    file_names = {"audit.jsonl", "audit.key"}  # the audit log's and its key's: they start like keys of audit.toml
    # the facts a rule tests (`application.purpose`) start like keys of application.toml
    fields = {line.split(",", 1)[0] for line in (PACKAGE / "engine" / "fields.csv").read_text().splitlines()[1:]}
    entries = set(load_catalog().entries)
    # a key the views give with whom they are about (`report.subject.subject_text`) names a pair of entries
    pairs = {key for key in keys if {f"{key}.traveller", f"{key}.applicant"} <= entries}
    assert pairs, "no traveller/applicant pair found: the views no longer name their subject"
    assert sorted(keys - file_names - fields - pairs - entries) == []


@pytest.mark.parametrize(
    ("option", "environment", "expected"),
    [
        ("en", {"CHECKPOINT_LANG": "id"}, Language.EN),
        (None, {"CHECKPOINT_LANG": "id", "LANG": "en_US.UTF-8"}, Language.ID),
        (None, {"CHECKPOINT_LANG": "fr", "LANG": "id_ID.UTF-8"}, Language.ID),
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID.UTF-8"}, Language.EN),
        (None, {"LANG": "in_ID"}, Language.ID),
        (None, {}, Language.EN),
    ],
)
def test_the_language_comes_from_the_option_then_the_variable_then_the_locale(
    option: str | None, environment: dict[str, str], expected: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("CHECKPOINT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert choose_language(option) is expected


def test_text_follows_the_current_language() -> None:
    try:
        set_language("id")
        assert text("verdict.name.hold") == "TUNDA"
        assert text_in("en", "verdict.name.hold") == "HOLD"
        set_language(Language.EN)
        assert text("verdict.meaning.clear.traveller") == "nothing found that needs action"
    finally:
        set_language(Language.EN)


def test_counts_are_grouped_as_each_language_groups_them() -> None:
    # 6,000 files read as six in Indonesian, where a comma marks decimals: Indonesian groups with points
    done = {"start": "2026-11-01", "end": "2026-11-30", "out": "out", "registered": 1_000, "unregistered": 5}
    assert text_in("id", "reconcile.done", files=6_000, departures=1_234_567, **done).startswith(
        "6.000 berkas dibaca: 1.234.567 keberangkatan"
    )
    assert text_in("en", "reconcile.done", files=6_000, departures=1_234_567, **done).startswith(
        "6,000 files read: 1,234,567 departures"
    )
    assert text_in("en", "reconcile.unreadable", count=1).startswith("1 departure file could not be read and was")
    try:
        set_language("id")
        assert number(1_000_000) == "1.000.000"
    finally:
        set_language(Language.EN)
    assert number(1_000_000) == "1,000,000"


def test_the_checked_catalog_is_kept_and_read_back_while_its_files_are_unchanged(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "catalog"
    fresh = load_catalog()
    assert load_catalog(cache=cache).entries == fresh.entries
    (kept,) = cache.iterdir()
    assert kept.stat().st_mode & 0o077 == 0 and cache.stat().st_mode & 0o077 == 0  # owner-only, as all state
    assert load_catalog(cache=cache).entries == fresh.entries  # read back from the kept file


@pytest.mark.parametrize("damage", ["{not json", '{"cli.note": {"en": "only English"}}', "[]"])
def test_a_damaged_kept_catalog_is_parsed_again_and_replaced(tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "catalog"
    load_catalog(cache=cache)
    (kept,) = cache.iterdir()
    kept.write_text(damage, encoding="utf-8")
    assert load_catalog(cache=cache).entries == load_catalog().entries
    assert load_catalog(cache=cache).entries == load_catalog().entries
    assert kept.read_text(encoding="utf-8") != damage
