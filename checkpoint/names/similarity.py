"""How alike two normalised names are, in [0, 1], tolerant of order, omissions, merges and truncation.

Tokens are compared through their phonetic keys. A token present on one side only (a dropped particle, a
missing father's name) costs less than two tokens that contradict each other: passports and manifests
drop parts of names far more often than they replace them. One word added after a single registered name
(a married woman's `SARTINI SANTOSO` for the KTP's `SARTINI`, an unmarked father's name) costs like an
omitted particle: a registered single name has no part to drop, so the word was added.
"""

from __future__ import annotations

import itertools
from functools import cache, lru_cache

from rapidfuzz.distance import OSA, Indel, Levenshtein

from checkpoint.names.normalise import NormalisedName, phonetic_key, table

_OMITTED_WEIGHT = 0.35  # an unmatched token counts this much of a contradiction
_OMITTED_LAST_WEIGHT = 0.2  # … less when it ends the longer name: a folded father's name or a surname
_OMITTED_PARTICLE_WEIGHT = 0.05  # … and almost nothing for a particle (Balinese I / NI)
_TOKEN_FLOOR = 0.75  # below this, two tokens are different words, not variants
# A word written after a single registered name (husband's or father's name) costs as a dropped particle does:
# the name scores 1 / 1.05 = 0.95. The evidence left is the single name's, and its rarity counts every record
# carrying it, in longer names too (`MatchingModel.rarities`): a common single name stays weak evidence, so a
# claim still needs the birth date and sex to agree and no namesake as close.
_APPENDED_WEIGHT = 0.05


@cache
def _particle_keys() -> frozenset[str]:
    return frozenset(phonetic_key(row["token"]) for row in table("particles.csv") if row["kind"] == "particle")


@cache
def _distinct_names() -> frozenset[tuple[str, str]]:
    """Pairs of given names that are different names however alike they look (tables/distinct_given.csv), as
    phonetic keys, both ways round: the one written is a name in its own right, not a slip of the other."""
    pairs = ((phonetic_key(row["name"]), phonetic_key(row["other"])) for row in table("distinct_given.csv"))
    return frozenset(pair for a, b in pairs for pair in ((a, b), (b, a)))


@cache
def _keyboard_neighbours() -> frozenset[tuple[str, str]]:
    """Letter pairs side by side on a keyboard row (tables/keyboard.csv), both ways round."""
    pairs = (pair for row in table("keyboard.csv") for pair in itertools.pairwise(row["keys"]))
    return frozenset(pair for a, b in pairs for pair in ((a, b), (b, a)))


@lru_cache(maxsize=500_000)  # names share tokens (SITI, MUHAMMAD): most token pairs recur
def _token_score(a: str, b: str, a_last: bool, b_last: bool) -> float:
    """Similarity of two written tokens: equal keys 1.0; two distinct names 0; a truncated last token 0.9; else
    edit similarity.

    `a_last` / `b_last`: the token ends a name long enough to have been cut by a field limit (`may_be_cut`).

    Edit (Indel) similarity on the phonetic keys, not Jaro-Winkler: JW rewards a shared first letter so
    much that different names (VERONIKA / FRANSISKA) look alike.
    """
    key_a, key_b = phonetic_key(a), phonetic_key(b)
    if key_a == key_b:
        return 1.0
    if (key_a, key_b) in _distinct_names():
        return 0.0
    # A truncated field (MRZ 39, PAXLST 35 characters) leaves a prefix of the written last token.
    if (a_last and len(a) >= 2 and b.startswith(a)) or (b_last and len(b) >= 2 and a.startswith(b)):
        return 0.9
    score = max(Indel.normalized_similarity(key_a, key_b), Indel.normalized_similarity(a, b))
    if len(a) == len(b) >= 3 and Indel.distance(a, b) == 2 and (_transposed(a, b) or _next_key(a, b)):
        # Two neighbouring letters keyed in the wrong order (BDUI, SUMITAI), or a letter keyed as the one
        # beside it (SKAMET), is one slip, not two.
        score = max(score, 1 - 1 / (len(a) + len(b)))
    return score


def _transposed(a: str, b: str) -> bool:
    """Whether b is a with two neighbouring letters swapped (one OSA edit that Levenshtein counts as two)."""
    return OSA.distance(a, b) == 1 and Levenshtein.distance(a, b) == 2


