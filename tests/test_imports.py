"""Start-up cost: what each path imports, measured in a fresh interpreter (a test's own imports would hide it).

pandas alone costs half a second or more to import; screening a CSV manifest must not need it, nor must
`--version` and `--help` load the data libraries at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import checkpoint

ROOT = Path(checkpoint.__file__).resolve().parents[1]
MANIFEST = Path(__file__).resolve().parent / "fixtures" / "manifest_small.csv"
DATA_LIBRARIES = ("pandas", "pyarrow", "numpy", "openpyxl")

_REPORT = """
import json, sys
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after(code: str, tmp_path: Path) -> set[str]:
    """The modules imported once `code` has run in a new interpreter on this source tree (a package's
    submodule brings the package itself)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CHECKPOINT_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", code + _REPORT], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_reading_a_csv_manifest_and_evaluating_the_default_pack_needs_no_pandas(tmp_path: Path) -> None:
    code = f"""
from datetime import date
from pathlib import Path

import checkpoint.cli.app
from checkpoint.engine import build_facts, default_pack_path, evaluate, load_pack
from checkpoint.manifests import read_manifest
from checkpoint.models import MatchOutcome

today = date(2026, 11, 28)
manifest = read_manifest(Path({str(MANIFEST)!r}), today=today)
facts = build_facts(manifest.travellers, [MatchOutcome() for _ in manifest.travellers], today)
assert len(evaluate(load_pack(default_pack_path()), facts, today)) == len(manifest.travellers) > 0
"""
    assert "pandas" not in loaded_after(code, tmp_path)


def test_the_version_and_the_help_load_no_data_library(tmp_path: Path) -> None:
    for option in ("--version", "--help"):
        code = f"""
from checkpoint.cli.app import app
try:
    app([{option!r}], prog_name="checkpoint")
except SystemExit:
    pass
"""
        assert not loaded_after(code, tmp_path) & set(DATA_LIBRARIES), option


def test_screening_a_manifest_against_an_imported_store_needs_no_pandas_nor_arrow_compute(tmp_path: Path) -> None:
    from datetime import date

    from checkpoint.registry import import_registry

    store = tmp_path / "store"
    import_registry(MANIFEST.parent / "registry_small.csv", store, today=date(2026, 11, 28))  # imports may use pandas
    code = f"""
from datetime import date
from pathlib import Path

from checkpoint.engine import default_pack_path, load_pack
from checkpoint.manifests import read_manifest
from checkpoint.pipeline import screen
from checkpoint.registry import open_registry

today = date(2026, 11, 28)
registry = open_registry(Path({str(store)!r}), Path({str(store)!r}), today=today)
travellers = read_manifest(Path({str(MANIFEST)!r}), today=today).travellers
pack = load_pack(default_pack_path())
run = screen(travellers, registry, pack, today=today, audit_log=Path({str(tmp_path / "a.jsonl")!r}))
assert len(run.results) == len(travellers) > 0 and any(r.outcome.match for r in run.results)
"""
    loaded = loaded_after(code, tmp_path)
    assert "pandas" not in loaded
    assert "pyarrow.compute" not in loaded  # 50 ms or more on every start: rows are read from the buffers
    assert "ruamel" in loaded  # the rule pack was parsed, and its tree cached
    assert "ruamel" not in loaded_after(code, tmp_path)  # the next run reads the cached tree
    assert "pycountry" in loaded  # the country table was built …
    assert "pycountry" not in loaded_after(code, tmp_path)  # … and is read from the cache next time (40 ms)


def test_checking_a_rule_pack_loads_neither_arrow_nor_the_registry(tmp_path: Path) -> None:
    """A supervisor checking a pack on a laptop needs the rule engine only (the record fields it may name
    live beside the models)."""
    pack = ROOT / "rules" if (ROOT / "rules").is_dir() else Path(checkpoint.__file__).parent / "_default_rules"
    code = f"""
from checkpoint.cli.app import app
try:
    app(["rules", "check", {str(pack)!r}], prog_name="checkpoint")
except SystemExit as done:
    assert done.code == 0, done.code
"""
    loaded = loaded_after(code, tmp_path)
    assert "checkpoint.engine" in loaded  # the pack was read
    assert not loaded & {"pyarrow", "pandas", "checkpoint.registry", "checkpoint.matching"}
