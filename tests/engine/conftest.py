"""Shared builders for the rule-engine tests: small packs written on the fly, fact tables, screened batches."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checkpoint.engine import Assessment, RulePack, build_facts, default_pack_path, evaluate, load_pack, read_pack
from checkpoint.engine.document import Problem
from checkpoint.engine.facts import Facts
from checkpoint.engine.pack import fields_of
from checkpoint.models import MatchOutcome, Traveller

TODAY = date(2026, 11, 28)

#: A valid pack around the rules under test; `{lists}` and `{rules}` are filled in (YAML, indented as shown).
PACK_TEMPLATE = """\
pack: {{name: test, version: "1"}}
policy:
  refer_at: 30
  hold_at: 70
{policy}
lists:
  gulf:
    entries:
      - values: [SAU, ARE]
{lists}
rules:
{rules}
"""


def rule_yaml(
    rule_id: str,
    when: str,
    *,
    score: int = 40,
    severity: str = "high",
    family: str | None = None,
    en: str = "rule fired",
    id: str | None = None,
    status: str = "active",
    extra: Mapping[str, str] | None = None,
) -> str:
    """One rule as YAML (a list item), with `when` in flow style, e.g. `{field: age, gt: 30}`.

    `en`, `id`: the explanation in English and Bahasa Indonesia (by default the English one when it has
    placeholders, which both languages must share; else 'aturan'). `extra`: more keys in flow style, e.g.
    `{"scope": "group", "group_by": "booking_ref"}`.
    """
    indonesian = id if id is not None else en if "{" in en else "aturan"
    family_line = f"\n    family: {family}" if family else ""
    extra_lines = "".join(f"\n    {key}: {value}" for key, value in (extra or {}).items())
    return (
        f"  - id: {rule_id}\n"
        f"    title: {{id: aturan {rule_id}, en: rule {rule_id}}}\n"
        f"    severity: {severity}\n"
        f"    score: {score}\n"
        f"    status: {status}{family_line}{extra_lines}\n"
        f"    explanation: {{en: '{en}', id: '{indonesian}'}}\n"
        f"    when: {when}\n"
        f"    tests:\n"
        f"      - {{traveller: {{full_name: SITI}}, expect: no_fire}}\n"
    )


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write files (name → YAML text, dedented) into a fresh pack folder and return the folder."""
    counter = iter(range(1_000))

    def write(files: Mapping[str, str | bytes]) -> Path:
        folder = tmp_path / f"pack{next(counter)}"
        folder.mkdir()
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def make_pack(write_pack: Callable[[Mapping[str, str | bytes]], Path]) -> Callable[..., RulePack]:
    """A valid pack from rule snippets (see `rule_yaml`); fails the test if the pack has any problem."""

    def make(*rules: str, lists: str = "", policy: str = "") -> RulePack:
        text = PACK_TEMPLATE.format(rules="".join(rules), lists=lists, policy=policy)
        folder = write_pack({"pack.yaml": text})
        pack, problems = read_pack(folder)
        assert problems == [], [str(problem) for problem in problems]
        assert pack is not None
        return pack

    return make


@pytest.fixture
def check_pack(write_pack: Callable[[Mapping[str, str | bytes]], Path]) -> Callable[..., list[Problem]]:
    """The problems `rules check` would print for a pack built from rule snippets (pack.yaml in a folder)."""

    def check(*rules: str, lists: str = "", policy: str = "", extra: Mapping[str, str] | None = None) -> list[Problem]:
        text = PACK_TEMPLATE.format(rules="".join(rules), lists=lists, policy=policy)
        folder = write_pack({"pack.yaml": text, **(extra or {})})
        pack, problems = read_pack(folder)
        assert (pack is None) == bool(problems)
        return problems

    return check


@pytest.fixture
def rule() -> Callable[..., str]:
    """The `rule_yaml` builder, as a fixture (test modules cannot import conftest)."""
    return rule_yaml


@pytest.fixture
def facts_table() -> Callable[[Sequence[Mapping[str, Any]]], Facts]:
    """A facts table in the engine's shape: every traveller field a column, unspecified facts missing."""

    def table(rows: Sequence[Mapping[str, Any]]) -> Facts:
        columns = list(fields_of("traveller"))
        for row in rows:
            unknown = set(row) - set(columns)
            assert not unknown, f"not catalogue fields: {unknown}"
        return Facts.from_rows(rows, columns)

    return table


@pytest.fixture(scope="session")
def default_pack() -> RulePack:
    """The shipped default pack."""
    return load_pack(default_pack_path())


@pytest.fixture
def screen() -> Callable[..., list[Assessment]]:
    """Facts and evaluation for a batch, as the pipeline does them."""

    def run(
        pack: RulePack, travellers: Sequence[Traveller], outcomes: Sequence[MatchOutcome] | None = None
    ) -> list[Assessment]:
        outcomes = list(outcomes) if outcomes is not None else [MatchOutcome() for _ in travellers]
        facts = build_facts(travellers, outcomes, TODAY)
        return evaluate(pack, facts, TODAY)

    return run
