"""What any matcher offers: a batch of travellers in, one outcome per traveller out (same order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from checkpoint.models import MatchOutcome, Traveller
from checkpoint.registry import Registry


class Matcher(Protocol):
    """Matches a whole batch at once, so candidate generation can be vectorised over the registry."""

    def match(self, registry: Registry, travellers: Sequence[Traveller]) -> list[MatchOutcome]: ...
