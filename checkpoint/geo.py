"""Countries and airports: every destination becomes an ISO 3166-1 alpha-3 code (as in the MRZ).

Country codes come from `pycountry`; airports from the maintained `airportsdata` set (IATA code → ISO
alpha-2 → alpha-3). A three-letter value that is a country code is read as a country first (`SGP`, `MYS`),
otherwise as an airport (`KUL` → MYS, `JED` → SAU, `PNH` → KHM).
"""

from __future__ import annotations

from functools import cache

import pycountry

# ICAO 9303 uses a few codes that are not ISO 3166-1 (Germany as `D`, British nationals' variants, …).
_ICAO_EXTRA = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR", "RKS": "XKX"}


@cache
def _alpha3_codes() -> frozenset[str]:
    return frozenset(country.alpha_3 for country in pycountry.countries)


@cache
def _alpha2_to_alpha3() -> dict[str, str]:
    return {country.alpha_2: country.alpha_3 for country in pycountry.countries}


@cache
def _airport_countries() -> dict[str, str]:
    import airportsdata  # loaded only when a destination is given as an airport

    alpha3 = _alpha2_to_alpha3()
    return {
        code: alpha3[info["country"]]
        for code, info in airportsdata.load("IATA").items()
        if info.get("country") in alpha3
    }


def country_code(value: str | None) -> str | None:
    """ISO alpha-3 for a country code (alpha-3, alpha-2, ICAO variant) or IATA airport code; else None."""
    if not value:
        return None
    code = value.strip().upper().replace("<", "")
    if len(code) == 3 and code in _alpha3_codes():
        return code
    if code in _ICAO_EXTRA:
        return _ICAO_EXTRA[code]
    if len(code) == 2:
        return _alpha2_to_alpha3().get(code)
    if len(code) == 3:
        return _airport_countries().get(code)
    return None


def is_airport(value: str) -> bool:
    """True when the value is a known IATA airport code."""
    return value.strip().upper() in _airport_countries()
