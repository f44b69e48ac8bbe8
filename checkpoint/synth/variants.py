"""How a registry (KTP) name, birth date and passport turn into what a manifest shows, each change labelled.

Every function takes the registry value and a numpy Generator and returns the changed value, or None when
the variation does not apply to that value (e.g. `particle_dropped` on a non-Balinese name). Spelling
groups, particles, prefixes, OCR confusions and the keyboard come from `tables/variants.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from checkpoint.synth import tables
from checkpoint.synth.names import sample_fathers, sample_given
from checkpoint.synth.registry import PASSPORT_LETTERS

#: Name variation labels, as written in the labels sidecars.
NAME_VARIATIONS: tuple[str, ...] = (
    "exact",
    "old_spelling",
    "muhammad_variant",
    "arabic_variant",
    "bin_binti",
    "title_dropped",
    "airline_form",
    "mononym_doubled",
    "token_order",
    "merged_split",
    "particle_dropped",
    "truncated",
    "ocr_confusion",
    "typo",
    "regional",
    "balinese_abbreviation",
    "husband_name",
)
#: Date-of-birth variation labels.
DOB_VARIATIONS: tuple[str, ...] = ("exact", "dob_swap", "dob_digit")
#: Passport variation labels: `not_in_registry` when the record has no passport number.
PASSPORT_VARIATIONS: tuple[str, ...] = ("exact", "passport_renewed", "not_in_registry")

PATRONYMIC_WORDS = frozenset({"BIN", "BINTI"})

# Spelling reform, old -> current: OE->U, DJ->J, TJ->C, NJ->NY, SJ->SY, CH->KH, J->Y (DOMAIN.md §4).
_CURRENT = re.compile(r"OE|DJ|TJ|NJ|SJ|CH|J")
_CURRENT_OF = {"OE": "U", "DJ": "J", "TJ": "C", "NJ": "NY", "SJ": "SY", "CH": "KH", "J": "Y"}
_OLD = re.compile(r"NY|SY|KH|J|Y(?=[AEIOU])|C|U")
_OLD_OF = {"NY": "NJ", "SY": "SJ", "KH": "CH", "J": "DJ", "Y": "J", "C": "TJ", "U": "OE"}


def _rules() -> tables.VariantRules:
    return tables.variant_rules()


@cache
def _groups(variation: str) -> dict[str, tuple[str, ...]]:
    """Spelling -> every other spelling (and abbreviation) it may be written as."""
    out: dict[str, tuple[str, ...]] = {}
    for group in _rules().spelling_groups[variation]:
        targets = [*group.spellings, *group.abbreviations]
        for spelling in group.spellings:
            out[spelling] = tuple(target for target in targets if target != spelling)
    return out


@cache
def title_words() -> frozenset[str]:
    """The KTP titles and degrees (`H.`, `HJ.`, `S.PD`…)."""
    return frozenset(title.title for title in tables.titles())


def has_title(name: str) -> bool:
    """Whether a KTP name carries a title or degree."""
    if "." not in name:  # every title and degree has a dot; names never do
        return False
    return any(token in title_words() for token in name.replace(",", " ").split())


def strip_titles(name: str) -> str:
    """The name without titles, degrees and the comma before a degree (as a passport writes it)."""
    if "." not in name and "," not in name:  # the common case: nothing to strip
        return name
    return " ".join(token for token in name.replace(",", " ").split() if token not in title_words())


def modern_spelling(name: str) -> str:
    """Apply the spelling reform (old -> current) to every token."""
    return _CURRENT.sub(lambda found: _CURRENT_OF[found.group()], name)


def _old_token(token: str) -> str:
    if any(pair in token for pair in ("CH", "OE", "DJ", "TJ", "SJ", "NJ")):
        return token  # already old-looking, or ambiguous in reverse
    old = _OLD.sub(lambda found: _OLD_OF[found.group()], token)
    return old if modern_spelling(old) == token else token


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _old_spelling(name: str, rng: np.random.Generator) -> str | None:
    return " ".join(_old_token(token) for token in name.split())


def _group_variant(variation: str) -> Callable[[str, np.random.Generator], str | None]:
    def vary(name: str, rng: np.random.Generator) -> str | None:
        tokens = name.split()
        groups = _groups(variation)
        options = [(at, target) for at, token in enumerate(tokens) for target in groups.get(token, ())]
        if variation == "regional":
            for at, token in enumerate(tokens):
                for ending, replacement in _rules().regional_suffixes:
                    if len(token) >= 5 and token.endswith(ending) and token not in groups:
                        options.append((at, token[: -len(ending)] + replacement))
        if not options:
            return None
        at, target = options[int(rng.integers(len(options)))]
        tokens[at] = target
        return " ".join(tokens)

    return vary


def _husband_name(name: str, rng: np.random.Generator, sex: str) -> str | None:
    """A married woman's single registered name with her husband's name added (`SARTINI` -> `SARTINI SANTOSO`)."""
    if sex != "F" or len(name.split()) != 1:
        return None
    for _ in range(5):  # not her own name again: `SARTINI SARTINI` is a doubled single name, not a husband's
        husband = str(sample_given(np.zeros(1, dtype=bool), rng, role="second")[0])
        if husband != name:
            return f"{name} {husband}"
    return None


def _bin_binti(name: str, rng: np.random.Generator, sex: str, father: str | None) -> str | None:
    if PATRONYMIC_WORDS & set(name.split()):
        return None
    if father is None:
        father = str(sample_fathers(1, rng)[0])
    return f"{name} {tables.name_parts().patronymic[sex]} {father}"


def airline_name(name: str, rng: np.random.Generator, *, sex: str | None, age: int | None = None) -> str:
    """The name as an airline writes it: `SURNAME/GIVEN MR`; a mononym as `X/FNU`, `LNU/X`, `X/X`, `X/MS`."""
    titles = _rules().airline_titles["child" if age is not None and age < 12 else "adult"]
    title = _pick(rng, titles[sex]) if sex is not None and sex in titles else ""
    tokens = name.split()
    if len(tokens) == 1:
        form = _pick(rng, _rules().mononym_airline_forms)
        written = form.format(name=tokens[0])
        return written + title if written.endswith("/") else written
    surname, given = split_surname(name)
    return f"{surname}/{given}" + (f" {title}" if title else "")


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given names) as a list with separate columns writes them: the last token is the surname.

    A BIN/BINTI name loses the link word: `SUMIATI BINTI KARSO` is listed as given SUMIATI, surname KARSO.
    """
    tokens = name.split()
    for at, token in enumerate(tokens):
        if token in PATRONYMIC_WORDS and 0 < at < len(tokens) - 1:
            return " ".join(tokens[at + 1 :]), " ".join(tokens[:at])
    return (tokens[-1], " ".join(tokens[:-1])) if tokens else ("", "")


