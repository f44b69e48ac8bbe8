"""JSON and JSON Lines writers: they parse back to the SPEC §5 objects, one line per traveller."""

from __future__ import annotations

import io
import json
import math

import pytest

from checkpoint.models import Candidate, MatchOutcome, ScreeningResult, Traveller, Verdict
from checkpoint.report import JsonLinesWriter, JsonWriter, result_to_dict


def write(writer: JsonWriter | JsonLinesWriter, results: list[ScreeningResult]) -> str:
    stream = io.StringIO()
    writer.write(results, stream)
    return stream.getvalue()


def test_json_parses_back_to_the_same_objects(sample_results: list[ScreeningResult]) -> None:
    text = write(JsonWriter(), sample_results)
    assert json.loads(text) == [result_to_dict(result) for result in sample_results]


def test_json_is_indented_utf8_with_trailing_newline(sample_results: list[ScreeningResult]) -> None:
    text = write(JsonWriter(), sample_results)
    assert text.startswith('[\n  {\n    "pax_id": "1",')
    assert text.endswith("]\n") and not text.endswith("\n\n")
    assert "É" in text  # ensure_ascii=False: names stay readable


def test_json_of_no_results_is_an_empty_array() -> None:
    assert write(JsonWriter(), []) == "[]\n"


def test_jsonl_has_one_parseable_line_per_result(sample_results: list[ScreeningResult]) -> None:
    text = write(JsonLinesWriter(), sample_results)
    lines = text.split("\n")
    assert lines[-1] == ""  # every line, the last one too, ends with a newline
    lines = lines[:-1]
    assert len(lines) == len(sample_results)
    assert [json.loads(line) for line in lines] == [result_to_dict(result) for result in sample_results]
    assert [json.loads(line)["pax_id"] for line in lines] == [result.pax_id for result in sample_results]


def test_jsonl_of_no_results_is_empty() -> None:
    assert write(JsonLinesWriter(), []) == ""


def test_unicode_line_separators_are_escaped_so_lines_stay_lines() -> None:
    # str.splitlines() and some JSON Lines readers split on these; they must never break a record.
    name = "A\u2028B\u2029C\u0085D\nE"
    result = ScreeningResult(
        traveller=Traveller(pax_id="1", row=1, full_name=name, warnings=(name,)),
        verdict=Verdict.CLEAR,
        risk_score=0,
    )
    for writer in (JsonWriter(), JsonLinesWriter()):
        text = write(writer, [result, result])
        for separator in ("\u2028", "\u2029", "\u0085"):
            assert separator not in text
    jsonl = write(JsonLinesWriter(), [result, result])
    assert len(jsonl.splitlines()) == 2
    assert json.loads(jsonl.splitlines()[0])["warnings"] == [name]


def test_nan_confidence_is_refused_rather_than_written_as_invalid_json() -> None:
    result = ScreeningResult(
        traveller=Traveller(pax_id="1", row=1),
        verdict=Verdict.REFER,
        risk_score=0,
        outcome=MatchOutcome(candidates=(Candidate("SP2MI-1", math.nan),)),
    )
    with pytest.raises(ValueError):
        write(JsonWriter(), [result])
