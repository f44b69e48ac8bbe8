"""Sample manifests and the matching set: SPEC §4.2 columns, labels aligned 1:1 and telling the truth."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import pytest

from checkpoint.engine.load import default_pack_path, load_pack
from checkpoint.errors import ConfigError
from checkpoint.synth import (
    LABEL_COLUMNS,
    NAME_VARIATIONS,
    SCENARIOS,
    generate_manifest,
    generate_matching_set,
    generate_travellers,
    manifest_plan,
)
from checkpoint.synth.registry import spsk_agency_names
from checkpoint.synth.variants import strip_titles

TODAY = date(2026, 11, 28)  # the same date as the session fixtures in conftest.py
Manifests = dict[str, tuple[pd.DataFrame, pd.DataFrame]]
NAME_COLUMNS = {"flight": ["name"], "ferry": ["full_name"], "umrah": ["surname", "given_names"]}
DATE_PATTERNS = {"flight": r"\d{2}[A-Z]{3}\d{2}", "ferry": r"\d{2}/\d{2}/\d{4}", "umrah": r"\d{4}-\d{2}-\d{2}"}
DATE_PARSERS = {"flight": "%d%b%y", "ferry": "%d/%m/%Y", "umrah": "%Y-%m-%d"}


def _joined(manifests: Manifests, kind: str) -> pd.DataFrame:
    manifest, labels = manifests[kind]
    return manifest.merge(labels, on="pax_id", validate="one_to_one")


def _date(text: str, kind: str) -> date:
    parsed = datetime.strptime(text.title() if kind == "flight" else text, DATE_PARSERS[kind]).date()
    if kind == "flight" and parsed > TODAY:  # two-digit years: births and issues lie in the past
        parsed = parsed.replace(year=parsed.year - 100)
    return parsed


@pytest.mark.parametrize("kind", ["flight", "ferry", "umrah"])
def test_manifest_and_labels_align_row_for_row(synth_manifests: Manifests, kind: str) -> None:
    manifest, labels = synth_manifests[kind]
    assert len(manifest) == len(labels) > 0
    assert list(manifest["pax_id"]) == list(labels["pax_id"]) == [str(n) for n in range(1, len(manifest) + 1)]
    assert tuple(labels.columns) == LABEL_COLUMNS
    assert not set(manifest.columns) & (set(LABEL_COLUMNS) - {"pax_id"}), "labels leaked into the manifest"


@pytest.mark.parametrize("kind", ["flight", "ferry", "umrah"])
def test_columns_follow_the_spec_in_the_kinds_layout(synth_manifests: Manifests, kind: str) -> None:
    manifest, _ = synth_manifests[kind]
    expected = ["pax_id", *NAME_COLUMNS[kind], "sex", "date_of_birth", "nationality", "passport_number"]
    assert list(manifest.columns[: len(expected)]) == expected
    assert {"destination", "departure_date", "return_date", "ticket", "visa_type", "flight", "port"} <= set(
        manifest.columns
    )
    assert manifest["date_of_birth"].str.fullmatch(DATE_PATTERNS[kind]).all()
    if kind == "flight":
        assert manifest["name"].str.contains("/").all()


@pytest.mark.parametrize("kind", ["flight", "ferry", "umrah"])
def test_every_planned_scenario_appears_with_its_expected_outcome(synth_manifests: Manifests, kind: str) -> None:
    _, labels = synth_manifests[kind]
    assert set(labels["scenario"]) == set(manifest_plan(kind)["scenarios"])
    for scenario, expected in zip(labels["scenario"], labels["expected"], strict=True):
        assert SCENARIOS[scenario].expected == expected
    assert {"ordinary", "non_procedural"} <= set(labels["expected"])
    assert (labels["expected"] == "ordinary").mean() > 0.6, "ordinary travellers are the vast majority"


@pytest.mark.parametrize("kind", ["flight", "ferry", "umrah"])
def test_registered_travellers_are_their_records_as_labelled(
    synth_manifests: Manifests, synth_registry: pd.DataFrame, kind: str
) -> None:
    rows = _joined(synth_manifests, kind)
    records = synth_registry.set_index("record_id")
    registered = rows[rows["true_record_id"] != ""]
    assert len(registered)
    for row in registered.itertuples():
        record = records.loc[row.true_record_id]
        assert row.sex == record["sex"]
        born, shown = date.fromisoformat(record["date_of_birth"]), _date(row.date_of_birth, kind)
        assert (shown == born) == (row.dob_variation == "exact")
        if row.passport_variation == "exact":
            assert row.passport_number == record["passport_number"]
        else:
            assert row.passport_number != record["passport_number"]
        if kind == "ferry" and row.name_variation == "exact":
            assert row.full_name == record["full_name"]
    unregistered = rows.loc[rows["true_record_id"] == "", "name_variation"]
    assert len(unregistered) and (unregistered == "").all()


@pytest.mark.parametrize("kind", ["flight", "ferry", "umrah"])
def test_tickets_are_one_way_exactly_when_there_is_no_return_date(synth_manifests: Manifests, kind: str) -> None:
    manifest, _ = synth_manifests[kind]
    one_way = manifest["ticket"] == "one_way"
    assert (one_way == manifest["return_date"].isna()).all()
    assert set(manifest["ticket"]) == {"one_way", "return"}


def test_flight_holds_the_non_procedural_patterns(synth_manifests: Manifests) -> None:
    rows = _joined(synth_manifests, "flight")
    group = rows[rows["scenario"] == "unregistered_group"]
    assert len(group) >= 4 and group["booking_ref"].nunique() == 1 and (group["ticket"] == "one_way").all()
    issued = group["passport_issue_date"].map(lambda text: _date(text, "flight"))
    assert ((TODAY - issued).map(lambda delta: delta.days) <= 90).all()
    workers = rows[rows["scenario"] == "registered_worker"]
    assert len(workers) and (workers["visa_type"] == "work").all() and (workers["destination"] == "KUL").all()
    assert set(rows.loc[rows["scenario"] == "scam_route_transit", "destination"]) == {"PNH"}
    for scenario in ("cancelled_record", "wrong_destination", "minor_record", "record_not_ready"):
        records = rows.loc[rows["scenario"] == scenario, "true_record_id"]
        assert len(records) and (records != "").all(), scenario


def test_record_scenarios_point_at_the_right_kind_of_record(
    synth_manifests: Manifests, synth_registry: pd.DataFrame
) -> None:
    records = synth_registry.set_index("record_id")
    rows = pd.concat([_joined(synth_manifests, kind) for kind in ("flight", "umrah")])

    def record_of(scenario: str) -> pd.Series:
        return records.loc[rows.loc[rows["scenario"] == scenario, "true_record_id"].iloc[0]]

    assert record_of("cancelled_record")["status"] == "CANCELLED"
    assert record_of("wrong_destination")["destination_country"] != "MYS"
    assert record_of("minor_record")["date_of_birth"] > "2008-11-28"
    assert record_of("record_not_ready")["status"] in ("REGISTERED", "VERIFIED")
    saudi = record_of("registered_domestic_sau")
    assert (saudi["destination_country"], saudi["sector"]) == ("SAU", "domestic")


def test_ferry_group_shares_a_group_code_and_a_destination(synth_manifests: Manifests) -> None:
    rows = _joined(synth_manifests, "ferry")
    group = rows[rows["scenario"] == "unregistered_group"]
    assert len(group) >= 4 and group["group_code"].nunique() == 1 and group["destination"].nunique() == 1
    assert set(rows["destination"]) == {"SGP", "MYS"} and set(rows["port"]) == {"BTH"}


def test_umrah_group_has_pilgrims_and_the_slipped_in_travellers(synth_manifests: Manifests) -> None:
    rows = _joined(synth_manifests, "umrah")
    assert rows["group_code"].notna().all() and rows["group_code"].str.fullmatch(r"[A-Z]{3}-2611-\d{2}").all()
    assert set(rows["visa_type"]) == {"umrah", "ziarah"}
    pilgrims = rows[rows["scenario"] == "pilgrim"]
    assert (pilgrims["ticket"] == "return").all()
    assert pilgrims["date_of_birth"].str[:4].astype(int).median() < 1980
    slipped = rows[rows["scenario"] == "umrah_oneway_no_record"]
    assert len(slipped) and (slipped["sex"] == "F").all() and (slipped["ticket"] == "one_way").all()


def test_name_twin_decoys_carry_a_registered_name_with_another_birth_date(
    synth_manifests: Manifests, synth_registry: pd.DataFrame
) -> None:
    records = synth_registry.set_index("record_id")
    rows = _joined(synth_manifests, "ferry")
    decoys = rows[rows["scenario"] == "name_twin_decoy"]
    assert len(decoys)
    for row in decoys.itertuples():
        record = records.loc[row.related_record_id]
        assert row.full_name == strip_titles(record["full_name"]) and row.true_record_id == ""
        assert _date(row.date_of_birth, "ferry").isoformat() != record["date_of_birth"]


def test_same_seed_same_manifest_and_another_seed_another(synth_registry: pd.DataFrame) -> None:
    first = generate_manifest("ferry", synth_registry, 1, TODAY)
    again = generate_manifest("ferry", synth_registry, 1, TODAY)
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])
    assert not first[0].equals(generate_manifest("ferry", synth_registry, 2, TODAY)[0])


def test_a_registry_read_back_from_csv_gives_the_same_manifest(synth_registry: pd.DataFrame, tmp_path) -> None:
    path = tmp_path / "registry.csv"
    synth_registry.to_csv(path, index=False)
    reread = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(
        generate_manifest("umrah", synth_registry, 5, TODAY)[0], generate_manifest("umrah", reread, 5, TODAY)[0]
    )


def test_plans_can_be_scaled_and_unknown_scenarios_are_refused(synth_registry: pd.DataFrame) -> None:
    plan = manifest_plan("flight")
    plan["scenarios"] = {"registered_worker": 30, "unregistered_group": 6, "tourist": 10}
    _, labels = generate_travellers(synth_registry, plan, 3, TODAY)
    assert labels["scenario"].value_counts().to_dict() == {
        "registered_worker": 30,
        "tourist": 10,
        "unregistered_group": 6,
    }
    plan["scenarios"] = {"smuggler": 1}
    with pytest.raises(ConfigError, match="smuggler"):
        generate_travellers(synth_registry, plan, 3, TODAY)


@pytest.fixture(scope="module")
def matching(synth_registry: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_matching_set(synth_registry, 600, 4, TODAY)


def test_matching_set_covers_every_name_variation(matching: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    manifest, labels = matching
    assert len(manifest) == len(labels) == 600
    registered = labels[labels["true_record_id"] != ""]
    assert set(registered["name_variation"]) == set(NAME_VARIATIONS)
    assert {"dob_swap", "dob_digit"} <= set(registered["dob_variation"])
    assert {"passport_renewed", "exact"} <= set(registered["passport_variation"])
    assert 0.55 <= len(registered) / len(labels) <= 0.65


def test_matching_set_decoys_resemble_but_are_not_the_record(
    matching: tuple[pd.DataFrame, pd.DataFrame], synth_registry: pd.DataFrame
) -> None:
    records = synth_registry.set_index("record_id")
    rows = matching[0].merge(matching[1], on="pax_id")
    decoys = rows[rows["scenario"].isin(["name_twin_decoy", "sibling_decoy", "twin_decoy"])]
    assert len(decoys) == 150 and (decoys["true_record_id"] == "").all() and (decoys["related_record_id"] != "").all()
    assert set(decoys["scenario"]) == {"name_twin_decoy", "sibling_decoy", "twin_decoy"}
    for row in decoys.itertuples():
        record = records.loc[row.related_record_id]
        if row.scenario == "twin_decoy":
            assert row.date_of_birth == record["date_of_birth"] and row.full_name != record["full_name"]
        if row.scenario in ("twin_decoy", "sibling_decoy"):
            assert row.full_name.split()[-1] == record["full_name"].split()[-1]


def test_matching_set_in_airline_layout_has_no_airline_form_label(synth_registry: pd.DataFrame) -> None:
    manifest, labels = generate_matching_set(synth_registry, 120, 4, TODAY, layout="airline")
    assert "name" in manifest.columns and "airline_form" not in set(labels["name_variation"])
    with pytest.raises(ValueError):
        generate_matching_set(synth_registry, 10, 4, TODAY, layout="vertical")


def test_dates_in_the_flight_manifest_use_three_letter_months(synth_manifests: Manifests) -> None:
    manifest, _ = synth_manifests["flight"]
    assert all(
        re.fullmatch(r"\d{2}(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\d{2}", v)
        for v in manifest["date_of_birth"]
    )


def test_registered_adults_stay_adults_whatever_the_slip(
    synth_manifests: Manifests, matching: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    frames = [(_joined(synth_manifests, kind), kind) for kind in ("flight", "ferry", "umrah")]
    frames.append((matching[0].merge(matching[1], on="pax_id"), "umrah"))  # the matching set writes ISO dates
    for rows, kind in frames:
        # Every registered traveller (the umrah manifest's are registered_domestic_sau), but for minor_record.
        adults = rows[(rows["true_record_id"] != "") & (rows["scenario"] != "minor_record")]
        assert len(adults), kind
        shown = adults["date_of_birth"].map(lambda text, kind=kind: _date(text, kind))
        adult_until = date(TODAY.year - 18, TODAY.month, TODAY.day)
        minors = adults[shown > adult_until]
        assert minors.empty or (minors["dob_variation"] == "exact").all(), minors[["scenario", "dob_variation"]]


def test_no_stranger_shares_a_registered_namesakes_birth_date(
    synth_manifests: Manifests, synth_registry: pd.DataFrame, matching: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    registered = set(zip(synth_registry["full_name"].map(strip_titles), synth_registry["date_of_birth"], strict=True))
    ferry = _joined(synth_manifests, "ferry")
    ferry_dates = ferry["date_of_birth"].map(lambda text: _date(text, "ferry").isoformat())
    strangers = ferry["true_record_id"] == ""
    assert strangers.any()
    assert not {(n, d) for n, d in zip(ferry["full_name"][strangers], ferry_dates[strangers], strict=True)} & registered
    rows = matching[0].merge(matching[1], on="pax_id")
    strangers = rows[rows["true_record_id"] == ""]
    assert len(strangers)
    assert not set(zip(strangers["full_name"], strangers["date_of_birth"], strict=True)) & registered


def test_name_twin_decoys_are_not_one_slip_away_from_any_namesake(
    matching: tuple[pd.DataFrame, pd.DataFrame], synth_registry: pd.DataFrame
) -> None:
    from checkpoint.synth.variants import confusable_dates

    births: dict[str, list[date]] = {}
    for name, born in zip(synth_registry["full_name"].map(strip_titles), synth_registry["date_of_birth"], strict=True):
        births.setdefault(name, []).append(date.fromisoformat(born))
    rows = matching[0].merge(matching[1], on="pax_id")
    decoys = rows[rows["scenario"] == "name_twin_decoy"]
    assert len(decoys)
    for row in decoys.itertuples():
        shown = date.fromisoformat(row.date_of_birth)
        assert not any(confusable_dates(shown, other) for other in births[row.full_name]), row.full_name


@pytest.fixture(scope="module")
def edition(synth_registry: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Issue 19's scenarios on the flight and the umrah trip, joined with their labels."""
    added = {
        "flight": {
            "ready_visitor_visa": 3,
            "returning_worker": 3,
            "agent_group": 7,
            "hub_routing": 3,
            "hub_tourist": 4,
        },
        "umrah": {"spsk_domestic": 2, "returning_worker": 2},
    }
    joined = {}
    for kind, scenarios in added.items():
        plan = manifest_plan(kind)
        plan["scenarios"] = {**plan["scenarios"], **scenarios, "student_one_way": 3, "foreign_national_home": 3}
        manifest, labels = generate_travellers(synth_registry, plan, 5, TODAY, kind=kind)
        joined[kind] = manifest.merge(labels, on="pax_id", validate="one_to_one")
    return joined


