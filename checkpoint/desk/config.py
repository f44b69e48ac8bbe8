"""Who sits at the desk: officer and post from the options, then $CHECKPOINT_OFFICER / $CHECKPOINT_POST, then
`$CHECKPOINT_HOME/desk.toml` (`officer = "…"`, `post = "…"`), so nobody types them for every passport."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from checkpoint.errors import ConfigError
from checkpoint.i18n import text


@dataclass(frozen=True)
class DeskConfig:
    """The officer and the post (TPI or office) of this desk; None where nobody said."""

    officer: str | None = None
    post: str | None = None


def desk_config(path: Path, *, officer: str | None = None, post: str | None = None) -> DeskConfig:
    """The desk's officer and post: given, else from the environment, else from the config file at `path`."""
    officer = officer or os.environ.get("CHECKPOINT_OFFICER") or None
    post = post or os.environ.get("CHECKPOINT_POST") or None
    if officer and post:
        return DeskConfig(officer, post)
    try:
        found = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DeskConfig(officer, post)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(text("desk.config.unreadable", path=path, reason=error)) from None
    chosen = [found.get(name) for name in ("officer", "post")]
    if not all(value is None or isinstance(value, str) for value in chosen):
        raise ConfigError(text("desk.config.not_text", path=path))
    return DeskConfig(officer or chosen[0], post or chosen[1])
