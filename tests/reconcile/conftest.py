"""A small synthetic period for the reconciliation tests: a registry of 1,500 records imported into a store, and
1,200 departures over four days (`checkpoint synth --departures`), made once per session."""

from __future__ import annotations

from datetime import date

import pytest

from support.periods import Period

LAST_DAY = date(2026, 11, 28)
FIRST_DAY = date(2026, 11, 25)


@pytest.fixture(scope="session")
def period(tmp_path_factory: pytest.TempPathFactory) -> Period:
    import os

    from checkpoint.registry import import_registry
    from checkpoint.synth.dataset import write_dataset
    from checkpoint.synth.departures import write_period

    folder = tmp_path_factory.mktemp("period")
    home = folder / "home"
    previous = os.environ.get("CHECKPOINT_HOME")
    os.environ["CHECKPOINT_HOME"] = str(home)  # the import's caches: not the session's shared folder
    try:
        write_dataset(folder, records=1_500, seed=11, today=LAST_DAY, manifests=[])
        write_period(folder, count=1_200, days=4, last_day=LAST_DAY, seed=11)
        store = folder / "store"
        import_registry(folder / "registry.parquet", store, today=LAST_DAY)
    finally:
        if previous is not None:
            os.environ["CHECKPOINT_HOME"] = previous
    return Period(folder, store, folder / "departures", folder / "departures.truth.csv")
