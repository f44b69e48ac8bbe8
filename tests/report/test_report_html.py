"""The HTML report: self-contained, every value escaped, in the run's language, readable at any batch size."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

from checkpoint.i18n import Language, set_language
from checkpoint.models import Hit, ScreeningResult, Traveller, Verdict
from checkpoint.report import Batch, OutputFormat, writer_for
from checkpoint.report.html import HtmlWriter, render_html

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'


def page(batch: Batch) -> str:
    return render_html(batch)


def batch_of(results: list[ScreeningResult], **more: object) -> Batch:
    return Batch(
        results,
        notes=("column 'Pasport' is not recognised; did you mean passport_number?",),
        pack_name="default",
        pack_version="2026.11.2",
        registry_snapshot="20261128T000000Z-abc",
        screening_date=date(2026, 11, 28),
        **more,  # type: ignore[arg-type]
    )


def test_the_page_is_self_contained(sample_results: list[ScreeningResult]) -> None:
    html = page(batch_of(sample_results))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    lowered = html.lower()
    for fetching in ("<script", "<link", "<img", "<iframe", "<object", "<embed", " src=", " href="):
        assert fetching not in lowered
    (style,) = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    # the only address in an attribute is the SVG namespace, which is a name, never fetched
    assert set(re.findall(r"([\w-]+)=\"[a-z]+://", html)) == {"xmlns"}


def test_hostile_values_are_escaped(sample_results: list[ScreeningResult]) -> None:
    hostile = replace(
        sample_results[2],
        traveller=replace(sample_results[2].traveller, full_name=HOSTILE, pax_id=HOSTILE, flight="\u202eGA820"),
        hits=(Hit(HOSTILE, HOSTILE, "high", 50, HOSTILE, ask=(HOSTILE,)),),
    )
    html = page(batch_of([hostile, sample_results[0]], group_rules={HOSTILE: "full_name"}))
    assert "<script" not in html and "<img" not in html and "\u202e" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;" in html
    )


def test_sections_summary_charts_groups_action_notes(sample_results: list[ScreeningResult]) -> None:
    booked = [replace(r, traveller=replace(r.traveller, booking_ref="5TJZ9N")) for r in sample_results]
    html = page(batch_of(booked, group_rules={"NP-001": "booking_ref"}))
    headings = ("Summary", "Data-quality notes", "At a glance", "Groups flagged", "Travellers needing action (4)")
    places = [html.index(f">{heading}<") for heading in (*headings, "Rules hit and the questions to ask")]
    assert places == sorted(places)
    assert html.count('<svg class="chart"') == 3  # verdicts, rules, destinations
    assert "Screened on 2026-11-28 · rule pack default@2026.11.2 · registry snapshot 20261128T000000Z-abc" in html
    assert "booking 5TJZ9N — NP-001" in html
    assert "SP2MI-000123 (match 0.97, name_dob)" in html and "near misses: SP2MI-004411 (0.41)" in html
    # the questions to ask, once per rule in the rules' table, not repeated on every traveller
    assert html.count("Have you attended the pre-departure orientation (OPP)?") == 1
    assert ">Questions to ask<" in html
    assert "did you mean passport_number?" in html
    # the travellers needing action in order: hold, then refer by risk
    assert html.index("pax 23") < html.index("pax 17") < html.index("pax 5<")


def test_worklist_is_in_the_page(sample_results: list[ScreeningResult]) -> None:
    could = replace(sample_results[3], could_be=Verdict.REFER)
    html = page(batch_of([could, sample_results[2]]))
    assert "Worklist for the counter" in html
    assert "pax 31 I WAYAN SUTRISNO: CLEAR — could be REFER: 2 checks could not be made" in html


def test_in_bahasa_indonesia(sample_results: list[ScreeningResult]) -> None:
    set_language(Language.ID)
    html = page(batch_of(sample_results))
    assert '<html lang="id">' in html
    for said in ("Laporan pemeriksaan penumpang", "Penumpang yang perlu tindakan (4)", "Catatan kualitas data"):
        assert said in html
    assert ">TUNDA<" in html and ">RUJUK<" in html and ">LOLOS<" in html


def test_travellers_are_laid_out_in_chunks_the_browser_may_skip_off_screen() -> None:
    flagged = [
        ScreeningResult(Traveller(pax_id=str(n), row=n, full_name=f"REFERRED {n}"), Verdict.REFER, 40)
        for n in range(1, 451)
    ]
    html = render_html(batch_of(flagged))
    assert html.count('<div class="chunk">') == 3  # 200 + 200 + 50
    assert html.count("<thead><tr><th>Verdict</th>") == 1  # one header row, columns fixed across chunks
    assert html.count("REFERRED ") == 450


def test_a_large_batch_lists_the_flagged_and_counts_the_clear() -> None:
    clear = [
        ScreeningResult(Traveller(pax_id=str(n), row=n, full_name=f"CLEAR {n}"), Verdict.CLEAR, 0) for n in range(1, 30)
    ]
    hold = ScreeningResult(Traveller(pax_id="30", row=30, full_name="HELD"), Verdict.HOLD, 90)
    stream = io.StringIO()
    HtmlWriter(clear_listed=10).write(batch_of([*clear, hold]), stream)
    html = stream.getvalue()
    assert "HELD" in html and "CLEAR 5<" not in html
    assert "29 clear travellers with nothing to note are not listed one by one" in html
    listed = render_html(batch_of([*clear, hold], list_clear=True), clear_listed=10)  # --all
    assert "CLEAR 5<" in listed and "not listed one by one" not in listed


def test_a_large_batch_still_lists_a_clear_traveller_with_a_warning() -> None:
    clear = [
        ScreeningResult(Traveller(pax_id=str(n), row=n, full_name=f"CLEAR {n}"), Verdict.CLEAR, 0) for n in range(1, 30)
    ]
    warned = ScreeningResult(
        Traveller(pax_id="31", row=31, full_name="WARNED"), Verdict.CLEAR, 0, warnings=("date_of_birth unreadable",)
    )
    html = render_html(batch_of([*clear, warned]), clear_listed=10)
    assert "WARNED" in html and "CLEAR 5<" not in html
    assert "29 clear travellers with nothing to note are not listed one by one" in html


def test_the_html_format_is_in_the_table_of_writers() -> None:
    assert isinstance(writer_for(OutputFormat.HTML), HtmlWriter)
