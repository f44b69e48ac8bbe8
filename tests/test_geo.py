"""Countries and airports as destinations and nationalities arrive: every one becomes ISO alpha-3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checkpoint.geo import _airport_countries, country_code, is_airport, nationality_code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("IDN", "IDN"),
        ("MYS", "MYS"),
        ("SGP", "SGP"),  # a country code wins over any airport with the same letters
        ("ID", "IDN"),
        ("MY", "MYS"),
        ("SA", "SAU"),
        ("TW", "TWN"),
        ("HK", "HKG"),
        ("D", "DEU"),  # ICAO 9303 variants
        ("D<<", "DEU"),
        ("GBD", "GBR"),
        ("GBN", "GBR"),
        ("RKS", "XKX"),
        ("XKX", "XKX"),
        ("UK", "GBR"),
        ("Malaysia", "MYS"),  # English country names, as agents type them
        ("Saudi Arabia", "SAU"),
        ("south korea", "KOR"),
        ("Hong Kong", "HKG"),
    ],
)
def test_country_codes_and_names(value: str, expected: str) -> None:
    assert country_code(value) == expected


@pytest.mark.parametrize(
    ("airport", "country"),
    [
        ("KUL", "MYS"),
        ("JED", "SAU"),
        ("MED", "SAU"),
        ("RUH", "SAU"),
        ("CGK", "IDN"),
        ("KTI", "KHM"),
        ("PNH", "KHM"),  # closed in 2025 and gone from the dataset; still on old bookings
        ("DXB", "ARE"),
        ("AUH", "ARE"),
        ("TPE", "TWN"),
        ("HKG", "HKG"),
        ("SIN", "SGP"),
        ("ICN", "KOR"),
        ("BKI", "MYS"),
        ("DOH", "QAT"),
    ],
)
def test_airports_map_to_their_country(airport: str, country: str) -> None:
    assert country_code(airport) == country
    assert is_airport(airport)


@pytest.mark.parametrize("value", ["kul", " KUL ", "Kul\n", "\tidn", "my "])
def test_case_and_whitespace_do_not_matter(value: str) -> None:
    assert country_code(value) in {"MYS", "IDN"}
    assert country_code(value) == country_code(value.strip().upper())


@pytest.mark.parametrize("value", [None, "", "   ", "ZZZ", "QQ", "XYZQ", "Atlantis", "12", "K-L"])
def test_unknown_values_are_none(value: str | None) -> None:
    assert country_code(value) is None


def test_country_codes_are_not_airports() -> None:
    assert not is_airport("ZZZ")
    assert country_code("IDN") == "IDN"  # IDN is not read as an airport code


class TestNationality:
    @pytest.mark.parametrize(("value", "expected"), [("IDN", "IDN"), ("id", "IDN"), ("D", "DEU"), ("Malaysia", "MYS")])
    def test_countries(self, value: str, expected: str) -> None:
        assert nationality_code(value) == expected

    @pytest.mark.parametrize("airport", ["KUL", "JED", "CGK"])
    def test_an_airport_is_not_a_nationality(self, airport: str) -> None:
        assert country_code(airport) is not None
        assert nationality_code(airport) is None

    @pytest.mark.parametrize("code", ["XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE"])
    def test_icao_codes_for_stateless_refugee_and_un_documents_are_kept(self, code: str) -> None:
        assert nationality_code(code) == code


def test_the_airport_table_is_built_once_then_read_from_the_cache(
    checkpoint_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import airportsdata

    _airport_countries.cache_clear()
    assert country_code("KUL") == "MYS"
    cached = list((checkpoint_home / "cache" / "geo").glob("airports-*.json"))
    assert len(cached) == 1

    def refuse(*args: object) -> None:
        raise AssertionError("airportsdata read again despite the cache")

    monkeypatch.setattr(airportsdata, "load", refuse)
    _airport_countries.cache_clear()
    assert country_code("JED") == "SAU" and is_airport("CGK")
    _airport_countries.cache_clear()


def test_a_damaged_airport_cache_is_rebuilt(checkpoint_home: Path) -> None:
    _airport_countries.cache_clear()
    country_code("KUL")
    [cached] = (checkpoint_home / "cache" / "geo").glob("airports-*.json")
    cached.write_text('{"KUL": 1', encoding="utf-8")
    _airport_countries.cache_clear()
    assert country_code("KUL") == "MYS"
    assert json.loads(cached.read_text(encoding="utf-8"))["KUL"] == "MYS"
    _airport_countries.cache_clear()


def test_an_unwritable_home_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CHECKPOINT_HOME", str(blocked))
    _airport_countries.cache_clear()
    assert country_code("KUL") == "MYS"
    _airport_countries.cache_clear()


def test_the_country_table_answers_as_pycountry_does_and_is_read_back_from_the_cache(
    checkpoint_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pycountry

    from checkpoint import geo

    geo._countries.cache_clear()
    values = [field for country in pycountry.countries for field in country._fields.values() if field]
    values += ["Atlantis", "MALAYSIA ", "Republic of Korea", "Korea, Republic of", "Türkiye", "Viet Nam"]
    built = [country_code(value) for value in values]
    [cached] = (checkpoint_home / "cache" / "geo").glob("countries-*.json")

    def expected(value: str) -> str | None:
        code = " ".join(value.upper().split())
        if len(code) <= 3:
            return country_code(value)  # codes: the alpha-2/alpha-3/ICAO rules above
        try:
            return str(pycountry.countries.lookup(code).alpha_3)
        except LookupError:
            return None

    assert built == [expected(value) for value in values]
    assert sum(code is not None for code in built) > 700

    def refuse() -> None:
        raise AssertionError("pycountry read again despite the cache")

    build = geo._countries_from_pycountry
    monkeypatch.setattr(geo, "_countries_from_pycountry", refuse)
    geo._countries.cache_clear()
    assert [country_code(value) for value in values] == built
    cached.write_text('{"alpha3": 1', encoding="utf-8")  # damaged: rebuilt
    monkeypatch.setattr(geo, "_countries_from_pycountry", build)
    geo._countries.cache_clear()
    assert country_code("Malaysia") == "MYS"
    assert json.loads(cached.read_text(encoding="utf-8"))["alpha2"]["MY"] == "MYS"
    geo._countries.cache_clear()


def test_country_fields_are_read_without_pycountrys_private_record_too() -> None:
    from types import SimpleNamespace

    from checkpoint.geo import _field_values

    country = SimpleNamespace(alpha_2="MY", alpha_3="MYS", numeric="458", name="Malaysia")
    assert [value for value in _field_values(country) if value] == ["MY", "MYS", "458", "Malaysia"]