def _airline_form(name: str, rng: np.random.Generator, sex: str, age: int | None) -> str | None:
    return airline_name(name, rng, sex=sex, age=age)


def _mononym_doubled(name: str, rng: np.random.Generator) -> str | None:
    return f"{name} {name}" if len(name.split()) == 1 else None


def _token_order(name: str, rng: np.random.Generator) -> str | None:
    tokens = name.split()
    if len(set(tokens)) < 2 or PATRONYMIC_WORDS & set(tokens):
        return None
    shift = int(rng.integers(1, len(tokens)))
    return " ".join(tokens[shift:] + tokens[:shift])


def _merged_split(name: str, rng: np.random.Generator) -> str | None:
    tokens = name.split()
    prefixes = _rules().merge_prefixes
    keep = PATRONYMIC_WORDS | set(_rules().particles)
    options: list[list[str]] = []
    for at, token in enumerate(tokens):
        for prefix in prefixes:
            if token.startswith(prefix) and len(token) - len(prefix) >= 3:
                options.append([*tokens[:at], prefix, token[len(prefix) :], *tokens[at + 1 :]])
        if at + 1 < len(tokens) and token in prefixes:
            options.append([*tokens[:at], token + tokens[at + 1], *tokens[at + 2 :]])
    if not options:  # any two neighbouring name words written together
        options = [
            [*tokens[:at], tokens[at] + tokens[at + 1], *tokens[at + 2 :]]
            for at in range(len(tokens) - 1)
            if not {tokens[at], tokens[at + 1]} & keep
        ]
    return " ".join(options[int(rng.integers(len(options)))]) if options else None


def _particle_dropped(name: str, rng: np.random.Generator) -> str | None:
    tokens = name.split()
    if len(tokens) >= 3 and tokens[0] in _rules().particles:
        return " ".join(tokens[1:])
    return None


def _truncated(name: str, rng: np.random.Generator) -> str | None:
    limits = [limit for limit in _rules().truncation_limits if len(name) > limit]
    if not limits:
        return None
    return name[: limits[int(rng.integers(len(limits)))]].rstrip()


def _ocr_confusion(name: str, rng: np.random.Generator) -> str | None:
    confusions = _rules().ocr_confusions
    positions = [at for at, char in enumerate(name) if char in confusions]
    if not positions:
        return None
    at = positions[int(rng.integers(len(positions)))]
    return name[:at] + confusions[name[at]] + name[at + 1 :]


@cache
def _neighbours() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in _rules().keyboard_rows:
        for at, key in enumerate(row):
            out[key] = row[max(at - 1, 0) : at] + row[at + 1 : at + 2]
    return out


