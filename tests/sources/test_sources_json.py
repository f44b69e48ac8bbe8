"""JSON tables: an array of objects, an object holding one, or JSON Lines; cells arrive as text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checkpoint.errors import InputDataError
from checkpoint.sources import read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "manifests"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_array_of_objects(tmp_path: Path) -> None:
    rows = [{"full_name": "SITI AMINAH", "passport_number": "012345", "date_of_birth": 900517, "bpjs": True},
            {"full_name": "BUDI", "nik": 3201015705900001, "score": 1.5, "x": None, "y": ""}]  # fmt: skip
    table = read_table(write(tmp_path, "pax.json", json.dumps(rows, indent=2)))
    assert list(table.frame.columns) == [
        "full_name",
        "passport_number",
        "date_of_birth",
        "bpjs",
        "nik",
        "score",
        "x",
        "y",
    ]
    first, second = table.frame.to_dict("records")
    assert first == {"full_name": "SITI AMINAH", "passport_number": "012345", "date_of_birth": "900517",
                     "bpjs": "true", "nik": None, "score": None, "x": None, "y": None}  # fmt: skip
    assert second["nik"] == "3201015705900001"
    assert second["score"] == "1.5"
    assert second["passport_number"] is None  # a missing key is a blank, never the text "nan"


def test_json_lines_with_missing_keys(tmp_path: Path) -> None:
    text = '{"full_name": "SITI"}\n\n{"full_name": "BUDI", "passport_number": "NO"}\n'
    table = read_table(write(tmp_path, "pax.jsonl", text))
    assert table.frame.to_dict("records") == [
        {"full_name": "SITI", "passport_number": None},
        {"full_name": "BUDI", "passport_number": "NO"},
    ]


def test_an_object_holding_one_list_of_rows(tmp_path: Path) -> None:
    text = json.dumps({"flight": "GA820", "passengers": [{"full_name": "SITI"}, {"full_name": "BUDI"}]})
    assert read_table(write(tmp_path, "api.json", text)).frame["full_name"].tolist() == ["SITI", "BUDI"]


def test_a_single_object_is_one_row(tmp_path: Path) -> None:
    text = json.dumps({"full_name": "SITI", "passport_number": "B1"}, indent=2)
    assert read_table(write(tmp_path, "one.json", text)).frame.to_dict("records") == [
        {"full_name": "SITI", "passport_number": "B1"}
    ]


def test_nested_values_are_kept_as_json_text(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "nested.json", '[{"full_name": "SITI", "doc": {"type": "P"}}]'))
    assert json.loads(table.frame["doc"][0]) == {"type": "P"}


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"full_name": "JOSÉ"}]).encode())
    assert read_table(path).frame["full_name"].tolist() == ["JOSÉ"]


def test_the_checked_in_json_lines() -> None:
    table = read_table(FIXTURES / "passengers.jsonl")
    assert table.frame["pax_id"].tolist() == ["P-1", "P-2", "P-1"]
    assert table.frame["date_of_birth"].tolist() == ["1990-05-17", "900517", "17/05/1990"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("cut.json", '[{"full_name": "SITI"},\n', r"^cut\.json is not valid JSON \(line 2\)\.$"),
        (
            "bad.jsonl",
            '{"full_name": "SITI"}\n{"full_name": \n{"a": 1}\n',
            r"^bad\.jsonl is not valid JSON Lines \(line 2\)\.$",
        ),
        ("scalars.json", "[1, 2, 3]", r"^scalars\.json must hold a list of objects, one per row\.$"),
        ("mixed.json", '[{"a": 1}, "b"]', r"^mixed\.json must hold a list of objects, one per row\.$"),
        ("none.json", "[]", r"^none\.json holds no rows\.$"),
        ("hollow.json", "[{}, {}]", r"^hollow\.json holds only empty objects: no row has a field\.$"),
    ],
)
def test_bad_json_is_one_sentence_naming_the_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InputDataError, match=message):
        read_table(write(tmp_path, name, text))
