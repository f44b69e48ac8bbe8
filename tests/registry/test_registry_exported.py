"""Where an export's date is read (`registry/exported.py`): the option, a column, the file's name, the import."""

from __future__ import annotations

from datetime import date

import pytest

from checkpoint.registry.exported import ExportDate, ExportedFrom, date_in_name, export_date
from checkpoint.sources import RawTable

TODAY = date(2026, 11, 28)


def raw(headers: tuple[str, ...] = ("record_id",), *columns: list[object]) -> RawTable:
    return RawTable(headers=headers, columns=columns or ([None],), source="export.csv")


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("siskop2mi_2026-11-27.csv", date(2026, 11, 27)),
        ("registry-20261126.parquet", date(2026, 11, 26)),
        ("export 2026-02-30 then 2026-11-01.xlsx", date(2026, 11, 1)),  # an impossible day is passed over
        ("siskop2mi_2026-12-01.csv", None),  # after today: not the export date
        ("batch_120261127.csv", None),  # digits run on: not a date
        ("registry.csv", None),
    ],
)
def test_a_date_in_the_file_name(name: str, found: date | None) -> None:
    assert date_in_name(name, TODAY) == found


def test_the_option_then_the_column_then_the_name_then_the_import() -> None:
    stamped = raw(("record_id", "Exported At"), ["A", "B", "C"], ["2026-11-20", "2026-11-21", None])
    named = "siskop2mi_2026-11-27.csv"
    assert export_date(stamped, named, given=date(2026, 11, 2), today=TODAY) == ExportDate(
        date(2026, 11, 2), ExportedFrom.OPTION
    )
    assert export_date(stamped, named, given=None, today=TODAY) == ExportDate(date(2026, 11, 21), ExportedFrom.COLUMN)
    unreadable = raw(("record_id", "tanggal_ekspor"), ["A"], ["kemarin"])
    assert export_date(unreadable, named, given=None, today=TODAY).source is ExportedFrom.FILE_NAME
    assert export_date(raw(), "registry.csv", given=None, today=TODAY) == ExportDate(TODAY, ExportedFrom.IMPORT)
