"""Option values shared by several commands, and `help_text`, the language help texts are written in."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer

from checkpoint.errors import UsageError
from checkpoint.i18n import Language, choose_language, set_language, text, text_in

#: The language of every `--help`: typer builds help texts when the commands are defined, before `--lang` is
#: read, so they follow $CHECKPOINT_LANG, then the locale (everything else follows `--lang` too).
HELP_LANGUAGE = choose_language()


def help_text(key: str, /, **params: Any) -> str:
    """A help text from the catalog, in the language of the environment (`HELP_LANGUAGE`)."""
    return text_in(HELP_LANGUAGE, key, **params)


#: typer's own words, by the name typer keeps them under (`typer.rich_utils`, read each time it prints) and the
#: catalog key; the first are help only, the last also frame a usage error (which follows `--lang`).
_TYPER_HELP_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "cli.typer.arguments",
    "OPTIONS_PANEL_TITLE": "cli.typer.options",
    "COMMANDS_PANEL_TITLE": "cli.typer.commands",
    "DEFAULT_STRING": "cli.typer.default",
    "ENVVAR_STRING": "cli.typer.envvar",
    "REQUIRED_LONG_STRING": "cli.typer.required",
}
_TYPER_ERROR_WORDS = {
    "ERRORS_PANEL_TITLE": "cli.typer.error",
    "RICH_HELP": "cli.typer.try_help",
    "ABORTED_TEXT": "cli.typer.aborted",
}


def speak_typer(language: Language, *, help_too: bool = True) -> None:
    """Put typer's own words (panel titles, `[default: …]`, the frame of a usage error) in `language`."""
    if language is Language.EN and "typer.rich_utils" not in sys.modules:
        return  # they are English already, and loading typer's printing (rich) costs a start-up
    from typer import rich_utils

    words = {**_TYPER_HELP_WORDS, **_TYPER_ERROR_WORDS} if help_too else _TYPER_ERROR_WORDS
    for name, key in words.items():
        setattr(rich_utils, name, text_in(language, key))


speak_typer(HELP_LANGUAGE)


def _use_language(value: Language | None) -> Language | None:
    language = choose_language(value)
    set_language(language)
    speak_typer(language, help_too=False)
    return value


#: `--lang id|en` (SPEC §3), taken before any other option so that even their errors speak the language.
LangOption = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help=help_text("cli.help.lang"),
        callback=_use_language,
        is_eager=True,
        show_default=False,
    ),
]


def parse_today(value: str | None) -> date:
    """The screening date from `--today YYYY-MM-DD`, or the real today."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(text("cli.bad_today", value=value)) from None


# --- how much a command says while it works (issue 16): progress on a terminal, notes, timings -------------

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help=help_text("progress.help.quiet"), show_default=False)]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help=help_text("progress.help.verbose"), show_default=False)
]
