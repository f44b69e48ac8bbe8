"""Manifests of any size (`checkpoint synth --travellers N`): made part by part, in the sample's scenario mix."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from checkpoint.synth import generate_manifest, manifest_plan
from checkpoint.synth.manifests import scaled_counts, stream_travellers

SEED = 11  # the session registry's (conftest.py)
TODAY = date(2026, 11, 28)


def _whole(
    registry: pd.DataFrame, travellers: int, part: int, seed: int = SEED
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    return list(stream_travellers("flight", registry, travellers, seed, TODAY, part=part))


def test_scaled_counts_keep_the_proportions_and_the_total() -> None:
    counts = {"a": 40, "b": 80, "c": 1, "d": 2}
    assert scaled_counts(counts, 123) == counts
    scaled = scaled_counts(counts, 1000)
    assert sum(scaled.values()) == 1000
    assert scaled == {"a": 325, "b": 651, "c": 8, "d": 16}  # 325.20, 650.41, 8.13, 16.26: the largest remainder up


def test_exactly_n_travellers_in_parts_with_pax_ids_running_on(synth_registry: pd.DataFrame) -> None:
    parts = _whole(synth_registry, 1000, part=300)
    assert [len(manifest) for manifest, _ in parts] == [300, 300, 300, 100]
    manifest = pd.concat([manifest for manifest, _ in parts], ignore_index=True)
    labels = pd.concat([labels for _, labels in parts], ignore_index=True)
    assert list(manifest["pax_id"]) == [str(number) for number in range(1, 1001)]
    assert list(labels["pax_id"]) == list(manifest["pax_id"])
    assert list(manifest.columns) == list(parts[0][0].columns)


def test_the_mix_is_the_sample_flights(synth_registry: pd.DataFrame) -> None:
    labels = pd.concat(
        [labels for _, labels in stream_travellers("flight", synth_registry, 3000, SEED, TODAY)], ignore_index=True
    )
    planned = manifest_plan("flight")["scenarios"]
    total = sum(planned.values())
    found = labels["scenario"].value_counts()
    for scenario, count in planned.items():
        expected = 3000 * count / total
        # Family and group scenarios fill whole bookings, so a part may hold a few more or fewer of them.
        assert abs(found.get(scenario, 0) - expected) <= max(3, 0.05 * expected), scenario
    assert set(found.index) == set(planned)


def test_booking_references_are_unique_across_parts(synth_registry: pd.DataFrame) -> None:
    manifest = pd.concat([manifest for manifest, _ in _whole(synth_registry, 2000, part=250)], ignore_index=True)
    labels = pd.concat([labels for _, labels in _whole(synth_registry, 2000, part=250)], ignore_index=True)
    joined = manifest.assign(scenario=labels["scenario"])
    # A booking is one scenario's travellers together: never two bookings of different parts under one reference.
    per_booking = joined.groupby("booking_ref")["scenario"].nunique()
    assert (per_booking == 1).all()
    pax_per_booking = joined.groupby("booking_ref").size()
    assert pax_per_booking.max() <= 8


def test_same_seed_same_parts_another_seed_others(synth_registry: pd.DataFrame) -> None:
    first = pd.concat([m for m, _ in _whole(synth_registry, 600, part=200)])
    again = pd.concat([m for m, _ in _whole(synth_registry, 600, part=200)])
    other = pd.concat([m for m, _ in _whole(synth_registry, 600, part=200, seed=SEED + 1)])
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


@pytest.mark.parametrize("kind", ["ferry", "umrah"])
def test_every_kind_can_be_scaled(synth_registry: pd.DataFrame, kind: str) -> None:
    parts = list(stream_travellers(kind, synth_registry, 500, SEED, TODAY, part=200))
    assert sum(len(manifest) for manifest, _ in parts) == 500


def test_a_scaled_manifest_keeps_the_samples_groups_small(synth_registry: pd.DataFrame) -> None:
    """The sample's one group of five unregistered travellers becomes several such groups, not one large one."""
    parts = list(stream_travellers("flight", synth_registry, 3000, SEED, TODAY, part=2000))
    manifest = pd.concat([manifest for manifest, _ in parts], ignore_index=True)
    labels = pd.concat([labels for _, labels in parts], ignore_index=True)
    groups = manifest[labels["scenario"] == "unregistered_group"].groupby("booking_ref").size()
    assert len(groups) >= 8 and groups.max() <= 6
    sample, _ = generate_manifest("flight", synth_registry, SEED, TODAY)
    assert manifest.groupby("booking_ref").size().max() <= sample.groupby("booking_ref").size().max() + 1
