"""Everything the tool keeps under $CHECKPOINT_HOME is its owner's alone (SPEC §8): folders 0700, files 0600."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_import_screen_and_an_internal_error_leave_only_owner_only_state(checkpoint_home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    imported = runner.invoke(app, ["registry", "import", str(SAMPLE / "registry.csv"), "--today", "2026-11-28"])
    snapshot_id = imported.stdout.split(" as snapshot ")[1].split()[0]
    time.sleep(2.1)  # settled: the screening below remembers the snapshot as verified (cache/verified)
    steps = [
        ["screen", "--manifest", str(SAMPLE / "ferry_batam.csv"), "--today", "2026-11-28", "--format", "json"],
        ["screen", "--registry", str(SAMPLE / "registry.csv"), "--name", "SRI WAHYUNI", "--today", "2026-11-28"],
        ["registry", "list"],
        ["registry", "use", snapshot_id],
    ]
    for arguments in steps:
        assert runner.invoke(app, arguments).exit_code in (0, 1)
    from checkpoint.cli.failures import report_internal_error

    report_internal_error(RuntimeError("a bug"))
    kept = [checkpoint_home, *checkpoint_home.rglob("*")]
    kinds = {path.relative_to(checkpoint_home).parts[:1] for path in kept if path != checkpoint_home}
    assert {("registry",), ("audit",), ("cache",), ("logs",)} <= kinds  # every kind of state was made
    made = {path.name for path in kept}
    assert {".writers.lock", f"{snapshot_id}.checksums.json"} <= made  # the store's locks and checksums
    assert list((checkpoint_home / "cache" / "verified").glob("*.json"))  # snapshot files remembered as verified
    loose = {
        str(path.relative_to(checkpoint_home)): oct(stat.S_IMODE(path.stat().st_mode))
        for path in kept
        if stat.S_IMODE(path.stat().st_mode) != (0o700 if path.is_dir() else 0o600)
    }
    assert loose == {}
