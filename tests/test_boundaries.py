"""A package's privates stay inside it: other layers ask the registry through `Registry`'s methods, benchmarks
use public names only, and only the pipeline starts processes (the one orchestrator)."""

from __future__ import annotations

import re
from pathlib import Path

import checkpoint
from checkpoint.registry.schema import DERIVED

PACKAGE = Path(checkpoint.__file__).resolve().parent  # the installed package, as the tests test it
ROOT = PACKAGE.parent
REPOSITORY = Path(__file__).resolve().parents[1]  # benchmarks/ is not installed: read beside the tests

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
    scripts = sources(REPOSITORY / "benchmarks")
    assert any(path.name == "calibrate.py" for path in scripts)
    patterns = [PRIVATE_IMPORT, PRIVATE_ATTRIBUTE, re.compile(r"registry\.(table|index)\b")]
    found = {str(path.relative_to(REPOSITORY)): offences(text, patterns) for path, text in scripts.items()}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_only_the_pipeline_starts_processes() -> None:
    package = sources(PACKAGE)
    assert len(package) > 50
    forking = re.compile(r"\bmultiprocessing\b|\bos\.fork\b|\bsubprocess\b|concurrent\.futures|pipeline\.processes")
    forks = {str(path.relative_to(PACKAGE)) for path, text in package.items() if forking.search(text)}
    assert forks == {"pipeline/processes.py", "pipeline/screening.py", "pipeline/reconciliation.py"}
