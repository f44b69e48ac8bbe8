"""Reading the catalog: TOML files of entries, each with its text in every language, checked as loaded."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

#: The languages every entry must have, the officers' first.
REQUIRED = ("id", "en")
#: Plural forms an entry may give instead of one text (CLDR names; Indonesian needs only `other`).
PLURAL_FORMS = ("one", "other")
_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


class CatalogError(ValueError):
    """A catalog file is malformed: the tool's own data is broken (a bug, never a user's mistake)."""


@dataclass(frozen=True)
class Entry:
    """One message: its text per language; a text is a string, or plural forms by CLDR category."""

    key: str
    texts: Mapping[str, str | Mapping[str, str]]

    def placeholders(self, language: str) -> frozenset[str]:
        """The `{name}` placeholders the text in `language` uses (all forms together)."""
        found = self.texts[language]
        forms = found.values() if isinstance(found, Mapping) else [found]
        return frozenset(name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name)


@dataclass(frozen=True)
class Catalog:
    """Every entry by key."""

    entries: Mapping[str, Entry]

    def render(self, key: str, language: str, params: Mapping[str, Any]) -> str:
        """The entry's text in `language` with `params` filled in; a plural entry is chosen by `count`."""
        found = self.entries[key].texts[language]
        if isinstance(found, Mapping):
            count = params.get("count")
            form = "one" if count == 1 and "one" in found else "other"
            found = found[form]
        return found.format(**params) if params else found


def load_catalog(names: Iterable[str] | None = None) -> Catalog:
    """The catalog files shipped in `checkpoint/i18n/catalog/` (or only `names`), checked: every entry has
    every language, the same placeholders in each, and no key twice."""
    folder = files("checkpoint.i18n").joinpath("catalog")
    chosen = (
        sorted(names) if names is not None else sorted(p.name for p in folder.iterdir() if p.name.endswith(".toml"))
    )
    entries: dict[str, Entry] = {}
    for name in chosen:
        area = name.removesuffix(".toml")
        try:
            tree = tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CatalogError(f"catalog {name}: {error}") from None
        for key, texts in _flatten(tree, area):
            if key in entries:
                raise CatalogError(f"catalog {name}: {key} is defined twice")
            entries[key] = _entry(name, key, texts)
    return Catalog(entries)


def _flatten(tree: Mapping[str, Any], prefix: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """(key, {language: text}) for every entry of a file's tree: a table whose keys are languages is an entry."""
    for name, value in tree.items():
        key = f"{prefix}.{name}"
        if not isinstance(value, Mapping):
            raise CatalogError(f"catalog entry {key} is not a table of languages")
        if set(value) & set(REQUIRED):
            yield key, value
        else:
            yield from _flatten(value, key)


def _entry(file: str, key: str, texts: Mapping[str, Any]) -> Entry:
    if not _KEY.fullmatch(key):
        raise CatalogError(f"catalog {file}: {key} is not a valid key (lower-case words joined by dots)")
    missing = [language for language in REQUIRED if language not in texts]
    unknown = [language for language in texts if language not in REQUIRED]
    if missing or unknown:
        raise CatalogError(f"catalog {file}: {key} lacks {missing} or has unknown languages {unknown}")
    for language, found in texts.items():
        forms = found.values() if isinstance(found, Mapping) else [found]
        if isinstance(found, Mapping) and (not found or set(found) - set(PLURAL_FORMS) or "other" not in found):
            raise CatalogError(f"catalog {file}: {key} ({language}) plural forms must be {PLURAL_FORMS}, 'other' given")
        if not all(isinstance(form, str) and form for form in forms):
            raise CatalogError(f"catalog {file}: {key} ({language}) is not a non-empty text")
    entry = Entry(key, dict(texts))
    shapes = {language: entry.placeholders(language) for language in REQUIRED}
    if len(set(shapes.values())) > 1:
        raise CatalogError(f"catalog {file}: {key} has different placeholders per language: {shapes}")
    return entry
