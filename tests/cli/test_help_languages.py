"""Every command's `--help` in both languages: with $CHECKPOINT_LANG=id the help of each command and of each of
its options and arguments is the Indonesian one, different from the English (issue 15).

Help texts are fixed when the CLI is imported, from the environment, so each language is read in a process of
its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from checkpoint.i18n import text_in

#: Commands whose modules other helpers are converting this session (the groups of `BEING_CONVERTED` in
#: tests/i18n/test_no_english_only.py); the lead empties this set with that one.
HELP_BEING_CONVERTED = frozenset({"registry", "rules", "synth"})

_DUMP = """
import json, sys
from typer.main import get_command
from checkpoint.cli.app import app

found = {}
def walk(command, path):
    found[" ".join(path)] = {
        "help": command.help,
        "short_help": command.short_help,
        "params": {param.name: getattr(param, "help", None) for param in command.params},
    }
    for name, sub in getattr(command, "commands", {}).items():
        walk(sub, [*path, name])
walk(get_command(app), [])
json.dump(found, sys.stdout)
"""


@cache
def helps(language: str) -> dict[str, Any]:
    """Every command's help, short help and parameters' help, as the CLI builds them in `language`."""
    environment = {**os.environ, "CHECKPOINT_LANG": language}
    done = subprocess.run([sys.executable, "-c", _DUMP], capture_output=True, text=True, env=environment, check=True)
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _converted() -> list[str]:
    paths = [path for path in helps("en") if path.split(" ")[0] not in HELP_BEING_CONVERTED]
    assert {"", "screen", "desk", "mrz", "audit verify", "audit show", "audit decide"} <= set(paths)
    return paths


@pytest.mark.parametrize("path", _converted(), ids=lambda path: path or "(root)")
def test_every_help_text_is_in_indonesian(path: str) -> None:
    english, indonesian = helps("en")[path], helps("id")[path]
    assert indonesian["help"] and indonesian["help"] != english["help"]
    if english["short_help"]:
        assert indonesian["short_help"] != english["short_help"]
    assert set(indonesian["params"]) == set(english["params"])
    for name, help_en in english["params"].items():
        assert help_en, f"{path} {name} has no help"
        assert indonesian["params"][name] != help_en, f"{path} {name}"


def test_the_help_is_the_catalog_text() -> None:
    assert helps("id")[""]["help"] == text_in("id", "cli.help.root")
    assert helps("id")["mrz"]["params"]["line1"] == text_in("id", "mrz.help.line1")
    assert helps("id")["desk"]["params"]["flight"] == text_in("id", "desk.option_help.flight")


def test_typers_own_words_around_the_help_are_indonesian_too() -> None:
    """The panel titles, `[default: …]` and the `--help` option's own line, as an officer sees them."""
    environment = {**os.environ, "CHECKPOINT_LANG": "id", "COLUMNS": "200", "TERMINAL_WIDTH": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "checkpoint", "mrz", "--help"],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    shown = done.stdout
    for key in ("cli.help.help", "cli.typer.arguments", "cli.typer.options", "cli.typer.required"):
        assert text_in("id", key) in shown, key
    assert text_in("id", "cli.typer.default").format("text") in shown
    assert "Show this message" not in shown and "[default:" not in shown