def _next_key(a: str, b: str) -> bool:
    """Whether b is a with one inner letter keyed as its neighbour on the keyboard row (SKAMET / SLAMET).

    Not the first or last letter, nor in names under four letters: names that differ only there are often
    different names (YANTI / TANTI, RINA / TINA, ADE / ASE), and the last carries the sex in Javanese
    names (SUPARTO / SUPARTI: O and I sit side by side).
    """
    if len(a) < 4 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    differ = [(x, y) for x, y in zip(a[1:-1], b[1:-1], strict=True) if x != y]
    return len(differ) == 1 and differ[0] in _keyboard_neighbours()


def _align(
    short: tuple[str, ...], long: tuple[str, ...], short_cut: bool, long_cut: bool
) -> tuple[float, int, set[int]]:
    """Greedy best-first alignment: summed score of aligned pairs, how many aligned, which long ones.
    `*_cut`: the sequence ends a name that may have been truncated (`may_be_cut`)."""
    last_short = len(short) - 1 if short_cut else -1
    last_long = len(long) - 1 if long_cut else -1
    # Positional arguments and a list: this runs for every token pair of every compared name.
    pairs = [
        (_token_score(a, b, i == last_short, j == last_long), i, j)
        for i, a in enumerate(short)
        for j, b in enumerate(long)
    ]
    pairs.sort(reverse=True)
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
    return total, len(used_short), used_long


#: A name cut by a field limit (MRZ 39, PAXLST 35 characters) is at least this long as its tokens are
#: read (35 less a dropped BINTI and a title such as HJ.); a shorter name was written whole, so its last
#: token is no truncated prefix: PETRUS MANU is not a cut PETRUS MANURUNG, nor SITI NUR a cut SITI NURHAYATI.
CUT_NAME_CHARS = 25
_PATRONYMIC_CHARS = len(" BINTI")


def may_be_cut(name: NormalisedName) -> bool:
    """Whether a name this long may have been truncated by a field limit (its last token a prefix)."""
    tokens = name.tokens + name.father
    written = sum(map(len, tokens)) + len(tokens) - 1 + (_PATRONYMIC_CHARS if name.father else 0)
    return written >= CUT_NAME_CHARS


def _omission_cost(long: tuple[str, ...], unused: set[int]) -> float:
    particles = _particle_keys()
    cost = 0.0
    for index in unused:
        if phonetic_key(long[index]) in particles:
            cost += _OMITTED_PARTICLE_WEIGHT
        elif index == len(long) - 1:
            cost += _OMITTED_LAST_WEIGHT
        else:
            cost += _OMITTED_WEIGHT
    return cost


@lru_cache(maxsize=200_000)  # the same token sequences meet again with other fathers' names, other records
def _tokens_similarity(a: tuple[str, ...], b: tuple[str, ...], a_cut: bool, b_cut: bool) -> float:
    """Similarity of two token sequences (written tokens; compared through their phonetic keys). `*_cut`:
    the sequence ends a name that may have been truncated, so its last token may be a prefix."""
    if not a or not b:
        return 0.0
    short, long, short_cut, long_cut = (a, b, a_cut, b_cut) if len(a) <= len(b) else (b, a, b_cut, a_cut)
    total, aligned, used_long = _align(short, long, short_cut, long_cut)
    contradicted = len(short) - aligned
    unused = set(range(len(long))) - used_long
    # Unaligned tokens of the longer name beyond the contradicted ones are omissions.
    omitted = sorted(unused, key=lambda index: _omission_cost(long, {index}))[contradicted:]
    denominator = aligned + contradicted + _omission_cost(long, set(omitted))
    score = total / denominator if denominator else 0.0
    if len(a) != len(b):
        # Merged or split tokens (NURHAYATI / NUR HAYATI): the same letters in the same order.
        merged = Indel.normalized_similarity(_merged_key(a), _merged_key(b))
        if merged >= 0.95:
            score = max(score, 0.97 * merged)
    return score


@lru_cache(maxsize=100_000)  # a traveller's name meets each of its candidates: one side recurs
def _merged_key(tokens: tuple[str, ...]) -> str:
    """The phonetic key of the tokens written together (NUR HAYATI -> NURHAYATI), a spelled-out family form
    beginning a token folded as it is when it stands alone (MOCHAMADMAULANA -> MUHAMMADMAULANA)."""
    return phonetic_key("".join(_folded_start(token) for token in tokens))


