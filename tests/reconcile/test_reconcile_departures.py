"""The departure files of a period: folders, patterns, files, and the departures outside the period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checkpoint.errors import InputDataError
from checkpoint.reconcile import Period, Tally, departure_files
from checkpoint.reconcile.departures import read_departures

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_folders_are_searched_patterns_expanded_and_each_file_taken_once(tmp_path: Path) -> None:
    (tmp_path / "day1").mkdir()
    (tmp_path / "day2").mkdir()
    for name in ("day1/a.csv", "day1/b.edi", "day2/c.xlsx", "day2/notes.pdf", "day2/.hidden.csv"):
        (tmp_path / name).write_text("x")
    found = departure_files([tmp_path, str(tmp_path / "day1" / "*.csv"), tmp_path / "day2" / "c.xlsx"])
    assert [path.relative_to(tmp_path).as_posix() for path in found] == ["day1/a.csv", "day1/b.edi", "day2/c.xlsx"]


@pytest.mark.parametrize("given", ["missing.csv", "nothing-*.csv"])
def test_a_path_that_names_nothing_is_an_input_error(tmp_path: Path, given: str) -> None:
    with pytest.raises(InputDataError, match=r"No departures found|No manifest file"):
        departure_files([str(tmp_path / given)])


def test_departures_outside_the_period_are_counted_not_kept() -> None:
    tally = Tally()
    # the sample flight leaves on 2026-11-28: in a period ending the day before, none of it is kept
    kept = list(read_departures([SAMPLE / "flight_cgk_kul.csv"], Period(date(2026, 11, 1), date(2026, 11, 27)), tally))
    assert kept == [] and (tally.files, tally.read, tally.outside, tally.kept) == (1, 298, 298, 0)
    tally = Tally()
    kept = list(read_departures([SAMPLE / "flight_cgk_kul.csv"], Period(date(2026, 11, 28), date(2026, 11, 28)), tally))
    assert sum(table.num_rows for table in kept) == 298 and tally.outside == 0


def test_a_departures_transit_and_final_destination_are_the_travellers_own_reading(tmp_path: Path) -> None:
    manifest = tmp_path / "via_kul.csv"
    manifest.write_text(
        "full_name,date_of_birth,sex,passport_number,destination,departure_date,transit,final_destination\n"
        "BUDI SANTOSO,1990-05-17,M,B1234567,KUL,2026-11-20,KUL,Cambodia\n"
        "SITI AMINAH,1991-02-03,F,C7654321,KUL,2026-11-20,,\n",
        encoding="utf-8",
    )
    (table,) = read_departures([manifest], Period(date(2026, 11, 1), date(2026, 11, 30)), Tally())
    assert table.column("transit").to_pylist() == ["KUL", None]
    assert table.column("final_destination").to_pylist() == ["KHM", None]  # the country read as alpha-3


def test_a_note_names_the_file_by_its_path_where_day_folders_repeat_a_name(tmp_path: Path) -> None:
    # the same ferry's list every day, its dates readable day-first or month-first: one note per file, each
    # naming the file by its path (as the departures table does), not twice the same name
    paths = []
    for day, written in (("2026-11-06", "06/11/2026"), ("2026-11-09", "09/11/2026")):
        folder = tmp_path / day
        folder.mkdir()
        path = folder / "BTH-MV_SEGARA_EXPRESS_3.csv"
        rows = [f"PASSENGER {n},1990-01-0{n},B100000{n},{written}" for n in range(1, 4)]
        path.write_text("full_name,date_of_birth,passport_number,departure_date\n" + "\n".join(rows) + "\n")
        paths.append(path)
    tally = Tally()
    list(read_departures(paths, Period(date(2026, 11, 1), date(2026, 11, 30)), tally))
    about = [[note for note in tally.notes if note.startswith(f"{path}: ")] for path in paths]
    assert all(len(notes) == 1 and "departure_date" in notes[0] for notes in about), tally.notes
