"""Which language this run speaks, and `text(key, …)`: an entry of the catalog in that language."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import cache
from typing import Any

from checkpoint.i18n.catalog_file import Catalog, grouped, load_catalog

ENV_VAR = "CHECKPOINT_LANG"


class Language(StrEnum):
    """The values of `--lang` (SPEC §3)."""

    ID = "id"
    EN = "en"


LANGUAGES = tuple(Language)
_current: list[Language] = [Language.EN]


def choose_language(option: str | None = None) -> Language:
    """`--lang` if given, else `$CHECKPOINT_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `id_*` or
    `in_*` is Indonesian), else English. An unknown value in the environment is passed over; one given as the
    option is the caller's to refuse."""
    if option:
        return Language(option)
    configured = os.environ.get(ENV_VAR, "").strip().lower()
    if configured in (language.value for language in Language):
        return Language(configured)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = os.environ.get(variable, "")
        if locale:  # the first one set decides, as for the C library
            return Language.ID if locale.lower().startswith(("id", "in_")) else Language.EN
    return Language.EN


def set_language(language: Language | str) -> None:
    """Speak `language` from now on (the CLI sets it once, from `--lang` or the environment)."""
    _current[0] = Language(language)


def current_language() -> Language:
    """The language texts are written in now."""
    return _current[0]


def text(key: str, /, **params: Any) -> str:
    """The catalog entry `key` in the current language, its `{placeholders}` filled from `params`."""
    return _catalog().render(key, _current[0].value, params)


def text_in(language: Language | str, key: str, /, **params: Any) -> str:
    """The catalog entry `key` in `language`, whatever the current one."""
    return _catalog().render(key, Language(language).value, params)


def number(value: float, spec: str = ",") -> str:
    """A number written with `spec` (`,` groups thousands, `,.1f` one decimal) as the current language writes it
    (6.000 and 12,5 in Indonesian), for a figure outside a sentence (a table cell, a card); inside one, the entry
    writes `{count:,}`."""
    return grouped(value, _current[0].value, spec)


@cache
def _catalog() -> Catalog:
    from checkpoint.home import cache_dir

    return load_catalog(cache=cache_dir() / "catalog")


def has_text(key: str) -> bool:
    """Whether the catalog has an entry `key` (for names built from data, such as a field's label)."""
    return key in _catalog().entries
