"""Column headers as people write them, mapped to SPEC §4 field names (aliases in checkpoint/columns.csv)."""

from __future__ import annotations

import csv
from collections import Counter
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.columns import header_key, is_known_header, resolve_headers
from checkpoint.models import RECORD_COLUMNS, TRAVELLER_FIELDS

MANIFEST_FIELDS = (*TRAVELLER_FIELDS, "name", "surname", "given_names")
REGISTRY_FIELDS = RECORD_COLUMNS


def alias_rows() -> list[dict[str, str]]:
    text = files("checkpoint").joinpath("columns.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Passport No.", "passport_number"),
        ("PASSPORT-NO", "passport_number"),
        ("passport_no", "passport_number"),
        ("No. Paspor", "passport_number"),
        ("DOB", "date_of_birth"),
        ("Date of Birth", "date_of_birth"),
        ("Tgl. Lahir", "date_of_birth"),
        ("Gender", "sex"),
        ("Jenis Kelamin", "sex"),
        ("PNR", "booking_ref"),
        ("Surname", "surname"),
        ("Given Names", "given_names"),
        ("First Name", "given_names"),
        ("Name", "name"),
        ("Nama Lengkap", "full_name"),
        ("No.", "pax_id"),
        ("Expiry", "passport_expiry"),
        ("Flight/Vessel", "flight"),
        ("Group/agent code", "group_code"),
        ("Dest.", "destination"),
        ("Negara Tujuan", "destination"),
        ("Kebangsaan", "nationality"),
    ],
)
def test_manifest_headers(header: str, field: str) -> None:
    assert resolve_headers([header], MANIFEST_FIELDS) == {field: 0}


def test_the_airline_list_of_domain_notes() -> None:
    headers = ["No.", "Name", "Sex", "Date of Birth", "Nationality", "Passport No.", "Expiry", "PNR", "Ticket"]
    headers += ["Flight/Vessel", "Destination", "Transit", "Group/agent code"]
    found = resolve_headers(headers, MANIFEST_FIELDS)
    assert found == {
        "pax_id": 0,
        "name": 1,
        "sex": 2,
        "date_of_birth": 3,
        "nationality": 4,
        "passport_number": 5,
        "passport_expiry": 6,
        "booking_ref": 7,
        "ticket": 8,
        "flight": 9,
        "destination": 10,
        "transit": 11,
        "group_code": 12,
    }


def test_an_exact_field_name_beats_an_alias_wherever_it_stands() -> None:
    assert resolve_headers(["Passport", "passport_number"], MANIFEST_FIELDS) == {"passport_number": 1}
    assert resolve_headers(["passport_number", "Passport"], MANIFEST_FIELDS) == {"passport_number": 0}


def test_the_first_of_two_aliases_wins() -> None:
    assert resolve_headers(["Passport No.", "Doc No"], MANIFEST_FIELDS) == {"passport_number": 0}


def test_a_header_used_by_an_exact_name_is_not_reused_as_an_alias() -> None:
    # `departure_port` is the registry field; for a manifest it is an alias of `port`.
    assert resolve_headers(["departure_port"], REGISTRY_FIELDS) == {"departure_port": 0}
    assert resolve_headers(["departure_port"], MANIFEST_FIELDS) == {"port": 0}


def test_aliases_count_only_for_the_fields_asked_about() -> None:
    assert resolve_headers(["Country"], REGISTRY_FIELDS) == {"destination_country": 0}
    assert resolve_headers(["Country"], MANIFEST_FIELDS) == {}
    assert resolve_headers(["Negara Tujuan"], REGISTRY_FIELDS) == {"destination_country": 0}


def test_unknown_headers_are_ignored() -> None:
    assert resolve_headers(["Remarks", "", None, 3], MANIFEST_FIELDS) == {}


def test_a_byte_order_mark_on_the_first_header_is_ignored() -> None:
    assert resolve_headers(["\ufeffNo.", "Name"], MANIFEST_FIELDS) == {"pax_id": 0, "name": 1}


def test_is_known_header() -> None:
    assert is_known_header("Passport No.")
    assert is_known_header("departure_port")  # a field name with no alias row of its own
    assert not is_known_header("DAFTAR PENUMPANG GA820")
    assert not is_known_header("")


separators = st.text(alphabet=" ._-", max_size=3)


@given(data=st.data(), field=st.sampled_from(MANIFEST_FIELDS))
def test_case_and_separators_do_not_change_a_header(data: st.DataObject, field: str) -> None:
    words = field.split("_")
    cases = data.draw(
        st.lists(st.sampled_from([str.lower, str.upper, str.title]), min_size=len(words), max_size=len(words))
    )
    glue = data.draw(st.lists(separators, min_size=len(words) + 1, max_size=len(words) + 1))
    header = glue[0] + "".join(case(word) + sep for case, word, sep in zip(cases, words, glue[1:], strict=True))
    assert header_key(header) == header_key(field)
    assert resolve_headers([header], MANIFEST_FIELDS) == {field: 0}


class TestAliasTable:
    def test_every_field_is_a_registry_or_manifest_field(self) -> None:
        known = set(MANIFEST_FIELDS) | set(REGISTRY_FIELDS)
        fields = {row["field"] for row in alias_rows()}
        assert fields and fields <= known

    def test_no_alias_is_listed_twice_for_a_field(self) -> None:
        pairs = Counter((row["field"], header_key(row["alias"])) for row in alias_rows())
        assert pairs
        assert [pair for pair, count in pairs.items() if count > 1] == []

    @pytest.mark.parametrize("fields", [MANIFEST_FIELDS, REGISTRY_FIELDS], ids=["manifest", "registry"])
    def test_no_alias_names_two_fields_of_one_table(self, fields: tuple[str, ...]) -> None:
        wanted = set(fields)
        targets: dict[str, set[str]] = {}
        for row in alias_rows():
            if row["field"] in wanted and header_key(row["alias"]) not in {header_key(f) for f in wanted}:
                targets.setdefault(header_key(row["alias"]), set()).add(row["field"])
        assert targets, "no alias of this table's fields"
        assert {alias: found for alias, found in targets.items() if len(found) > 1} == {}
