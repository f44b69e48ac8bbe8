"""An export file made into a registry: prepared in memory (`build`, what `registry import` stores), or used
directly with `--registry` (`load_registry_file`), whose prepared form is kept in the cache and reused while the
file, the code and the screening date stay the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checkpoint import __version__
from checkpoint.durable import make_private_folder
from checkpoint.errors import ConfigError, InputDataError
from checkpoint.home import registry_cache_dir
from checkpoint.i18n import text
from checkpoint.progress import SILENT, Progress
from checkpoint.registry.derive import fingerprint
from checkpoint.registry.files import (
    SNAPSHOT_SUFFIXES,
    SUFFIX,
    is_records_file,
    read_sidecar_or_none,
    read_snapshot,
    save_snapshot,
)
from checkpoint.registry.leftovers import writing
from checkpoint.registry.snapshot import Registry, SnapshotInfo

#: Prepared forms of export files given with --registry kept in the cache, the newest first.
_KEEP_PREPARED = 2


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Built:
    """An export prepared in memory: the registry, its rejected rows and what the import should say."""

    registry: Registry
    rejects: Any
    notes: tuple[str, ...]


def build_registry(
    path: Path,
    *,
    today: date,
    sha256: str | None = None,
    exported_at: date | None = None,
    progress: Progress = SILENT,
) -> tuple[Registry, Any]:
    """Read and prepare an export file into an in-memory registry; also return the rejected rows.

    `sha256` is the file's checksum when the caller already computed it (a large export is read once less);
    `exported_at` the export date given by the officer (else read from the file: `exported.py`).
    """
    built = build(path, today=today, sha256=sha256, exported_at=exported_at, progress=progress)
    return built.registry, built.rejects


def build(path: Path, *, today: date, sha256: str | None, exported_at: date | None, progress: Progress) -> Built:
    from checkpoint.registry.exported import ExportedFrom
    from checkpoint.registry.stream import prepare_export  # pandas: only when an export is prepared

    # The file is read first: it says clearly when the file is unreadable.
    prepared = prepare_export(path, today=today, exported_at=exported_at, progress=progress)
    sha = sha256 or file_sha256(path)
    exported = prepared.exported
    info = SnapshotInfo.made_now(
        path.name,
        sha,
        rows=prepared.table.num_rows,
        rejected=len(prepared.rejects),
        exported_at=exported.day.isoformat() if exported.source is not ExportedFrom.IMPORT else None,
        exported_from=exported.source.value,
    )
    notes = prepared.notes
    said = notes
    if exported.source is ExportedFrom.IMPORT:
        said = (*said, text("registry.import.no_export_date", file=path.name))
    if info.rejected:  # said when the export is used for screening; `registry import` says it its own way
        notes = (text("registry.rejected_note", count=info.rejected), *notes)
    registry = Registry(
        table=prepared.table, info=info, notes=notes, stored_index=prepared.index, stored_keys=prepared.keys
    )
    return Built(registry, prepared.rejects, said)


def load_registry_file(path: Path, *, today: date, progress: Progress = SILENT) -> Registry:
    """A registry from a file: a snapshot written by the store as is, any other export prepared now."""
    if not path.exists():
        raise ConfigError(text("registry.file_missing", path=path))
    if path.suffix.lower() in (".parquet", SUFFIX):
        snapshot = read_snapshot(path)
        if snapshot is not None:
            return snapshot
    try:
        digest: str | None = file_sha256(path)
    except OSError:
        digest = None  # read_table below says what is wrong with the file
    cached = _cache_path(digest, today) if digest else None
    if cached is not None and read_sidecar_or_none(cached) is not None:  # complete, with its checksums
        try:
            snapshot = read_snapshot(cached)
        except ConfigError:  # damaged: prepared again below, and replaced
            snapshot = None
        if snapshot is not None:
            return snapshot
    try:
        registry, _ = build_registry(path, today=today, sha256=digest, progress=progress)
    except InputDataError as error:
        raise ConfigError(text("registry.unusable", reason=error)) from None
    if cached is not None:
        try:  # a cache that cannot be written only costs time next run
            make_private_folder(cached.parent)
            with writing(cached.parent):
                save_snapshot(registry, cached)
            _prune_prepared(cached)
        except OSError:
            pass
    return registry


def _prune_prepared(newest: Path) -> None:
    """Keep the few most recently prepared exports in the cache: each is the size of a snapshot, and an export
    screened every day makes a new one every day (the screening date is part of its key)."""
    folder = newest.parent
    prepared = [path for path in folder.glob(f"*{SUFFIX}") if is_records_file(path.name)]
    prepared.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for old in [path for path in prepared if path != newest][_KEEP_PREPARED - 1 :]:
        key = old.name.removesuffix(SUFFIX)
        for suffix in SNAPSHOT_SUFFIXES:  # a reader that maps one of them keeps its pages until it ends
            (folder / f"{key}{suffix}").unlink(missing_ok=True)


def _cache_path(digest: str, today: date) -> Path:
    """Where the prepared form of an export file is kept, keyed by its content, the code and the date.

    An export given with --registry is normalised once and reused while the file, the tool version and
    the screening date (birth dates are checked against it) stay the same.
    """
    from checkpoint.registry import prepare  # a changed preparer or deriver rebuilds

    code = hashlib.sha256(Path(prepare.__file__).read_bytes()).hexdigest()
    parts = (digest, __version__, str(prepare.PREPARE_VERSION), code, fingerprint(), today.isoformat())
    key = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return registry_cache_dir() / f"{key[:32]}{SUFFIX}"
