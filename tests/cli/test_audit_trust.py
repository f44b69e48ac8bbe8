"""What the audit log stands up to, through `checkpoint` as a user runs it: a head rewritten to match a log cut
short, log and head removed together (given an anchor), lines added by hand, an interrupted append."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from support.faults import interrupt_append, run_checkpoint

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "tests" / "fixtures" / "registry_small.csv"
MANIFEST = REPO / "tests" / "fixtures" / "manifest_small.csv"  # 6 synthetic travellers
DESK = ("--name", "SITI AMINAH", "--dob", "1990-05-17", "--destination", "KUL")  # synthetic
REFERENCE = REPO / "tests" / "fixtures" / "audit"  # a log written before heads were keyed


def screen(home: Path, log: Path, *traveller: str) -> subprocess.CompletedProcess[str]:
    return run_checkpoint(
        "screen", "--registry", REGISTRY, "--today", "2026-11-28", "--format", "jsonl", "--audit-log", log,
        *traveller, home=home,
    )  # fmt: skip


def audit(home: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return run_checkpoint("audit", *args, home=home)


def logged(home: Path, log: Path, screenings: int) -> None:
    for _ in range(screenings):
        done = screen(home, log, "--manifest", MANIFEST)
        assert done.returncode in (0, 1), done.stderr


def lines_of(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines(keepends=True)


def cut(log: Path, keep: int) -> None:
    """Remove every line after the first `keep`."""
    log.write_bytes(b"".join(lines_of(log)[:keep]))


def head_of(log: Path) -> Path:
    return log.with_name(log.name + ".head")


def refused(done: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert done.returncode == 5, done.stdout + done.stderr
    assert done.stdout == "" and done.stderr.startswith("checkpoint: ") and "Traceback" not in done.stderr
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr


# --- the keyed head --------------------------------------------------------------------------------------


def test_show_head_prints_the_head_as_one_json_line(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 2)
    done = audit(home, "show", "--head", "--audit-log", log)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    anchor = json.loads(done.stdout)
    assert set(anchor) == {"seq", "hash", "mac"} and anchor["seq"] == 12
    assert anchor["hash"] == hashlib.sha256(lines_of(log)[-1][:-1]).hexdigest()
    assert done.stdout.encode() == head_of(log).read_bytes()


def test_a_head_rewritten_to_match_a_log_cut_short_is_detected(tmp_path: Path) -> None:
    """Without the installation key nobody can write the head's MAC: neither an unkeyed head nor a made-up MAC
    passes for a head of this log."""
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 2)
    cut(log, 6)
    last = hashlib.sha256(lines_of(log)[-1][:-1]).hexdigest()
    for forged, reason in (
        ({"seq": 6, "hash": last}, "head file is unkeyed"),
        ({"seq": 6, "hash": last, "mac": "ab" * 32}, "MAC does not match audit.key"),
    ):
        head_of(log).write_text(json.dumps(forged))
        refused(audit(home, "verify", log), reason)
        refused(screen(home, log, *DESK), reason, "ask a supervisor")


def test_an_anchor_finds_a_log_cut_back_to_an_old_head(tmp_path: Path) -> None:
    """Someone who kept an old head file can cut the log back to it: only an anchor exported later shows that."""
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 1)
    old_head = head_of(log).read_bytes()
    logged(home, log, 2)
    anchor = tmp_path / "anchor.json"
    anchor.write_text(audit(home, "show", "--head", log).stdout)
    cut(log, 6)
    head_of(log).write_bytes(old_head)

    assert audit(home, "verify", log).returncode == 0  # the limit of a head kept beside the log
    refused(audit(home, "verify", log, "--anchor", anchor), "ends at entry 6 but the anchor records entry 18")


def test_an_anchor_finds_log_and_head_removed_or_replaced(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 2)
    anchor = tmp_path / "anchor.json"
    anchor.write_text(audit(home, "show", "--head", log).stdout)
    verified = audit(home, "verify", log, "--anchor", anchor)
    assert verified.returncode == 0, verified.stderr
    assert "the anchored entry 12 is in the log, unchanged" in verified.stdout

    log.unlink()
    head_of(log).unlink()
    refused(audit(home, "verify", log, "--anchor", anchor), "no audit log at", "the anchor records entry 12")

    logged(home, log, 2)  # a new log in its place, as long as the old one
    refused(audit(home, "verify", log, "--anchor", anchor), "line 12 is not the entry the anchor records")


def test_an_unkeyed_head_is_accepted_with_a_note_and_keyed_by_the_next_screening(tmp_path: Path) -> None:
    """A log written before heads were keyed keeps working."""
    home, folder = tmp_path / "home", tmp_path / "reference"
    folder.mkdir()
    for name in ("audit.jsonl", "audit.jsonl.head", "audit.key"):
        shutil.copy(REFERENCE / name, folder / name)
    log = folder / "audit.jsonl"

    checked = audit(home, "verify", log)
    assert checked.returncode == 0, checked.stderr
    assert "note: the head file is unkeyed" in checked.stderr
    done = screen(home, log, *DESK)
    assert done.returncode in (0, 1), done.stderr
    assert "note: the audit log's head file was unkeyed" in done.stderr
    assert "mac" in json.loads(head_of(log).read_bytes())
    checked = audit(home, "verify", log)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    assert "audit log OK: 8 entries" in checked.stdout


# --- no silent repair ------------------------------------------------------------------------------------


def test_lines_appended_by_hand_are_never_accepted(tmp_path: Path) -> None:
    """A line copied onto the end with a correct prev and seq (a valid chain is easy to compute) is refused by
    the next screening, which says what a supervisor should do, and reported by `audit verify`."""
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 1)
    lines = lines_of(log)
    forged = json.loads(lines[-1])
    forged.update(seq=7, verdict="clear", prev=hashlib.sha256(lines[-1][:-1]).hexdigest())
    with log.open("ab") as handle:
        handle.write(json.dumps(forged, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    before = log.read_bytes(), head_of(log).read_bytes()

    refused(screen(home, log, *DESK), "entries after entry 6", "no pending record seals", "checkpoint audit verify")
    assert (log.read_bytes(), head_of(log).read_bytes()) == before
    refused(audit(home, "verify", log), "line 7 onwards was added by hand")


def test_an_append_killed_before_its_head_is_completed_by_the_next_screening(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 1)
    interrupt_append(log, "before the head", count=3)
    assert len(lines_of(log)) == 9

    checked = audit(home, "verify", log)
    assert checked.returncode == 0, checked.stderr
    assert "entries 7–9 were written by a screening interrupted" in checked.stderr

    done = screen(home, log, *DESK)
    assert done.returncode in (0, 1), done.stderr
    assert "note: an earlier screening was interrupted after writing entries 7–9" in done.stderr
    checked = audit(home, "verify", log)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    assert "audit log OK: 10 entries" in checked.stdout


def test_an_append_killed_in_its_lines_is_taken_back_by_the_next_screening(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "audit.jsonl"
    logged(home, log, 1)
    before = log.read_bytes()
    interrupt_append(log, "in the lines", count=3)
    assert log.read_bytes() != before  # part of the batch is there, its last line without a newline

    checked = audit(home, "verify", log)
    assert checked.returncode == 0, checked.stderr
    assert "the next screening takes it back" in checked.stderr

    done = screen(home, log, *DESK)
    assert done.returncode in (0, 1), done.stderr
    assert "note: an earlier screening was interrupted while writing entries 7–9" in done.stderr
    assert log.read_bytes().startswith(before)
    assert [json.loads(line)["seq"] for line in lines_of(log)] == list(range(1, 8))
    assert audit(home, "verify", log).returncode == 0


# --- pax ids -----------------------------------------------------------------------------------------------


def test_the_log_keeps_a_keyed_hash_of_each_pax_id_never_the_id(tmp_path: Path) -> None:
    """A pax_id can be a name or a document number (some agents' lists use them): the log keeps only
    HMAC(installation key, pax_id), which `pax_key` recomputes from the id."""
    home, log = tmp_path / "home", tmp_path / "audit" / "audit.jsonl"
    pax_ids = ["AMINAH-SITI-B1234567", "SUHARTO-MUHAMMAD-C7654321", "CAHYONO-JOKO"]  # synthetic, personal-looking
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "pax_id,full_name,date_of_birth,sex,passport_number,destination\n"
        f"{pax_ids[0]},SITI AMINAH,1990-05-17,F,B1234567,KUL\n"
        f"{pax_ids[1]},MUHAMMAD SUHARTO,1985-02-01,M,C7654321,KUL\n"
        f"{pax_ids[2]},JOKO CAHYONO,1988-11-11,M,,ICN\n",
        encoding="utf-8",
    )
    done = screen(home, log, "--manifest", manifest)
    assert done.returncode in (0, 1), done.stderr

    raw = log.read_text(encoding="utf-8")
    assert not any(part in raw for pax_id in pax_ids for part in pax_id.split("-")) and "pax_id" not in raw
    from checkpoint.audit import load_key, pax_key

    key = load_key(log.parent / "audit.key")
    assert [json.loads(line)["pax_key"] for line in raw.splitlines()] == [pax_key(key, p) for p in pax_ids]
