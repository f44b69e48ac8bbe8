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
    assert "Session ended: 2 application(s) screened, 1 decision(s) recorded" in done.stderr
    # the office's session line: no flight, port or destination, which belong to a departure
    assert "Date 2026-11-28 · officer 198705152010011001 · office KANIM-KRW" in done.stderr
    assert "flight/vessel" not in done.stderr


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
    session.expect("rekomendasikan penundaan penerbitan paspor")  # not a departure: the applicant has no passport
    session.expect("tanpa rekomendasi paspor dari Disnaker")
    session.expect("Pertanyaan untuk pemohon")
    session.expect("Lewat P3MI mana Anda berangkat")
    session.expect("Keputusan")
    session.sendline("rekomendasi=REK-3201-2026-00007")  # the letter found after all: screened again
    session.expect("KANIM-KRW-20261128-0001")
    session.expect("LOLOS")
    session.expect("Keputusan")
    session.sendline("1")
    session.expect("tercatat \\(log audit #3\\)")
    session.sendline("keluar")
    session.expect("Sesi selesai: 1 permohonan diperiksa, 1 keputusan")
    session.expect(pexpect.EOF)


def test_a_presented_recommendation_is_checked_against_the_store(tmp_path: Path, checkpoint_home: Path) -> None:
    from typer.testing import CliRunner

    from checkpoint.cli.app import app

    runner = CliRunner()
    assert runner.invoke(app, ["registry", "import", str(REGISTRY), "--today", "2026-11-28"]).exit_code == 0
    letters = tmp_path / "rekomendasi_2026-11-27.csv"
    letters.write_text(
        "recommendation_id,nik,destination_country,issued_on,valid_until\n"
        "REK-3201-0002,3201011203880002,MYS,2026-11-01,2027-05-01\n",
        encoding="utf-8",
    )
    imported = runner.invoke(
        app, ["registry", "import", str(letters), "--kind", "recommendations", "--today", "2026-11-28"]
    )
    assert imported.exit_code == 0, imported.stderr
    typed = [f"{UNREGISTERED_WORKER}; rekomendasi=REK-3201-0002", f"{UNREGISTERED_WORKER}; rekomendasi=REK-PALSU-1"]
    arguments = [a for a in command() if a not in ("--registry", str(REGISTRY))]
    done = subprocess.run(
        [sys.executable, *arguments],
        input="\n".join(typed) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_HOME": str(checkpoint_home)},
    )
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert [[hit["rule"] for hit in item["hits"]] for item in objects] == [[], ["PO-006"]]


def panels_of_both_workers(home: Path, lang: str) -> str:
    """The desk's panels for the unregistered and the registered worker, typed one after the other."""
    piped = "\n".join([UNREGISTERED_WORKER, REGISTERED_WORKER, "exit"])
    done = subprocess.run(
        [sys.executable, *command("--format", "table", "--lang", lang)],
        input=piped + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_HOME": str(home), "COLUMNS": "110", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_panel_at_the_passport_office_speaks_of_the_applicant(tmp_path: Path) -> None:
    panels = panels_of_both_workers(tmp_path / "home", "en")
    assert "recommend postponing the passport pending verification" in panels
    assert "postponing departure" not in panels and "traveller" not in panels.lower()
    assert "No placement record is claimed as this applicant." in panels
    assert "Applicant (application)" in panels  # the registered worker beside her placement record
    assert "NIK 3201011203880002" in panels and "KANIM-KRW-20261128-0001" in panels


def test_the_panel_words_the_sex_as_officers_read_it(tmp_path: Path) -> None:
    panels = panels_of_both_workers(tmp_path / "home", "id")
    assert "jenis kelamin laki-laki" in panels  # the applicant with no record: one line of his own fields
    beside = [line for line in panels.splitlines() if "jenis kelamin" in line and "✓" in line]
    assert beside and beside[0].count("perempuan") == 2  # the application beside her placement record
    assert " F " not in panels and " M " not in panels