def test_issue_19_scenarios_are_labelled_and_shaped(edition: dict[str, pd.DataFrame], synth_registry) -> None:
    flight, umrah = edition["flight"], edition["umrah"]
    records = synth_registry.set_index("record_id")
    ready = flight[flight["scenario"] == "ready_visitor_visa"]
    assert len(ready) == 3 and (ready["expected"] == "non_procedural").all()
    assert set(ready["visa_type"]) <= {"tourist", "none"} and (ready["ticket"] == "one_way").all()
    assert set(records.loc[ready["true_record_id"], "status"]) == {"READY"}
    back = pd.concat([flight, umrah]).query("scenario == 'returning_worker'")
    assert len(back) == 5 and (back["visa_type"] == "work").all() and (back["expected"] == "procedural").all()
    assert set(records.loc[back["true_record_id"], "status"]) == {"DEPARTED"}
    spsk = umrah[umrah["scenario"] == "spsk_domestic"]
    placed = records.loc[spsk["true_record_id"]]
    assert len(spsk) == 2 and set(placed["sector"]) == {"domestic"} and set(placed["destination_country"]) == {"SAU"}
    assert placed["agency"].isin(spsk_agency_names()).all() and (spsk["group_code"].isna()).all()
    group = flight[flight["scenario"] == "agent_group"]
    assert len(group) == 7 and group["group_code"].nunique() == 1 and group["booking_ref"].nunique() >= 3
    routed = flight[flight["scenario"].isin(["hub_routing", "hub_tourist"])]
    assert (routed["destination"] == "KUL").all() and (routed["transit"] == "KUL").all()
    assert set(routed.loc[routed["scenario"] == "hub_routing", "final_destination"]) <= {"KTI", "PNH", "RGN"}
    assert (routed.loc[routed["scenario"] == "hub_tourist", "ticket"] == "return").all()
    assert flight.loc[~flight["scenario"].isin(["hub_routing", "hub_tourist"]), "transit"].isna().all()
    assert "transit" not in umrah.columns  # a direct trip's list has no route columns
    for kind, name in (("flight", "student_one_way"), ("flight", "foreign_national_home")):
        rows = edition[kind][edition[kind]["scenario"] == name]
        assert len(rows) == 3 and (rows["ticket"] == "one_way").all() and (rows["expected"] == "ordinary").all()


