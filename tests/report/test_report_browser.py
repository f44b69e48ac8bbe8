"""The HTML report in a real headless Chromium: it loads without console errors, its charts are drawn, a
screenshot is taken. Skipped where no Chromium is installed, unless $CHECKPOINT_REQUIRE_BROWSER=1 (CI sets it
and installs Debian's `chromium`). $CHECKPOINT_SCREENSHOT=PATH keeps the screenshot of the sample flight's report.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

from support.browser import load_page

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PNG = b"\x89PNG\r\n\x1a\n"

#: Bars drawn with a width on screen, per chart; the charts' own boxes.
DRAWN = {
    "charts": "document.querySelectorAll('svg.chart').length",
    "bars": "Array.from(document.querySelectorAll('svg.chart rect'))"
    ".filter(bar => bar.getBoundingClientRect().width > 0).length",
    "chart_heights": "Array.from(document.querySelectorAll('svg.chart')).map(c => c.getBoundingClientRect().height)",
    "title": "document.title",
    "flagged_rows": "document.querySelectorAll('tr.hold, tr.refer').length",
}


def test_the_sample_flights_report_renders_with_its_charts(chromium: str, tmp_path: Path) -> None:
    report = tmp_path / "flight.html"
    result = CliRunner().invoke(
        app,
        [
            "screen",
            "--registry",
            str(SAMPLE / "registry.parquet"),
            "--manifest",
            str(SAMPLE / "flight_cgk_kul.csv"),
            "--today",
            "2026-11-28",
            "--format",
            "html",
            "--output",
            str(report),
        ],
    )
    assert result.exit_code == 1, result.stderr
    page = load_page(chromium, report, expressions=DRAWN)
    assert page.problems == []
    assert page.values["title"] == "Traveller screening report"
    assert page.values["charts"] == 3
    assert all(height > 50 for height in page.values["chart_heights"])
    # verdicts (3 bars), rules hit (10 shown), destinations (MYS in three colours, KHM in one)
    assert page.values["bars"] >= 3 + 10 + 2
    assert page.values["flagged_rows"] >= 22  # the travellers needing action, and the group's members
    assert page.screenshot.startswith(PNG) and len(page.screenshot) > 20_000
    (tmp_path / "report.png").write_bytes(page.screenshot)
    if os.environ.get("CHECKPOINT_SCREENSHOT"):
        shutil.copyfile(tmp_path / "report.png", os.environ["CHECKPOINT_SCREENSHOT"])


def test_the_check_sees_console_errors_and_failed_loads(chromium: str, tmp_path: Path) -> None:
    # The real faults the report must never have: a script error, a console error, a resource that is missing.
    faulty = tmp_path / "faulty.html"
    faulty.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="missing.png"><script>console.error("broken"); undefinedFunction();</script></body></html>',
        encoding="utf-8",
    )
    page = load_page(chromium, faulty, screenshot=False)
    joined = "\n".join(page.problems)
    assert "console.error" in joined and "uncaught" in joined and "missing.png" in joined
