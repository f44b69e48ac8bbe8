"""A package's privates stay inside it: other layers ask the registry through `Registry`'s methods, benchmarks
use public names only, and the matcher starts no process (the pipeline owns parallelism)."""

from __future__ import annotations

import re
from pathlib import Path

import checkpoint
from checkpoint.registry.schema import DERIVED

ROOT = Path(checkpoint.__file__).resolve().parents[1]
PACKAGE = ROOT / "checkpoint"

#: What only checkpoint/registry/ may touch: the snapshot's table, index and derived columns, its inner modules.
REGISTRY_PRIVATE = [
    re.compile(r"\b(registry|store|snapshot)\.(table|index|stored_index)\b"),
    re.compile(r"checkpoint\.registry\.(gather|index|derive|schema|prepare)\b"),
    re.compile(r"from checkpoint\.registry import [^\n]*\b(gather|index|derive|schema|prepare)\b"),
    *(re.compile(rf"[\"']{column}[\"']") for column in DERIVED),
]
PRIVATE_IMPORT = re.compile(r"^from checkpoint[.\w]* import [^\n]*\b_\w+", re.MULTILINE)
PRIVATE_ATTRIBUTE = re.compile(r"\b(?:ev|registry|matcher|candidates|model)\._[a-z]\w*")


def sources(folder: Path) -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.py"))}


def offences(text: str, patterns: list[re.Pattern[str]]) -> list[str]:
    return [match.group(0) for pattern in patterns for match in pattern.finditer(text)]


def test_only_the_registry_reads_its_table_index_and_derived_columns() -> None:
    outside = {
        path: text for path, text in sources(PACKAGE).items() if "registry" not in path.relative_to(PACKAGE).parts
    }
    assert len(outside) > 50 and any(path.name == "candidates.py" for path in outside)
    found = {str(path.relative_to(ROOT)): offences(text, REGISTRY_PRIVATE) for path, text in outside.items()}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_benchmarks_use_public_names_only() -> None:
    scripts = sources(ROOT / "benchmarks")
    assert any(path.name == "calibrate.py" for path in scripts)
    patterns = [PRIVATE_IMPORT, PRIVATE_ATTRIBUTE, re.compile(r"registry\.(table|index)\b")]
    found = {str(path.relative_to(ROOT)): offences(text, patterns) for path, text in scripts.items()}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_matcher_starts_no_process() -> None:
    matching = sources(PACKAGE / "matching")
    assert len(matching) >= 5
    forking = re.compile(r"checkpoint\.forked|multiprocessing|os\.fork")
    assert [path.name for path, text in matching.items() if forking.search(text)] == []
