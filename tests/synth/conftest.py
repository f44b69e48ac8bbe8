"""Shared synthetic data for the synth tests: one small registry and its manifests, generated once."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from checkpoint.synth import generate_manifest, generate_registry

SYNTH_TODAY = date(2026, 11, 28)
SYNTH_RECORDS = 3000
SYNTH_SEED = 11


@pytest.fixture(scope="session")
def synth_registry() -> pd.DataFrame:
    return generate_registry(SYNTH_RECORDS, SYNTH_SEED, SYNTH_TODAY)


@pytest.fixture(scope="session")
def synth_manifests(synth_registry: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    return {
        kind: generate_manifest(kind, synth_registry, SYNTH_SEED, SYNTH_TODAY) for kind in ("flight", "ferry", "umrah")
    }
