"""The screening spine: read, match (shared among processes), rules, audit log; nothing returned unlogged."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest

from checkpoint import pipeline
from checkpoint.audit import verify
from checkpoint.engine import default_pack_path, load_pack
from checkpoint.errors import AuditError, ConfigError, InputDataError
from checkpoint.i18n import text
from checkpoint.manifests import read_manifest
from checkpoint.matching import EvidenceMatcher
from checkpoint.models import Verdict
from checkpoint.pipeline.processes import can_fork
from checkpoint.registry import Registry, open_registry

from support.processes import assert_reaped, started_workers

TODAY = date(2026, 11, 28)
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FLIGHT = SAMPLE / "flight_cgk_kul.csv"  # 298 rows: several chunks of work


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    home = tmp_path_factory.mktemp("home")
    return open_registry(SAMPLE / "registry.parquet", home, today=TODAY)


def entries(log: Path) -> list[dict[str, object]]:
    """The log's entries without the time and the hash that chains it in."""
    lines = [json.loads(line) for line in log.read_bytes().splitlines()]
    return [{key: value for key, value in line.items() if key not in ("time", "prev")} for line in lines]


def test_a_manifest_gives_the_same_results_and_entries_for_any_number_of_processes(
    registry: Registry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="checkpoint.pipeline.processes")
    runs, logs = [], []
    for workers in (1, 2, 3):
        log = tmp_path / f"audit{workers}.jsonl"
        runs.append(pipeline.screen_manifest(FLIGHT, registry, today=TODAY, audit_log=log, workers=workers))
        logs.append(entries(log))
    assert runs[0].results == runs[1].results == runs[2].results
    assert len(runs[0].results) == 298 and logs[0] == logs[1] == logs[2]
    started = started_workers(caplog)
    assert [len(pids) for pids in started] == ([1, 2] if can_fork() else [])  # the work was shared indeed
    for pids in started:  # and no child is left behind
        assert_reaped(pids)


def test_a_manifest_screened_is_the_travellers_screened(registry: Registry, tmp_path: Path) -> None:
    travellers = read_manifest(FLIGHT, today=TODAY).travellers
    pack = load_pack(default_pack_path())
    whole = pipeline.screen_manifest(FLIGHT, registry, today=TODAY, audit_log=tmp_path / "a.jsonl")
    read = pipeline.screen(travellers, registry, pack, today=TODAY, audit_log=tmp_path / "b.jsonl")
    alone = pipeline.screen_travellers(travellers, registry, pack, today=TODAY)
    assert whole.results == read.results == tuple(alone)
    assert entries(tmp_path / "a.jsonl") == entries(tmp_path / "b.jsonl")
    assert whole.exit_code == 1 and (whole.pack_name, whole.registry_snapshot) == (pack.name, registry.info.snapshot_id)


def test_match_on_several_processes_is_the_matcher_alone(registry: Registry) -> None:
    travellers = read_manifest(FLIGHT, today=TODAY).travellers
    assert pipeline.match(travellers, registry, workers=2) == EvidenceMatcher().match(registry, travellers)


def test_a_row_that_cannot_be_looked_up_is_referred_never_clear(registry: Registry, tmp_path: Path) -> None:
    pack = load_pack(default_pack_path())
    nobody = pipeline.desk_traveller({"destination": "KUL"}, today=TODAY)
    run = pipeline.screen([nobody], registry, pack, today=TODAY, audit_log=tmp_path / "a.jsonl")
    assert run.results[0].verdict is Verdict.REFER and run.exit_code == 1
    assert text(pipeline.UNSCREENABLE) in run.results[0].warnings


def test_nothing_is_logged_when_the_pack_or_the_log_fails(
    registry: Registry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="checkpoint.pipeline.processes")
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: {name: x, version: '1'}\npolicy: {refer_at: 50, hold_at: 10}\nrules: []\n", encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    with pytest.raises(ConfigError):
        pipeline.screen_manifest(FLIGHT, registry, pack, today=TODAY, audit_log=log, workers=2)
    assert not log.exists()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(AuditError):
        pipeline.screen_manifest(FLIGHT, registry, today=TODAY, audit_log=blocker / "audit.jsonl", workers=2)
    started = started_workers(caplog)
    assert len(started) == (2 if can_fork() else 0)
    for pids in started:  # the workers already matching were stopped and reaped
        assert_reaped(pids)


def test_an_unreadable_manifest_is_an_input_error_before_anything_is_logged(registry: Registry, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("full_name,passport_number\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="no traveller rows"):
        pipeline.screen_manifest(empty, registry, today=TODAY, audit_log=tmp_path / "a.jsonl")
    assert not (tmp_path / "a.jsonl").exists()


def test_the_desk_screens_one_traveller_and_logs_it(registry: Registry, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    cells = {"full_name": "SRI WAHYUNI", "date_of_birth": "06/02/2002", "sex": "F", "passport_number": "C5586812"}
    run = pipeline.screen_desk(cells, registry, today=TODAY, audit_log=log, officer=pipeline.Officer("o1", "CGK"))
    assert len(run.results) == 1 and run.results[0].pax_id == "1"
    assert verify(log).entries == 1
    assert entries(log)[0]["officer"] == "o1" and entries(log)[0]["post"] == "CGK"
