"""Manifests and registry exports as they really arrive, through the real CLI (issue 5).

Two promises: the same travellers screen to the same results whatever the file format, and every bad input
ends in one sentence on stderr naming the file, with the right exit code, nothing on stdout and never a
traceback. All data here is synthetic.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice, product
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from checkpoint.cli.app import app
from checkpoint.sources import MANIFEST_MAX_BYTES, REGISTRY_MAX_BYTES

runner = CliRunner()
MIB = 1024**2
TODAY = "2026-11-28"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL_PACK = FIXTURES / "packs" / "engine_minimal_pack.yaml"
DEPARTURE = date(2026, 11, 28)


def screen(registry: Path, manifest: Path, *options: str) -> object:
    """`checkpoint screen` of a manifest with the smallest rule pack: these tests are about reading files."""
    args = ["screen", "--registry", str(registry), "--manifest", str(manifest), "--rules", str(MINIMAL_PACK)]
    return runner.invoke(app, [*args, "--today", TODAY, *options])


def import_registry(export: Path, store: Path) -> object:
    return runner.invoke(app, ["registry", "import", str(export), "--store", str(store), "--today", TODAY])


# --- one synthetic manifest --------------------------------------------------------------------------------

FLIGHTS = {"GA820": ("CGK", "KUL"), "SV817": ("CGK", "JED")}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class Pax:
    """One synthetic traveller; `born` as text is a value written as it stands (an impossible date)."""

    flight: str
    surname: str
    given: str
    title: str
    sex: str | None
    born: date | str | None
    passport: str | None
    booking: str | None
    ticket: str | None  # one_way / return
    visa: str | None
    group: str | None = None
    nationality: str = "IDN"


# Registry fixture (tests/fixtures/registry_small.csv) records matched on purpose: SP2MI-0000001 (rows 1),
# -0000002 cancelled (2), -0000005 verified for TWN (3), -0000006 for JPN (4), -0000007 for KOR (5),
# -0000003 a minor for SAU (19), -0000004 for HKG (20). Rows 6–9 are four unregistered one-way travellers on
# one booking, rows 21–24 an umrah group travelling one way; the rest are travellers not in the registry.
TRAVELLERS: tuple[Pax, ...] = (
    Pax("GA820", "AMINAH", "SITI", "MRS", "F", date(1990, 5, 17), "B1234567", "AAA111", "one_way", "work"),
    Pax("GA820", "SUHARTO", "MUHAMMAD", "MR", "M", date(1985, 2, 1), "C7654321", "BBB222", "return", "tourist"),
    Pax("GA820", "AMINAH", "SITI", "MS", "F", date(1993, 9, 8), "B8888888", "CCC333", "one_way", "work"),
    Pax("GA820", "ARTINI", "NI LUH PUTU SRI", "MS", "F", date(1995, 3, 21), None, "DDD444", "one_way", "tourist"),
    Pax("GA820", "TJAHJONO", "DJOKO", "MR", "M", date(1988, 11, 11), "A2223334", "EEE555", "return", "tourist"),
    Pax("GA820", "SANTOSO", "BUDI", "MR", "M", date(1992, 3, 4), "A5556667", "GRP444", "one_way", "tourist"),
    Pax("GA820", "WATI", "DEWI", "MRS", "F", date(1994, 7, 19), "A5556668", "GRP444", "one_way", "tourist"),
    Pax("GA820", "LESTARI", "RINA", "MS", "F", date(1999, 12, 1), "A5556669", "GRP444", "one_way", "tourist"),
    Pax("GA820", "HIDAYAT", "AGUS", "MR", "M", date(2001, 2, 28), "A5556670", "GRP444", "one_way", "tourist"),
    Pax("GA820", "O'NEIL", "MARY", "MS", "F", date(1985, 1, 1), "PX123456", "FFF666", "return", "tourist",
        nationality="IRL"),
    Pax("GA820", "LÉGER", "ANDRÉ", "MR", "M", date(1985, 2, 1), "12AB34567", "FFF666", "return", "tourist",
        nationality="FRA"),
    Pax("GA820", "PRATAMA", "RIZKY", "MR", "M", date(1990, 5, 17), "B2345678", "GGG777", "return", "visit"),
    Pax("GA820", "HARYANTI", "", "", "F", "31/02/1990", "C1111111", "HHH888", "one_way", "visit"),
    Pax("GA820", "KURNIAWAN", "EKO", "MR", "M", None, "E2222222", "III999", "return", "tourist"),
    Pax("GA820", "", "", "", "M", None, None, None, None, None),
    Pax("GA820", "WIJAYA", "ANDI", "MR", "M", date(1970, 1, 1), "E1111111", "JJJ000", "return", "tourist"),
    Pax("GA820", "SUSANTI", "YULI", "MRS", "F", date(1987, 6, 15), "E3333333", "KKK111", "one_way", "work"),
    Pax("GA820", "NURHAYATI", "SITI", "MS", "F", date(1996, 10, 10), "E4444444", "KKK112", "one_way", "tourist"),
    Pax("SV817", "SUMIATI", "", "", "F", date(2009, 1, 2), "B9999999", "LLL222", "one_way", "work"),
    Pax("SV817", "AMINAH", "SITI", "MRS", "F", date(1993, 8, 9), "B7777777", "LLL223", "return", "umrah"),
    Pax("SV817", "MARYAM", "SITI", "MRS", "F", date(1991, 4, 4), "E5555551", "MMM333", "one_way", "umrah", "UMR-77"),
    Pax("SV817", "ROHMAH", "NUR", "MS", "F", date(1993, 5, 5), "E5555552", "MMM333", "one_way", "umrah", "UMR-77"),
    Pax("SV817", "FATIMAH", "SITI", "MRS", "F", date(1989, 6, 6), "E5555553", "MMM333", "one_way", "umrah", "UMR-77"),
    Pax("SV817", "MUNAROH", "IIS", "MS", "F", date(1997, 7, 7), "E5555554", "MMM333", "one_way", "umrah", "UMR-77"),
    Pax("SV817", "RAHMAN", "ABDUL", "MR", "M", date(1960, 1, 1), "E6666661", "NNN444", "return", "umrah", "UMR-88"),
    Pax("SV817", "RAHMAN", "SITI", "MRS", "F", date(1962, 2, 2), "E6666662", "NNN444", "return", "umrah", "UMR-88"),
    Pax("SV817", "HASANAH", "UMMU", "MS", "F", date(1998, 8, 8), "E7777771", "OOO555", "one_way", "visit"),
    Pax("SV817", "SAPUTRA", "DIMAS", "MR", "M", date(2000, 9, 9), "E7777772", "PPP666", "return", "umrah"),
    Pax("SV817", "KARTIKA", "DEWI", "MS", "F", date(1995, 11, 11), "E7777773", "QQQ777", "one_way", "work"),
    Pax("SV817", "LUBIS", "ROBERT", "MR", "M", date(1980, 12, 12), "E7777774", "PPP666", "return", "umrah"),
)  # fmt: skip

HEADER = (
    "No.", "Name", "Sex", "Date of Birth", "Nationality", "Passport No.", "Expiry", "PNR", "Ticket", "Return",
    "Visa", "Flight", "Port", "Destination", "Departure", "Group",
)  # fmt: skip
#: The same columns under SPEC §4.2 names, as a carrier's JSON API would send them.
JSON_KEYS = dict(zip(HEADER, (
    "pax_id", "name", "sex", "date_of_birth", "nationality", "passport_number", "passport_expiry", "booking_ref",
    "ticket", "return_date", "visa_type", "flight", "port", "destination", "departure_date", "group_code",
), strict=True))  # fmt: skip


def expiry(number: int) -> date:
    return date(2029 + number % 6, number % 12 + 1, 1 + number % 27)


def written_date(value: date | str | None, style: int) -> str | None:
    """A date as manifests write them, style by style: ISO, DD/MM/YYYY, DDMMMYY, YYMMDD."""
    if value is None or isinstance(value, str):
        return value
    return (
        value.isoformat(),
        f"{value.day:02d}/{value.month:02d}/{value.year}",
        f"{value.day:02d}{_MONTHS[value.month - 1]}{value.year % 100:02d}",
        value.strftime("%y%m%d"),
    )[style % 4]


def written_name(pax: Pax, style: int) -> str | None:
    """`SURNAME/GIVEN MR`, `GIVEN SURNAME` or `SURNAME/GIVEN`; a mononym as `NAME/FNU` in airline form."""
    if not pax.surname:
        return None
    given = pax.given or "FNU"
    return (
        f"{pax.surname}/{given} {pax.title}".strip(),
        f"{pax.given} {pax.surname}".strip(),
        f"{pax.surname}/{given}",
    )[style % 3]


TICKETS = {"one_way": ("one_way", "ONE WAY", "One-Way"), "return": ("return", "RETURN", "Return")}
SEXES = {"F": ("F", "P", "Female"), "M": ("M", "L", "Male")}


def manifest_rows(*, typed: bool) -> list[dict[str, object]]:
    """The manifest as header → cell; `typed` puts real dates where a spreadsheet would hold them."""
    rows = []
    for number, pax in enumerate(TRAVELLERS, start=1):
        port, arrival = FLIGHTS[pax.flight]
        back = DEPARTURE + timedelta(days=7 + number % 5) if pax.ticket == "return" else None
        ticket = pax.ticket and TICKETS[pax.ticket][number % 3]
        sex = pax.sex and SEXES[pax.sex][number % 3]
        born: object = written_date(pax.born, number)
        if typed and isinstance(pax.born, date) and number % 4 == 0:  # ISO-styled dates are real date cells
            born = datetime(pax.born.year, pax.born.month, pax.born.day)
        rows.append(
            {
                "No.": number,
                "Name": written_name(pax, number),
                "Sex": sex,
                "Date of Birth": born,
                "Nationality": pax.nationality if number % 2 else pax.nationality[:2],
                "Passport No.": pax.passport,
                "Expiry": written_date(expiry(number), number + 1) if pax.passport else None,
                "PNR": pax.booking,
                "Ticket": ticket,
                "Return": written_date(back, number + 2),
                "Visa": pax.visa and (pax.visa, pax.visa.upper(), pax.visa.title())[number % 3],
                "Flight": pax.flight,
                "Port": port,
                "Destination": arrival,
                "Departure": DEPARTURE if typed else written_date(DEPARTURE, number % 3),
                "Group": pax.group,
            }
        )
    return rows


def as_text(value: object) -> str:
    return "" if value is None else str(value)


def write_csv(path: Path, rows: list[dict[str, object]], *, delimiter: str, encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if delimiter == ";" else "\n")
    writer.writerow(rows[0].keys())
    writer.writerows([as_text(value) for value in row.values()] for row in rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]]) -> Path:
    """A blank first sheet, then the list under a title row and an empty row, as an agent's workbook is."""
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    sheet = book.create_sheet("Manifest")
    sheet.append(["DAFTAR PENUMPANG GA820 / SV817 — 28 NOV 2026"])
    sheet.append([])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row.values()))
    book.save(path)
    return path


