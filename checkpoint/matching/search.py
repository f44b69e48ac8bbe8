"""Looking records up by hand (`checkpoint registry search`): one person's typed fields through the screening
matcher, its blocking, weights and decision, with three differences that make it a search and not a screening:

- more records are listed (`limit`, ten by default) and all those found are counted: a screening shows the
  three near misses an officer can check at the counter, while an officer searching by hand is looking for
  one record among namesakes, and how many there are says how common the name is;
- without a date of birth, the name is also looked up under its J key for every plausible year of birth
  (`registry.keys.whole_name_keys`): screening's blocking needs a date, so a name alone would find nothing;
- a name alone never claims a match (DOMAIN §4: a common name belongs to many people; the date of birth, the
  NIK and the passport number decide): without any of them, every record found is only a candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from checkpoint.matching.candidates import Pairs, candidate_pairs
from checkpoint.matching.decision import decide
from checkpoint.matching.model import MatchingModel
from checkpoint.matching.model_file import default_model
from checkpoint.matching.scoring import score_candidates
from checkpoint.models import MatchOutcome, Traveller
from checkpoint.registry import Registry
from checkpoint.registry.keys import whole_name_keys

#: Records listed unless the caller asks for another number.
DEFAULT_LIMIT = 10
#: The oldest a registered person is taken to be when a name is looked up without a date of birth.
OLDEST = 100


@dataclass(frozen=True)
class Search:
    """What a search found: the claimed match, if any, and the best candidates after it (each with its
    record's fields), how many records were found in all, and whether only a name was given."""

    outcome: MatchOutcome
    found: int  # records at or above the candidate floor, and near misses, the claimed one included
    name_only: bool  # no date of birth, passport number or NIK: weak evidence, no claim

    @property
    def shown(self) -> int:
        """How many records the outcome lists."""
        return len(self.outcome.candidates) + (self.outcome.match is not None)


def name_only(traveller: Traveller) -> bool:
    """Whether a traveller carries nothing but a name (and perhaps a sex) to be found by."""
    return traveller.date_of_birth is None and not traveller.passport_number and not traveller.nik


def search_registry(
    registry: Registry,
    traveller: Traveller,
    *,
    today: date,
    limit: int = DEFAULT_LIMIT,
    model: MatchingModel | None = None,
) -> Search:
    """The records `traveller` could be, best first: the matcher's claim if any, then up to `limit` records in
    all (the module docstring says how a search differs from a screening). `today` bounds the years of birth
    a name without a date is looked up under."""
    model = model or default_model()
    weak = name_only(traveller)
    pairs = candidate_pairs(registry, [traveller], model)
    if traveller.date_of_birth is None and traveller.full_name:
        years = range(today.year - OLDEST, today.year + 1)
        named = registry.look_up(whole_name_keys(traveller.full_name, years), model.pruning.name_block_cap)
        rows = np.union1d(pairs.rows, named.rows)
        pairs = Pairs(np.zeros(len(rows), dtype=np.int64), rows)
    scored = score_candidates(registry, [traveller], pairs, model)
    # Every record above the floor is ranked (counted, then cut to `limit`); the claim is screening's own,
    # never made on a name alone.
    decision = replace(model.decision, max_candidates=max(len(pairs.rows), 1))
    if weak:
        decision = replace(decision, match_threshold=math.inf)
    [(outcome, claimed, rows_listed)] = decide(scored, 1, replace(model, decision=decision))
    found = len(outcome.candidates) + (outcome.match is not None)
    room = max(limit - (outcome.match is not None), 0)
    candidates, candidate_rows = outcome.candidates[:room], rows_listed[:room]
    wanted = ([] if claimed is None else [claimed]) + list(candidate_rows)
    records = registry.records(wanted)
    record = records.pop(0) if claimed is not None else None
    listed = tuple(replace(candidate, record=fields) for candidate, fields in zip(candidates, records, strict=True))
    return Search(MatchOutcome(outcome.match, listed, record=record), found, weak)
