"""The synthetic registry: SPEC §4.1 schema, valid NIKs, plausible mixes, hard decoys, determinism."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pandas as pd
import pytest

from checkpoint.engine import default_pack_path, load_pack
from checkpoint.synth import REGISTRY_COLUMNS, generate_registry, tables
from checkpoint.synth.registry import spsk_agency_names

SYNTH_TODAY = date(2026, 11, 28)  # the same date as the session fixtures in conftest.py


def test_columns_are_exactly_those_of_the_spec(synth_registry: pd.DataFrame) -> None:
    assert tuple(synth_registry.columns) == REGISTRY_COLUMNS
    assert REGISTRY_COLUMNS[:5] == ("record_id", "full_name", "sex", "date_of_birth", "destination_country")
    for column in ("record_id", "full_name", "sex", "date_of_birth", "destination_country", "nik", "status"):
        assert synth_registry[column].notna().all(), column


def test_record_ids_are_unique_sp2mi_numbers(synth_registry: pd.DataFrame) -> None:
    assert synth_registry["record_id"].is_unique
    assert synth_registry["record_id"].str.fullmatch(r"SP2MI-\d{7}").all()


def test_nik_structure_matches_province_sex_and_birth_date(synth_registry: pd.DataFrame) -> None:
    provinces = {province.code: province for province in tables.provinces()}
    assert synth_registry["nik"].is_unique
    for record in synth_registry.itertuples():
        nik, born = record.nik, date.fromisoformat(record.date_of_birth)
        assert re.fullmatch(r"\d{16}", nik), nik
        province = provinces[int(nik[:2])]
        regency = int(nik[2:4])
        assert 1 <= regency <= province.regencies or 71 <= regency <= 70 + province.cities
        assert 1 <= int(nik[4:6]) <= 99
        day = int(nik[6:8]) - (40 if record.sex == "F" else 0)
        assert (day, int(nik[8:10]), int(nik[10:12])) == (born.day, born.month, born.year % 100)
        assert nik[12:] != "0000"


def test_sex_destination_and_scheme_mix_is_plausible(synth_registry: pd.DataFrame) -> None:
    assert 0.57 < (synth_registry["sex"] == "F").mean() < 0.65
    top = synth_registry["destination_country"].value_counts().index[:3]
    assert set(top) == {"TWN", "MYS", "HKG"}
    assert 0.68 < (synth_registry["scheme"] == "P2P").mean() < 0.82
    g2g = synth_registry.loc[synth_registry["scheme"] == "G2G", "destination_country"]
    assert set(g2g) <= {"KOR", "JPN", "DEU", "NZL", "AUS"}
    assert (synth_registry.loc[synth_registry["sector"] == "domestic", "scheme"] == "P2P").all()
    assert synth_registry.loc[synth_registry["scheme"] == "MANDIRI", "agency"].isna().all()


def test_saudi_domestic_work_mostly_through_the_spsk_agencies(synth_registry: pd.DataFrame) -> None:
    # Issue 19: most Saudi domestic placements come through an SPSK agency; a few are entered under another
    # agency, which is what the registry cannot explain (the default pack's NP-009 holds those).
    saudi = synth_registry[synth_registry["destination_country"] == "SAU"]
    domestic = saudi[saudi["sector"] == "domestic"]
    on_list = domestic["agency"].isin(spsk_agency_names())
    assert len(domestic) and 0.7 <= on_list.mean() < 1.0
    assert set(saudi["sector"]) <= {"formal", "domestic"}


def test_the_spsk_agencies_are_the_default_packs_list() -> None:
    pack = load_pack(default_pack_path())
    entries = pack.lists["spsk_agencies"].entries
    assert {value for entry in entries for value in entry.values} == {name.lower() for name in spsk_agency_names()}


def test_papers_are_consistent_with_status(synth_registry: pd.DataFrame) -> None:
    ready = synth_registry[synth_registry["status"] == "READY"]
    assert ready["bpjs_active"].all() and ready["opp_completed"].all() and ready["visa_number"].notna().all()
    registered = synth_registry[synth_registry["status"] == "REGISTERED"]
    assert not registered["opp_completed"].any() and registered["epmi_number"].isna().all()
    with_card = synth_registry[synth_registry["epmi_number"].notna()]
    assert with_card["status"].isin(["READY", "DEPARTED", "CANCELLED"]).all()
    assert set(synth_registry["status"]) == {"REGISTERED", "VERIFIED", "READY", "DEPARTED", "CANCELLED"}


def test_passports_are_a_letter_and_seven_digits_and_sometimes_missing(synth_registry: pd.DataFrame) -> None:
    passports = synth_registry["passport_number"]
    assert passports.dropna().str.fullmatch(r"[A-Z]\d{7}").all() and passports.dropna().is_unique
    assert 0.02 < passports.isna().mean() < 0.2


def test_dates_are_iso_and_relative_to_today(synth_registry: pd.DataFrame) -> None:
    ready = synth_registry.loc[synth_registry["status"] == "READY", "planned_departure"].map(date.fromisoformat)
    assert ready.between(SYNTH_TODAY - timedelta(days=2), SYNTH_TODAY + timedelta(days=21)).all()
    departed = synth_registry.loc[synth_registry["status"] == "DEPARTED", "planned_departure"].map(date.fromisoformat)
    assert (departed < SYNTH_TODAY).all()


def test_adults_mostly_and_a_few_under_18(synth_registry: pd.DataFrame) -> None:
    born = pd.to_datetime(synth_registry["date_of_birth"])
    age = (pd.Timestamp(SYNTH_TODAY) - born).dt.days / 365.25
    assert ((age >= 18) & (age <= 50)).mean() > 0.9
    minors = synth_registry[age < 18]
    assert 0 < len(minors) < 0.02 * len(synth_registry)
    assert not minors["status"].isin(["DEPARTED"]).any()


def test_very_common_names_recur_across_different_people(synth_registry: pd.DataFrame) -> None:
    counts = synth_registry["full_name"].value_counts()
    assert "SITI AMINAH" in counts.index[:10]
    for name in counts.index[:4]:
        people = synth_registry[synth_registry["full_name"] == name]
        assert len(people) >= 8
        assert people["date_of_birth"].nunique() >= 0.9 * len(people)


def test_name_lengths_mix_and_mononyms_are_commoner_among_older_people(synth_registry: pd.DataFrame) -> None:
    words = synth_registry["full_name"].str.replace(r",.*$", "", regex=True).str.split().str.len()
    mix = Counter(min(count, 3) for count in words)
    assert all(mix[size] > 0.05 * len(synth_registry) for size in (1, 2, 3))
    year = synth_registry["date_of_birth"].str[:4].astype(int)
    mononym = words == 1
    assert mononym[year < 1988].mean() > 1.5 * mononym[year >= 2000].mean()


def test_names_are_sex_appropriate(synth_registry: pd.DataFrame) -> None:
    by_token: dict[str, list[tables.NameToken]] = {}
    for token in tables.name_tokens():
        by_token.setdefault(token.token, []).append(token)
    only_f = {name for name, rows in by_token.items() if all(row.weight_m == 0 for row in rows)}
    only_m = {name for name, rows in by_token.items() if all(row.weight_f == 0 for row in rows)}
    assert only_f and only_m
    for record in synth_registry.itertuples():
        own = re.split(r" BINT?I? ", record.full_name.split(",")[0])[0].split()
        if record.sex == "M":
            assert " BINTI " not in record.full_name and not set(own) & only_f, record.full_name
        else:
            assert " BIN " not in record.full_name and not set(own) & only_m, record.full_name


def test_hard_decoys_twins_and_siblings_exist(synth_registry: pd.DataFrame) -> None:
    district = synth_registry["nik"].str[:6]
    last = synth_registry["full_name"].str.split().str[-1]
    twins = synth_registry[(district + synth_registry["date_of_birth"] + last).duplicated(keep=False)]
    assert len(twins) >= 2
    patronymic = synth_registry["full_name"].str.extract(r"(BINT?I? \S+)$")[0].str.replace("BINTI", "BIN")
    siblings = synth_registry[patronymic.notna() & (district + patronymic.fillna("")).duplicated(keep=False)]
    assert siblings["full_name"].nunique() >= 4


def test_titles_and_bin_binti_appear_on_some_ktp_names(synth_registry: pd.DataFrame) -> None:
    names = synth_registry["full_name"]
    assert 0.01 < names.str.contains(r"^(?:H|HJ|DRS|DRA|IR)\. |, ", regex=True).mean() < 0.08
    assert 0.005 < names.str.contains(r" BINT?I? ", regex=True).mean() < 0.05
    assert names.str.contains(r"^(?:I|NI) ", regex=True).any()
    assert names.str.contains(r"^(?:LALU|BAIQ) ", regex=True).any()


def test_same_inputs_same_registry_and_each_input_matters() -> None:
    first = generate_registry(400, 3, SYNTH_TODAY)
    pd.testing.assert_frame_equal(first, generate_registry(400, 3, SYNTH_TODAY))
    assert not first.equals(generate_registry(400, 4, SYNTH_TODAY))
    later = generate_registry(400, 3, SYNTH_TODAY + timedelta(days=365))
    assert not first["date_of_birth"].equals(later["date_of_birth"])


def test_one_record_is_enough_and_zero_is_refused() -> None:
    assert len(generate_registry(1, 1, SYNTH_TODAY)) == 1
    with pytest.raises(ValueError):
        generate_registry(0, 1, SYNTH_TODAY)
