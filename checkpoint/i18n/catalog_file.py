"""Reading the catalog: TOML files of entries, each with its text in every language, checked as loaded."""

from __future__ import annotations

import hashlib
import json
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
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
        return _Numbers(language).vformat(found, (), params) if params else found


#: How each language groups digits and marks decimals, where the English form is `1,234.5`.
_SEPARATORS = {"id": str.maketrans(",.", ".,")}


def grouped(value: float, language: str, spec: str = ",") -> str:
    """A number written with `spec` (Python's format: `,` groups thousands) as `language` writes it:
    6,000 in English is 6.000 in Indonesian, where 6,000 reads as six."""
    return format(value, spec).translate(_SEPARATORS.get(language, {}))


class _Numbers(string.Formatter):
    """Fills an entry's placeholders; a number whose placeholder asks for grouping (`{count:,}`) is written as
    the text's language writes it (`grouped`)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "," not in format_spec:
            return super().format_field(value, format_spec)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return grouped(value, self.language, format_spec)
        return super().format_field(value, "")  # not a number (written already): as it is


def load_catalog(names: Iterable[str] | None = None, *, cache: Path | None = None) -> Catalog:
    """The catalog files shipped in `checkpoint/i18n/catalog/` (or only `names`), checked: every entry has
    every language, the same placeholders in each, and no key twice.

    With `cache` (a folder), the whole catalog once checked is kept there as JSON named by the digest of the
    files' bytes, and read from it while the files are unchanged: TOML is parsed by pure Python, and every
    command starts by reading the catalog (its help texts), 40 ms of parsing against 2 ms of JSON
    (benchmarks/README.md). A cache that cannot be read or written only costs that time.
    """
    folder = files("checkpoint.i18n").joinpath("catalog")
    chosen = (
        sorted(names) if names is not None else sorted(p.name for p in folder.iterdir() if p.name.endswith(".toml"))
    )
    sources = {name: folder.joinpath(name).read_bytes() for name in chosen}
    kept = None
    if cache is not None and names is None:
        digest = hashlib.sha256(b"".join(name.encode() + b"\0" + data + b"\0" for name, data in sources.items()))
        kept = cache / f"{digest.hexdigest()[:32]}.json"
        if (found := _cached(kept)) is not None:
            return found
    entries: dict[str, Entry] = {}
    for name, data in sources.items():
        area = name.removesuffix(".toml")
        try:
            tree = tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise CatalogError(f"catalog {name}: {error}") from None
        for key, texts in _flatten(tree, area):
            if key in entries:
                raise CatalogError(f"catalog {name}: {key} is defined twice")
            entries[key] = _entry(name, key, texts)
    if kept is not None:
        from checkpoint.cachefile import write_cache_file

        write_cache_file(kept, json.dumps({key: entry.texts for key, entry in entries.items()}, ensure_ascii=False))
    return Catalog(entries)


def _cached(path: Path) -> Catalog | None:
    """The catalog kept at `path` by an earlier run, or None when there is none or it is not one."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or not all(isinstance(t, dict) and set(REQUIRED) <= set(t) for t in kept.values()):
        return None
    return Catalog({key: Entry(key, texts) for key, texts in kept.items()})


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
