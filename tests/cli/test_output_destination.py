"""`--output` never destroys the tool's state or its inputs: refused before screening (exit 2), nothing logged."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def screen(*arguments: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["screen", *map(str, arguments), "--today", "2026-11-28"])
    return result.exit_code, result.stderr


def fingerprint(path: Path) -> tuple[int, str]:
    """The inode and the content of a file or folder tree, to show it was left alone."""
    if path.is_dir():
        digest = hashlib.sha256()
        for item in sorted(path.rglob("*")):
            digest.update(str(item.relative_to(path)).encode() + (item.read_bytes() if item.is_file() else b""))
        return path.stat().st_ino, digest.hexdigest()
    return path.stat().st_ino, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def state(checkpoint_home: Path, tmp_path: Path) -> dict[str, Path]:
    """An imported store and an audit log with entries, under $CHECKPOINT_HOME, plus the inputs screened."""
    manifest = tmp_path / "flight.csv"
    manifest.write_bytes((SAMPLE / "ferry_batam.csv").read_bytes())
    runner = CliRunner()
    assert (
        runner.invoke(app, ["registry", "import", str(SAMPLE / "registry.csv"), "--today", "2026-11-28"]).exit_code == 0
    )
    assert screen("--manifest", manifest, "--format", "json")[0] == 1  # the log now holds entries
    audit = checkpoint_home / "audit"
    snapshots = checkpoint_home / "registry" / "snapshots"
    return {
        "audit log": audit / "audit.jsonl",
        "audit head": audit / "audit.jsonl.head",
        "audit lock": audit / "audit.jsonl.lock",
        "audit key": audit / "audit.key",
        "snapshot": next(path for path in snapshots.glob("*.arrow") if not path.name.endswith(".index.arrow")),
        "pointer": checkpoint_home / "registry" / "current.json",
        "manifest": manifest,
    }


@pytest.mark.parametrize(
    "target", ["audit log", "audit head", "audit lock", "audit key", "snapshot", "pointer", "manifest"]
)
def test_an_output_over_state_or_input_is_refused_and_nothing_is_logged(
    state: dict[str, Path], target: str, checkpoint_home: Path
) -> None:
    before = {name: fingerprint(path) for name, path in state.items()}
    code, stderr = screen("--manifest", state["manifest"], "--format", "json", "--output", state[target])
    assert code == 2, stderr
    assert "choose another file" in stderr and len(stderr.strip().splitlines()) == 1
    assert {name: fingerprint(path) for name, path in state.items()} == before  # the log has no new entry either


def test_an_output_over_the_registry_file_given_is_refused(tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_bytes((SAMPLE / "registry.csv").read_bytes())
    before = fingerprint(registry)
    code, stderr = screen("--registry", registry, "--name", "SRI WAHYUNI", "--output", registry)
    assert code == 2 and "the registry file" in stderr
    assert fingerprint(registry) == before


def test_an_output_inside_a_store_given_with_registry_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner = CliRunner()
    imported = runner.invoke(app, ["registry", "import", str(SAMPLE / "registry.csv"), "--store", str(store)])
    assert imported.exit_code == 0
    before = fingerprint(store)
    code, stderr = screen("--registry", store, "--name", "SRI WAHYUNI", "--output", store / "current.json")
    assert code == 2 and "the registry store" in stderr
    assert fingerprint(store) == before


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root may make a device node")
    os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))  # a character device: the null device's numbers


@pytest.mark.parametrize("make", [make_fifo, make_device])
def test_an_output_that_is_a_device_or_a_pipe_is_refused(
    tmp_path: Path, make: Callable[[Path], None], checkpoint_home: Path
) -> None:
    node = tmp_path / "node"
    make(node)
    kind = node.stat().st_mode
    code, stderr = screen("--registry", SAMPLE / "registry.parquet", "--name", "SRI WAHYUNI", "--output", node)
    assert code == 2 and "not a file" in stderr
    assert node.stat().st_mode == kind  # still the node it was
    assert not (checkpoint_home / "audit" / "audit.jsonl").exists()


def test_a_link_to_the_audit_log_is_refused(state: dict[str, Path], tmp_path: Path) -> None:
    link = tmp_path / "results.json"
    link.symlink_to(state["audit log"])
    code, stderr = screen("--manifest", state["manifest"], "--format", "json", "--output", link)
    assert code == 2 and "the audit log" in stderr
    assert link.is_symlink()


def test_a_new_file_beside_the_state_is_allowed(checkpoint_home: Path) -> None:
    """What is refused is the state itself, not its neighbourhood: a new results file in $CHECKPOINT_HOME."""
    checkpoint_home.mkdir(mode=0o700)
    code, stderr = screen(
        "--registry", SAMPLE / "registry.parquet", "--name", "SRI WAHYUNI", "--output", checkpoint_home / "out.json"
    )
    assert code in (0, 1), stderr
    assert (checkpoint_home / "out.json").exists()
