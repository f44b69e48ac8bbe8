"""The generator's reference tables (names, places, jobs, variant spellings), loaded once and validated.

Every table is package data under `checkpoint/synth/tables/`; nothing here is a Python literal list of
names. A malformed table is a packaging bug, reported as a ConfigError naming the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from checkpoint.errors import ConfigError
from checkpoint.i18n import text

T = TypeVar("T")

SEXES = ("M", "F")
SECTORS = ("formal", "informal", "domestic")
SCHEMES = ("P2P", "G2G", "G2P", "UKPS", "MANDIRI")
NAME_ROLES = ("mononym", "first", "middle", "second", "bali", "christian", "clan", "father")

_TOKEN = re.compile(r"^[A-Z][A-Z'-]*$")
_TITLE = re.compile(r"^[A-Z.]+$")
_ALPHA3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class NameToken:
    """One given-name, clan or father's-name token with its sex-specific frequency weights."""

    token: str
    role: str
    origin: str
    weight_m: float
    weight_f: float


@dataclass(frozen=True, slots=True)
class CommonName:
    """A full name so common that many different people carry it (DOMAIN.md §4)."""

    full_name: str
    sex: str
    weight: float


@dataclass(frozen=True, slots=True)
class Title:
    """A KTP title or degree: `H.`, `HJ.` before the name; `S.PD` after a comma."""

    title: str
    position: str
    weight_m: float
    weight_f: float
    min_age: int


@dataclass(frozen=True, slots=True)
class Style:
    """A way of composing a name (mononym, Balinese, Batak…), with its weight for old and young people."""

    style: str
    region: str
    weight_old: float
    weight_young: float


@dataclass(frozen=True, slots=True)
class Province:
    """A province code as used in the NIK, with how many regencies and cities it has."""

    code: int
    name: str
    regencies: int
    cities: int


@dataclass(frozen=True, slots=True)
class Destination:
    """A placement country: weights per sex, placement-scheme weights, and the employers' company suffix."""

    code: str
    alpha2: str
    weight_f: float
    weight_m: float
    schemes: Mapping[str, float]
    company_suffix: str


@dataclass(frozen=True, slots=True)
class Job:
    """A job title offered in a destination, its sector, and its weights per sex."""

    destination: str
    job_title: str
    sector: str
    weight_f: float
    weight_m: float


@dataclass(frozen=True, slots=True)
class Port:
    """A departure port and the destinations served from it (`*` for all)."""

    port: str
    weight: float
    destinations: tuple[str, ...]


def damaged(name: str, detail: str) -> ConfigError:
    """The error for a table shipped with the package that cannot be used: the sentence is for the user (reinstall),
    `detail` for whoever maintains the tables, in their words (English, like the table's own column names)."""
    return ConfigError(text("synth.table_damaged", name=name, detail=detail))


