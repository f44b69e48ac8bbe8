"""Synthetic Indonesian names (DOMAIN.md §4): sex-appropriate names by style, region and age, vectorised.

Every name is composed from the token tables; none is copied from a real person. Old people more often
carry a single name (mononym); young people more often two or three words. The style also decides the
province the person comes from (Balinese names from Bali, Batak clan names from North Sumatra, …).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from checkpoint.synth import tables

Strings = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Share of people with a KTP title or degree, for ages 30+ and 21-29.
TITLE_RATE_OLDER = 0.05
TITLE_RATE_YOUNGER = 0.02


@dataclass(frozen=True, slots=True)
class Names:
    """Sampled names, one entry per person, as parallel arrays.

    `full_name` is the KTP form (may carry a title or, rarely, BIN/BINTI + father); `personal` is the part a
    sibling would not share (no title, no clan, no patronymic); `clan` is the clan name or "".
    """

    full_name: Strings
    personal: Strings
    clan: Strings
    father: Strings
    style: Strings
    province: Ints


class _Pool:
    """Tokens of one role with a probability vector per sex."""

    def __init__(self, tokens: Sequence[tuple[str, str, float, float]]) -> None:
        self.tokens = np.array([token for token, _, _, _ in tokens], dtype=object)
        self.origins = np.array([origin for _, origin, _, _ in tokens], dtype=object)
        weights_m = np.array([weight for _, _, weight, _ in tokens], dtype=float)
        weights_f = np.array([weight for _, _, _, weight in tokens], dtype=float)
        # A pool with no weight for one sex (e.g. fathers' names) falls back to the other sex's weights.
        if weights_m.sum() == 0:
            weights_m = weights_f
        if weights_f.sum() == 0:
            weights_f = weights_m
        self.p_m = weights_m / weights_m.sum()
        self.p_f = weights_f / weights_f.sum()

    def draw(self, female: Bools, rng: np.random.Generator) -> Ints:
        """Indices of tokens drawn for each person, by sex."""
        index = np.empty(len(female), dtype=np.int64)
        for is_female, p in ((False, self.p_m), (True, self.p_f)):
            rows = np.flatnonzero(female == is_female)
            if rows.size:
                index[rows] = rng.choice(len(self.tokens), size=rows.size, p=p)
        return index

    def names(self, female: Bools, rng: np.random.Generator) -> Strings:
        """Tokens drawn for each person, by sex."""
        return np.asarray(self.tokens[self.draw(female, rng)], dtype=object)


@cache
def _pool(role: str, origin: str | None = None) -> _Pool:
    rows = [
        (token.token, token.origin, token.weight_m, token.weight_f)
        for token in tables.name_tokens()
        if token.role == role and (origin is None or token.origin == origin)
    ]
    return _Pool(rows)


@cache
def _father_pool() -> _Pool:
    rows = [
        (token.token, token.origin, token.weight_m, 0.0)
        for token in tables.name_tokens()
        if token.role in ("father", "mononym") and token.weight_m > 0
    ]
    return _Pool(rows)


@cache
def _common_pool() -> _Pool:
    rows = [
        (name.full_name, "general", name.weight if name.sex == "M" else 0.0, name.weight if name.sex == "F" else 0.0)
        for name in tables.common_names()
    ]
    return _Pool(rows)


@cache
def _title_pools() -> tuple[_Pool, dict[str, tuple[str, int]]]:
    rows = [(title.title, title.position, title.weight_m, title.weight_f) for title in tables.titles()]
    info = {title.title: (title.position, title.min_age) for title in tables.titles()}
    return _Pool(rows), info


def join_tokens(*parts: Strings) -> Strings:
    """Join per-person token arrays with single spaces, skipping empty tokens."""
    joined = [" ".join(token for token in row if token) for row in zip(*parts, strict=True)]
    return np.array(joined, dtype=object)


def _distinct(first: Strings, pool: _Pool, female: Bools, rng: np.random.Generator) -> Strings:
    """Tokens from `pool`, redrawn (a few times) where they repeat `first`."""
    drawn = pool.names(female, rng)
    for _ in range(4):
        same = np.flatnonzero(drawn == first)
        if not same.size:
            break
        drawn[same] = pool.names(female[same], rng)
    return drawn


def _maybe(tokens: Strings, rate: float, rng: np.random.Generator) -> Strings:
    """Keep each token with probability `rate`, else ""."""
    return np.where(rng.random(len(tokens)) < rate, tokens, "").astype(object)


def _balinese(female: Bools, rng: np.random.Generator) -> Strings:
    parts = tables.name_parts()
    size = len(female)
    particle = np.where(female, parts.balinese_particle["F"], parts.balinese_particle["M"]).astype(object)
    luh = np.where(female & (rng.random(size) < parts.luh_rate), "LUH", "").astype(object)
    p_position = np.array([weight for weight, _ in parts.birth_order])
    position = rng.choice(len(parts.birth_order), size=size, p=p_position / p_position.sum())
    order = np.empty(size, dtype=object)
    for at, (_, spec) in enumerate(parts.birth_order):
        rows = np.flatnonzero(position == at)
        for is_female in (False, True):
            sub = rows[female[rows] == is_female]
            names = [name for name in spec if not (is_female and name in parts.male_only)]
            weights = np.array([spec[name] for name in names])
            order[sub] = np.array(names, dtype=object)[rng.choice(len(names), size=sub.size, p=weights / weights.sum())]
    ornaments = np.array(parts.ornaments, dtype=object)
    ornament = np.where(
        female & (rng.random(size) < parts.ornament_rate), ornaments[rng.integers(0, len(ornaments), size)], ""
    ).astype(object)
    given = _pool("bali").names(female, rng)
    return join_tokens(particle, luh, order, ornament, given)


def _compose(style: str, female: Bools, rng: np.random.Generator) -> tuple[Strings, Strings, Strings]:
    """Names of one style: (personal part, clan or "", region of origin per person)."""
    size = len(female)
    empty = np.full(size, "", dtype=object)
    region = np.full(size, "general", dtype=object)
    clan = empty
    if style == "mononym":
        pool = _pool("mononym")
        index = pool.draw(female, rng)
        return pool.tokens[index], empty, pool.origins[index]
    if style == "common":
        personal = _common_pool().names(female, rng)
    elif style in ("two_word", "three_word", "four_word"):
        first = _pool("first").names(female, rng)
        last = _distinct(first, _pool("second"), female, rng)
        middle = _distinct(first, _pool("middle"), female, rng) if style != "two_word" else empty
        extra = _distinct(last, _pool("second"), female, rng) if style == "four_word" else empty
        personal = join_tokens(first, middle, last, extra)
    elif style == "balinese":
        personal, region = _balinese(female, rng), np.full(size, "bali", dtype=object)
    elif style == "sasak":
        prefix = np.where(female, tables.name_parts().sasak_prefix["F"], tables.name_parts().sasak_prefix["M"])
        given = _pool("second").names(female, rng)
        extra = _maybe(_distinct(given, _pool("second"), female, rng), 0.4, rng)
        personal, region = join_tokens(prefix.astype(object), given, extra), np.full(size, "sasak", dtype=object)
    else:  # clan styles: batak, minahasa, ntt, maluku
        given = _pool("christian").names(female, rng)
        if style == "batak":  # many Batak families are Muslim (NASUTION, LUBIS, HARAHAP…)
            muslim = rng.random(size) < 0.5
            given = np.where(muslim, _pool("first").names(female, rng), given)
        extra = _maybe(_distinct(given, _pool("second" if style == "batak" else "christian"), female, rng), 0.3, rng)
        personal = join_tokens(given, extra)
        clan = _pool("clan", style).names(female, rng)
        region = np.full(size, style, dtype=object)
    return personal, clan, region


def _provinces(region: Strings, rng: np.random.Generator) -> Ints:
    province = np.zeros(len(region), dtype=np.int64)
    for name, pairs in tables.regions().items():
        rows = np.flatnonzero(region == name)
        if rows.size:
            codes = np.array([code for code, _ in pairs])
            weights = np.array([weight for _, weight in pairs])
            province[rows] = codes[rng.choice(len(codes), size=rows.size, p=weights / weights.sum())]
    return province


def _style_index(birth_year: Ints, rng: np.random.Generator) -> Ints:
    table = tables.styles()
    old = np.array([style.weight_old for style in table])
    young = np.array([style.weight_young for style in table])
    # 0 for people born 1995 or later, 1 for people born 1970 or earlier.
    ageing = np.clip((1995 - birth_year) / 25.0, 0.0, 1.0)[:, None]
    weights = young[None, :] + (old - young)[None, :] * ageing
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    index = (cumulative < rng.random(len(birth_year))[:, None]).sum(axis=1)
    return np.asarray(np.minimum(index, len(table) - 1), dtype=np.int64)


def add_titles(names: Strings, female: Bools, age: Ints, rng: np.random.Generator) -> Strings:
    """Give some adults a KTP title or degree (`H. AHMAD FAUZI`, `SITI AMINAH, S.PD`)."""
    rate = np.where(age >= 30, TITLE_RATE_OLDER, np.where(age >= 21, TITLE_RATE_YOUNGER, 0.0))
    rows = np.flatnonzero(rng.random(len(names)) < rate)
    if not rows.size:
        return names
    pool, info = _title_pools()
    out = names.copy()
    for row, title in zip(rows, pool.names(female[rows], rng), strict=True):
        position, min_age = info[title]
        if age[row] >= min_age:
            out[row] = f"{title} {names[row]}" if position == "prefix" else f"{names[row]}, {title}"
    return out


def add_patronymic(names: Strings, female: Bools, father: Strings) -> Strings:
    """`NAME BIN FATHER` / `NAME BINTI FATHER`."""
    word = tables.name_parts().patronymic
    link = np.where(female, word["F"], word["M"]).astype(object)
    return names + " " + link + " " + father  # type: ignore[no-any-return]


def sample_given(female: Bools, rng: np.random.Generator, role: str = "first") -> Strings:
    """One given-name token per person from a role's pool (`first`, `christian`, `mononym`…), by sex."""
    return _pool(role).names(female, rng)


