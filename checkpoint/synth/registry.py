"""Synthetic placement registry (SPEC §4.1): `generate_registry(n, seed, today)`, fully vectorised.

The output is determined by (n, seed, today). It holds the hard cases a matcher must survive: very common
names carried by many different people, siblings sharing a father's name (BIN/BINTI) or a clan name, twins
(same date of birth and family), a few under-18 records, cancelled and not-ready records.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from checkpoint.models import RECORD_FIELDS, RECORD_STATUSES
from checkpoint.synth import tables
from checkpoint.synth.names import Bools, Ints, Names, Strings, sample_names

#: The registry columns, in SPEC §4.1 order.
REGISTRY_COLUMNS = RECORD_FIELDS

#: The fixed screening date of the shipped sample data.
SAMPLE_TODAY = date(2026, 11, 28)

STATUSES = RECORD_STATUSES
_STATUS_SHARE = (0.12, 0.18, 0.12, 0.52, 0.06)
#: Planned departure in days from today, per status: (low, high).
_DEPARTURE_WINDOW = {
    "REGISTERED": (60, 240),
    "VERIFIED": (14, 120),
    "READY": (-2, 21),
    "DEPARTED": (-1100, -3),
    "CANCELLED": (-400, 60),
}
#: Per status: share with a passport, a visa, an E-PMI card, active BPJS, completed OPP.
_PAPERS = {
    "REGISTERED": (0.50, 0.00, 0.00, 0.05, 0.00),
    "VERIFIED": (0.95, 0.25, 0.00, 0.55, 0.15),
    "READY": (1.00, 1.00, 0.92, 1.00, 1.00),
    "DEPARTED": (0.99, 0.98, 0.97, 0.90, 1.00),
    "CANCELLED": (0.80, 0.30, 0.05, 0.20, 0.25),
}
FEMALE_SHARE = 0.61
MINOR_SHARE = 0.004
TWIN_PAIR_SHARE = 0.003
SIBLING_PAIR_SHARE = 0.006
AGENCY_COUNT = 320
UKPS_COMPANIES = 60
SPSK_AGENCIES = 10  # agencies allowed to place the six Saudi domestic job titles (Kepmenaker 291/2018)
#: Saudi domestic placements entered under an agency outside the SPSK list: what the registry cannot explain.
OFF_LIST_SPSK_SHARE = 0.15
#: The SPSK agencies' names come from a stream of their own, the same for every seed, so that a rule pack's
#: dated list of SPSK agencies (rules/lists.yaml `spsk_agencies`) can name them.
_SPSK_STREAM = (291, 2018)
PASSPORT_LETTERS = ("A", "B", "C", "E", "X")
_STREAM = 1  # keeps the registry's random stream apart from the manifests'
_EPOCH = np.datetime64("1970-01-01", "D")

Dates = npt.NDArray[np.datetime64]
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _choice(
    options: tuple[str, ...] | list[str], weights: npt.ArrayLike, size: int, rng: np.random.Generator
) -> Strings:
    p = np.asarray(weights, dtype=float)
    return np.array(options, dtype=object)[rng.choice(len(options), size=size, p=p / p.sum())]


def _digits(size: int, width: int, rng: np.random.Generator) -> Strings:
    """Random digit strings of a fixed width."""
    values = rng.integers(0, 10**width, size=size, dtype=np.int64)
    return np.char.zfill(values.astype(str), width).astype(object)


def _present(keep: Bools, values: Strings) -> Strings:
    """`values` where `keep`, None (missing) elsewhere."""
    out = np.asarray(values, dtype=object).copy()
    out[~keep] = None
    return out


def _iso(days: Dates) -> Strings:
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = None
    return text


def _ages_and_births(
    status: Strings, departure: Dates, today: np.datetime64, rng: np.random.Generator
) -> tuple[Dates, Bools]:
    """Birth dates: adults (18+ at departure and today) and a few under-18 records."""
    size = len(status)
    minor = (rng.random(size) < MINOR_SHARE) & np.isin(status, ["REGISTERED", "VERIFIED", "READY"])
    age = 18 + 32 * rng.beta(2.2, 3.5, size)
    older = rng.random(size) < 0.03
    age[older] = rng.uniform(45, 56, int(older.sum()))
    anchor = np.where(np.isnat(departure), today, np.minimum(departure, today))
    birth = anchor - np.round(age * 365.25).astype("timedelta64[D]")
    minor_age = rng.uniform(16.0, 17.95, size)
    birth = np.where(minor, today - np.round(minor_age * 365.25).astype("timedelta64[D]"), birth)
    return birth.astype("datetime64[D]"), minor


def _pairs(share: float, eligible: npt.NDArray[np.intp], rng: np.random.Generator) -> npt.NDArray[np.intp]:
    count = min(round(share * len(eligible)), len(eligible) // 4)
    return rng.choice(eligible, size=(count, 2), replace=False) if count else np.empty((0, 2), dtype=np.intp)


def _schemes(destination: Strings, sector: Strings, rng: np.random.Generator) -> Strings:
    scheme = np.empty(len(destination), dtype=object)
    for entry in tables.destinations():
        rows = np.flatnonzero(destination == entry.code)
        if rows.size:
            scheme[rows] = _choice(list(entry.schemes), list(entry.schemes.values()), rows.size, rng)
    # Domestic work goes through a licensed agency only; MANDIRI needs a legal-entity employer.
    scheme[sector == "domestic"] = "P2P"
    return scheme


def _jobs(destination: Strings, female: Bools, rng: np.random.Generator) -> tuple[Strings, Strings]:
    job = np.empty(len(destination), dtype=object)
    sector = np.empty(len(destination), dtype=object)
    for code in np.unique(destination):
        offered = [entry for entry in tables.jobs() if entry.destination == code]
        for is_female in (False, True):
            rows = np.flatnonzero((destination == code) & (female == is_female))
            if rows.size:
                weights = [entry.weight_f if is_female else entry.weight_m for entry in offered]
                picked = rng.choice(len(offered), size=rows.size, p=np.array(weights) / sum(weights))
                job[rows] = np.array([entry.job_title for entry in offered], dtype=object)[picked]
                sector[rows] = np.array([entry.sector for entry in offered], dtype=object)[picked]
    return job, sector


def spsk_agency_names() -> tuple[str, ...]:
    """The names of the synthetic registry's SPSK agencies (the first SPSK_AGENCIES agencies), whatever the seed."""
    rng = np.random.default_rng(_SPSK_STREAM)
    words = tables.agency_words()
    names: list[str] = []
    while len(names) < SPSK_AGENCIES:
        name = "PT " + " ".join(words[slot][rng.integers(len(words[slot]))] for slot in ("1", "2", "3"))
        if name not in names:
            names.append(name)
    return tuple(names)


