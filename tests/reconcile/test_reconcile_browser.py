"""The reconciliation's HTML summary in a real headless Chromium (as `tests/report/test_report_browser.py`): it
loads without console errors or failed loads, and its three charts are drawn. Skipped where no Chromium is
installed, unless $CHECKPOINT_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

from support.browser import load_page
from support.periods import Period

DRAWN = {
    "charts": "document.querySelectorAll('svg.chart').length",
    "bars": "Array.from(document.querySelectorAll('svg.chart rect'))"
    ".filter(bar => bar.getBoundingClientRect().width > 0).length",
    "title": "document.title",
    "cards": "document.querySelectorAll('.card').length",
}


def test_the_summary_renders_with_its_charts(chromium: str, period: Period, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "reconcile", "--departures", str(period.departures), "--from", "2026-11-25", "--to", "2026-11-28",
            "--registry", str(period.store), "--out", str(tmp_path), "--format", "html", "--lang", "id",
        ],
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    page = load_page(chromium, tmp_path / "summary.html", expressions=DRAWN)
    assert page.problems == []
    assert page.values["title"] == "Rekonsiliasi keberangkatan dengan data penempatan"
    assert page.values["charts"] == 3 and page.values["cards"] == 6
    # ports (several), countries (several) and the week(s), each bar in up to four parts
    assert page.values["bars"] >= 3 * 2
    assert len(page.screenshot) > 20_000
