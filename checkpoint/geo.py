"""Countries and airports: every destination becomes an ISO 3166-1 alpha-3 code (as in the MRZ).

Country codes and names come from `pycountry` (its table cached, see `_countries`); airports from the
maintained `airportsdata` set (IATA code → ISO alpha-2 → alpha-3). A three-letter value that is a country
code is read as a country first (`SGP`, `MYS`), otherwise as an airport (`KUL` → MYS, `JED` → SAU,
`KTI` → KHM). A nationality is a country, never an airport.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from checkpoint.cachefile import write_cache_file

T = TypeVar("T")

# ICAO 9303 uses a few codes that are not ISO 3166-1 (Germany as `D`, British nationals' variants, Kosovo),
# and people write `UK` for the United Kingdom (an ISO "exceptionally reserved" code).
_ICAO_EXTRA = {
    "D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR",
    "RKS": "XKX", "XKX": "XKX", "XK": "XKX", "UK": "GBR",
}  # fmt: skip
# ICAO 9303 nationality codes for people without one country: stateless, refugees, UN and EU documents.
_ICAO_NATIONALITIES = frozenset({"XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE"})
# Airports that officers still write but the dataset no longer lists (Phnom Penh's PNH closed in 2025 when
# Techo International, KTI, opened); used only when the installed dataset does not know the code.
_RETIRED_AIRPORTS = {"PNH": "KHM", "KTI": "KHM"}


@dataclass(frozen=True)
class _Countries:
    """What the screening needs of ISO 3166-1: the alpha-3 codes, alpha-2 -> alpha-3, and every name and
    code pycountry's `countries.lookup` accepts (lower case) -> the alpha-3 it returns."""

    alpha3: frozenset[str]
    alpha2: dict[str, str]
    names: dict[str, str]


@cache
def _countries() -> _Countries:
    """The country table. Importing pycountry is slow (it reads its own package metadata), so the table is
    kept under $CHECKPOINT_HOME/cache, keyed by the size and time of pycountry's ISO 3166-1
    file, and pycountry is imported only to build it. The cache is safe to delete."""
    source = _dataset_file("pycountry", "databases/iso3166-1.json")

    def decode(found: Any) -> _Countries:
        table = _Countries(frozenset(found["alpha3"]), _texts(found["alpha2"]), _texts(found["names"]))
        if not all(isinstance(code, str) for code in table.alpha3):
            raise ValueError("not a country table")
        return table

    return _json_cached(
        _cache_path("countries-v1-{}", source) if source else None,
        _countries_from_pycountry,
        lambda table: {"alpha3": sorted(table.alpha3), "alpha2": table.alpha2, "names": table.names},
        decode,
    )


def _texts(found: Any) -> dict[str, str]:
    """A stored text -> text mapping, checked (ValueError when it is anything else)."""
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise ValueError("not a table of texts")
    return {str(key): value for key, value in found.items()}


def _json_cached(
    path: Path | None, build: Callable[[], T], encode: Callable[[T], object], decode: Callable[[Any], T]
) -> T:
    """What an earlier run kept at `path` (JSON, `decode`d), or `build()` kept there now. An entry that is
    missing, unreadable or not as expected is built again: a cache only ever costs time."""
    if path is not None:
        try:
            return decode(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    built = build()
    if path is not None:
        write_cache_file(path, json.dumps(encode(built), separators=(",", ":")))
    return built


def _countries_from_pycountry() -> _Countries:
    import pycountry

    countries = list(pycountry.countries)
    # Every value `lookup` can match is one of the records' fields, lower-cased: asking `lookup` itself for
    # each gives the same answers it would give, whatever its order of precedence.
    values = {str(value).lower() for country in countries for value in _field_values(country) if value}
    names = {}
    for value in sorted(values):
        try:
            names[value] = str(pycountry.countries.lookup(value).alpha_3)
        except LookupError:
            continue
    return _Countries(
        alpha3=frozenset(country.alpha_3 for country in countries),
        alpha2={country.alpha_2: country.alpha_3 for country in countries},
        names=names,
    )


#: The record fields `lookup` searches, should pycountry's records stop exposing them all (`_fields`).
_COUNTRY_FIELDS = ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name")


def _field_values(country: object) -> list[object]:
    fields = getattr(country, "_fields", None)
    if isinstance(fields, dict):
        return list(fields.values())
    return [getattr(country, name, None) for name in _COUNTRY_FIELDS]


def _alpha3_codes() -> frozenset[str]:
    return _countries().alpha3


def _alpha2_to_alpha3() -> dict[str, str]:
    return _countries().alpha2


@cache
def _airport_countries() -> dict[str, str]:
    """IATA airport code -> alpha-3. Building it reads airportsdata's whole table, so the
    result is kept under $CHECKPOINT_HOME/cache, keyed by that table's size and time and by the country codes
    it was mapped with: a new release of either dataset is a new key. The cache is safe to delete."""
    table = _airports_table()
    return _json_cached(_airports_cache(table) if table else None, _airports_from_airportsdata, dict, _texts)


def _airports_from_airportsdata() -> dict[str, str]:
    import airportsdata  # loaded only when a destination is an airport the cache does not hold

    alpha3 = _alpha2_to_alpha3()
    return {
        code: alpha3[info["country"]]
        for code, info in airportsdata.load("IATA").items()
        if info.get("country") in alpha3
    }


def _airports_table() -> Path | None:
    """airportsdata's CSV file, found without importing the package."""
    return _dataset_file("airportsdata", "airports.csv")


def _dataset_file(package: str, name: str) -> Path | None:
    """A data file shipped inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / name
    return path if path.is_file() else None


def _airports_cache(table: Path) -> Path:
    countries = hashlib.sha256(repr(sorted(_alpha2_to_alpha3().items())).encode()).hexdigest()[:12]
    return _cache_path(f"airports-v1-{{}}-{countries}", table)


def _cache_path(template: str, source: Path) -> Path:
    """Where a table built from `source` is kept: `template` with the source's size and modification time
    in place of `{}`."""
    from checkpoint.home import geo_cache_dir

    stat = source.stat()
    return geo_cache_dir() / (template.replace("{}", f"{stat.st_size}-{stat.st_mtime_ns}") + ".json")


def _country(code: str) -> str | None:
    """Alpha-3 for an upper-case country code (alpha-3, alpha-2, ICAO variant) or an English country name."""
    if len(code) == 3 and code in _alpha3_codes():
        return code
    if code in _ICAO_EXTRA:
        return _ICAO_EXTRA[code]
    if len(code) == 2:
        return _alpha2_to_alpha3().get(code)
    if len(code) > 3:
        return _countries().names.get(code.lower())
    return None


def _normalise(value: str) -> str:
    return " ".join(value.upper().replace("<", " ").split())


def country_code(value: str | None) -> str | None:
    """ISO alpha-3 for a country code (alpha-3, alpha-2, ICAO variant), country name or IATA airport code."""
    if not value:
        return None
    code = _normalise(value)
    found = _country(code)
    if found is None and len(code) == 3:
        found = _airport_countries().get(code) or _RETIRED_AIRPORTS.get(code)
    return found


def nationality_code(value: str | None) -> str | None:
    """ISO alpha-3 (or an ICAO code such as `XXA`, stateless) for a nationality; airports are not nationalities."""
    if not value:
        return None
    code = _normalise(value)
    return code if code in _ICAO_NATIONALITIES else _country(code)


def is_airport(value: str) -> bool:
    """True when the value is a known IATA airport code."""
    code = value.strip().upper()
    return code in _airport_countries() or code in _RETIRED_AIRPORTS