def sample_fathers(size: int, rng: np.random.Generator) -> Strings:
    """Fathers' names (older-generation male names) for BIN/BINTI."""
    return _father_pool().names(np.zeros(size, dtype=bool), rng)


def sample_names(
    female: Bools,
    birth_year: Ints,
    age: Ints,
    rng: np.random.Generator,
    *,
    titles: bool = True,
    patronymic_rate: float = 0.01,
) -> Names:
    """Sample one KTP name per person, given sex, birth year and current age."""
    size = len(female)
    style_table = tables.styles()
    style_index = _style_index(birth_year, rng)
    personal = np.full(size, "", dtype=object)
    clan = np.full(size, "", dtype=object)
    region = np.full(size, "general", dtype=object)
    for at, style in enumerate(style_table):
        rows = np.flatnonzero(style_index == at)
        if rows.size:
            personal[rows], clan[rows], region[rows] = _compose(style.style, female[rows], rng)
    father = sample_fathers(size, rng)
    full = join_tokens(personal, clan)
    with_patronymic = (rng.random(size) < patronymic_rate) & (clan == "")
    full = np.where(with_patronymic, add_patronymic(full, female, father), full).astype(object)
    if titles:
        full = np.where(with_patronymic, full, add_titles(full, female, age, rng)).astype(object)
    styles = np.array([style.style for style in style_table], dtype=object)[style_index]
    return Names(full, personal, clan, father, styles, _provinces(region, rng))