def write_parquet(path: Path, rows: list[dict[str, object]]) -> Path:
    """Text columns, except the departure: a real date column, as a database export writes it."""

    def cell(column: str, value: object) -> object:
        return value if column == "Departure" or value is None else str(value)

    frame = pd.DataFrame({column: [cell(column, row[column]) for row in rows] for column in rows[0]})
    frame.to_parquet(path, index=False)
    return path


def json_objects(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """SPEC field names; the number stays a JSON number, absent values are left out."""
    return [{JSON_KEYS[key]: value for key, value in row.items() if value is not None} for row in rows]


def write_json(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"passengers": json_objects(rows)}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    lines = [json.dumps(item, ensure_ascii=False) for item in json_objects(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- a test-side PAXLST encoder ----------------------------------------------------------------------------


def edifact(tag: str, *elements: str | tuple[str, ...]) -> str:
    """One segment: elements joined by `+`, components by `:`, and `?'+:` in values released with `?`."""

    def escape(value: str) -> str:
        return "".join(f"?{ch}" if ch in "?':+" else ch for ch in value)

    parts = [":".join(map(escape, element if isinstance(element, tuple) else (element,))) for element in elements]
    return "+".join([tag, *parts]) + "'"


def write_paxlst(path: Path) -> Path:
    """One interchange, one PAXLST message per flight (UNA, UNB, UNH, BGM+745, TDT+20, LOC+125/87, DTM+189,
    per passenger NAD+FL, ATT+2, DTM+329, NAT+2, RFF+AVF, DOC+P, DTM+36, then CNT+42, UNT; UNZ)."""
    segments = ["UNA:+.? '", edifact("UNB", ("UNOC", "4"), ("CARRIER", "ZZ"), ("IDIMM", "ZZ"), ("261128", "0530"), "1")]
    messages = 0
    number = 0
    for flight, (port, arrival) in FLIGHTS.items():
        messages += 1
        body = [
            edifact("UNH", str(messages), ("PAXLST", "D", "05B", "UN", "IATA")),
            edifact("BGM", "745"),
            edifact("TDT", "20", flight),
            edifact("LOC", "125", port),
            edifact("DTM", ("189", "2611280930", "201")),
            edifact("LOC", "87", arrival),
        ]
        passengers = [pax for pax in TRAVELLERS if pax.flight == flight]
        for pax in passengers:
            number += 1
            body.append(edifact("NAD", "FL", "", "", (pax.surname, pax.given)) if pax.surname else edifact("NAD", "FL"))
            if pax.sex:
                body.append(edifact("ATT", "2", "", pax.sex))
            if isinstance(pax.born, date):
                body.append(edifact("DTM", ("329", pax.born.strftime("%y%m%d"))))
            elif pax.born:  # the impossible date, as the carrier's system would pass it on
                day, month, year = pax.born.split("/")
                body.append(edifact("DTM", ("329", f"{year[2:]}{month}{day}")))
            if pax.surname:
                body.append(edifact("NAT", "2", pax.nationality))
            if pax.booking:
                body.append(edifact("RFF", ("AVF", pax.booking)))
            if pax.passport:
                body.append(edifact("DOC", ("P", "110", "111"), pax.passport))
                body.append(edifact("DTM", ("36", expiry(number).strftime("%y%m%d"))))
        body.append(edifact("CNT", ("42", str(len(passengers)))))
        body.append(edifact("UNT", str(len(body) + 1), str(messages)))
        segments.extend(body)
    segments.append(edifact("UNZ", str(messages), "1"))
    path.write_text("\n".join(segments) + "\n", encoding="utf-8")
    return path


def paxlst_fields_as_csv(path: Path) -> Path:
    """The manifest restricted to what the PAXLST carries, as a plain CSV: the reference the PAXLST must equal."""
    rows = []
    for number, pax in enumerate(TRAVELLERS, start=1):
        port, arrival = FLIGHTS[pax.flight]
        rows.append(
            {
                "No.": number,
                "Surname": pax.surname or None,
                "Given Names": pax.given or None,
                "Sex": pax.sex,
                "DOB": written_date(pax.born, number),
                "Nationality": pax.nationality if pax.surname else None,
                "Passport No.": pax.passport,
                "Expiry": written_date(expiry(number), number + 1) if pax.passport else None,
                "PNR": pax.booking,
                "Flight": pax.flight,
                "Port": port,
                "Destination": arrival,
                "Departure": DEPARTURE.isoformat(),
            }
        )
    return write_csv(path, rows, delimiter=",", encoding="utf-8")


# --- same travellers, same results -------------------------------------------------------------------------

COMPARED = ("verdict", "risk_score", "match", "candidates", "hits", "unknown")
WRITERS: dict[str, Callable[[Path], Path]] = {
    "comma_utf8.csv": lambda path: write_csv(path, manifest_rows(typed=False), delimiter=",", encoding="utf-8"),
    "semicolon_cp1252.csv": lambda path: write_csv(path, manifest_rows(typed=False), delimiter=";", encoding="cp1252"),
    "agent.xlsx": lambda path: write_xlsx(path, manifest_rows(typed=True)),
    "export.parquet": lambda path: write_parquet(path, manifest_rows(typed=True)),
    "api.json": lambda path: write_json(path, manifest_rows(typed=False)),
    "api.jsonl": lambda path: write_jsonl(path, manifest_rows(typed=False)),
    "ga820_sv817.edi": write_paxlst,
    "paxlst_fields.csv": paxlst_fields_as_csv,
}
FULL_FORMATS = tuple(WRITERS)[:6]


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, object]]]:
    """Every format of the manifest screened once with the shipped rule pack: name → result objects."""
    folder = tmp_path_factory.mktemp("formats")
    registry = FIXTURES / "registry_small.csv"
    results = {}
    for name, write in WRITERS.items():
        manifest = write(folder / name)
        args = ["screen", "--registry", str(registry), "--manifest", str(manifest), "--format", "jsonl"]
        result = runner.invoke(app, [*args, "--today", TODAY], env={"CHECKPOINT_HOME": str(folder / "home")})
        assert result.exit_code == 1, f"{name}: {result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr
        results[name] = [json.loads(line) for line in result.stdout.splitlines()]
        assert [item["pax_id"] for item in results[name]] == [str(n) for n in range(1, len(TRAVELLERS) + 1)], name
    return results