#: Letters a merged token must have after a family form for the form to be read as a name of its own.
_MERGED_REST = 3


@cache
def _spelled_forms() -> dict[str, tuple[tuple[str, str], ...]]:
    """(variant, canonical) of the given-name families' written-out forms (tables/given_variants.csv, not the
    abbreviations, five letters or more), longest first, by their first five letters: a merged token may
    begin with one of them."""
    rows = table("given_variants.csv")
    forms = {
        row["variant"]: row["canonical"]
        for row in rows
        if row["variant"] != row["canonical"] and len(row["variant"]) >= 5 and "abbreviation" not in row["note"]
    }
    by_start: dict[str, list[tuple[str, str]]] = {}
    for variant, canonical in sorted(forms.items(), key=lambda item: (-len(item[0]), item[0])):
        by_start.setdefault(variant[:5], []).append((variant, canonical))
    return {start: tuple(found) for start, found in by_start.items()}


def _folded_start(token: str) -> str:
    """The token with a family form at its start written canonically (MOCHAMADRIZKI -> MUHAMMADRIZKI), when
    at least _MERGED_REST letters follow it; a token that *is* a form was folded by `normalise_name` already."""
    for variant, canonical in _spelled_forms().get(token[:5], ()):
        if token.startswith(variant) and len(token) >= len(variant) + _MERGED_REST:
            return canonical + token[len(variant) :]
    return token


def _father_cut_short(father: tuple[str, ...], other: tuple[str, ...], cut: bool) -> bool:
    """Whether the father's name `father` may be `other` cut by a field limit: the name is long enough to have
    been cut (`may_be_cut`) and its written end is the start of `other`, down to the single letter a
    35-character field can leave (`… BINTI K` for `… BINTI KASIM`). Such a father's name does not contradict
    the other: only a whole different father's name tells siblings apart."""
    if not cut or not father or len(father) > len(other):
        return False
    last = len(father) - 1
    return father[:last] == other[:last] and other[last].startswith(father[last])


def _appended_to_single(written: NormalisedName, registered: NormalisedName) -> float:
    """The similarity of a written name that is a single registered name with one word added after it
    (`SARTINI SANTOSO` / `SARTINI`), 0 for any other pair. Not the other way round: a written single name
    beside a registered two-word name has dropped a part, which costs as an omission does."""
    if len(registered.tokens) != 1 or len(written.tokens) != 2 or registered.father or written.father:
        return 0.0
    first = _token_score(written.tokens[0], registered.tokens[0], False, False)
    return first / (1 + _APPENDED_WEIGHT) if first >= _TOKEN_FLOOR else 0.0


@lru_cache(maxsize=100_000)
def name_similarity(a: NormalisedName, b: NormalisedName) -> float:
    """Similarity of a written name `a` (a document, a manifest) to a registered name `b` in [0, 1]; BIN/BINTI
    tails count only when both sides carry them. Symmetric but for a word added after a single registered
    name (`_appended_to_single`)."""
    a_keys, b_keys = a.tokens, b.tokens
    # Where a name may have been cut, only its written end (the father's name, if any) may be a prefix.
    a_cut, b_cut = may_be_cut(a), may_be_cut(b)
    a_keys_end, b_keys_end = a_cut and not a.father, b_cut and not b.father
    score = _tokens_similarity(a_keys, b_keys, a_keys_end, b_keys_end)
    if a.father or b.father:
        a_father, b_father = a.father, b.father
        # One side may have folded the father's name into the given names (SUMIATI KARSO vs SUMIATI BINTI KARSO).
        score = max(
            score,
            _tokens_similarity(a_keys + a_father, b_keys + b_father, a_cut, b_cut),
            _tokens_similarity(a_keys + a_father, b_keys, a_cut, b_keys_end),
            _tokens_similarity(a_keys, b_keys + b_father, a_keys_end, b_cut),
        )
        cut_short = _father_cut_short(a_father, b_father, a_cut) or _father_cut_short(b_father, a_father, b_cut)
        if (
            a_father
            and b_father
            and not cut_short
            and _tokens_similarity(a_father, b_father, a_cut, b_cut) < _TOKEN_FLOOR
        ):
            score *= 0.8  # siblings share a father; different fathers means different people
    score = max(score, _appended_to_single(a, b))
    return round(min(score, 1.0), 4)
