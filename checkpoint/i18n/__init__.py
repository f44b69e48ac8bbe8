"""The texts people read, in Bahasa Indonesia and English (SPEC §3: `--lang id|en`).

Every sentence shown to an officer or a supervisor is an entry of the catalog (`catalog/*.toml`, one file per
area, both languages side by side so a missing one shows in review) and is written through `text(key, …)` in
the language chosen for the run: `--lang`, else `$CHECKPOINT_LANG`, else the locale (`id_*` → `id`), else
English. Machine formats keep their keys and codes in English; only the texts inside them follow the language.

Why a data file and not gettext catalogs: two languages, both maintained by the team, read side by side; no
compile step, no new dependency (TOML is read by the standard library), and a test checks that every entry has
both languages with the same placeholders.
"""

from checkpoint.i18n.catalog_file import Catalog, CatalogError, load_catalog
from checkpoint.i18n.language import (
    LANGUAGES,
    Language,
    choose_language,
    current_language,
    number,
    set_language,
    text,
    text_in,
)

__all__ = [
    "LANGUAGES",
    "Catalog",
    "CatalogError",
    "Language",
    "choose_language",
    "current_language",
    "load_catalog",
    "number",
    "set_language",
    "text",
    "text_in",
]
