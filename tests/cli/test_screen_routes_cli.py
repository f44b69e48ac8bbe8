"""Routes through a hub and airline data alone through the real CLI (issue 19): a Cambodia-bound traveller
ticketed through Kuala Lumpur is judged by the journey's end, and an airline list without visa or ticket columns
gives the counter a worklist whose top is what the list does carry (new passports booked together)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

runner = CliRunner()
REGISTRY = Path(__file__).parents[2] / "data" / "sample" / "registry.parquet"

#: An airline list (`Via`, `Final Dest` columns): one traveller ticketed through KUL to Phnom Penh, one whose trip
#: ends in Kuala Lumpur, both one way; the same people otherwise.
ROUTED = """\
name,sex,dob,nationality,passport,doi,destination,via,final dest,ticket,visa,departure_date
PRATAMA/RIZKY MR,M,05/05/2001,IDN,C1000001,20/10/2026,KUL,KUL,PNH,one_way,none,28/11/2026
SAPUTRA/ANDI MR,M,05/05/2001,IDN,C1000002,20/10/2026,KUL,,,one_way,none,28/11/2026
"""

#: What a carrier's API list holds: no visa, no ticket, no return date. Three on one booking with passports a
#: month old, two others with old passports.
AIRLINE = """\
name,sex,dob,nationality,passport,doi,destination,pnr,departure_date
WULANDARI/RINA MS,F,16/04/1999,IDN,C2000001,15/10/2026,KUL,QX7P2A,28/11/2026
LESTARI/DEWI MS,F,02/02/2000,IDN,C2000002,15/10/2026,KUL,QX7P2A,28/11/2026
HIDAYAH/NUR MS,F,03/03/2001,IDN,C2000003,15/10/2026,KUL,QX7P2A,28/11/2026
SANTOSO/BUDI MR,M,04/04/1970,IDN,C2000004,25/01/2019,KUL,FAM001,28/11/2026
SANTOSO/SRI MRS,F,05/05/1972,IDN,C2000005,25/01/2019,KUL,FAM001,28/11/2026
"""


def screen(tmp_path: Path, text: str, *options: str):  # type: ignore[no-untyped-def]
    manifest = tmp_path / "list.csv"
    manifest.write_text(text, encoding="utf-8")
    return runner.invoke(
        app,
        [
            "screen",
            "--manifest",
            str(manifest),
            "--registry",
            str(REGISTRY),
            "--today",
            "2026-11-28",
            "--audit-log",
            str(tmp_path / "audit.jsonl"),
            "--lang",
            "en",
            *options,
        ],
    )


def test_a_journey_through_a_hub_is_judged_by_its_end(tmp_path: Path) -> None:
    result = screen(tmp_path, ROUTED, "--format", "json")
    assert result.exit_code == 1, result.stderr
    routed, ended = json.loads(result.stdout)
    assert {"NP-002", "NP-021"} <= {hit["rule"] for hit in routed["hits"]}
    assert routed["verdict"] == "hold"
    np002 = next(hit for hit in routed["hits"] if hit["rule"] == "NP-002")
    assert "ending in KHM" in np002["explanation"]
    assert not {"NP-002", "NP-021"} & {hit["rule"] for hit in ended["hits"]}
    assert "not recognised" not in result.stderr  # Via and Final Dest are known columns


def test_an_airline_list_gives_a_worklist_topped_by_what_it_carries(tmp_path: Path) -> None:
    result = screen(tmp_path, AIRLINE)
    assert result.exit_code == 0, result.stderr  # nobody referred on these facts alone
    worklist = result.stdout.split("Worklist for the counter")[1].split("Data-quality notes")[0]
    lines = [line for line in worklist.splitlines() if line.startswith("• ")]
    assert len(lines) == 5  # nobody is a bare clear
    assert all("could be HOLD" in line for line in lines)
    assert [line.split()[2] for line in lines[:3]] == ["1", "2", "3"]  # the booking of new passports first
    assert "already found: NP-024, NP-022" in worklist.split("• pax 4")[0].replace("\n  ", " ")
    records = json.loads(screen(tmp_path, AIRLINE, "--format", "json").stdout)
    assert [record.get("could_be") for record in records] == ["hold"] * 5