def _agencies(rng: np.random.Generator) -> tuple[Strings, Strings]:
    """The agencies' names and licences. The first SPSK_AGENCIES names are the SPSK agencies' fixed names, put in
    place of names drawn as before, so that the registry's random stream (and with it every other column, and the
    sample data) stays as it was before the SPSK list had names."""
    words = tables.agency_words()

    def drawn() -> str:
        return "PT " + " ".join(words[slot][rng.integers(len(words[slot]))] for slot in ("1", "2", "3"))

    names: list[str] = []
    while len(names) < AGENCY_COUNT:
        name = drawn()
        if name not in names:
            names.append(name)
    spsk = spsk_agency_names()
    names[:SPSK_AGENCIES] = spsk
    for at in range(SPSK_AGENCIES, AGENCY_COUNT):  # an agency off the list never bears a listed agency's name
        while names[at] in spsk or names.index(names[at]) != at:
            names[at] = drawn()
    numbers = rng.choice(np.arange(1, 1000), size=AGENCY_COUNT, replace=False)
    years = rng.integers(2018, 2026, AGENCY_COUNT)
    licences = [f"SIP3MI {number:03d}/{year}" for number, year in zip(numbers, years, strict=True)]
    return np.array(names, dtype=object), np.array(licences, dtype=object)


