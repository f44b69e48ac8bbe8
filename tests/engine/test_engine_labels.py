"""Fields and what a verdict could be, named for the officer in the run's language."""

from __future__ import annotations

from checkpoint.engine.labels import could_be_note, field_label
from checkpoint.engine.pack import field_catalogue
from checkpoint.i18n import set_language, text_in
from checkpoint.models import Unknown, Verdict


def test_every_field_a_rule_may_test_has_a_name_in_both_languages() -> None:
    names = list(field_catalogue())
    assert len(names) > 30
    for name in names:
        assert text_in("id", f"engine.field.{name}") and text_in("en", f"engine.field.{name}"), name


def test_a_field_of_another_group_member_says_so() -> None:
    assert field_label("members.one_way") == "one-way or return ticket of another group member"


def test_the_could_be_note_names_the_verdict_and_each_missing_field_once() -> None:
    unknown = (Unknown("NP-010", ("one_way",)), Unknown("NP-011", ("passport_age_days", "one_way")))
    assert could_be_note(Verdict.HOLD, unknown) == (
        "could be HOLD: 2 checks could not be made (one-way or return ticket, passport age)"
    )
    assert (
        could_be_note(Verdict.REFER, unknown[:1])
        == "could be REFER: 1 check could not be made (one-way or return ticket)"
    )
    try:
        set_language("id")
        note = could_be_note(Verdict.HOLD, unknown)
    finally:
        set_language("en")
    assert (
        note
        == "bisa menjadi TUNDA: 2 pemeriksaan tidak dapat dilakukan (tiket sekali jalan atau pulang-pergi, umur paspor)"
    )


def test_every_field_a_rule_may_test_is_described_in_both_languages() -> None:
    """`checkpoint rules fields` explains each field of engine/fields.csv from the catalog (a new field needs one)."""
    for name in field_catalogue():
        key = f"engine.field_description.{name}"
        assert text_in("id", key) and text_in("en", key), name
