"""Deciding whether a traveller is a registered placement record (SPEC §5 `match`, `candidates`).

- model.json: every weight, threshold and pruning floor (data: each says whether fitted or set by hand);
- model.py: the model as a frozen dataclass, and its vectorised weights;
- model_file.py: reading and validating model.json, and writing it back (calibrate.py --write);
- comparisons.py: the outcome of each field for many pairs at once (numpy codes);
- bounds.py: best-case weights, to prune pairs before their names are compared;
- candidates.py: blocking (the registry's keys) and pruning;
- scoring.py: every candidate pair compared and weighed;
- decision.py: the claim (a match) and the candidates;
- matcher.py: `EvidenceMatcher`, the steps in order;
- search.py: the same steps for one person looked up by hand (`registry search`): more records listed, a
  name without a date of birth looked up too, no claim on a name alone.
"""

from checkpoint.matching.interface import Matcher
from checkpoint.matching.matcher import EvidenceMatcher
from checkpoint.matching.model import MatchingModel
from checkpoint.matching.model_file import default_model, load_model
from checkpoint.matching.scoring import ScoredPairs
from checkpoint.matching.search import Search, search_registry

__all__ = [
    "EvidenceMatcher",
    "Matcher",
    "MatchingModel",
    "ScoredPairs",
    "Search",
    "default_model",
    "load_model",
    "search_registry",
]