def _typo(name: str, rng: np.random.Generator) -> str | None:
    """One keying error: a neighbouring key, a dropped or doubled letter, or two letters swapped."""
    letters = [at for at, char in enumerate(name) if char.isalpha()]
    if len(letters) < 3:
        return None
    for _ in range(20):
        at = letters[int(rng.integers(len(letters)))]
        kind = int(rng.integers(4))
        if kind == 0:
            typed = name[:at] + _pick(rng, _neighbours()[name[at]]) + name[at + 1 :]
        elif kind == 1:
            token = next(token for token in _tokens_at(name) if token[0] <= at < token[1])
            if token[1] - token[0] < 3:
                continue
            typed = name[:at] + name[at + 1 :]
        elif kind == 2:
            typed = name[:at] + name[at] + name[at:]
        else:
            if at + 1 >= len(name) or not name[at + 1].isalpha() or name[at] == name[at + 1]:
                continue
            typed = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
        if typed != name:
            return typed
    return None


def _tokens_at(name: str) -> list[tuple[int, int]]:
    return [(found.start(), found.end()) for found in re.finditer(r"\S+", name)]


def _title_dropped(name: str, rng: np.random.Generator) -> str | None:
    return strip_titles(name) if has_title(name) else None


_SIMPLE: dict[str, Callable[[str, np.random.Generator], str | None]] = {
    "exact": lambda name, rng: name,
    "old_spelling": _old_spelling,
    "muhammad_variant": _group_variant("muhammad_variant"),
    "arabic_variant": _group_variant("arabic_variant"),
    "regional": _group_variant("regional"),
    "balinese_abbreviation": _group_variant("balinese_abbreviation"),
    "title_dropped": _title_dropped,
    "mononym_doubled": _mononym_doubled,
    "token_order": _token_order,
    "merged_split": _merged_split,
    "particle_dropped": _particle_dropped,
    "truncated": _truncated,
    "ocr_confusion": _ocr_confusion,
    "typo": _typo,
}


def vary_name(
    name: str,
    variation: str,
    rng: np.random.Generator,
    *,
    sex: str = "F",
    father: str | None = None,
    age: int | None = None,
) -> str | None:
    """`name` as a manifest might show it under `variation`, or None when the variation does not apply.

    A titled KTP name only takes `exact` or `title_dropped`: passports drop titles, so any other change
    would be two changes under one label.
    """
    if variation not in NAME_VARIATIONS:
        raise ValueError(f"unknown name variation {variation!r}")
    if has_title(name) and variation not in ("exact", "title_dropped"):
        return None
    if variation == "bin_binti":
        varied = _bin_binti(name, rng, sex, father)
    elif variation == "airline_form":
        varied = _airline_form(name, rng, sex, age)
    elif variation == "husband_name":
        varied = _husband_name(name, rng, sex)
    else:
        varied = _SIMPLE[variation](name, rng)
    if varied is None or (variation != "exact" and varied == name):
        return None
    return varied


def applicable(names: pd.Series, variation: str) -> np.ndarray:
    """A vectorised first cut: False where `variation` surely does not apply to the name.

    True does not promise that it applies (call `vary_name`); it lets a caller skip most hopeless names when
    looking for, say, a Balinese name to drop a particle from in a million-record registry.
    """
    text = names.fillna("").astype(str)
    titled = text.str.contains(".", regex=False)
    if variation == "exact":
        return np.ones(len(text), dtype=bool)
    if variation == "title_dropped":
        return np.asarray(titled, dtype=bool)
    untitled = ~titled
    patterns = {
        "mononym_doubled": r"^\S+$",
        "husband_name": r"^\S+$",
        "token_order": r" ",
        "particle_dropped": r"^(?:" + "|".join(_rules().particles) + r") \S+ \S+",
        "ocr_confusion": "[" + "".join(_rules().ocr_confusions) + "]",
    }
    if variation in ("muhammad_variant", "arabic_variant", "balinese_abbreviation"):
        patterns[variation] = r"\b(?:" + "|".join(sorted(_groups(variation), key=len, reverse=True)) + r")\b"
    if variation == "bin_binti":
        return np.asarray(untitled & ~text.str.contains(r"\bBIN(?:TI)?\b", regex=True), dtype=bool)
    if variation == "truncated":
        cut = text.str.len() > min(_rules().truncation_limits)
        return np.asarray(untitled & cut, dtype=bool)
    if variation in patterns:
        return np.asarray(untitled & text.str.contains(patterns[variation], regex=True), dtype=bool)
    if variation in NAME_VARIATIONS:
        return np.asarray(untitled, dtype=bool)
    raise ValueError(f"unknown name variation {variation!r}")


