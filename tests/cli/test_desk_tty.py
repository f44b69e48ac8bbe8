"""`checkpoint desk` through a real pseudo-terminal, as an officer and a document reader use it: ten sample
passports typed as a reader types them, the trip changed mid-way, decisions recorded, Ctrl-D; then the audit log
verifies and lists the ten decisions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
PASSPORTS = SAMPLE / "passports.txt"


def desk(home: Path, *options: str) -> pexpect.spawn:
    env = {**os.environ, "CHECKPOINT_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "110", "LINES": "50"}
    env.pop("CHECKPOINT_LANG", None)
    command = [
        "-m", "checkpoint", "desk", "--registry", str(SAMPLE / "registry.parquet"), "--today", "2026-11-28",
        "--post", "TPI-CGK", "--officer", "198705152010011001", *options,
    ]  # fmt: skip
    return pexpect.spawn(sys.executable, command, env=env, encoding="utf-8", timeout=30, dimensions=(50, 110))


def passports() -> list[tuple[str, str]]:
    lines = PASSPORTS.read_text(encoding="ascii").split()
    assert len(lines) == 20
    return list(zip(lines[::2], lines[1::2], strict=True))


#: How the reader sends each passport: the way real readers misbehave, one after another.
def as_the_reader_sends(number: int, line1: str, line2: str) -> list[str]:
    if number == 1:
        return ["", line1, "", line2]  # stray blank lines
    if number == 2:
        return [line1.lower(), line2.lower()]  # lower case
    if number == 3:
        return ["#" + line1 + "\t", "#" + line2 + "\t"]  # a prefix and a suffix the reader is configured to send
    if number == 4:
        return [line1 + line2]  # both lines joined
    return [line1, line2]


DECISIONS = [
    "1",
    "2",
    "3 escorted_group rombongan dengan sponsor",
    "1 documents_complete",
    "2",
    "1",
    "1",
    "3",
    "2 4",
    "1",
]


def test_ten_passports_at_the_desk_in_bahasa_indonesia(tmp_path: Path) -> None:
    home = tmp_path / "home"
    session = desk(home, "--destination", "KUL", "--flight", "GA820", "--port", "CGK", "--lang", "id")
    session.expect("Siap: 20.000 data penempatan")
    session.expect("Tujuan MYS · penerbangan/kapal GA820 · pelabuhan CGK")
    for number, (line1, line2) in enumerate(passports(), start=1):
        if number == 6:  # the next flight: another destination, set with a short command
            session.expect("Paspor berikutnya")
            session.sendline("/tujuan SIN")
            session.expect("Tujuan SGP")
        for line in as_the_reader_sends(number, line1, line2):
            session.expect(["Paspor berikutnya", "Baris kedua MRZ"])
            session.sendline(line)
        session.expect("tercatat di log audit #")
        session.expect("Keputusan")
        session.sendline(DECISIONS[number - 1])
        session.expect("tercatat \\(log audit #")
    session.expect("Paspor berikutnya")
    session.sendeof()
    session.expect("Sesi selesai: 10 penumpang diperiksa, 10 keputusan dicatat")
    session.expect(pexpect.EOF)
    session.close()
    assert session.exitstatus == 0

    log = home / "audit" / "audit.jsonl"
    verified = subprocess.run([sys.executable, "-m", "checkpoint", "audit", "verify", str(log)], capture_output=True)
    assert verified.returncode == 0, verified.stderr
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    screenings = [entry for entry in entries if "verdict" in entry]
    decisions = [entry for entry in entries if "decision" in entry]
    assert len(screenings) == 10 and len(decisions) == 10
    assert [decision["answers"] for decision in decisions] == [screening["seq"] for screening in screenings]
    shown = subprocess.run(
        [sys.executable, "-m", "checkpoint", "audit", "show", "--audit-log", str(log), "--format", "jsonl"],
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_HOME": str(home)},
    )
    assert shown.returncode == 0, shown.stderr
    listed = [json.loads(line) for line in shown.stdout.splitlines()]
    assert sum(1 for item in listed if item.get("decision")) == 10


def test_ctrl_c_ends_the_session_cleanly(tmp_path: Path) -> None:
    session = desk(tmp_path / "home", "--lang", "en")
    session.expect("Next passport")
    session.sendintr()
    session.expect("Session ended: 0 traveller\\(s\\) screened")
    session.expect(pexpect.EOF)
    session.close()
    assert session.exitstatus == 0


@pytest.mark.parametrize("line", ["I<IDNA12345678<<<<<<<<<<<<<<<<", "/tujuan XYZ", "nama SITI"])
def test_a_line_it_cannot_use_is_said_and_the_desk_goes_on(tmp_path: Path, line: str) -> None:
    session = desk(tmp_path / "home", "--lang", "id")
    session.expect("Paspor berikutnya")
    session.sendline(line)
    session.expect(["kartu identitas", "bukan kode negara", "bukan MRZ paspor"])
    session.expect("Paspor berikutnya")
    session.sendline("keluar")
    session.expect("Sesi selesai: 0 penumpang")
    session.expect(pexpect.EOF)


def test_piped_lines_give_one_result_object_per_traveller(tmp_path: Path) -> None:
    """A reader integration pipes the same lines in and reads SPEC §5 objects out, one per traveller, and gives
    decisions as commands."""
    lines = PASSPORTS.read_text(encoding="ascii").split()[:6]
    piped = "\n".join([lines[0], lines[1], "/keputusan 1", lines[2], lines[3], "/tujuan SIN", lines[4], lines[5]])
    command = [sys.executable, "-m", "checkpoint", "desk", "--registry", str(SAMPLE / "registry.parquet")]
    command += ["--today", "2026-11-28", "--destination", "KUL", "--post", "TPI-CGK"]
    done = subprocess.run(
        command,
        input=piped + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert [item["pax_id"] for item in objects] == [f"TPI-CGK-20261128-{n:04d}" for n in (1, 2, 3)]
    assert all(item["verdict"] in ("clear", "refer", "hold") and "hits" in item for item in objects)
    assert "Session ended: 3 traveller(s) screened, 1 decision(s) recorded" in done.stderr


def test_data_read_off_the_visa_completes_the_traveller_just_screened(tmp_path: Path) -> None:
    """The MRZ carries no visa or ticket: the panel says what could not be checked; the officer types what the
    visa and the ticket say, and the same traveller is screened again with them."""
    line1, line2 = passports()[0]
    session = desk(tmp_path / "home", "--destination", "KUL", "--lang", "id")
    session.expect("Paspor berikutnya")
    session.sendline(line1)
    session.expect("Baris kedua")
    session.sendline(line2)
    session.expect("bisa menjadi [A-Z]+: [0-9] pemeriksaan tidak dapat dilakukan \\([^)]*jenis visa")
    session.expect("Keputusan")
    session.sendline("visa=kunjungan; tiket=sekali")
    session.expect("TPI-CGK-20261128-0001")  # the same traveller, screened again
    session.expect("Keputusan")
    session.sendline("2")
    session.expect("tercatat \\(log audit #3\\)")
    session.sendline("keluar")
    session.expect("Sesi selesai: 1 penumpang diperiksa, 1 keputusan")
    session.expect(pexpect.EOF)
