"""Indonesian personal names: normalisation, phonetic keys and similarity (DOMAIN.md §4)."""

from checkpoint.names.normalise import NormalisedName, normalise_name, phonetic_key
from checkpoint.names.similarity import name_similarity

__all__ = ["NormalisedName", "name_similarity", "normalise_name", "phonetic_key"]
