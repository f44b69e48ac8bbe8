"""Option values shared by several commands."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from checkpoint.errors import UsageError
from checkpoint.i18n import Language, choose_language, set_language


def _use_language(value: Language | None) -> Language | None:
    set_language(choose_language(value))
    return value


#: `--lang id|en` (SPEC §3), taken before any other option so that even their errors speak the language.
LangOption = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="Language of the texts people read: id (Bahasa Indonesia) or en (default: $CHECKPOINT_LANG, "
        "then the locale, then en).",
        callback=_use_language,
        is_eager=True,
        show_default=False,
    ),
]


def parse_today(text: str | None) -> date:
    """The screening date from `--today YYYY-MM-DD`, or the real today."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today '{text}' is not a date YYYY-MM-DD.") from None
