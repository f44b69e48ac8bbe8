"""Hostile rule packs through the CLI: nested past any need, or not files at all. Refused with a code and a
sentence (exit 4), never an internal error, and never kept in the pack cache."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
MINIMAL = Path(__file__).parents[1] / "fixtures" / "packs" / "engine_minimal_pack.yaml"

RULE_UP_TO_WHEN = """\
pack: {name: deep, version: "1"}
policy: {refer_at: 30, hold_at: 70}
rules:
  - id: NP-001
    title: {id: dalam, en: deep}
    severity: low
    score: 1
    explanation: {en: 'x', id: 'x'}
    tests: [{traveller: {full_name: A}, expect: no_fire}]
"""


def brackets() -> str:
    """100,000 nested flow sequences."""
    return "rules: " + "[" * 100_000 + "]" * 100_000 + "\n"


def blocks() -> str:
    """900 nested block mappings, each indented one more space."""
    return "".join(" " * level + f"k{level}:\n" for level in range(900)) + " " * 900 + "leaf\n"


def flow_nots() -> str:
    """A rule whose condition is 3,000 nested `not`s, written in flow style."""
    return RULE_UP_TO_WHEN + "    when: " + "{not: " * 3000 + "{field: age, gt: 1}" + "}" * 3000 + "\n"


def block_nots() -> str:
    """The same 3,000 `not`s in block style (each level indented two more spaces: megabytes)."""
    lines = [RULE_UP_TO_WHEN + "    when:"]
    lines += [" " * (6 + 2 * level) + "not:" for level in range(3000)]
    lines += [" " * 6006 + "field: age", " " * 6006 + "gt: 1"]
    return "\n".join(lines) + "\n"


DEEP: dict[str, tuple[Callable[[], str], str]] = {
    "brackets": (brackets, "E008"),
    "blocks": (blocks, "E008"),
    "flow_nots": (flow_nots, "E008"),
    "block_nots": (block_nots, "E001"),  # larger than any pack file may be: refused before parsing
}


def assert_refused(result: object, pack: Path, code: str) -> None:
    """Exit 4, the problem at its place with its code, no internal error, nothing in the pack cache."""
    output = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 4, output  # type: ignore[attr-defined]
    assert f"{pack}:" in output and f": {code} " in output, output
    assert "internal error" not in output and "Traceback" not in output


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deep_nesting_is_refused_by_rules_check_and_screen(
    kind: str, tmp_path: Path, registry_csv: Path, checkpoint_home: Path
) -> None:
    make, code = DEEP[kind]
    pack = tmp_path / f"{kind}.yaml"
    pack.write_text(make(), encoding="utf-8")
    checked = runner.invoke(app, ["rules", "check", str(pack)])
    assert_refused(checked, pack, code)
    assert "; the pack cannot be used" in checked.stderr
    screened = runner.invoke(
        app, ["screen", "--registry", str(registry_csv), "--name", "SITI AMINAH", "--rules", str(pack)]
    )
    assert_refused(screened, pack, code)
    assert f"checkpoint rules check {pack}" in screened.stderr
    assert not list((checkpoint_home / "cache" / "packs").glob("*")), "a refused pack was cached"
    assert not (checkpoint_home / "audit" / "audit.jsonl").exists()  # nothing screened, nothing logged


def test_nesting_within_the_limit_is_still_a_pack(tmp_path: Path) -> None:
    pack = tmp_path / "nots.yaml"
    pack.write_text(
        RULE_UP_TO_WHEN + "    when: " + "{not: " * 20 + "{field: trip_days, gt: 1}" + "}" * 20 + "\n", "utf-8"
    )
    checked = runner.invoke(app, ["rules", "check", str(pack)])
    assert checked.exit_code == 0, checked.stdout
    assert "is valid" in checked.stdout


def _at_most_two_gib() -> None:
    """Bound the child's memory: should reading a device ever start again, it fails instead of filling the
    machine."""
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def run(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, so that a read that never ends fails the test instead of hanging it."""
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *map(str, args)],
        env={**os.environ, "CHECKPOINT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_at_most_two_gib,
    )


def special_files(tmp_path: Path) -> dict[str, Path]:
    """Paths that are not plain files: devices, a FIFO, and links to them."""
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    found = {"zero": Path("/dev/zero"), "urandom": Path("/dev/urandom"), "fifo": fifo}
    for name, target in (("zero", "/dev/zero"), ("urandom", "/dev/urandom"), ("fifo", fifo)):
        link = tmp_path / f"link_to_{name}.yaml"
        link.symlink_to(target)
        found[f"link_to_{name}"] = link
    return found


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs POSIX devices")
def test_devices_fifos_and_links_to_them_are_refused_before_reading(tmp_path: Path, registry_csv: Path) -> None:
    home = tmp_path / "home"
    paths = special_files(tmp_path)
    assert len(paths) == 6
    for name, path in paths.items():
        checked = run("rules", "check", path, home=home)
        assert checked.returncode == 4, (name, checked.stdout, checked.stderr)
        assert f"{path}:1:1: E001 the path is a " in checked.stdout, (name, checked.stdout)
        assert "not a plain file; a pack is a YAML file or a folder of them" in checked.stdout
        screened = run("screen", "--registry", registry_csv, "--name", "SITI AMINAH", "--rules", path, home=home)
        assert screened.returncode == 4, (name, screened.stderr)
        assert f"{path}:1:1: E001" in screened.stderr
    assert not (home / "audit" / "audit.jsonl").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_or_a_link_to_a_device_inside_a_pack_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.yaml").write_bytes(MINIMAL.read_bytes())
    os.mkfifo(folder / "more_rules.yaml")
    (folder / "lists.yaml").symlink_to("/dev/zero")
    checked = run("rules", "check", folder, home=tmp_path / "home")
    assert checked.returncode == 4, checked.stdout + checked.stderr
    assert f"{folder / 'lists.yaml'}:1:1: E001 the path is a device, not a plain file" in checked.stdout
    assert f"{folder / 'more_rules.yaml'}:1:1: E001 the path is a FIFO (named pipe), not a plain file" in checked.stdout


PAGEMAP = Path("/proc/self/pagemap")  # a regular file that claims 0 bytes and holds gigabytes


@pytest.mark.skipif(not os.access(PAGEMAP, os.R_OK), reason="needs Linux /proc/self/pagemap")
def test_the_size_is_checked_on_what_is_read_not_on_what_the_file_claims(tmp_path: Path) -> None:
    assert PAGEMAP.stat().st_size == 0
    pack = tmp_path / "pack.yaml"
    pack.symlink_to(PAGEMAP)
    checked = run("rules", "check", pack, home=tmp_path / "home")
    assert checked.returncode == 4, checked.stdout + checked.stderr
    assert f"{pack}:1:1: E001 the file is larger than 512 KB" in checked.stdout
