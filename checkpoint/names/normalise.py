"""Turn a name as written (KTP, passport, MRZ, airline list) into comparable tokens and keys.

Most Indonesians have no surname, so a name is an unordered multiset of tokens. What normalisation removes
or folds comes from the tables in `tables/` (titles and degrees, BIN/BINTI particles, spelling families, the
Balinese birth-order and caste words' abbreviations), loaded once. The phonetic key merges spellings for
*comparison only*: JOKO and YOKO share a key, but nothing shown to an officer is ever rewritten.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

# OCR turns letters into look-alike digits; names hold no digits, so the digits go back.
_OCR_DIGITS = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "4": "A"})
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc]")
_SEPARATORS = re.compile(r"[^A-Z0-9.]+")

# Spelling reform (old -> current) and regional/transliteration habits, applied in order to build a key.
_KEY_REWRITES: tuple[tuple[str, str], ...] = (
    ("OE", "U"),
    ("DJ", "J"),
    ("TJ", "C"),
    ("SJ", "S"),
    ("SY", "S"),
    ("SH", "S"),
    ("NJ", "NY"),
    ("CH", "H"),
    ("KH", "H"),
    ("DH", "D"),
    ("TH", "T"),
    ("PH", "F"),
    ("Z", "J"),
    ("J", "Y"),
    ("F", "P"),
    ("V", "P"),
    ("Q", "K"),
    ("X", "KS"),
    ("AE", "AI"),
    ("OO", "U"),
    ("OU", "U"),
    ("EE", "I"),
    ("CK", "K"),
)
_DOUBLED = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A name reduced to what identifies the person.

    `tokens` are the given-name tokens (titles dropped, spelling families folded), `father` the tokens
    after BIN/BINTI (an optional tail: present on umrah passports, absent on the KTP), `keys` the phonetic
    key of each token.
    """

    tokens: tuple[str, ...]
    father: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(phonetic_key(token) for token in self.tokens)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def empty(self) -> bool:
        return not self.tokens


def table(name: str) -> list[dict[str, str]]:
    """Rows of one of the name tables in `tables/` (CSV with a header)."""
    source = files("checkpoint.names").joinpath("tables", name).read_text(encoding="utf-8")
    return list(csv.DictReader(source.splitlines()))


@cache
def _titles() -> frozenset[str]:
    return frozenset(row["token"] for row in table("titles.csv"))


@cache
def _airline_titles() -> frozenset[str]:
    return frozenset(row["token"] for row in table("titles.csv") if row["kind"] in ("airline", "placeholder"))


@cache
def _patronymics() -> frozenset[str]:
    return frozenset(row["token"] for row in table("particles.csv") if row["kind"] == "patronymic")


@cache
def _canonical() -> dict[str, tuple[str, ...]]:
    """Token -> the token(s) it stands for: a spelling family's canonical form (given_variants.csv), a
    Balinese abbreviation's words (balinese.csv: NYM -> NYOMAN, AA -> ANAK AGUNG)."""
    found: dict[str, tuple[str, ...]] = {row["variant"]: (row["canonical"],) for row in table("given_variants.csv")}
    found.update((row["abbreviation"], tuple(row["words"].split())) for row in table("balinese.csv"))
    return found


@cache
def _dotted_abbreviations() -> frozenset[str]:
    """Abbreviations also written with dots between their letters (A.A., I.B.): one token, not two letters."""
    return frozenset(row["abbreviation"] for row in table("balinese.csv") if len(row["abbreviation"]) > 1)


def _folded(tokens: list[str]) -> list[str]:
    canonical = _canonical()
    return [word for token in tokens for word in canonical.get(token, (token,))]


def _chunks(raw: str) -> list[str]:
    text = unicodedata.normalize("NFKD", raw)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = _APOSTROPHES.sub("", text)
    if "/" in text:  # airline form SURNAME/GIVEN TITLE: order carries no meaning for Indonesian names
        surname, _, given = text.partition("/")
        text = f"{given} {surname}"
    text = text.replace("<", " ")
    return [chunk for chunk in _SEPARATORS.split(text) if chunk]


