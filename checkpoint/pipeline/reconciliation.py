"""A reconciliation from start to finish (SPEC §3.3): files of departures in, the tables out.

    departure files -> read, one file at a time (reconcile/departures.py) -> screen_batches (reconcile/batches.py)
                    -> Parquet parts -> DuckDB: departures, placements, summaries (reconcile/tables.py)

On one machine the files are cut into parts of about equal size, which this process and its forked children
(`pipeline.processes`) read, screen and write, each part to its own Parquet file: no process ever holds more than
one file's travellers and one part's results. Under Spark (`spark.py`) the parts are read here, and the
screening runs on Spark's executors (`reconcile/spark.py`). The tables are built the same way from either.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from checkpoint.errors import InputDataError, OutputError, UsageError
from checkpoint.i18n import current_language, text
from checkpoint.pipeline.processes import Shares, can_fork, usable_cores
from checkpoint.progress import SILENT, Progress
from checkpoint.reconcile.batches import open_once, pack_once, screen_batches
from checkpoint.reconcile.departures import DEPARTURE_SCHEMA, Period, Tally, departure_files, read_departures
from checkpoint.reconcile.tables import PERIOD, TABLES, build_tables, write_records

#: Notes on the files read that a run says (then how many more there were).
FILE_NOTES_SHOWN = 5
#: Parts per process: enough for the processes to even out.
_PARTS_PER_WORKER = 6


@dataclass(frozen=True)
class Reconciliation:
    """What a reconciliation read and wrote."""

    out: Path
    tables: tuple[Path, ...]
    tally: Tally
    snapshot_id: str
    pack_name: str
    pack_version: str
    period: Period
    counts: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """SPEC §2: 3 when a file could not be read (the tables hold the others, the period is not whole),
        else 0 when every departure is clear, 1 when any is refer or hold."""
        if self.tally.unreadable:
            return 3
        return 1 if int(self.counts.get("departures", 0) or 0) > int(self.counts.get("cleared", 0) or 0) else 0


def reconcile(
    paths: Sequence[str | Path],
    period: Period,
    out: Path,
    *,
    registry: Path | None,
    store: Path,
    rules: Path | None = None,
    workers: int | None = None,
    engine: str = "local",
    spark_master: str = "local[2]",
    progress: Progress = SILENT,
) -> Reconciliation:
    """Reconcile the departures at `paths` (files, folders, patterns) in `period` against the registry (`registry`
    file or store, else the store at `store`) with the pack at `rules` (default: the shipped pack), and write the
    tables into `out`. `engine`: `local` (this machine's cores, `workers` processes) or `spark`. `progress` hears
    of each phase."""
    if period.start > period.end:
        raise UsageError(text("reconcile.period_reversed", start=period.start, end=period.end))
    files = departure_files(paths)
    opened = open_once(registry, store, today=period.end)
    pack = pack_once(rules)
    _prepare_out(out)
    work = Path(tempfile.mkdtemp(prefix=".reconcile-", dir=out))
    try:
        (work / "screened").mkdir()
        (work / "duckdb").mkdir()
        tally = Tally()
        share = _ShareOfFiles(files, period, work, registry, store, rules, opened.info.snapshot_id)
        if engine == "spark":
            from checkpoint.reconcile.spark import screen_with_spark

            (work / "departures").mkdir()
            with progress.phase(text("reconcile.progress.reading", files=len(files))):
                for part in _parts(files, 1):
                    tally = _merged(tally, share.stage(part))
            with progress.phase(text("reconcile.progress.spark", master=spark_master)):
                screen_with_spark(
                    work / "departures",
                    work / "screened",
                    snapshot=registry,
                    store=store,
                    rules=rules,
                    period_end=period.end,
                    snapshot_id=opened.info.snapshot_id,
                    master=spark_master,
                )
        else:
            count = workers or usable_cores()
            parts = _parts(files, count if can_fork() else 1)
            shares = Shares(share.screen, parts, min(count, len(parts)) - 1 if can_fork() else 0)
            # The progress display starts once the workers are forked: a child never inherits its drawing thread.
            with shares, progress.phase(text("reconcile.progress.screening", files=len(files))):
                for each in shares.finish():
                    tally = _merged(tally, each)
        if tally.unreadable and not tally.files:
            unread = len(tally.unreadable)
            raise InputDataError(text("reconcile.none_readable", count=unread, reason=tally.unreadable[0]))
        facts = {
            "period_start": period.start,
            "period_end": period.end,
            "files": tally.files,
            "read": tally.read,
            "outside_period": tally.outside,
            "undated": tally.undated,
            "unreadable_files": len(tally.unreadable),
            "snapshot_id": opened.info.snapshot_id,
            "rule_pack": f"{pack.name}@{pack.version}",
        }
        with progress.phase(text("reconcile.progress.tables", departures=tally.kept)):
            records = work / "records.parquet"
            try:
                write_records(opened, records)
                _empty_part_if_none(work / "screened")
                build_tables(work / "screened", records, out, work, facts=facts)
            except OSError as error:
                raise _cannot_write(out, error) from None
        counts = pq.read_table(out / PERIOD).to_pylist()[0]
        counts["cleared"] = _cleared(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # What the files said of themselves (a date column read day-first, an unknown column), the first few: a
    # month of ferry lists would otherwise say the same of each of thousands of files.
    read_notes = list(dict.fromkeys(tally.notes))
    notes = read_notes[:FILE_NOTES_SHOWN]
    if len(read_notes) > FILE_NOTES_SHOWN:
        notes.append(text("reconcile.more_notes", count=len(read_notes) - FILE_NOTES_SHOWN))
    if tally.outside:
        notes.insert(0, text("reconcile.outside", count=tally.outside, start=period.start, end=period.end))
    if tally.undated:
        notes.insert(0, text("reconcile.undated", count=tally.undated))
    if tally.unreadable:  # first: the period is not whole until these files are mended and read again
        reasons = tally.unreadable[:FILE_NOTES_SHOWN]
        if len(tally.unreadable) > FILE_NOTES_SHOWN:
            reasons.append(text("reconcile.more_unreadable", count=len(tally.unreadable) - FILE_NOTES_SHOWN))
        notes[:0] = [text("reconcile.unreadable", count=len(tally.unreadable)), *reasons]
    return Reconciliation(
        out=out,
        tables=tuple(out / name for name in TABLES),
        tally=tally,
        snapshot_id=opened.info.snapshot_id,
        pack_name=pack.name,
        pack_version=pack.version,
        period=period,
        counts=counts,
        notes=(*opened.notes, *notes),
    )


@dataclass(frozen=True)
class _ShareOfFiles:
    """The work on a run of files (a part), done by whichever process claims it."""

    files: Sequence[Path]
    period: Period
    work: Path
    snapshot: Path | None
    store: Path
    rules: Path | None
    snapshot_id: str

    @property
    def out(self) -> Path:
        """The folder the tables go to: the work folder is made inside it."""
        return self.work.parent

    def screen(self, part: range) -> list[Tally]:
        """Read, screen and write the files of `part` as one Parquet file of results."""
        from checkpoint.reconcile.batches import RESULT_SCHEMA

        tally = Tally()
        tables = read_departures((self.files[at] for at in part), self.period, tally)
        batches = (batch for table in tables for batch in table.to_batches())
        screened = screen_batches(
            self.snapshot,
            self.rules,
            batches,
            store=self.store,
            period_end=self.period.end,
            language=current_language(),
            snapshot_id=self.snapshot_id,
        )
        _write_part(self.work / "screened" / f"part-{part.start:07d}.parquet", RESULT_SCHEMA, screened, self.out)
        return [tally]

    def stage(self, part: range) -> Tally:
        """Read the files of `part` into one Parquet file of departures (for an engine that screens them)."""
        tally = Tally()
        tables = read_departures((self.files[at] for at in part), self.period, tally)
        batches = (batch for table in tables for batch in table.to_batches())
        _write_part(self.work / "departures" / f"part-{part.start:07d}.parquet", DEPARTURE_SCHEMA, batches, self.out)
        return tally


def _write_part(path: Path, schema: pa.Schema, batches: object, out: Path) -> None:
    """Batches into a Parquet file, written under a temporary name and renamed when whole; an OutputError
    naming `out` when it cannot be written (a full disk)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
            for batch in batches:  # type: ignore[attr-defined]
                writer.write_batch(batch)
        temporary.replace(path)
    except OSError as error:
        raise _cannot_write(out, error) from None


def _cannot_write(out: Path, error: OSError) -> OutputError:
    """The error for tables that cannot be written into `out`, with the system's reason (pyarrow's errors carry
    the errno under a longer text)."""
    reason = os.strerror(error.errno) if error.errno else (error.strerror or str(error))
    return OutputError(text("reconcile.cannot_write", out=out, reason=reason))


def _parts(files: Sequence[Path], workers: int) -> list[range]:
    """The files cut into runs of about equal bytes: `_PARTS_PER_WORKER` per worker (fewer when there are fewer
    files), one run each when there is one worker and few files."""
    sizes = [max(1, _size(path)) for path in files]
    wanted = max(1, min(len(files), workers * _PARTS_PER_WORKER))
    target = sum(sizes) / wanted
    parts, start, held = [], 0, 0
    for at, size in enumerate(sizes):
        held += size
        if held >= target and at + 1 < len(files):
            parts.append(range(start, at + 1))
            start, held = at + 1, 0
    parts.append(range(start, len(files)))
    return parts


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _merged(total: Tally, part: Tally) -> Tally:
    return Tally(
        files=total.files + part.files,
        read=total.read + part.read,
        kept=total.kept + part.kept,
        outside=total.outside + part.outside,
        undated=total.undated + part.undated,
        notes=[*total.notes, *part.notes],
        unreadable=[*total.unreadable, *part.unreadable],
    )


def _empty_part_if_none(folder: Path) -> None:
    """An empty results file when no departure was in the period, so that the tables still have their columns."""
    from checkpoint.reconcile.batches import RESULT_SCHEMA

    if not any(folder.glob("*.parquet")):
        pq.write_table(RESULT_SCHEMA.empty_table(), folder / "part-empty.parquet")


def _cleared(out: Path) -> int:
    verdicts = pq.read_table(out / TABLES[0], columns=["verdict"]).column("verdict")
    return int(pa.compute.sum(pa.compute.equal(verdicts, "clear")).as_py() or 0)


def _prepare_out(out: Path) -> None:
    """`out` as a folder to write into (created when missing); UsageError when it is a file."""
    if out.exists() and not out.is_dir():
        raise UsageError(text("reconcile.out_is_a_file", out=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(out, error) from None
