"""Every output format, byte for byte, against checked-in golden files.

To regenerate after an intended change, run `UPDATE_GOLDEN=1 pytest tests/report`: every golden test then
rewrites its file and fails, saying so, so that an update can never pass as a green run. Review the diff of
tests/golden/report/, commit it, and run the tests again without the variable.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from checkpoint.models import ScreeningResult
from checkpoint.report import BINARY_FORMATS, OutputFormat, ResultWriter, writer_for

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

GOLDEN_FILES = {
    OutputFormat.JSON: "results.json",
    OutputFormat.JSONL: "results.jsonl",
    OutputFormat.CSV: "results.csv",
    OutputFormat.TABLE: "results_table.txt",
    OutputFormat.HTML: "results.html",
}


def rendered(results: list[ScreeningResult], output_format: OutputFormat) -> str:
    """What the writer produces on a non-terminal stream (so the table is plain, 80 columns)."""
    stream = io.StringIO(newline="")
    writer = writer_for(output_format)
    assert isinstance(writer, ResultWriter)
    writer.write(results, stream)
    return stream.getvalue()


def assert_matches_golden(text: str, golden: Path) -> None:
    """Compare exactly (line endings included), or rewrite the golden file and fail when UPDATE_GOLDEN=1."""
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="")
        pytest.fail(
            f"UPDATE_GOLDEN=1: {golden} was rewritten and must be reviewed (git diff) before it is committed; "
            "run the tests again without UPDATE_GOLDEN to check it",
            pytrace=False,
        )
    assert golden.exists(), f"missing golden file {golden}; run with UPDATE_GOLDEN=1 to create it"
    with golden.open(encoding="utf-8", newline="") as handle:  # newline="": compare line endings too
        assert text == handle.read()


@pytest.mark.parametrize("output_format", list(GOLDEN_FILES))
def test_output_matches_golden(
    output_format: OutputFormat, sample_results: list[ScreeningResult], golden_dir: Path
) -> None:
    assert_matches_golden(rendered(sample_results, output_format), golden_dir / GOLDEN_FILES[output_format])


@pytest.mark.parametrize("index", [1, 2, 4])
def test_single_traveller_panel_matches_golden(
    index: int, sample_results: list[ScreeningResult], golden_dir: Path
) -> None:
    text = rendered([sample_results[index]], OutputFormat.TABLE)
    assert_matches_golden(text, golden_dir / f"panel_pax_{sample_results[index].pax_id}.txt")


def test_every_text_format_has_a_golden_file() -> None:
    # A spreadsheet is a zip with the time it was written: it is read back instead (test_report_xlsx.py).
    assert set(GOLDEN_FILES) == set(OutputFormat) - BINARY_FORMATS
