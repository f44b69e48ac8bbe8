"""Profiling (SPEC §6): a rule whose condition rests only on who the traveller is, not on the trip or papers.

Sex, age and birth date (the traveller's or the matched record's) say who a person is; a rule testing only
them flags people for being young women, say, which officers must not do (DOMAIN.md §7: the 2023 instruction to
refuse women aged 17-45 was called discriminatory). Such facts may sharpen a rule that also tests the trip or
the documents. Names, regions of origin and religion are not facts a rule can test at all.

`rules check` reports such a rule and refuses the pack (exit 4); the engine itself loads it, so that its own
tests may use small rules on age alone. The packs shipped never contain one (a test says so).
"""

from __future__ import annotations

from checkpoint.engine.document import Problem
from checkpoint.engine.pack import RulePack, rule_leaves
from checkpoint.i18n import text

#: The facts that describe the person alone.
PROFILE_FIELDS = ("sex", "age", "date_of_birth", "record.age")
#: The code `rules check` gives a profiling rule.
PROFILING = "E216"


def profiling_problems(pack: RulePack) -> list[Problem]:
    """One problem per rule whose every condition (its members' too) tests who the person is (`PROFILE_FIELDS`)."""
    problems = []
    for rule in pack.rules:
        tested = {leaf.field for leaf in rule_leaves(rule)}
        if tested and tested <= set(PROFILE_FIELDS):
            fields = ", ".join(name for name in PROFILE_FIELDS if name in tested)
            problems.append(
                Problem(rule.mark, PROFILING, text("engine.problem.profiling", rule=rule.id, fields=fields))
            )
    return problems