def _text(name: str) -> str:
    try:
        return (files("checkpoint.synth") / "tables" / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise damaged(name, f"cannot be read ({error})") from None


def _rows(name: str, columns: tuple[str, ...], convert: Callable[[dict[str, str]], T]) -> tuple[T, ...]:
    reader = csv.DictReader(io.StringIO(_text(name)))
    if tuple(reader.fieldnames or ()) != columns:
        raise damaged(name, f"header must be {','.join(columns)}")
    out: list[T] = []
    for line, row in enumerate(reader, start=2):
        try:
            out.append(convert({key: (value or "").strip() for key, value in row.items()}))
        except (ValueError, KeyError) as error:
            raise damaged(f"{name}:{line}", str(error)) from None
    if not out:
        raise damaged(name, "empty")
    return tuple(out)


def _weight(value: str) -> float:
    weight = float(value)
    if not weight >= 0:
        raise ValueError(f"weight {value!r} must be a number >= 0")
    return weight


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _yaml(name: str) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(_text(name))
    except YAMLError as error:
        raise damaged(name, f"not valid YAML: {error}") from None


def _name_token(row: dict[str, str]) -> NameToken:
    token = NameToken(row["token"], row["role"], row["origin"], _weight(row["weight_m"]), _weight(row["weight_f"]))
    _check(bool(_TOKEN.match(token.token)), f"token {token.token!r} must be upper-case letters")
    _check(token.role in NAME_ROLES, f"role {token.role!r} is not one of {', '.join(NAME_ROLES)}")
    _check(token.weight_m + token.weight_f > 0, f"token {token.token!r} has no weight for either sex")
    return token


@cache
def name_tokens() -> tuple[NameToken, ...]:
    """All name tokens (given names, clan names, fathers' names) with their weights."""
    tokens = _rows("given_names.csv", ("token", "role", "origin", "weight_m", "weight_f"), _name_token)
    seen: set[tuple[str, str]] = set()
    for token in tokens:
        key = (token.token, token.role)
        if key in seen:
            raise damaged("given_names.csv", f"{token.token} appears twice with role {token.role}")
        seen.add(key)
    return tokens


def _common_name(row: dict[str, str]) -> CommonName:
    name = CommonName(row["full_name"], row["sex"], _weight(row["weight"]))
    _check(all(_TOKEN.match(part) for part in name.full_name.split(" ")), f"bad name {name.full_name!r}")
    _check(name.sex in SEXES, f"sex {name.sex!r} must be M or F")
    return name


@cache
def common_names() -> tuple[CommonName, ...]:
    """Very common full names that recur across many different people."""
    return _rows("common_full_names.csv", ("full_name", "sex", "weight"), _common_name)


def _title(row: dict[str, str]) -> Title:
    title = Title(
        row["title"], row["position"], _weight(row["weight_m"]), _weight(row["weight_f"]), int(row["min_age"])
    )
    _check(bool(_TITLE.match(title.title)), f"title {title.title!r} must be upper-case letters and dots")
    _check(title.position in ("prefix", "suffix"), f"position {title.position!r} must be prefix or suffix")
    return title


@cache
def titles() -> tuple[Title, ...]:
    """KTP titles and degrees."""
    return _rows("titles.csv", ("title", "position", "weight_m", "weight_f", "min_age"), _title)


@cache
def provinces() -> tuple[Province, ...]:
    """Province codes for the NIK (DOMAIN.md §5)."""

    def convert(row: dict[str, str]) -> Province:
        province = Province(int(row["code"]), row["name"], int(row["regencies"]), int(row["cities"]))
        _check(11 <= province.code <= 96, f"province code {province.code} out of range")
        _check(province.regencies >= 1 and 0 <= province.cities <= 9, "regencies >= 1, cities 0-9")
        return province

    return _rows("provinces.csv", ("code", "name", "regencies", "cities"), convert)


@cache
def regions() -> Mapping[str, tuple[tuple[int, float], ...]]:
    """Region name -> (province code, weight) pairs: where people with a given naming style come from."""
    known = {province.code for province in provinces()}

    def convert(row: dict[str, str]) -> tuple[str, int, float]:
        code = int(row["province"])
        _check(code in known, f"province {code} is not in provinces.csv")
        return row["region"], code, _weight(row["weight"])

    grouped: dict[str, list[tuple[int, float]]] = {}
    for region, code, weight in _rows("regions.csv", ("region", "province", "weight"), convert):
        grouped.setdefault(region, []).append((code, weight))
    return {region: tuple(pairs) for region, pairs in grouped.items()}


@cache
def styles() -> tuple[Style, ...]:
    """Name styles with their weights for people born long ago and recently."""
    known = set(regions()) | {"from_token"}

    def convert(row: dict[str, str]) -> Style:
        style = Style(row["style"], row["region"], _weight(row["weight_old"]), _weight(row["weight_young"]))
        _check(style.region in known, f"region {style.region!r} is not in regions.csv")
        return style

    return _rows("styles.csv", ("style", "region", "weight_old", "weight_young"), convert)


@cache
def destinations() -> tuple[Destination, ...]:
    """Placement countries with their weights, schemes and company suffixes."""
    columns = ("code", "alpha2", "weight_f", "weight_m", "p2p", "g2g", "g2p", "ukps", "mandiri", "company_suffix")

    def convert(row: dict[str, str]) -> Destination:
        schemes = {scheme: _weight(row[scheme.lower()]) for scheme in SCHEMES}
        _check(bool(_ALPHA3.match(row["code"])), f"destination {row['code']!r} must be ISO alpha-3")
        _check(sum(schemes.values()) > 0, "a destination needs at least one scheme")
        return Destination(
            row["code"],
            row["alpha2"],
            _weight(row["weight_f"]),
            _weight(row["weight_m"]),
            schemes,
            row["company_suffix"],
        )

    return _rows("destinations.csv", columns, convert)


@cache
def jobs() -> tuple[Job, ...]:
    """Job titles per destination; every destination has a job for each sex it receives."""
    by_code = {destination.code: destination for destination in destinations()}

    def convert(row: dict[str, str]) -> Job:
        job = Job(
            row["destination"], row["job_title"], row["sector"], _weight(row["weight_f"]), _weight(row["weight_m"])
        )
        _check(job.destination in by_code, f"destination {job.destination!r} is not in destinations.csv")
        _check(job.sector in SECTORS, f"sector {job.sector!r} is not one of {', '.join(SECTORS)}")
        return job

    table = _rows("jobs.csv", ("destination", "job_title", "sector", "weight_f", "weight_m"), convert)
    for destination in by_code.values():
        offered = [job for job in table if job.destination == destination.code]
        if destination.weight_f > 0 and not any(job.weight_f > 0 for job in offered):
            raise damaged("jobs.csv", f"no job for women in {destination.code}")
        if destination.weight_m > 0 and not any(job.weight_m > 0 for job in offered):
            raise damaged("jobs.csv", f"no job for men in {destination.code}")
    return table


@cache
def ports() -> tuple[Port, ...]:
    """Departure ports and the destinations each serves."""
    known = {destination.code for destination in destinations()}

    def convert(row: dict[str, str]) -> Port:
        served = tuple(row["destinations"].split())
        _check(served == ("*",) or set(served) <= known, f"unknown destination in {row['destinations']!r}")
        return Port(row["port"], _weight(row["weight"]), served)

    return _rows("ports.csv", ("port", "weight", "destinations"), convert)


def _words(name: str, slots: Iterable[str]) -> Mapping[str, tuple[str, ...]]:
    wanted = tuple(slots)

    def convert(row: dict[str, str]) -> tuple[str, str]:
        _check(row["slot"] in wanted, f"slot {row['slot']!r} is not one of {', '.join(wanted)}")
        _check(bool(_TOKEN.match(row["word"])), f"word {row['word']!r} must be upper-case letters")
        return row["slot"], row["word"]

    grouped: dict[str, list[str]] = {slot: [] for slot in wanted}
    for slot, word in _rows(name, ("word", "slot"), convert):
        grouped[slot].append(word)
    if not all(grouped.values()):
        raise damaged(name, f"every slot ({', '.join(wanted)}) needs words")
    return {slot: tuple(words) for slot, words in grouped.items()}


@cache
def agency_words() -> Mapping[str, tuple[str, ...]]:
    """Words composing synthetic P3MI names `PT <1> <2> <3>`."""
    return _words("agency_words.csv", ("1", "2", "3"))


@cache
def employer_words() -> Mapping[str, tuple[str, ...]]:
    """Words composing synthetic company employers `<brand> <trade> <suffix>`."""
    return _words("employer_words.csv", ("brand", "trade"))


@cache
def employer_families() -> Mapping[str, tuple[str, ...]]:
    """Family names for individual (household) employers, per destination."""
    grouped: dict[str, list[str]] = {}

    def convert(row: dict[str, str]) -> tuple[str, str]:
        _check(bool(_ALPHA3.match(row["destination"])), f"destination {row['destination']!r} must be alpha-3")
        return row["destination"], row["family"]

    for destination, family in _rows("employer_families.csv", ("destination", "family"), convert):
        grouped.setdefault(destination, []).append(family)
    return {destination: tuple(names) for destination, names in grouped.items()}


@dataclass(frozen=True, slots=True)
class NameParts:
    """Structural name parts (`tables/name_parts.yaml`): BIN/BINTI, LALU/BAIQ, Balinese names."""

    patronymic: Mapping[str, str]
    sasak_prefix: Mapping[str, str]
    balinese_particle: Mapping[str, str]
    luh_rate: float
    ornament_rate: float
    ornaments: tuple[str, ...]
    male_only: frozenset[str]
    birth_order: tuple[tuple[float, Mapping[str, float]], ...]


@dataclass(frozen=True, slots=True)
class SpellingGroup:
    """Interchangeable spellings of one name word, plus abbreviations that are only ever produced."""

    spellings: tuple[str, ...]
    abbreviations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VariantRules:
    """The tables behind the name variations (`tables/variants.yaml`)."""

    spelling_groups: Mapping[str, tuple[SpellingGroup, ...]]
    regional_suffixes: tuple[tuple[str, str], ...]
    particles: tuple[str, ...]
    merge_prefixes: tuple[str, ...]
    ocr_confusions: Mapping[str, str]
    keyboard_rows: tuple[str, ...]
    truncation_limits: tuple[int, ...]
    airline_titles: Mapping[str, Mapping[str, tuple[str, ...]]]
    mononym_airline_forms: tuple[str, ...]
    realistic_name_weights: Mapping[str, float]
    realistic_dob_weights: Mapping[str, float]
    passport_renewal_rate: float
    old_spelling_born_before: int


def _sexes(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != set(SEXES):
        raise ValueError(f"{what} needs exactly M and F")
    return {sex: str(value[sex]) for sex in SEXES}


def _weights(value: Any, what: str) -> dict[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{what} must be a non-empty mapping of weights")
    return {str(key): _weight(str(weight)) for key, weight in value.items()}


@cache
def name_parts() -> NameParts:
    """Structural name parts: BIN/BINTI, LALU/BAIQ, Balinese particles and birth-order names."""
    raw = _yaml("name_parts.yaml")
    try:
        bali = raw["balinese"]
        order = tuple(
            (_weight(str(position["weight"])), _weights(position["names"], "a birth-order position"))
            for position in bali["birth_order"]
        )
        if not order:
            raise ValueError("balinese.birth_order is empty")
        return NameParts(
            patronymic=_sexes(raw["patronymic"], "patronymic"),
            sasak_prefix=_sexes(raw["sasak_prefix"], "sasak_prefix"),
            balinese_particle=_sexes(bali["particle"], "balinese.particle"),
            luh_rate=float(bali["luh_rate"]),
            ornament_rate=float(bali["ornament_rate"]),
            ornaments=tuple(str(word) for word in bali["ornaments"]),
            male_only=frozenset(str(word) for word in bali.get("male_only", ())),
            birth_order=order,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise damaged("name_parts.yaml", str(error)) from None


def _groups(raw: Any, variation: str) -> tuple[SpellingGroup, ...]:
    groups: list[SpellingGroup] = []
    seen: set[str] = set()
    for group in raw:
        spellings = tuple(str(word) for word in group["spellings"])
        abbreviations = tuple(str(word) for word in group.get("abbreviations", ()))
        if not spellings or len(spellings) + len(abbreviations) < 2:  # NYOMAN has one spelling and NYM
            raise ValueError(f"a {variation} group needs a spelling and another form: {spellings}")
        for word in (*spellings, *abbreviations):
            if not _TOKEN.match(word) or word in seen:
                raise ValueError(f"{variation} spelling {word!r} is malformed or repeated")
            seen.add(word)
        groups.append(SpellingGroup(spellings, abbreviations))
    return tuple(groups)


@cache
def variant_rules() -> VariantRules:
    """Variant spellings and the other tables that drive name variations."""
    raw = _yaml("variants.yaml")
    try:
        titles = raw["airline_titles"]
        rules = VariantRules(
            spelling_groups={
                variation: _groups(raw[variation], variation)
                for variation in ("muhammad_variant", "arabic_variant", "regional", "balinese_abbreviation")
            },
            regional_suffixes=tuple((str(old), str(new)) for old, new in raw["regional_suffixes"]),
            particles=tuple(str(word) for word in raw["particles"]),
            merge_prefixes=tuple(str(word) for word in raw["merge_prefixes"]),
            ocr_confusions={str(letter): str(digit) for letter, digit in raw["ocr_confusions"].items()},
            keyboard_rows=tuple(str(row) for row in raw["keyboard_rows"]),
            truncation_limits=tuple(int(limit) for limit in raw["truncation_limits"]),
            airline_titles={
                age: {sex: tuple(str(title) for title in titles[age][sex]) for sex in SEXES}
                for age in ("adult", "child")
            },
            mononym_airline_forms=tuple(str(form) for form in raw["mononym_airline_forms"]),
            realistic_name_weights=_weights(raw["realistic_name_weights"], "realistic_name_weights"),
            realistic_dob_weights=_weights(raw["realistic_dob_weights"], "realistic_dob_weights"),
            passport_renewal_rate=float(raw["passport_renewal_rate"]),
            old_spelling_born_before=int(raw["old_spelling_born_before"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise damaged("variants.yaml", str(error)) from None
    if not rules.truncation_limits or any(len(digit) != 1 for digit in rules.ocr_confusions.values()):
        raise damaged("variants.yaml", "truncation_limits and one-character ocr_confusions are required")
    if not all("{name}" in form for form in rules.mononym_airline_forms):
        raise damaged("variants.yaml", "every mononym_airline_forms entry needs {name}")
    return rules


@cache
def manifest_plans() -> Mapping[str, Any]:
    """The sample manifests' trip contexts and scenario counts."""
    plans = _yaml("manifests.yaml")
    for kind, plan in plans.items():
        for key in ("file", "layout", "date_format", "port", "flight", "arrivals", "stay_days", "scenarios"):
            if key not in plan:
                raise damaged("manifests.yaml", f"{kind} lacks {key}")
    return plans  # type: ignore[no-any-return]
