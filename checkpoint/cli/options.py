"""Option values shared by several commands."""

from __future__ import annotations

from datetime import date

from checkpoint.errors import UsageError


def parse_today(text: str | None) -> date:
    """The screening date from `--today YYYY-MM-DD`, or the real today."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today '{text}' is not a date YYYY-MM-DD.") from None
