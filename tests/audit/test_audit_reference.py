"""The reference logs (tests/fixtures/audit/): one written before heads and pax ids were keyed, which still
verifies and takes new entries, and one written since, which this code writes byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from checkpoint.audit import AuditLog, ScreeningContext, head_path_for, load_key, pax_key, verify
from checkpoint.models import ScreeningResult, Traveller, Verdict

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "tests" / "fixtures" / "audit"  # unkeyed head, pax_id in clear
KEYED = REFERENCE / "keyed"  # the same screenings, written with keyed heads and pax keys
ENTRIES = 7


def reference_copy(tmp_path: Path) -> Path:
    """The unkeyed reference log, head and key copied (verifying takes a lock file beside the log)."""
    folder = tmp_path / "reference"
    folder.mkdir()
    for name in ("audit.jsonl", "audit.jsonl.head", "audit.key"):
        shutil.copy(REFERENCE / name, folder / name)
    return folder / "audit.jsonl"


def test_the_unkeyed_reference_log_verifies_with_a_note(tmp_path: Path) -> None:
    path = reference_copy(tmp_path)
    report = verify(path)
    assert report.entries == ENTRIES
    assert report.head == json.loads((REFERENCE / "audit.jsonl.head").read_bytes())["hash"]
    assert any("unkeyed" in note for note in report.notes)


def test_this_code_writes_the_keyed_reference_log_byte_for_byte(tmp_path: Path) -> None:
    """The script that wrote the references, run with this code on the same key, writes the same bytes."""
    shutil.copy(REFERENCE / "audit.key", tmp_path / "audit.key")
    subprocess.run(
        [sys.executable, str(REFERENCE / "write_log.py"), str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        timeout=120,
    )
    for name in ("audit.jsonl", "audit.jsonl.head"):
        assert (tmp_path / name).read_bytes() == (KEYED / name).read_bytes(), name


def test_the_two_references_say_the_same_but_the_pax_id(tmp_path: Path) -> None:
    """Keying the head and the pax ids changed nothing else: same fields, same traveller keys."""
    key = (REFERENCE / "audit.key").read_bytes()
    unkeyed = [json.loads(line) for line in (REFERENCE / "audit.jsonl").read_bytes().splitlines()]
    keyed = [json.loads(line) for line in (KEYED / "audit.jsonl").read_bytes().splitlines()]
    assert len(unkeyed) == len(keyed) == ENTRIES
    for old, new in zip(unkeyed, keyed, strict=True):
        assert new.pop("pax_key") == pax_key(key, old.pop("pax_id"))
        del old["prev"], new["prev"]  # the lines differ, so their hashes do
        assert new == old
    assert "mac" in json.loads((KEYED / "audit.jsonl.head").read_bytes())


def test_new_entries_chain_onto_the_unkeyed_reference_log_and_key_its_head(tmp_path: Path) -> None:
    path = reference_copy(tmp_path)
    before = path.read_bytes()
    context = ScreeningContext("officer-8", "TPI Ngurah Rai", "snap-2026-12-01", "default@2026.3", "01" * 32, "0.1.0")
    # Synthetic: the traveller of entries 1 and 7 again, and one more.
    again = Traveller(pax_id="8", row=1, passport_number="X1234567", nationality="IDN", date_of_birth=date(1990, 5, 17))
    other = Traveller(pax_id="9", row=2, full_name="PUTU GEDE", date_of_birth=date(1979, 8, 17))
    appended = AuditLog(path).record([ScreeningResult(t, Verdict.CLEAR, 0) for t in (again, other)], context)
    assert (appended.count, appended.first, appended.last) == (2, ENTRIES + 1, ENTRIES + 2)
    assert any("keyed from now on" in note for note in appended.notes)

    after = path.read_bytes()
    assert after.startswith(before)
    old = [json.loads(line) for line in before.splitlines()]
    new = [json.loads(line) for line in after[len(before) :].splitlines()]
    assert [entry["seq"] for entry in new] == [ENTRIES + 1, ENTRIES + 2]
    assert new[0]["prev"] == hashlib.sha256(before.splitlines()[-1]).hexdigest()
    assert new[0]["traveller_key"] == old[0]["traveller_key"] == old[-1]["traveller_key"]  # the same key file
    assert new[0]["pax_key"] == pax_key(load_key(path.parent / "audit.key"), "8")
    report = verify(path)
    assert report.entries == ENTRIES + 2 and report.notes == ()  # the head is keyed now
    assert "mac" in json.loads(head_path_for(path).read_bytes())