def _assign_agencies(
    scheme: Strings, destination: Strings, sector: Strings, rng: np.random.Generator
) -> tuple[Strings, Strings]:
    names, licences = _agencies(rng)
    size = len(scheme)
    zipf = 1.0 / np.arange(1, AGENCY_COUNT + 1) ** 1.1
    pick = rng.choice(AGENCY_COUNT, size=size, p=zipf / zipf.sum())
    spsk = (destination == "SAU") & (sector == "domestic")
    pick[spsk] = rng.integers(0, SPSK_AGENCIES, int(spsk.sum()))
    # a stream of its own (spawned: the parent's draws are unchanged), so that the other columns stay as they were
    (apart,) = rng.spawn(1)
    off_list = spsk & (apart.random(size) < OFF_LIST_SPSK_SHARE)
    pick[off_list] = apart.integers(SPSK_AGENCIES, AGENCY_COUNT, int(off_list.sum()))
    agency, licence = names[pick].copy(), licences[pick].copy()
    # UKPS: an Indonesian company placing its own staff is its own "agency".
    first, trade = tables.agency_words()["1"], tables.employer_words()["trade"]
    companies = np.array(
        [
            f"PT {first[rng.integers(len(first))]} {trade[rng.integers(len(trade))]} INDONESIA"
            for _ in range(UKPS_COMPANIES)
        ],
        dtype=object,
    )
    company_licences = "UKPS " + _digits(UKPS_COMPANIES, 4, rng)
    ukps = np.flatnonzero(scheme == "UKPS")
    which = rng.integers(0, UKPS_COMPANIES, ukps.size)
    agency[ukps], licence[ukps] = companies[which], company_licences[which]
    government, self_placed = scheme == "G2G", scheme == "MANDIRI"
    agency[government] = "KP2MI (G2G)"
    agency[self_placed] = None
    licence[government | self_placed] = None
    return agency, licence


