"""The installation key (created once, owner-only, shared by processes) and the traveller keys made with it."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.audit import AuditLog, ScreeningContext, load_key, traveller_key
from checkpoint.models import ScreeningResult

# Synthetic identities only (SPEC §8).
PASSPORT = "X7654321"
NAME = "SRI WAHYUNI BINTI SUPARMAN"

# The builders tests/audit/conftest.py provides as fixtures.
MakeResult = Callable[..., ScreeningResult]


def key_of(key: bytes, passport: str | None = PASSPORT, name: str | None = NAME) -> str | None:
    return traveller_key(
        key, passport_number=passport, nationality="IDN", date_of_birth=date(1995, 5, 17), full_name=name
    )


def test_the_key_file_is_created_once_with_owner_only_access(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    key = load_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no temporary file left behind


def load_key_when_released(
    path: str, barrier: multiprocessing.synchronize.Barrier, keys: multiprocessing.Queue[str]
) -> None:
    """Child process: read (or create) the key at the same moment as another process."""
    barrier.wait()
    keys.put(load_key(Path(path)).hex())


def test_two_processes_creating_the_key_at_once_share_it(tmp_path: Path) -> None:
    spawn = multiprocessing.get_context("spawn")
    barrier, keys = spawn.Barrier(2), spawn.Queue()
    path = tmp_path / "audit.key"
    workers = [spawn.Process(target=load_key_when_released, args=(str(path), barrier, keys)) for _ in (1, 2)]
    for process in workers:
        process.start()
    found = {keys.get(timeout=120) for _ in workers}
    for process in workers:
        process.join(timeout=120)
    assert found == {path.read_bytes().hex()}
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]


def test_the_key_is_created_where_files_cannot_be_linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_hard_links(*args: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)  # as on FAT and some network shares
    path = tmp_path / "audit.key"
    key = load_key(path)
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]


def test_the_same_traveller_gets_the_same_key_across_screenings(
    tmp_path: Path, context: ScreeningContext, result: MakeResult
) -> None:
    path = tmp_path / "audit.jsonl"
    AuditLog(path).record([result(1, passport=PASSPORT)], context)
    AuditLog(path).record([result(2, passport=PASSPORT)], context)
    first, second = (json.loads(line)["traveller_key"] for line in path.read_bytes().splitlines())
    assert first == second == key_of(load_key(tmp_path / "audit.key"))


def test_traveller_key_hides_the_passport_number_and_is_stable() -> None:
    key = bytes(range(32))
    value = key_of(key)
    assert value is not None and len(value) == 32
    assert PASSPORT.lower() not in value and PASSPORT not in value
    assert key_of(key) == value
    assert key_of(bytes(32)) != value  # another installation cannot link entries
    assert key_of(key, passport="X7654322") != value


def test_traveller_key_falls_back_to_name_and_birth_date() -> None:
    key = bytes(range(32))
    by_name = key_of(key, passport=None)
    assert by_name is not None
    assert key_of(key, passport="", name="Sri  Wahyuni binti Suparman") == by_name
    assert by_name != key_of(key)
    assert key_of(key, passport=None, name=None) is None


@given(
    passport=st.from_regex(r"[A-Z]{1,2}[0-9]{6,7}", fullmatch=True),
    spacer=st.sampled_from(["", " ", "-", "<<"]),
)
def test_traveller_key_ignores_case_and_separators(passport: str, spacer: str) -> None:
    key = bytes(range(32))
    typed = f"{passport[:3].lower()}{spacer}{passport[3:]}"
    assert key_of(key, passport=typed) == key_of(key, passport=passport)
