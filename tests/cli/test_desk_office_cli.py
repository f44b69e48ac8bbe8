"""`checkpoint desk --at passport-office`: applications typed at the counter, screened with the passport office's
pack, through a real pseudo-terminal and through a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect

REGISTRY = Path(__file__).parents[1] / "fixtures" / "registry_small.csv"
UNREGISTERED_WORKER = "nik=3201011203880002; nama=BUDI SANTOSO; lahir=12/03/1988; jk=L; keperluan=kerja; negara=MYS"
REGISTERED_WORKER = (
    "nik=3201015705900001; nama=SITI AMINAH; lahir=1990-05-17; jk=P; keperluan=kerja; negara=MYS; "
    "jelas=ya; niat_kerja=tidak; tidak_sesuai=tidak"
)


def command(*options: str) -> list[str]:
    return [
        "-m", "checkpoint", "desk", "--at", "passport-office", "--registry", str(REGISTRY), "--today", "2026-11-28",
        "--post", "KANIM-KRW", "--officer", "198705152010011001", *options,
    ]  # fmt: skip


def test_piped_applications_give_one_result_each_and_a_passport_cannot_be_scanned(tmp_path: Path) -> None:
    piped = "\n".join([UNREGISTERED_WORKER, "/keputusan 3", REGISTERED_WORKER, "P<IDN" + "<" * 39, "exit"])
    done = subprocess.run(
        [sys.executable, *command()],
        input=piped + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert [item["pax_id"] for item in objects] == ["KANIM-KRW-20261128-0001", "KANIM-KRW-20261128-0002"]
    assert [item["verdict"] for item in objects] == ["hold", "clear"]
    assert [hit["rule"] for hit in objects[0]["hits"]] == ["PO-001"]
    assert objects[1]["match"]["method"] == "nik"
    assert "passport-office 2026.12.1" in done.stderr
    assert "Session ended: 2 traveller(s) screened, 1 decision(s) recorded" in done.stderr


def test_the_officer_reads_why_and_what_to_ask_and_postpones_in_bahasa_indonesia(tmp_path: Path) -> None:
    env = {**os.environ, "CHECKPOINT_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "COLUMNS": "110"}
    env.pop("CHECKPOINT_LANG", None)
    session = pexpect.spawn(
        sys.executable, command("--lang", "id"), env=env, encoding="utf-8", timeout=30, dimensions=(50, 110)
    )
    session.expect("Ketik permohonan")
    session.expect("Permohonan berikutnya")
    session.sendline(UNREGISTERED_WORKER)
    session.expect("TUNDA")
    session.expect("tanpa rekomendasi paspor dari Disnaker")
    session.expect("Lewat P3MI mana Anda berangkat")
    session.expect("Keputusan")
    session.sendline("rekomendasi=REK-3201-2026-00007")  # the letter found after all: screened again
    session.expect("KANIM-KRW-20261128-0001")
    session.expect("LOLOS")
    session.expect("Keputusan")
    session.sendline("1")
    session.expect("tercatat \\(log audit #3\\)")
    session.sendline("keluar")
    session.expect("Sesi selesai: 1 penumpang diperiksa, 1 keputusan")
    session.expect(pexpect.EOF)