def _employers(destination: Strings, sector: Strings, rng: np.random.Generator) -> Strings:
    """Company employers (formal sector) or households (domestic and informal), several workers each."""
    employer = np.empty(len(destination), dtype=object)
    words = tables.employer_words()
    for entry in tables.destinations():
        rows = np.flatnonzero(destination == entry.code)
        if not rows.size:
            continue
        size = max(5, rows.size // 25)
        brands, trades = words["brand"], words["trade"]
        companies = np.array(
            [
                f"{brands[rng.integers(len(brands))]} {trades[rng.integers(len(trades))]} {entry.company_suffix}"
                for _ in range(size)
            ],
            dtype=object,
        )
        employer[rows] = companies[rng.integers(0, size, rows.size)]
        families = tables.employer_families().get(entry.code)
        individual = rows[sector[rows] != "formal"]
        if families and individual.size:
            kind = np.where(sector[individual] == "domestic", " HOUSEHOLD", " ENTERPRISE").astype(object)
            family = np.array(families, dtype=object)[rng.integers(0, len(families), individual.size)]
            employer[individual] = family + kind
    return employer


def _ports(destination: Strings, rng: np.random.Generator) -> Strings:
    port = np.empty(len(destination), dtype=object)
    for code in np.unique(destination):
        serving = [entry for entry in tables.ports() if entry.destinations == ("*",) or code in entry.destinations]
        rows = np.flatnonzero(destination == code)
        port[rows] = _choice([entry.port for entry in serving], [entry.weight for entry in serving], rows.size, rng)
    return port


def _unique_nik(prefix: npt.NDArray[np.int64], serial: Ints, rng: np.random.Generator) -> Strings:
    """Bump the serial of duplicated NIKs until every NIK is unique."""
    for _ in range(50):
        nik = prefix * 10_000 + serial
        _, first = np.unique(nik, return_index=True)
        duplicate = np.ones(len(nik), dtype=bool)
        duplicate[first] = False
        if not duplicate.any():
            return nik.astype(str).astype(object)
        serial[duplicate] = rng.integers(1, 10_000, int(duplicate.sum()))
    raise RuntimeError("could not make NIKs unique")


def _passports(size: int, rng: np.random.Generator) -> Strings:
    letters = rng.choice(len(PASSPORT_LETTERS), size=size, p=[0.25, 0.3, 0.2, 0.15, 0.1])
    numbers = rng.integers(1_000_000, 10_000_000, size)
    for _ in range(50):
        key = letters * 10_000_000 + numbers
        _, first = np.unique(key, return_index=True)
        duplicate = np.ones(size, dtype=bool)
        duplicate[first] = False
        if not duplicate.any():
            break
        numbers[duplicate] = rng.integers(1_000_000, 10_000_000, int(duplicate.sum()))
    return np.array(PASSPORT_LETTERS, dtype=object)[letters] + numbers.astype(str).astype(object)  # type: ignore[no-any-return]


_PATRONYMIC_STYLES = ("mononym", "common", "two_word", "three_word", "four_word", "sasak")
_CLAN_STYLES = ("batak", "minahasa", "ntt", "maluku")


def _family_pairs(
    frame: dict[str, np.ndarray], names: Names, female: Bools, minor: Bools, rng: np.random.Generator
) -> None:
    """Turn random record pairs of one naming style into twins and siblings (in place).

    Siblings share the father's name (written BIN/BINTI on the KTP) or the clan name, and the home district;
    twins also share the date of birth and, travelling together, the destination and status. Balinese names
    carry neither, so Balinese records are left alone.
    """
    share = TWIN_PAIR_SHARE + SIBLING_PAIR_SHARE
    for style in (*_PATRONYMIC_STYLES, *_CLAN_STYLES):
        for a, b in _pairs(share, np.flatnonzero((names.style == style) & ~minor), rng):
            if names.personal[a] == names.personal[b]:
                continue
            frame["region"][b] = frame["region"][a]
            if rng.random() < TWIN_PAIR_SHARE / share:
                frame["birth"][b] = frame["birth"][a]
                for column in ("status", "departure", "destination"):
                    frame[column][b] = frame[column][a]
            else:  # an older brother or sister
                years = int(rng.integers(1, 7))
                frame["birth"][b] = frame["birth"][a] - np.timedelta64(round(years * 365.25), "D")
            for row in (a, b):
                if style in _CLAN_STYLES:
                    frame["full_name"][row] = f"{names.personal[row]} {names.clan[a]}"
                else:
                    link = tables.name_parts().patronymic["F" if female[row] else "M"]
                    frame["full_name"][row] = f"{names.personal[row]} {link} {names.father[a]}"


def generate_registry(n: int, seed: int, today: date = SAMPLE_TODAY) -> pd.DataFrame:
    """A synthetic registry of `n` placement records, with exactly the SPEC §4.1 columns."""
    if n < 1:
        raise ValueError("a registry needs at least one record")
    rng = np.random.default_rng([seed, _STREAM])
    now = np.datetime64(today, "D")
    female = rng.random(n) < FEMALE_SHARE
    status = _choice(STATUSES, _STATUS_SHARE, n, rng)
    departure = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    for name, (low, high) in _DEPARTURE_WINDOW.items():
        rows = np.flatnonzero(status == name)
        departure[rows] = now + rng.integers(low, high + 1, rows.size).astype("timedelta64[D]")
    departure[(status == "REGISTERED") & (rng.random(n) < 0.3)] = np.datetime64("NaT")
    birth, minor = _ages_and_births(status, departure, now, rng)
    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    age = ((now - birth).astype(np.int64) / 365.25).astype(np.int64)
    names = sample_names(female, birth_year, age, rng)

    destination = np.empty(n, dtype=object)
    codes = [entry.code for entry in tables.destinations()]
    for is_female in (False, True):
        rows = np.flatnonzero(female == is_female)
        weights = [entry.weight_f if is_female else entry.weight_m for entry in tables.destinations()]
        destination[rows] = _choice(codes, weights, rows.size, rng)
    frame: dict[str, np.ndarray] = {
        "full_name": names.full_name.copy(),
        "region": _region_codes(names.province, rng),
        "birth": birth,
        "status": status,
        "departure": departure,
        "destination": destination,
    }
    _family_pairs(frame, names, female, minor, rng)
    destination, status, departure, birth = frame["destination"], frame["status"], frame["departure"], frame["birth"]

    job, sector = _jobs(destination, female, rng)
    scheme = _schemes(destination, sector, rng)
    agency, licence = _assign_agencies(scheme, destination, sector, rng)
    status_index = pd.Series(status).map({name: at for at, name in enumerate(STATUSES)}).to_numpy(dtype=np.int64)
    papers = np.array([_PAPERS[name] for name in STATUSES])[status_index]
    draws = rng.random((n, 5)) < papers
    alpha2 = pd.Series({entry.code: entry.alpha2 for entry in tables.destinations()})
    visa = _present(draws[:, 1], alpha2.reindex(destination).to_numpy(dtype=object) + _digits(n, 9, rng))
    # The E-PMI card became the E-KPMI in 2025.
    epmi_prefix = np.where(np.isnat(departure) | (departure >= np.datetime64("2025-01-01")), "EKPMI", "EPMI")
    epmi = _present(draws[:, 2], epmi_prefix.astype(object) + _digits(n, 12, rng))
    passport = _present(draws[:, 0], _passports(n, rng))
    nik = _unique_nik(_nik_prefix(frame["region"], birth, female), rng.integers(1, 3000, n), rng)

    data = {
        "record_id": np.strings.add("SP2MI-", np.strings.zfill(np.arange(1, n + 1).astype(str), 7)),
        "full_name": frame["full_name"],
        "sex": np.where(female, "F", "M").astype(object),
        "date_of_birth": _iso(birth),
        "destination_country": destination,
        "nik": nik,
        "passport_number": passport,
        "status": status,
        "scheme": scheme,
        "agency": agency,
        "agency_licence": licence,
        "employer": _employers(destination, sector, rng),
        "job_title": job,
        "sector": sector,
        "visa_number": visa,
        "epmi_number": epmi,
        "bpjs_active": draws[:, 3],
        "opp_completed": draws[:, 4],
        "planned_departure": _iso(departure),
        "departure_port": _ports(destination, rng),
    }
    return pd.DataFrame(
        {column: values if values.dtype == bool else _text_column(values) for column, values in data.items()},
        columns=list(REGISTRY_COLUMNS),
    )


def _text_column(values: np.ndarray) -> pd.Series:
    """A pandas `str` column (None -> missing), built through Arrow because that is much faster."""
    return pd.Series(pa.array(values, type=pa.large_string(), from_pandas=True), dtype=_STR)


def _region_codes(province: Ints, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """The first 6 NIK digits `PP KK CC`: province, regency (71+ for cities), district."""
    size = len(province)
    regencies_by_code = np.zeros(100, dtype=np.int64)
    cities_by_code = np.zeros(100, dtype=np.int64)
    for entry in tables.provinces():
        regencies_by_code[entry.code], cities_by_code[entry.code] = entry.regencies, entry.cities
    regencies, cities = regencies_by_code[province], cities_by_code[province]
    city = (rng.random(size) < 0.15) & (cities > 0)
    regency = np.where(
        city,
        71 + (rng.random(size) * np.maximum(cities, 1)).astype(np.int64),
        1 + (rng.random(size) * regencies).astype(np.int64),
    )
    district = rng.integers(1, 21, size)
    return (province.astype(np.int64) * 100 + regency) * 100 + district


def _nik_prefix(region: npt.NDArray[np.int64], birth: Dates, female: Bools) -> npt.NDArray[np.int64]:
    """The first 12 NIK digits `PP KK CC DDMMYY`, day + 40 for women (DOMAIN.md §5)."""
    parts = pd.DatetimeIndex(birth)
    day = parts.day.to_numpy() + 40 * female
    prefix = region * 1_000_000 + day * 10_000 + parts.month.to_numpy() * 100 + parts.year.to_numpy() % 100
    return np.asarray(prefix, dtype=np.int64)