def test_decoy_trips_put_only_the_unregistered_on_work_visas_to_placement_countries(
    matching: tuple[pd.DataFrame, pd.DataFrame], synth_registry: pd.DataFrame
) -> None:
    stressed, stressed_labels = generate_matching_set(synth_registry, 600, 4, TODAY, decoy_trips="placement")
    manifest, labels = matching
    pd.testing.assert_frame_equal(stressed_labels, labels)  # the same people, in the same order
    unregistered = (labels["true_record_id"] == "").to_numpy()
    trip_columns = ["visa_type", "destination"]
    pd.testing.assert_frame_equal(stressed[~unregistered], manifest[~unregistered])
    others = [column for column in manifest.columns if column not in trip_columns]
    pd.testing.assert_frame_equal(stressed[others], manifest[others])
    work_visas = {
        value for entry in load_pack(default_pack_path()).lists["work_visas"].entries for value in entry.values
    }
    assert (stressed.loc[unregistered, "visa_type"] == "work").all() and "work" in work_visas  # as the rules read it
    assert not (manifest.loc[unregistered, "visa_type"] == "work").any()
    placed = synth_registry.set_index("record_id")["destination_country"]
    decoys = unregistered & (labels["related_record_id"] != "").to_numpy()
    wanted = placed.loc[labels.loc[decoys, "related_record_id"]].to_numpy()
    assert (stressed.loc[decoys, "destination"].to_numpy() == wanted).all()
    assert (manifest.loc[decoys, "destination"].to_numpy() != wanted).any()  # some decoys were sent elsewhere
    strangers = unregistered & ~decoys
    assert stressed.loc[strangers, "destination"].isin(placed.unique()).all()
    with pytest.raises(ValueError, match="decoy_trips"):
        generate_matching_set(synth_registry, 10, 4, TODAY, decoy_trips="everyone")
