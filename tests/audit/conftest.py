"""Shared builders for the audit tests: synthetic screening results, who screened them, and logs made of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from checkpoint.audit import AuditLog, ScreeningContext
from checkpoint.models import Hit, Match, MatchOutcome, ScreeningResult, Traveller, Verdict

# Synthetic identities only (SPEC §8).
NAME = "SRI WAHYUNI BINTI SUPARMAN"

CONTEXT = ScreeningContext(
    officer="Petugas Ñoman",  # non-ASCII on purpose: written as is (ensure_ascii=False)
    post="TPI Soekarno-Hatta",
    registry_snapshot="snap-2025-01-01",
    rule_pack_version="2025.1",
    rule_pack_hash="ab" * 32,
    tool_version="0.1.0",
)


def fixed_clock() -> datetime:
    return datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def screening_result(number: int, *, passport: str | None = None, matched: bool = True) -> ScreeningResult:
    """Traveller `number` (passport `X000000n` unless given), held on two rules, matched to a record or not."""
    traveller = Traveller(
        pax_id=str(number),
        row=number,
        full_name=NAME,
        sex="F",
        date_of_birth=date(1995, 5, 17),
        nationality="IDN",
        passport_number=passport if passport is not None else f"X{number:07d}",
        destination="SAU",
    )
    match = Match("SP2MI-000123", 0.97, "name_dob", {"name": 0.97}) if matched else None
    return ScreeningResult(
        traveller=traveller,
        verdict=Verdict.HOLD,
        risk_score=70,
        outcome=MatchOutcome(match=match),
        hits=(
            Hit("NP-002", "Umrah visa to a moratorium country", "high", 45, "…"),
            Hit("NP-007", "One-way ticket", "medium", 25, "…"),
        ),
    )


@pytest.fixture
def context() -> ScreeningContext:
    """Who screened and with what (the officer's name outside ASCII)."""
    return CONTEXT


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """A clock stopped at 2025-03-01 08:30:15.123456 UTC."""
    return fixed_clock


@pytest.fixture
def result() -> Callable[..., ScreeningResult]:
    """`result(number, passport=..., matched=...)`: one screened traveller (`screening_result`)."""
    return screening_result


@pytest.fixture
def make_log(tmp_path: Path) -> Callable[..., Path]:
    """`make_log(entries, batches=3)`: a log of `entries` entries written in `batches` appends, at a fixed time."""

    def make(entries: int, batches: int = 3) -> Path:
        log = AuditLog(tmp_path / "audit" / "audit.jsonl", clock=fixed_clock)
        numbers = list(range(1, entries + 1))
        for index in range(batches):
            log.record([screening_result(n) for n in numbers[index::batches]], CONTEXT)
        return log.path

    return make
