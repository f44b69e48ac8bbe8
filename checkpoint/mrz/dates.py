"""Two-digit MRZ years: the century that makes a birth or expiry date plausible on a given day."""

from __future__ import annotations

from datetime import date


def birth_date(year: int, month: int, day: int, *, today: date) -> date | None:
    """The latest reading of a birth date that is not after today; None when no reading is a date."""
    century = today.year // 100 * 100
    for candidate in _candidates(year, month, day, (century, century - 100)):
        if candidate <= today:
            return candidate
    return None


def expiry_date(year: int, month: int, day: int, *, today: date) -> date | None:
    """The reading of an expiry date within today - 50 years ... today + 20 years (else the nearest)."""
    low, high = _shift_years(today, -50), _shift_years(today, 20)
    century = today.year // 100 * 100

    def distance(candidate: date) -> tuple[int, bool]:
        """Days outside the window; on a tie, today's century wins."""
        outside = max((low - candidate).days, (candidate - high).days, 0)
        return outside, candidate.year // 100 * 100 != century

    candidates = _candidates(year, month, day, (century - 100, century, century + 100))
    return min(candidates, key=distance) if candidates else None


def _candidates(year: int, month: int, day: int, centuries: tuple[int, ...]) -> list[date]:
    found = []
    for century in centuries:
        try:
            found.append(date(century + year, month, day))
        except ValueError:
            continue
    return found


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)
