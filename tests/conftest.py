"""Shared fixtures: a small synthetic registry and manifest, and an isolated $CHECKPOINT_HOME."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from support.browser import find_chromium
from support.faults import mounted_tmpfs

# The tests read English whatever the machine's locale. A command chooses its language from the environment
# (help texts as soon as the CLI is imported, before any fixture runs; commands run in a new process too), so
# what it reads is set here, once, before anything is imported. A test that wants Indonesian says --lang id.
for _variable in ("CHECKPOINT_LANG", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"
# The same holds for the state folder: the CLI's help texts read the catalog, which keeps its parsed form under
# $CHECKPOINT_HOME/cache, as soon as a test module imports the CLI; every test then gets its own folder below.
os.environ["CHECKPOINT_HOME"] = tempfile.mkdtemp(prefix="checkpoint-tests-")

TODAY = date(2026, 11, 28)
FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def checkpoint_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own state folder: no test touches the real ~/.checkpoint."""
    home = tmp_path / "checkpoint-home"
    monkeypatch.setenv("CHECKPOINT_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    for variable in ("CHECKPOINT_OFFICER", "CHECKPOINT_POST"):  # who screens: only where a test says so
        monkeypatch.delenv(variable, raising=False)
    return home


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Every test starts in English whatever the machine's locale, and leaves no other language behind."""
    from checkpoint.i18n import Language, set_language

    set_language(Language.EN)
    yield
    set_language(Language.EN)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def registry_csv() -> Path:
    return FIXTURES / "registry_small.csv"


@pytest.fixture
def manifest_csv() -> Path:
    return FIXTURES / "manifest_small.csv"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a real full disk (skipped where this user may not mount one)."""
    with mounted_tmpfs(tmp_path / "small", "64k") as mount:
        yield mount


@pytest.fixture(scope="module")
def chromium() -> str:
    """A headless Chromium for the HTML pages' browser tests: skipped where none is installed, unless
    $CHECKPOINT_REQUIRE_BROWSER=1 (CI), where its absence fails the test."""
    found = find_chromium()
    if found is None:
        if os.environ.get("CHECKPOINT_REQUIRE_BROWSER") == "1":
            pytest.fail("CHECKPOINT_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
        pytest.skip("no chromium on PATH")
    return found
