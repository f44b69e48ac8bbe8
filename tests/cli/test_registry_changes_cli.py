"""`checkpoint registry import --changes FILE` through the CLI: a synthetic day's changes applied, the summary in
both languages, not applied twice, the shrink guard; and a screening running meanwhile in another process sees
the old snapshot or the new one, whole, never a mix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
TODAY = ["--today", "2026-11-28"]


def _dataset(folder: Path, records: int, changes: int) -> Path:
    made = runner.invoke(
        app,
        [
            "synth",
            "--out",
            str(folder),
            "--records",
            str(records),
            "--changes",
            str(changes),
            "--manifests",
            "",
            *TODAY,
        ],
    )
    assert made.exit_code == 0, made.stderr
    assert "changes.csv" in made.stdout
    return folder


def test_a_days_changes_from_synth_are_applied_with_a_summary(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data", 3000, 100)
    imported = runner.invoke(app, ["registry", "import", str(data / "registry.parquet"), *TODAY])
    assert imported.exit_code == 0, imported.stderr
    applied = runner.invoke(app, ["registry", "import", "--changes", str(data / "changes.csv"), *TODAY])
    assert applied.exit_code == 0, applied.stderr
    assert "60 records updated, 30 new, 10 deleted, 0 rows rejected; 3,020 records now" in applied.stdout
    info = runner.invoke(app, ["registry", "info"])
    assert "changes.csv" in info.stdout and "3,020" in info.stdout
    again = runner.invoke(app, ["registry", "import", "--changes", str(data / "changes.csv"), "--lang", "id", *TODAY])
    assert again.exit_code == 0
    assert "perubahan tidak diterapkan dua kali" in again.stdout


def test_the_registry_commands_and_screening_answer_from_a_layered_snapshot(tmp_path: Path) -> None:
    import csv

    data = _dataset(tmp_path / "data", 3000, 100)
    assert runner.invoke(app, ["registry", "import", str(data / "registry.parquet"), *TODAY]).exit_code == 0
    applied = runner.invoke(app, ["registry", "import", "--changes", str(data / "changes.csv"), *TODAY])
    assert applied.exit_code == 0, applied.stderr
    with (data / "changes.csv").open(encoding="utf-8", newline="") as handle:
        changes = list(csv.DictReader(handle))
    updated = next(row for row in changes if row["op"] == "upsert" and row["record_id"] <= "SP2MI-0003000")
    added = next(row for row in changes if row["op"] == "upsert" and row["record_id"] > "SP2MI-0003000")
    deleted = next(row for row in changes if row["op"] == "delete")

    shown = runner.invoke(app, ["registry", "show", updated["record_id"], "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["record"]["status"] == updated["status"]
    gone = runner.invoke(app, ["registry", "show", deleted["record_id"]])
    assert gone.exit_code == 3 and "3,020" in gone.stderr
    found = runner.invoke(
        app,
        ["registry", "search", "--name", added["full_name"], "--dob", added["date_of_birth"], "--format", "json"],
    )
    assert found.exit_code == 0, found.stderr
    assert added["record_id"] in found.stdout
    listed = runner.invoke(app, ["registry", "list"])
    assert listed.exit_code == 0 and listed.stdout.count("verified") == 2
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "pax_id,full_name,date_of_birth,sex,nationality,passport_number,destination\n"
        f"1,{added['full_name']},{added['date_of_birth']},{added['sex']},IDN,{added['passport_number']},"
        f"{added['destination_country']}\n"
        f"2,{deleted['record_id']},1990-01-01,F,IDN,X1234567,MYS\n",
        encoding="utf-8",
    )
    screened = runner.invoke(app, ["screen", "--manifest", str(manifest), "--format", "json", "--all", *TODAY])
    assert screened.exit_code in (0, 1), screened.stderr
    assert added["record_id"] in screened.stdout


def test_changes_deleting_too_much_are_refused_unless_allowed(tmp_path: Path) -> None:
    export = tmp_path / "registry.csv"
    rows = [f"SP2MI-{number},SITI AMINAH {number},F,1990-05-17,MYS" for number in range(10)]
    export.write_text("record_id,full_name,sex,date_of_birth,destination_country\n" + "\n".join(rows) + "\n")
    assert runner.invoke(app, ["registry", "import", str(export), *TODAY]).exit_code == 0
    changes = tmp_path / "changes.csv"
    changes.write_text("op,record_id\n" + "".join(f"delete,SP2MI-{number}\n" for number in range(4)))
    refused = runner.invoke(app, ["registry", "import", "--changes", str(changes), *TODAY])
    assert refused.exit_code == 3
    assert "changes.csv deletes 4 of the 10 records" in refused.stderr and "--allow-shrink" in refused.stderr
    allowed = runner.invoke(app, ["registry", "import", "--changes", str(changes), "--allow-shrink", *TODAY])
    assert allowed.exit_code == 0, allowed.stderr
    assert "4 deleted" in allowed.stdout and "6 records now" in allowed.stdout


def test_an_export_and_changes_together_or_neither_is_a_usage_error(tmp_path: Path) -> None:
    both = runner.invoke(app, ["registry", "import", "x.csv", "--changes", "y.csv"])
    assert both.exit_code == 2 and "not both" in both.stderr
    neither = runner.invoke(app, ["registry", "import"])
    assert neither.exit_code == 2 and "--changes" in neither.stderr


_WATCHER = textwrap.dedent(
    """
    import json, sys
    from datetime import date
    from pathlib import Path
    from checkpoint.registry import open_registry
    store, stop = Path(sys.argv[1]), Path(sys.argv[2])
    seen = set()
    while not stop.exists():
        registry = open_registry(None, store, today=date(2026, 11, 28))
        rows = registry.size
        assert rows == registry.info.rows, (rows, registry.info.rows)
        assert int(registry.index.rows.max()) < rows
        ids = registry.values("record_id")
        assert len(set(ids)) == rows
        seen.add(rows)
    print(json.dumps(sorted(seen)))
    """
)


def test_a_screening_running_meanwhile_sees_the_old_or_the_new_snapshot_whole(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data", 3000, 600)
    home = tmp_path / "home"
    env = {**os.environ, "CHECKPOINT_HOME": str(home)}
    command = [sys.executable, "-m", "checkpoint", "registry", "import"]
    subprocess.run([*command, str(data / "registry.parquet"), *TODAY], env=env, check=True, capture_output=True)
    stop = tmp_path / "stop"
    watcher = subprocess.Popen(
        [sys.executable, "-c", _WATCHER, str(home / "registry"), str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    applied = subprocess.run(
        [*command, "--changes", str(data / "changes.csv"), *TODAY], env=env, capture_output=True, text=True
    )
    stop.touch()
    out, err = watcher.communicate(timeout=120)
    assert applied.returncode == 0, applied.stderr
    assert watcher.returncode == 0, err
    assert set(json.loads(out)) <= {3000, 3000 - 60 + 180}
