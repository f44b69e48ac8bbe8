"""The officer's table and desk panel: readable at 80 columns, plain in files, coloured on terminals."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from rich.cells import cell_len
from rich.console import Console

from checkpoint.models import Hit, Match, MatchOutcome, ScreeningResult, Traveller, Verdict
from checkpoint.report import Batch, TableWriter
from checkpoint.report.table import hits_by_severity, match_doubts

ANSI = re.compile(r"\x1b\[")


class TerminalStream(io.StringIO):
    """A StringIO that says it is a terminal, as an officer's screen would."""

    def isatty(self) -> bool:
        return True


def plain(results: list[ScreeningResult], *, list_clear: bool = False) -> str:
    stream = io.StringIO()
    TableWriter().write(Batch(results, list_clear=list_clear), stream)
    return stream.getvalue()


def words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s│╭╮╰╯─]+", text) if word]


def test_file_output_is_plain_text_even_when_colour_is_forced(
    sample_results: list[ScreeningResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not ANSI.search(plain(sample_results))
    assert not ANSI.search(plain(sample_results[:1]))


def test_lines_fit_80_columns(sample_results: list[ScreeningResult], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # a file's width must not depend on the terminal
    for results in (sample_results, sample_results[2:3]):
        lines = plain(results).splitlines()
        assert max(cell_len(line) for line in lines) <= 80


def test_reasons_wrap_without_truncation(sample_results: list[ScreeningResult]) -> None:
    text = plain(sample_results, list_clear=True)
    assert "…" not in text
    flowing = " ".join(words(text))
    for result in sample_results:
        for hit in result.hits:
            for word in hit.explanation.split():
                assert word in flowing


def test_travellers_needing_action_come_first_then_a_count_of_the_clear(sample_results: list[ScreeningResult]) -> None:
    text = plain(sample_results)
    # hold 23 (risk 130); refer 17 (45), =HYPERLINK (10, its id folded onto the next line), 5 (0); then the clear
    # travellers with a warning (never a silent clear); the rest counted
    positions = [text.index(f"pax {pax}") for pax in ("23", "17", "   ", "5 ")]
    assert positions == sorted(positions)
    noted = [result for result in sample_results if result.verdict is Verdict.CLEAR and result.warnings]
    quiet = [result for result in sample_results if result.verdict is Verdict.CLEAR and not result.warnings]
    assert noted and quiet
    for result in noted:
        assert text.index(f"pax {result.traveller.pax_id}") > positions[-1]
    for result in quiet:
        assert f"pax {result.traveller.pax_id} " not in text and f"pax {result.traveller.pax_id}\n" not in text
    lines = text.splitlines()
    closing = lines.index(f"{len(quiet)} more travellers are clear with nothing to note (--all lists them too).")
    assert lines[closing + 1] == "8 travellers: hold 1, refer 3, clear 4"
    assert "Rules most hit" in lines


def test_all_lists_the_clear_travellers_after_those_needing_action(sample_results: list[ScreeningResult]) -> None:
    text = plain(sample_results, list_clear=True)
    # the clear ones highest risk first (6 has risk 5), then in input order
    positions = [text.index(f"pax {pax}") for pax in ("23", "17", "   ", "5 ", "6,", "1 ", "31", "+8")]
    assert positions == sorted(positions)
    assert "more travellers are clear" not in text


def test_verdicts_reasons_unknowns_and_warnings_are_shown(sample_results: list[ScreeningResult]) -> None:
    text = plain(sample_results, list_clear=True)
    for verdict in ("HOLD", "REFER", "CLEAR"):
        assert verdict in text
    assert "SP2MI-000123 (0.97)" in text
    assert "not in registry" in text and "2 candidates" in text and "1 candidate" in text
    assert "NP-007 not decided: missing" in text
    assert "row 5 has neither a name" in text
    assert "no name" in text and "no passport number" in text


def test_hits_are_listed_most_severe_first(sample_results: list[ScreeningResult]) -> None:
    text = plain(sample_results)
    assert text.index("NP-001") < text.index("NP-004") < text.index("NP-011")
    ordered = hits_by_severity(
        [
            Hit("A", "t", "low", 50, "e"),
            Hit("B", "t", "surprising", 99, "e"),
            Hit("C", "t", "HIGH", 10, "e"),
            Hit("D", "t", "high", 30, "e"),
        ]
    )
    assert [hit.rule for hit in ordered] == ["D", "C", "A", "B"]


def test_single_traveller_gets_a_panel_not_a_table(sample_results: list[ScreeningResult]) -> None:
    text = plain(sample_results[2:3])
    assert text.startswith("╭─ pax 23 ")
    assert "HOLD   recommend postponing departure pending verification" in text
    assert "• NP-001 Destination is not a placement country" in text
    assert "near misses: SP2MI-007001 (0.52), SP2MI-007002 (0.33)" in " ".join(words(text))
    assert "travellers:" not in text


def test_no_results_give_only_the_summary() -> None:
    assert plain([]) == "0 travellers: hold 0, refer 0, clear 0\n"


def test_terminal_output_is_coloured(sample_results: list[ScreeningResult], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = TerminalStream()
    TableWriter().write(Batch(sample_results, list_clear=True), stream)
    text = stream.getvalue()
    assert "\x1b[1;97;41m HOLD " in text or "\x1b[1;37;41m HOLD " in text  # bold white on red
    assert "\x1b[30;43m REFER " in text  # black on yellow
    assert "\x1b[32m CLEAR " in text  # green


def test_no_color_removes_colour_on_a_terminal(
    sample_results: list[ScreeningResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = TerminalStream()
    TableWriter().write(Batch(sample_results, list_clear=True), stream)
    colour_codes = re.findall(r"\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7])[0-9;]*m", stream.getvalue())
    assert colour_codes == []
    assert "HOLD" in stream.getvalue()


def test_render_uses_the_callers_console(sample_results: list[ScreeningResult]) -> None:
    console = Console(file=io.StringIO(), width=120, color_system=None, force_terminal=False)
    TableWriter().render(sample_results, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(cell_len(line) for line in text.splitlines()) > 80


def test_input_text_cannot_inject_markup_or_terminal_codes() -> None:
    hostile = "[bold red]X[/] :warning: \x1b[2J\u202eEVIL\tTAB\nNEW"
    result = ScreeningResult(
        traveller=Traveller(pax_id=hostile, row=1, full_name=hostile, passport_number=hostile, warnings=(hostile,)),
        verdict=Verdict.REFER,
        risk_score=1,
        hits=(Hit(hostile, hostile, "low", 1, hostile),),
    )
    for results in ([result], [result, result]):
        stream = TerminalStream()
        TableWriter().write(results, stream)
        text = stream.getvalue()
        assert "\x1b[2J" not in text and "\u202e" not in text and "\t" not in text
        assert "[bold red]X[/]" in text and ":warning:" in text
        assert "\ufffd[2J" in text


def test_a_match_shows_what_did_not_agree() -> None:
    fields = {
        "name": 1.0,
        "date_of_birth": "one_digit",
        "sex": "agree",
        "passport_number": "different",
        "nik": "missing",
    }
    assert match_doubts(fields) == ["birth date one digit off", "other passport number"]
    assert match_doubts({"name": 0.91, "date_of_birth": "exact", "passport_number": "exact"}) == ["name alike 0.91"]
    result = ScreeningResult(
        traveller=Traveller(pax_id="9", row=1, full_name="SITI AMINAH", passport_number="B1234567"),
        verdict=Verdict.REFER,
        risk_score=45,
        outcome=MatchOutcome(match=Match("SP2MI-000042", 0.97, "name_dob", fields)),
    )
    assert "birth date one digit off, other passport number" in " ".join(words(plain([result])))


def test_summary_lines_wrap_under_their_text_without_trailing_padding(sample_results: list[ScreeningResult]) -> None:
    long_title = "A rule title long enough to need more than one line of an eighty-column table to be read whole"
    flagged = [replace(r, hits=(Hit("NP-099", long_title, "high", 50, "e"),)) for r in sample_results[1:3]]
    text = plain(flagged)
    lines = text.splitlines()
    start = lines.index("Rules most hit")
    assert lines[start + 1].startswith("• NP-099 A rule title long enough")
    assert lines[start + 2].startswith("  ") and lines[start + 2].endswith("2 travellers")
    assert not [line for line in lines if line != line.rstrip()]
