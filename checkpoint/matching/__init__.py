"""Deciding whether a traveller is a registered placement record (SPEC §5 `match`, `candidates`)."""

from checkpoint.matching.interface import Matcher
from checkpoint.matching.matcher import EvidenceMatcher

__all__ = ["EvidenceMatcher", "Matcher"]
