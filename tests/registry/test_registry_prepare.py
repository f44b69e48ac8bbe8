"""Preparing a registry export: validation with one reason per rejected row, normalised derived columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from checkpoint.errors import InputDataError
from checkpoint.registry import Registry, SnapshotInfo
from checkpoint.registry.prepare import prepare_registry
from checkpoint.sources import RawTable, read_table

SNAPSHOT = SnapshotInfo("prepared", "export.csv", "0" * 64, 0, 0, "2026-11-28T00:00:00+00:00")


def test_good_rows_are_kept_and_bad_rows_rejected_with_reasons(registry_csv: Path, today: date) -> None:
    prepared = prepare_registry(read_table(registry_csv), today=today)
    assert prepared.table.num_rows == 7
    reasons = dict(zip(prepared.rejects["source_row"], prepared.rejects["reason"], strict=True))
    assert reasons == {
        9: "record_id appears earlier in the file",
        10: "full_name is missing",
        11: "date_of_birth is missing or not a date",
    }
    # every input row is either kept or rejected: nothing is lost
    assert prepared.table.num_rows + len(prepared.rejects) == 10


def test_derived_columns_are_normalised(registry_csv: Path, today: date) -> None:
    table = prepare_registry(read_table(registry_csv), today=today).table
    rows = {row["record_id"]: row for row in table.to_pylist()}
    siti = rows["SP2MI-0000001"]
    assert siti["_name_tokens"] == "SITI AMINAH"
    assert siti["_father_tokens"] == "KARSO"
    assert siti["date_of_birth"] == date(1990, 5, 17)
    assert siti["_dob_number"] == 19900517
    assert rows["SP2MI-0000002"]["_name_tokens"] == "MUHAMMAD SOEHARTO"  # title dropped, MOCH folded
    assert siti["bpjs_active"] is True and rows["SP2MI-0000002"]["opp_completed"] is False
    assert siti["_name_keys"] == "SITI AMINA"  # phonetic: a final H is silent
    registry = Registry(table, SNAPSHOT)
    counts, _ = registry.token_counts([list(rows).index("SP2MI-0000001")])
    assert counts.tolist() == [3, 3]  # three kept records carry SITI and AMINAH


def test_missing_required_column_is_an_input_error(today: date) -> None:
    raw = RawTable.from_frame(pd.DataFrame({"record_id": ["A"], "full_name": ["X"]}), source="export.csv")
    with pytest.raises(InputDataError, match=r"export\.csv lacks the required registry column"):
        prepare_registry(raw, today=today)


def test_codes_stay_text_and_aliases_are_understood(tmp_path: Path, today: date) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "ID CPMI;Nama;Jenis Kelamin;Tanggal Lahir;Negara Tujuan;NIK;No Paspor\n"
        "SP2MI-1;SUPARMAN;L;17-05-1980;NO;3201011705800001.0;b 123 4567\n",
        encoding="utf-8",
    )
    row = prepare_registry(read_table(export), today=today).table.to_pylist()[0]
    assert row["sex"] == "M"
    assert row["destination_country"] == "NOR"  # Norway, not a boolean
    assert row["nik"] == "3201011705800001"
    assert row["passport_number"] == "B1234567"
    assert row["date_of_birth"] == date(1980, 5, 17)


def test_token_counts_cover_every_spelling_of_a_token(today: date) -> None:
    # The rarity of AISJAH is that of every AISYAH a traveller's name would agree with, not of one spelling.
    raw = RawTable.from_frame(
        pd.DataFrame(
            {
                "record_id": ["A", "B", "C", "D"],
                "full_name": ["AISJAH WAHJUNI", "AISYAH RAHMAWATI", "AISYAH PUTRI", "DEWI RAHMAWATI"],
                "date_of_birth": ["1990-05-17"] * 4,
                "sex": ["F"] * 4,
                "destination_country": ["MYS"] * 4,
            }
        ),
        source="export.csv",
    )
    registry = Registry(prepare_registry(raw, today=today).table, SNAPSHOT)
    counts, offsets = registry.token_counts([0, 1])
    assert counts.tolist() == [3, 1, 3, 2] and offsets.tolist() == [0, 2, 4]
