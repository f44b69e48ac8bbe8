"""The value objects: what travels between processes comes back equal."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, fields
from datetime import date

import pytest

from checkpoint.models import Candidate, Match, MatchOutcome, Traveller


@pytest.mark.parametrize(
    "value",
    [
        Traveller(pax_id="7", row=7),
        Traveller(
            pax_id="A1",
            row=3,
            full_name="SITI AMINAH",
            sex="F",
            date_of_birth=date(1990, 5, 17),
            passport_number="C1234567",
            destination="MYS",
            warnings=("line 4: sex 'X' is not M or F",),
        ),
        Candidate("SP2MI-0000001", 0.41),
        MatchOutcome(),
        MatchOutcome(
            match=Match("SP2MI-0000001", 0.97, "passport", {"name": 0.93, "passport_number": "exact"}),
            candidates=(Candidate("SP2MI-0000002", 0.3),),
            record={"record_id": "SP2MI-0000001", "status": "READY", "planned_departure": date(2026, 12, 1)},
        ),
    ],
)
def test_a_value_pickled_and_unpickled_is_equal_and_still_frozen(value: object) -> None:
    copy = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == value and type(copy) is type(value)
    with pytest.raises(FrozenInstanceError):
        setattr(copy, fields(copy)[0].name, None)
