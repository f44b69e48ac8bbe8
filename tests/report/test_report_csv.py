"""CSV writer: fixed columns, one row per traveller, formula-like cells escaped (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from checkpoint.models import Hit, ScreeningResult, Traveller, Unknown, Verdict
from checkpoint.report import CSV_COLUMNS, CsvWriter, escape_cell

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(results: list[ScreeningResult]) -> str:
    stream = io.StringIO(newline="")
    CsvWriter().write(results, stream)
    return stream.getvalue()


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_header_and_one_row_per_result_in_input_order(sample_results: list[ScreeningResult]) -> None:
    rows = read_csv(write_csv(sample_results))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == len(sample_results) + 1
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    assert [row[0] for row in rows[1:]] == [escape_cell(result.pax_id) for result in sample_results]


def test_no_cell_starts_like_a_formula(sample_results: list[ScreeningResult]) -> None:
    for row in read_csv(write_csv(sample_results)):
        for cell in row:
            assert not cell.startswith(DANGEROUS_STARTS), cell


def test_formula_cells_are_prefixed_with_a_quote_and_otherwise_unchanged(
    sample_results: list[ScreeningResult],
) -> None:
    rows = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in read_csv(write_csv(sample_results))[1:]}
    formula = rows['\'=HYPERLINK("http://example.invalid","x")']
    assert formula["hit_titles"] == "'@agent marker"
    assert formula["explanations"] == "'-group escorted by agent staff"
    assert formula["warnings"] == "'+62 phone number in the name column; ignored"
    plus = rows["'+8"]
    assert plus["warnings"] == "'@import is not a date | -destination missing"


def test_flattened_nested_parts(sample_results: list[ScreeningResult]) -> None:
    rows = read_csv(write_csv(sample_results))[1:]
    refer = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert refer["match_record_id"] == "SP2MI-000123"
    assert refer["match_confidence"] == "0.967"
    assert refer["match_method"] == "name_dob"
    assert refer["match_fields"] == "name=0.942;date_of_birth=exact;sex=agree;passport_number=missing"
    assert refer["candidates"] == "SP2MI-004411:0.411"
    hold = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert hold["match_record_id"] == hold["match_confidence"] == hold["match_fields"] == ""
    assert hold["candidates"] == "SP2MI-007001:0.52|SP2MI-007002:0.333"
    assert hold["hits"] == "NP-011|NP-001|NP-004"
    assert hold["risk_score"] == "130"
    unknowns = dict(zip(CSV_COLUMNS, rows[3], strict=True))
    assert unknowns["unknown"] == "NP-007:return_date+ticket|NP-009:visa_type"
    not_screened = dict(zip(CSV_COLUMNS, rows[4], strict=True))
    assert not_screened["warnings"] == (
        "date_of_birth '31/02/1990' is not a date; treated as missing"
        " | row 5 has neither a name nor a passport number; not screened"
    )


def test_awkward_text_round_trips_and_lines_end_with_newline_only(sample_results: list[ScreeningResult]) -> None:
    text = write_csv(sample_results)
    assert "\r\n" not in text
    assert text.endswith("\n")
    rows = read_csv(text)
    awkward = dict(zip(CSV_COLUMNS, rows[6], strict=True))
    assert awkward["explanations"] == 'Manifest name is "ARTINI, KADEK" (É).'


def unify(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def test_carriage_returns_inside_cells_become_newlines_so_rows_stay_rows() -> None:
    result = ScreeningResult(
        traveller=Traveller(pax_id="\rA\rB\r\nC", row=1, warnings=("x\ry",)), verdict=Verdict.CLEAR, risk_score=0
    )
    rows = read_csv(write_csv([result]))
    assert len(rows) == 2
    assert rows[1][0] == "'\nA\nB\nC"
    assert rows[1][CSV_COLUMNS.index("warnings")] == "x\ny"


def test_empty_results_give_the_header_only() -> None:
    assert write_csv([]) == ",".join(CSV_COLUMNS) + "\n"


def test_escape_cell_cases() -> None:
    for start in DANGEROUS_STARTS:
        assert escape_cell(start + "1+1") == "'" + start + "1+1"
    assert escape_cell("") == ""
    assert escape_cell("SITI =1") == "SITI =1"
    assert escape_cell("'already quoted") == "'already quoted"


@given(st.text())
def test_escaped_cell_is_never_a_formula_and_only_gains_a_prefix(value: str) -> None:
    escaped = escape_cell(value)
    assert not escaped.startswith(DANGEROUS_STARTS)
    assert escaped in (value, "'" + value)


@given(
    pax_id=st.text(min_size=1),
    warning=st.text(),
    explanation=st.text(),
    missing=st.lists(st.text(min_size=1), max_size=3),
)
def test_any_text_gives_one_safe_row(pax_id: str, warning: str, explanation: str, missing: list[str]) -> None:
    result = ScreeningResult(
        traveller=Traveller(pax_id=pax_id, row=1, warnings=(warning,)),
        verdict=Verdict.REFER,
        risk_score=1,
        hits=(Hit("NP-1", explanation, "low", 1, explanation),),
        unknown=(Unknown("NP-2", tuple(missing)),),
    )
    rows = read_csv(write_csv([result, result]))
    assert len(rows) == 3
    assert rows[1] == rows[2]
    assert rows[1][0] == unify(escape_cell(pax_id))
    assert rows[1][CSV_COLUMNS.index("explanations")] == unify(escape_cell(explanation))
    assert all(not cell.startswith(DANGEROUS_STARTS) for cell in rows[1])