_DEGREE_SUFFIX = re.compile(r"^[A-Z]{1,4}(?:\.[A-Z]{1,4})*\.?$")


def _without_degrees(raw: str) -> str:
    """Drop academic degrees written after a comma on the KTP (`DWI NURHAYATI, S.KEP`, `X, S.E., M.M.`)."""
    if "," not in raw or "/" in raw:
        return raw
    head, *tail = raw.split(",")
    parts = [part.strip().upper().replace(" ", "") for part in tail]
    titles = _titles()

    def is_degree(part: str) -> bool:  # `S.KEP` or a known title; a bare word (`SITI`) is a given name
        return not part or (bool(_DEGREE_SUFFIX.match(part)) and ("." in part or part in titles))

    if head.strip() and all(is_degree(part) for part in parts):
        return head
    return raw


#: A name of ASCII letters and spaces only (most of a registry): `_tokens` gives its words, upper-cased, that are
#: not titles; no accent, apostrophe, slash, dot, comma or digit asks for more.
_PLAIN = re.compile(r"[A-Za-z ]*")


def _tokens(raw: str) -> list[str]:
    titles = _titles()
    if _PLAIN.fullmatch(raw):
        return [word for word in raw.upper().split() if word not in titles]
    tokens: list[str] = []
    for chunk in _chunks(_without_degrees(raw)):
        undotted = chunk.replace(".", "")
        if undotted in titles:  # S.PD, H., HJ., DRS. — titles keep or lose their dots
            continue
        if undotted in _dotted_abbreviations():  # A.A. (Anak Agung), I.B. (Ida Bagus)
            tokens.append(undotted)
            continue
        for part in chunk.split("."):
            part = part.translate(_OCR_DIGITS)
            if part and part not in titles:
                tokens.append(part)
    return tokens


@lru_cache(maxsize=200_000)
def normalise_name(raw: str) -> NormalisedName:
    """Normalise one written name (any source) into tokens and the BIN/BINTI tail."""
    tokens = _tokens(raw)
    patronymics = _patronymics()
    father: list[str] = []
    for position, token in enumerate(tokens):
        if token in patronymics and 0 < position < len(tokens) - 1:
            tokens, father = tokens[:position], tokens[position + 1 :]
            break
    # A bare "M" means Muhammad only as a leading abbreviation (M. FIRMAN), never as the last initial.
    folded = tokens if tokens == ["M"] else _folded(tokens)
    if len(folded) == 2 and folded[0] == folded[1]:  # mononym doubled by an airline system
        folded = folded[:1]
    return NormalisedName(tuple(folded), tuple(_folded(father)))


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """A key that merges old/new spellings and regional habits of one token (for comparison only)."""
    key = token.upper()
    for old, new in _KEY_REWRITES:
        key = key.replace(old, new)
    key = _DOUBLED.sub(r"\1", key)
    if len(key) > 2 and key.endswith(("IE", "Y")):
        key = key[:-2] + "I" if key.endswith("IE") else key[:-1] + "I"
    if len(key) > 1:  # H after the first letter is mostly a transliteration mark (RACHMAT, SHOLEH)
        key = key[0] + key[1:].replace("H", "")
    return key or token


def airline_name(text: str) -> str:
    """`SURNAME/GIVEN MR` (or `HARYANTI/FNU`) as a plain name `GIVEN SURNAME`, airline titles dropped."""
    titles = _airline_titles()
    surname, _, given = text.partition("/")
    words = [w for w in f"{given} {surname}".split() if w.upper().strip(".") not in titles]
    if len(words) == 2 and words[0].upper() == words[1].upper():  # HARYANTI HARYANTI: a doubled mononym
        words = words[:1]
    return " ".join(words) or text.strip()
