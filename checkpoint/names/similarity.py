"""How alike two normalised names are, in [0, 1], tolerant of order, omissions, merges and truncation.

Tokens are compared by their phonetic keys. A token present on one side only (a dropped particle, a
missing father's name) costs less than two tokens that contradict each other: passports and manifests
drop parts of names far more often than they replace them.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from checkpoint.names.normalise import NormalisedName

_OMITTED_WEIGHT = 0.35  # an unmatched token counts this much of a contradiction
_TOKEN_FLOOR = 0.75  # below this, two tokens are different words, not variants


def _token_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    # A truncated field (MRZ 39, PAXLST 35 characters) leaves a prefix of the last token.
    if len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a)):
        return 0.9
    return JaroWinkler.normalized_similarity(a, b)


def _align(short: list[str], long: list[str]) -> tuple[float, int]:
    """Greedy best-first alignment; returns the summed score of aligned pairs and how many aligned."""
    pairs = sorted(
        ((_token_score(a, b), i, j) for i, a in enumerate(short) for j, b in enumerate(long)),
        reverse=True,
    )
    used_short: set[int] = set()
    used_long: set[int] = set()
    total = 0.0
    for score, i, j in pairs:
        if score < _TOKEN_FLOOR:
            break
        if i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        total += score
    return total, len(used_short)


def _tokens_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.0
    short, long = (list(a), list(b)) if len(a) <= len(b) else (list(b), list(a))
    total, aligned = _align(short, long)
    contradicted = len(short) - aligned
    omitted = len(long) - len(short)
    denominator = aligned + contradicted + _OMITTED_WEIGHT * omitted
    score = total / denominator if denominator else 0.0
    # Merged or split tokens (NURHAYATI / NUR HAYATI): compare the concatenations as well.
    joined = JaroWinkler.normalized_similarity("".join(sorted(a)), "".join(sorted(b)))
    concatenated = JaroWinkler.normalized_similarity("".join(a), "".join(b))
    return max(score, 0.97 * max(joined, concatenated) if max(joined, concatenated) > 0.95 else 0.0)


@lru_cache(maxsize=100_000)
def name_similarity(a: NormalisedName, b: NormalisedName) -> float:
    """Similarity of two names in [0, 1]; BIN/BINTI tails count only when both sides carry them."""
    a_keys, b_keys = a.keys, b.keys
    score = _tokens_similarity(a_keys, b_keys)
    if a.father or b.father:
        a_father, b_father = a.father_keys, b.father_keys
        # One side may have folded the father's name into the given names (SUMIATI KARSO vs SUMIATI BINTI KARSO).
        score = max(
            score,
            _tokens_similarity(a_keys + a_father, b_keys + b_father),
            _tokens_similarity(a_keys + a_father, b_keys),
            _tokens_similarity(a_keys, b_keys + b_father),
        )
        if a_father and b_father and _tokens_similarity(a_father, b_father) < _TOKEN_FLOOR:
            score *= 0.8  # siblings share a father; different fathers means different people
    return round(min(score, 1.0), 4)
