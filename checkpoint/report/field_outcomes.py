"""What agreed and what differed between the details given for a person and a record, in words people read.

The matcher's field outcomes (SPEC §5 `fields`: the name's similarity, then a word per field such as `exact`,
`swapped` or `missing`) sorted into three groups, each field worded in the run's language (`registry.outcome.*`):
what agrees, what differs (a slip, a look-alike character, another passport number: what to look at before
trusting the record), and what could not be compared because one side lacks it. `registry search` shows them
under each record it lists; the desk's panel can show a near miss the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from checkpoint.i18n import text

#: The compared fields, in the order they are told.
FIELDS = ("name", "date_of_birth", "sex", "passport_number", "nik")
#: Field outcomes that agree; `missing` is not compared; every other outcome differs.
_AGREE = frozenset({"exact", "agree"})
#: A name at least this alike is the same name to the eye; below it, the score is shown among the differences.
NAME_AGREES = 0.95


@dataclass(frozen=True)
class FieldOutcomes:
    """The compared fields in words, grouped (each group in `FIELDS` order)."""

    agrees: tuple[str, ...]
    differs: tuple[str, ...]
    unchecked: tuple[str, ...]

    def sentences(self) -> list[str]:
        """One sentence per group that has fields ("agrees: name (1.00), date of birth"), in the run's language."""
        groups = (("agrees", self.agrees), ("differs", self.differs), ("unchecked", self.unchecked))
        return [text(f"registry.outcome.{group}", items=", ".join(items)) for group, items in groups if items]


def field_outcomes(fields: Mapping[str, object]) -> FieldOutcomes:
    """The matcher's field outcomes (`Match.fields`, `Candidate.fields`) in words; a field it did not report is
    left out."""
    agrees: list[str] = []
    differs: list[str] = []
    unchecked: list[str] = []
    for name in FIELDS:
        outcome = fields.get(name)
        if outcome is None:
            continue
        if name == "name" and isinstance(outcome, float):
            similarity = f"{outcome:.2f}"
            if outcome >= NAME_AGREES:
                agrees.append(text("registry.outcome.name.agrees", similarity=similarity))
            else:
                differs.append(text("registry.outcome.name.alike", similarity=similarity))
            continue
        group = agrees if outcome in _AGREE else unchecked if outcome == "missing" else differs
        group.append(text(f"registry.outcome.{name}.{outcome}"))
    return FieldOutcomes(tuple(agrees), tuple(differs), tuple(unchecked))