def compared(objects: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(item["pax_id"]): {key: item[key] for key in COMPARED} for item in objects}


def test_every_format_screens_the_same_travellers_to_the_same_results(
    screened: dict[str, list[dict[str, object]]],
) -> None:
    reference = compared(screened["comma_utf8.csv"])
    for name in FULL_FORMATS:
        result = compared(screened[name])
        differing = [pax for pax in reference if result[pax] != reference[pax]]
        assert not differing, f"{name} differs from the CSV for pax {differing}: {[result[p] for p in differing]}"
    # The manifest is worth comparing: matches, and every verdict, including group rules, occur in it.
    verdicts = {pax: item["verdict"] for pax, item in reference.items()}
    assert set(verdicts.values()) == {"clear", "refer", "hold"}
    matched = {pax: item["match"]["record_id"] for pax, item in reference.items() if item["match"]}
    assert {"1": "SP2MI-0000001", "2": "SP2MI-0000002", "19": "SP2MI-0000003"}.items() <= matched.items()
    rules = {hit["rule"] for item in reference.values() for hit in item["hits"]}
    assert {"NP-004", "NP-007", "NP-008"} <= rules and len(rules) >= 6


def test_a_paxlst_screens_like_a_csv_of_the_fields_it_carries(
    screened: dict[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    # A PAXLST carries no ticket type, return date, visa or agent group, so it is compared with the same
    # travellers in a CSV holding only the fields a PAXLST has (name parts, sex, birth date, nationality,
    # passport and expiry, booking reference, flight, ports, departure date), not with the full manifest.
    assert "NAD+FL+++O?'NEIL:MARY'" in write_paxlst(tmp_path / "pax.edi").read_text(encoding="utf-8")
    assert compared(screened["ga820_sv817.edi"]) == compared(screened["paxlst_fields.csv"])
    assert any(item["match"] for item in screened["ga820_sv817.edi"])


def test_rows_keep_their_file_lines_in_warnings_in_every_format(screened: dict[str, list[dict[str, object]]]) -> None:
    # Traveller 13's birth date is impossible: each format names where that row is in its own file.
    expected = {
        "comma_utf8.csv": "line 14",  # header on line 1
        "semicolon_cp1252.csv": "line 14",
        "agent.xlsx": "row 16",  # title on row 1, blank row 2, header on row 3
        "export.parquet": "row 14",  # numbered as the same table exported to CSV
        "api.json": "item 13",
        "api.jsonl": "line 13",
        "ga820_sv817.edi": "passenger 13",
    }
    for name, place in expected.items():
        warnings = screened[name][12]["warnings"]
        assert any(w.startswith(f"{place}: date_of_birth '") for w in warnings), (name, warnings)


# --- bad input, one clean sentence each -------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture registry imported once: screening it skips preparing the export in every test."""
    folder = tmp_path_factory.mktemp("store")
    imported = runner.invoke(
        app,
        ["registry", "import", str(FIXTURES / "registry_small.csv"), "--store", str(folder), "--today", TODAY],
        env={"CHECKPOINT_HOME": str(folder / "home")},
    )
    assert imported.exit_code == 0, imported.stderr
    return folder


def assert_refused(result: object, name: str, message: str, code: int = 3) -> None:
    """Exit `code`, nothing on stdout, one line on stderr naming the file and saying `message`."""
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("checkpoint: ") and result.stderr.count("\n") == 1, result.stderr
    assert name in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


REGISTRY_HEADER = "record_id,full_name,sex,date_of_birth,destination_country\n"
MANIFEST_HEADER = "No.,Name,Sex,DOB,Passport No.,Destination\n"


def garbage() -> bytes:
    return random.Random(5).randbytes(4096)


#: name → (file bytes, expected message), the same for a manifest and a registry export.
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.csv": (b"", "is empty; expected a header row and data rows"),
    "blank_lines.csv": (b"\r\n  \n\t\n", "is empty; expected a header row and data rows"),
    "garbage.csv": (garbage(), "is a binary file, not a text table"),
    "garbage.xlsx": (garbage(), "is not a format checkpoint reads"),
    "garbage.parquet": (b"PAR1" + garbage(), "is not a readable Parquet file"),
    "prose.xlsx": (b"Please find the passenger list attached\n", "is not a format checkpoint reads"),
    "old_excel.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "old-style (.xls) or password-protected"),
    "broken_utf16.csv": (b"\xff\xfe" + "No.,Name\n1,SITI\n".encode("utf-16-le") + b"\x00", "is not readable UTF-16"),
    "cut_json.json": (b'[{"full_name": "SITI", ', "is not valid JSON (line 1)"),
    "cut_quote.csv": (MANIFEST_HEADER.encode() + b'1,"AMINAH/SITI MRS,F\n2,X,M\n', "near line 2; check the quoting"),
    "extra_cells.csv": (MANIFEST_HEADER.encode() + b"1,A/B,F,,,KUL\n2,C/D,M,,,KUL,X,Y\n", "line 3 has 8 cells"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_an_unreadable_manifest_is_one_sentence_and_exit_3(store: Path, tmp_path: Path, name: str) -> None:
    data, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    assert_refused(screen(store, path, "--format", "csv"), name, message)


@pytest.mark.parametrize("name", BAD_FILES)
def test_an_unreadable_registry_export_is_one_sentence_and_exit_3(tmp_path: Path, name: str) -> None:
    data, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    assert_refused(import_registry(path, tmp_path / "store"), name, message)
    assert not (tmp_path / "store" / "current.json").exists()


def test_a_missing_file_and_a_folder(store: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    assert_refused(screen(store, missing), "nowhere.csv", "does not exist")
    assert_refused(import_registry(missing, tmp_path / "store"), "nowhere.csv", "does not exist")
    folder = tmp_path / "exports.csv"
    folder.mkdir()
    assert_refused(screen(store, folder), "exports.csv", "is a folder, not a file")
    assert_refused(import_registry(folder, tmp_path / "store"), "exports.csv", "is a folder, not a file")


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("header_only.csv", lambda path: path.write_text(MANIFEST_HEADER, encoding="utf-8")),
        ("header_and_blanks.csv", lambda path: path.write_text(MANIFEST_HEADER + ",,,,,\n\n", encoding="utf-8")),
        ("header_only.xlsx", lambda path: write_xlsx(path, [])),
        ("header_only.parquet", lambda path: pd.DataFrame(columns=list(HEADER), dtype=object).to_parquet(path)),
        ("no_passengers.edi", lambda path: path.write_text("UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'")),
    ],
)
def test_a_manifest_with_a_header_and_no_rows(
    store: Path, tmp_path: Path, name: str, write: Callable[[Path], object]
) -> None:
    path = tmp_path / name
    write(path)
    message = "holds no passenger (NAD+FL) segment" if name.endswith(".edi") else "has a header but no traveller rows"
    assert_refused(screen(store, path), name, message)


def test_a_registry_export_with_a_header_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "header_only.csv"
    path.write_text(REGISTRY_HEADER, encoding="utf-8")
    assert_refused(import_registry(path, tmp_path / "store"), "header_only.csv", "has no usable registry rows")


def test_missing_columns(store: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "no_names.csv"
    manifest.write_text("No.,Sex,DOB,Destination\n1,F,17MAY90,KUL\n", encoding="utf-8")
    assert_refused(screen(store, manifest), "no_names.csv", "has no name or passport column")
    export = tmp_path / "partial_export.csv"
    export.write_text("record_id,full_name,sex\nSP2MI-1,SITI AMINAH,F\n", encoding="utf-8")
    assert_refused(
        import_registry(export, tmp_path / "store"),
        "partial_export.csv",
        "lacks the required registry columns date_of_birth, destination_country",
    )


def test_files_above_the_size_limit_are_refused_before_reading(store: Path, tmp_path: Path) -> None:
    # The real limits, cheaply: a text file is measured by its size, so a sparse file (a hole, no disk)
    # trips them; a workbook by what it unpacks to, so a small ZIP of blanks does. Nothing of them is read.
    # Screening reads the prepared store, which no limit applies to; nor to a registry export in CSV or Parquet,
    # which is read a slice at a time (this one, all NULs, is then found to be no text at all).
    manifest = tmp_path / "big.csv"
    export = tmp_path / "big_export.csv"
    for path, size in ((manifest, MANIFEST_MAX_BYTES + MIB), (export, REGISTRY_MAX_BYTES + MIB)):
        with path.open("wb") as handle:
            handle.truncate(size)
    refused = "checkpoint reads into memory at once; split it into smaller files"
    assert_refused(screen(store, manifest), "big.csv", f"is 201 MB, more than the 200 MB {refused}")
    assert_refused(import_registry(export, tmp_path / "new_store"), "big_export.csv", "is a binary file")
    workbook = tmp_path / "big.xlsx"
    with (
        zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet,
    ):
        for _ in range(MANIFEST_MAX_BYTES // MIB + 1):
            sheet.write(b" " * MIB)
    assert workbook.stat().st_size < 2 * MIB  # the file fits, what it unpacks to does not
    assert_refused(screen(store, workbook), "big.xlsx", "holds 201 MB of data once unpacked, more than the 200 MB")


# --- input that is read, with a warning or a note -------------------------------------------------------------


def test_a_csv_saved_with_an_xlsx_name_is_read_and_noted(store: Path, registry_csv: Path, tmp_path: Path) -> None:
    path = tmp_path / "manifest.xlsx"
    path.write_text(MANIFEST_HEADER + "1,AMINAH/SITI MRS,F,17MAY90,B1234567,KUL\n", encoding="utf-8")
    result = screen(store, path, "--format", "jsonl")
    assert result.exit_code in (0, 1), result.stderr
    assert "note: manifest.xlsx is named .xlsx but holds delimited text; read as such" in result.stderr
    assert json.loads(result.stdout)["match"]["record_id"] == "SP2MI-0000001"
    export = tmp_path / "export.xlsx"
    export.write_bytes(registry_csv.read_bytes())
    imported = import_registry(export, tmp_path / "store")
    assert imported.exit_code == 0, imported.stderr
    assert "imported 7 records from export.xlsx" in imported.stdout


ACCENTED = "Name,Passport No.,Destination\nLÉGER/ANDRÉ MR,PX1,KUL\n"


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (ACCENTED.encode("cp1252"), "read as cp1252"),
        (ACCENTED.encode("latin-1"), "read as cp1252"),
        (("\ufeff" + ACCENTED).encode("utf-16-le"), "read as utf-16"),
        (ACCENTED.encode("utf-16-le"), "read as utf-16-le"),  # no BOM: told by the NULs of its ASCII
        (ACCENTED.encode("utf-16-be"), "read as utf-16-be"),
        (("\ufeff" + ACCENTED).encode(), None),
        (ACCENTED.encode(), None),
    ],
    ids=["cp1252", "latin-1", "utf-16-bom", "utf-16-le", "utf-16-be", "utf-8-bom", "utf-8"],
)
def test_manifests_in_other_encodings_are_read(store: Path, tmp_path: Path, data: bytes, note: str | None) -> None:
    path = tmp_path / "pax.csv"
    path.write_bytes(data)
    result = screen(store, path, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["warnings"] == []
    assert (f"note: pax.csv {note}" in result.stderr) if note else ("read as" not in result.stderr)


def test_a_one_megabyte_name_is_a_warning_not_a_hang(store: Path, tmp_path: Path) -> None:
    # 142,858 distinct name-like tokens: what costs time when a name is compared token by token.
    huge = " ".join(islice(map("".join, product("ABDEGHIKMNRSTUWY", repeat=6)), 142_858))
    assert len(huge) >= 1_000_000
    manifest = tmp_path / "long.csv"
    rows = f"1,{huge},F,17MAY90,,KUL\n2,AMINAH/SITI MRS,F,17MAY90,B1234567,KUL\n"
    manifest.write_text(MANIFEST_HEADER + rows, encoding="utf-8")
    result = screen(store, manifest, "--format", "jsonl")
    assert result.exit_code == 1, result.stderr  # the first row has no usable name left: refer
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["warnings"][0] == (
        f"line 2: name is {len(huge):,} characters long (at most 200 read); treated as missing"
    )
    assert first["verdict"] == "refer" and second["match"]["record_id"] == "SP2MI-0000001"
    assert len(result.stdout) < 10_000  # the cell is never echoed
    export = tmp_path / "long_export.csv"
    records = f"SP2MI-9,{'X' * 1_000_000},F,1990-01-01,MYS\nSP2MI-8,SITI,F,1990-01-01,MYS\n"
    export.write_text(REGISTRY_HEADER + records, encoding="utf-8")
    imported = import_registry(export, tmp_path / "store")
    assert imported.exit_code == 0, imported.stderr
    assert "Traceback" not in imported.stdout + imported.stderr


FORMULAS = ('=HYPERLINK("http://example.invalid","open")', "+1", "@SUM(A1:A9)", "-2+3", "=1+1")


def test_formula_like_cells_come_out_escaped_in_csv(store: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "formulas.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pax_id", "full_name", "sex", "date_of_birth", "destination", "visa_type"])
        for formula in FORMULAS:
            writer.writerow([formula, formula, formula, formula, "KUL", formula])
    result = screen(store, manifest, "--format", "csv")
    assert result.exit_code in (0, 1), result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [row[0] for row in rows[1:]] == ["'" + formula for formula in FORMULAS]
    dangerous = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    assert "Traceback" not in result.stdout + result.stderr
