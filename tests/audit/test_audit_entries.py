"""What a line holds: an entry's fields as compact JSON, and what a screening's entries record."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from checkpoint.audit import (
    GENESIS_HASH,
    SCREENING_FIELDS,
    AuditLog,
    ScreeningContext,
    ScreeningEntry,
    encode_entry,
    entry_line,
    load_key,
    pax_key,
)
from checkpoint.models import ScreeningResult, Verdict

PASSPORT = "X7654321"  # synthetic

# The builders tests/audit/conftest.py provides as fixtures.
MakeResult = Callable[..., ScreeningResult]


# Any text but lone surrogates, which cannot be written as UTF-8.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
OPTIONAL_TEXT = st.none() | TEXT
ENTRIES = st.builds(
    ScreeningEntry,
    time=TEXT,
    officer=OPTIONAL_TEXT,
    post=OPTIONAL_TEXT,
    pax_key=TEXT,
    traveller_key=OPTIONAL_TEXT,
    verdict=st.sampled_from([verdict.value for verdict in Verdict]),
    risk_score=st.integers(min_value=0, max_value=100),
    rules=st.lists(TEXT, max_size=3).map(tuple),
    record_id=OPTIONAL_TEXT,
    registry_snapshot=TEXT,
    rule_pack_version=TEXT,
    rule_pack_hash=TEXT,
    tool_version=TEXT,
)
HASHES = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(seq=st.integers(min_value=1), entry=ENTRIES, prev=HASHES)
def test_a_line_is_the_entry_as_compact_json_in_utf8(seq: int, entry: ScreeningEntry, prev: str) -> None:
    line = entry_line(seq, encode_entry(entry), prev)
    # SPEC §7: one compact JSON object, UTF-8 (not \u-escaped), seq, the fields in order, prev; nothing breaks
    # the line.
    fields = {"seq": seq, **dataclasses.asdict(entry), "prev": prev}
    assert line == json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    assert b"\n" not in line and b"\r" not in line
    assert list(json.loads(line)) == list(SCREENING_FIELDS)


def test_entries_hold_the_documented_fields_in_order(
    tmp_path: Path, context: ScreeningContext, result: MakeResult, clock: Callable[[], datetime]
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", clock=clock)
    assert log.record([result(1), result(2, matched=False)], context).count == 2

    raw = log.path.read_bytes()
    first, second = (json.loads(line) for line in raw.splitlines())
    assert tuple(first) == SCREENING_FIELDS == (
        "seq", "time", "officer", "post", "pax_key", "traveller_key", "verdict", "risk_score", "rules",
        "record_id", "registry_snapshot", "rule_pack_version", "rule_pack_hash", "tool_version", "prev",
    )  # fmt: skip
    assert first["seq"] == 1 and second["seq"] == 2
    assert first["time"] == "2025-03-01T08:30:15Z"
    assert first["officer"] == "Petugas Ñoman" and "Ñoman".encode() in raw  # not \u-escaped
    assert first["verdict"] == "hold" and first["risk_score"] == 70
    assert first["rules"] == ["NP-002", "NP-007"]
    assert first["record_id"] == "SP2MI-000123" and second["record_id"] is None
    assert first["pax_key"] == pax_key(load_key(tmp_path / "audit.key"), "1") != second["pax_key"]
    assert first["prev"] == GENESIS_HASH
    assert second["prev"] == hashlib.sha256(raw.splitlines()[0]).hexdigest()
    assert b", " not in raw and b'": ' not in raw  # compact


def test_officer_and_post_may_be_missing(tmp_path: Path, result: MakeResult) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    anonymous = ScreeningContext(None, None, "snap", "1", "00" * 32, "0.1.0")
    log.record([result(1)], anonymous)
    entry = json.loads(log.path.read_bytes())
    assert entry["officer"] is None and entry["post"] is None


def test_log_never_holds_names_or_passport_numbers(
    tmp_path: Path, context: ScreeningContext, result: MakeResult
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    screened = [result(1, passport=PASSPORT), result(2, passport="")]  # keyed by passport, by name
    log.record(screened, context)
    raw = log.path.read_bytes().decode()
    assert PASSPORT not in raw.upper()
    names = {part for one in screened for part in (one.traveller.full_name or "").split()}
    assert names and not any(part in raw.upper() for part in names)


def test_log_never_holds_pax_ids(tmp_path: Path, context: ScreeningContext, result: MakeResult) -> None:
    """A manifest's pax_id can carry personal data (a name, a document number): the log keeps its keyed hash,
    which `pax_key` recomputes from the id (as `audit decide PAX_ID` will)."""
    pax_ids = ["SRI-WAHYUNI-X7654321", " Budi Santoso B7654321 "]  # synthetic, personal-looking
    screened = [dataclasses.replace(result(n), traveller=dataclasses.replace(result(n).traveller, pax_id=pax_id))
                for n, pax_id in enumerate(pax_ids, start=1)]  # fmt: skip
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record(screened, context)
    raw = log.path.read_bytes().decode()
    assert not any(part in raw for pax_id in pax_ids for part in pax_id.split())
    key = load_key(log.key_path)
    keys = [json.loads(line)["pax_key"] for line in raw.splitlines()]
    assert keys == [
        pax_key(key, "SRI-WAHYUNI-X7654321"),
        pax_key(key, "Budi Santoso B7654321"),
    ]  # spaces around ignored
    assert pax_key(key, "1") != pax_key(bytes(32), "1")  # another installation cannot link entries
