"""What screening may ask of a snapshot (`Registry`): the answers are the stored columns, row by row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from checkpoint.names import normalise_name
from checkpoint.registry import Registry, import_registry, open_registry
from checkpoint.registry.keys import dob_number, name_signature, record_keys, traveller_keys


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    store = tmp_path_factory.mktemp("store")
    import_registry(fixtures / "registry_small.csv", store, today=date(2026, 11, 28))
    return open_registry(None, store, today=date(2026, 11, 28))


ROWS = [6, 0, 3, 3]  # any order, repeats allowed


def test_records_and_fields_come_back_in_the_order_asked(registry: Registry) -> None:
    ids = registry.values("record_id")
    assert registry.size == len(ids) == 7
    assert [ids[row] for row in ROWS] == registry.values("record_id", ROWS)
    assert [record["record_id"] for record in registry.records(ROWS)] == [ids[row] for row in ROWS]
    assert registry.values("date_of_birth", [0]) == [date(1990, 5, 17)]
    assert registry.values("nik", [1]) == [None]
    assert registry.records([]) == [] and registry.values("sex", []) == []
    with pytest.raises(KeyError):
        registry.values("_name_tokens", [0])  # derived columns are not fields


def test_prepared_fields_are_the_records_own_names_and_dates(registry: Registry) -> None:
    records = registry.records(ROWS)
    names = [normalise_name(record["full_name"]) for record in records]
    assert registry.names(ROWS) == names
    assert registry.birth_numbers(ROWS).tolist() == [dob_number(record["date_of_birth"]) for record in records]
    phonetic = registry.phonetic_names(ROWS)
    assert phonetic == [" ".join(name.keys) for name in names]
    low, high = registry.name_signatures(ROWS)
    assert list(zip(low.tolist(), high.tolist(), strict=True)) == [name_signature(p.split()) for p in phonetic]
    counts, offsets = registry.token_counts(ROWS)
    assert offsets.tolist() == np.cumsum([0] + [len(name.tokens) for name in names]).tolist()
    assert counts[offsets[1] : offsets[2]].tolist() == [3, 3]  # SITI and AMINAH: three records each


def test_looking_up_a_records_own_keys_finds_it_and_says_which_name_a_document(registry: Registry) -> None:
    record = registry.records([0])[0]
    keys = traveller_keys(record["passport_number"], record["nik"], record["date_of_birth"], record["full_name"])
    hits = registry.look_up(keys, name_block_cap=300)
    assert set(hits.keys.tolist()) == set(range(len(keys)))  # every key of its own finds it …
    assert 0 in hits.rows.tolist()
    flags = zip(hits.keys.tolist(), hits.documented.tolist(), strict=True)
    assert {keys[key][0] for key, flag in flags if flag} == {"P", "N"}  # the passport and NIK name a document
    filed = record_keys(record["passport_number"], record["nik"], record["date_of_birth"], ["SITI", "AMINAH"])
    assert set(keys) <= set(filed)


def test_a_name_block_above_the_cap_finds_nothing(registry: Registry) -> None:
    siti = traveller_keys(None, None, date(1993, 8, 9), "SITI AMINAH")
    name_keys = [key for key in siti if key[0] in "SJ"]
    assert name_keys and len(registry.look_up(name_keys, name_block_cap=300).rows)
    assert len(registry.look_up(name_keys, name_block_cap=1).rows) < len(registry.look_up(name_keys, 300).rows)
    assert len(registry.look_up([], name_block_cap=300).rows) == 0