def _weighted_order(weights: Mapping[str, float], rng: np.random.Generator) -> list[str]:
    """Labels in a random order where heavier labels tend to come first (sampling without replacement)."""
    labels = [label for label, weight in weights.items() if weight > 0]
    keys = rng.random(len(labels)) ** (1.0 / np.array([weights[label] for label in labels], dtype=float))
    return [labels[at] for at in np.argsort(-keys)]


def pick_name_variation(
    name: str,
    rng: np.random.Generator,
    *,
    sex: str,
    birth_year: int | None = None,
    age: int | None = None,
    father: str | None = None,
    weights: Mapping[str, float] | None = None,
    exclude: Collection[str] = (),
) -> tuple[str, str]:
    """(manifest name, label): a realistic variation of `name`, `exact` when nothing else applies."""
    if has_title(name):
        return (strip_titles(name), "title_dropped") if rng.random() < 0.9 else (name, "exact")
    chosen = dict(weights if weights is not None else _rules().realistic_name_weights)
    if birth_year is not None and birth_year >= _rules().old_spelling_born_before:
        chosen.pop("old_spelling", None)
    for label in exclude:
        chosen.pop(label, None)
    for label in _weighted_order(chosen, rng):
        varied = vary_name(name, label, rng, sex=sex, father=father, age=age)
        if varied is not None:
            return varied, label
    return name, "exact"


def vary_dob(
    dob: date,
    variation: str,
    rng: np.random.Generator,
    *,
    earliest: date = date.min,
    latest: date = date.max,
) -> date | None:
    """The birth date under `variation`: day and month swapped, or one digit keyed wrong.

    None when the variation does not apply or would leave [earliest, latest] (callers use the bounds to keep
    an adult an adult: a mistyped year must not turn a registered worker into a minor).
    """
    if variation == "exact":
        return dob
    if variation == "dob_swap":
        if dob.day > 12 or dob.day == dob.month:
            return None
        swapped = date(dob.year, dob.day, dob.month)
        return swapped if earliest <= swapped <= latest else None
    if variation == "dob_digit":
        options = [typed for typed in _one_digit_away(dob) if earliest <= typed <= latest]
        return options[int(rng.integers(len(options)))] if options else None
    raise ValueError(f"unknown date-of-birth variation {variation!r}")


def _one_digit_away(dob: date, first: int = 2) -> list[date]:
    """Valid dates whose YYYYMMDD differs from `dob` in one digit at position `first` or later.

    Slips start at 2 by default: 19xx -> 29xx is no keying error anyone misses.
    """
    digits = f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"
    found: list[date] = []
    for at in range(first, 8):
        for digit in "0123456789":
            if digit != digits[at]:
                typed = digits[:at] + digit + digits[at + 1 :]
                try:
                    found.append(date(int(typed[:4]), int(typed[4:6]), int(typed[6:])))
                except ValueError:
                    continue
    return found


def confusable_dates(first: date, second: date) -> bool:
    """Whether two birth dates could be one person's: equal, day/month swapped, or one digit apart."""
    if first == second or (first.year, first.month, first.day) == (second.year, second.day, second.month):
        return True
    return sum(a != b for a, b in zip(first.strftime("%Y%m%d"), second.strftime("%Y%m%d"), strict=True)) == 1


def confusable_with_any(day: date, others: Collection[date]) -> bool:
    """Whether `day` is confusable with any of `others` (fast for many: checks day's own ~45 neighbours)."""
    if not others:
        return False
    if day in others or (day.day <= 12 and date(day.year, day.day, day.month) in others):
        return True
    return any(near in others for near in _one_digit_away(day, first=0))


def pick_dob_variation(
    dob: date,
    rng: np.random.Generator,
    weights: Mapping[str, float] | None = None,
    *,
    earliest: date = date.min,
    latest: date = date.max,
) -> tuple[date, str]:
    """(manifest birth date, label): mostly exact, sometimes swapped or mistyped, within the bounds."""
    chosen = weights if weights is not None else _rules().realistic_dob_weights
    for label in _weighted_order(chosen, rng):
        varied = vary_dob(dob, label, rng, earliest=earliest, latest=latest)
        if varied is not None:
            return varied, label
    return dob, "exact"


def new_passport_number(rng: np.random.Generator, *, other_than: str | None = None) -> str:
    """A passport number (one letter + 7 digits) different from `other_than`."""
    while True:
        number = f"{_pick(rng, PASSPORT_LETTERS)}{int(rng.integers(1_000_000, 10_000_000))}"
        if number != other_than:
            return number


def passport_renewal_rate() -> float:
    """Share of registered travellers whose passport was renewed since registration."""
    return _rules().passport_renewal_rate
