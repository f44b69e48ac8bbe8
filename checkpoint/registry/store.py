"""The local registry store: immutable snapshots, a pointer to the current one, and nothing half-written.

Layout under `$CHECKPOINT_HOME/registry/`:
  snapshots/<snapshot_id>.arrow           normalised records + derived columns (`files.py`)
  snapshots/<snapshot_id>.index.arrow     the blocking index: key hashes sorted, with the row of each
  snapshots/<snapshot_id>.keys.arrow      the name-key vocabulary and how many records carry each key
  snapshots/<snapshot_id>.dead.arrow      a layered snapshot's base rows no longer live (`files.py`)
  snapshots/<snapshot_id>.checksums.json  the xxh3-128 checksums of those files (`integrity.py`)
  snapshots/<snapshot_id>.rejects.csv     rows of the export that could not be used, with a reason each
  current.json                            which snapshot screening uses, with its checksums
  .writers.lock, snapshots/.writers.lock  held by whoever writes in the folder (`leftovers.py`)

Snapshots are memory-mapped, not read: opening a million-record snapshot costs milliseconds, and
screening touches only the index pages it searches and the rows it compares.

An import writes the new snapshot completely (`durable.write_atomically`: temporary file, fsync, rename,
fsync of the folder) before it moves the pointer, the same way: a crash at any moment leaves the previous
snapshot in use, and what the crash left half-written is removed by the next import or screening.
`registry use` moves the pointer back to a snapshot kept, once its bytes are checked.

A change file (`import_changes`) makes a layered snapshot: only its delta is written, over the last full
import's files (its base), which pruning keeps as long as a kept snapshot is layered on it.

An import cannot quietly shrink the registry or store it twice: an export whose usable records fall short of
the current snapshot's by more than `DEFAULT_MAX_SHRINK` (a partial export, a column gone wrong) is refused
unless the officer allows it, and an export whose bytes a kept snapshot already holds is not prepared again
(that snapshot is, or becomes again, the current one). The export date (`exported.py`) is kept in the
snapshot's description, so that screening can say when the records are older than the rule pack allows.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint.durable import make_private_folder, write_atomically
from checkpoint.errors import CheckpointError, ConfigError, InputDataError
from checkpoint.home import registry_cache_dir
from checkpoint.i18n import text
from checkpoint.progress import SILENT, Progress
from checkpoint.registry.derive import fingerprint
from checkpoint.registry.exports import build, file_sha256, load_registry_file
from checkpoint.registry.files import (
    SNAPSHOT_SUFFIXES,
    SUFFIX,
    Checked,
    Integrity,
    base_of,
    check_snapshot,
    derived_by,
    is_records_file,
    read_info,
    read_snapshot,
    require_intact,
    save_snapshot,
    snapshot_id_of,
)
from checkpoint.registry.integrity import Checksums
from checkpoint.registry.leftovers import remove_leftovers, writing
from checkpoint.registry.snapshot import Registry, SnapshotInfo

if TYPE_CHECKING:
    from checkpoint.registry.changes import ChangeCounts

_POINTER = "current.json"
_KEEP_SNAPSHOTS = 3
#: Pieces of a snapshot without its records file are removed once this old: an import (of any version) that
#: is still writing the records file never takes this long between its index and its records.
_ORPHAN_SECONDS = 600


#: Held while a change file is applied (`import_changes`), and how long another waits for it.
_CHANGES_LOCK = ".changes.lock"
_CHANGES_WAIT_SECONDS = 300.0

#: The share of the current snapshot's records an import may drop without --allow-shrink (`import_registry`).
DEFAULT_MAX_SHRINK = 0.10


class ImportStored(StrEnum):
    """What an import did with the export: stored it, or found it kept already (an identical export is not
    stored twice)."""

    NEW = "new"  # a new snapshot, now current
    ALREADY_CURRENT = "already current"  # the current snapshot holds this very export: nothing changed
    CURRENT_AGAIN = "current again"  # an older snapshot kept holds it: that one is current again


@dataclass(frozen=True)
class ImportReport:
    """What `registry import` did."""

    info: SnapshotInfo
    snapshot_path: Path
    rejects_path: Path | None
    notes: tuple[str, ...]
    stored: ImportStored = ImportStored.NEW


class RegistryShrinkError(InputDataError):
    """An import would drop more of the current snapshot's records than allowed: the export is suspect (a
    partial export, a broken column), not the store, which stays as it was (exit 3, as for any input file
    that cannot be used)."""


def import_registry(
    source: Path,
    store: Path,
    *,
    today: date,
    exported_at: date | None = None,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
    progress: Progress = SILENT,
) -> ImportReport:
    """Prepare an export and make it the store's current snapshot, atomically.

    An export whose bytes a kept snapshot holds already is not stored twice: that snapshot is (or becomes
    again) the current one. An export that would leave fewer records than the current snapshot holds, by more
    than `max_shrink` of them, is refused (`RegistryShrinkError`) unless `allow_shrink`.
    """
    removed = tidy_store(store)
    tidied = (text("registry.import.tidied", count=len(removed), store=store),) if removed else ()
    current = _current_info(store)
    with progress.phase(text("registry.progress.comparing", file=source.name)):
        try:
            sha: str | None = file_sha256(source)
        except OSError:
            sha = None  # read_table says what is wrong with the file
        kept = _kept_export(store, sha) if sha is not None else None
    if kept is not None:
        kept_day = read_info(kept).exported_at
        if exported_at is not None and exported_at.isoformat() != kept_day:
            key = "registry.import.export_date_kept" if kept_day else "registry.import.export_date_kept_none"
            tidied = (*tidied, text(key, given=exported_at.isoformat(), kept=kept_day))
        return _import_again(store, kept, current, max_shrink=max_shrink, allow_shrink=allow_shrink, notes=tidied)
    built = build(source, today=today, sha256=sha, exported_at=exported_at, progress=progress)
    registry, rejects = built.registry, built.rejects
    if registry.info.rows == 0:
        raise InputDataError(text("registry.import.no_rows", file=source.name))
    if not allow_shrink:
        _refuse_shrink(registry.info, current, max_shrink, rejects)
    snapshot_path, rejects_path = _store_snapshot(store, registry, rejects, progress)
    return ImportReport(registry.info, snapshot_path, rejects_path, (*built.notes, *tidied))


def _store_snapshot(store: Path, registry: Registry, rejects: Any, progress: Progress) -> tuple[Path, Path | None]:
    """Write a new snapshot (records, index, checksums, rejects) and make it current, the pointer moved last;
    prune the oldest kept. The snapshot's and the rejects' paths."""
    snapshots = store / "snapshots"
    try:
        make_private_folder(snapshots)
        snapshot_path = snapshots / f"{registry.info.snapshot_id}{SUFFIX}"
        rejects_path = None
        with progress.phase(text("registry.progress.writing", count=registry.info.rows)), writing(snapshots):
            checksums = save_snapshot(registry, snapshot_path)
            if len(rejects):
                rejects_path = snapshots / f"{registry.info.snapshot_id}.rejects.csv"
                write_atomically(rejects_path, lambda handle: handle.write(rejects.to_csv(index=False).encode()))
        _write_pointer(store, snapshot_path, checksums)
    except OSError as error:
        raise ConfigError(text("registry.store_unwritable", store=store, reason=error.strerror)) from None
    _prune(snapshots, keep=registry.info.snapshot_id, current=_current_id(store))
    return snapshot_path, rejects_path


@dataclass(frozen=True)
class ChangesReport:
    """What `registry import --changes` did: the new snapshot (or the current one, when it holds this very
    change file already), the counts and where the rows set aside are."""

    info: SnapshotInfo
    snapshot_path: Path
    rejects_path: Path | None
    counts: ChangeCounts | None  # None: nothing was done, the current snapshot holds these changes
    notes: tuple[str, ...]


def import_changes(
    source: Path,
    store: Path,
    *,
    today: date,
    exported_at: date | None = None,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
    progress: Progress = SILENT,
    compact_share: float | None = None,
) -> ChangesReport:
    """Apply a change file (`changes.py`) to the store's current snapshot and make the result current,
    atomically. A change file that deletes more than `max_shrink` of the records is refused
    (`RegistryShrinkError`) unless `allow_shrink`; one the current snapshot was made from is not applied twice.
    The result is layered on the last full import unless its delta exceeds `compact_share` of it (default:
    `changes.COMPACT_SHARE`)."""
    from checkpoint.filelocks import LockTimeout, exclusive

    _read_pointer(store)  # a store never imported into says so first
    try:
        # One change file at a time: two applied to the same snapshot at once would each lose the other's.
        with exclusive(store / _CHANGES_LOCK, _CHANGES_WAIT_SECONDS):
            shrink = (max_shrink, allow_shrink)
            return _import_changes(source, store, today, exported_at, shrink, compact_share, progress)
    except LockTimeout:
        raise ConfigError(text("registry.changes.busy", store=store)) from None
    except OSError as error:
        raise ConfigError(text("registry.store_unwritable", store=store, reason=error.strerror)) from None


def _import_changes(
    source: Path,
    store: Path,
    today: date,
    exported_at: date | None,
    shrink: tuple[float, bool],
    compact_share: float | None,
    progress: Progress,
) -> ChangesReport:
    from checkpoint.registry.changes import COMPACT_SHARE, apply_changes
    from checkpoint.registry.exported import ExportedFrom, export_date
    from checkpoint.sources import read_table

    removed = tidy_store(store)
    notes = (text("registry.import.tidied", count=len(removed), store=store),) if removed else ()
    current = open_store(store)
    raw = read_table(source, max_bytes=None)  # a day's changes: thousands of rows, read whole
    sha = file_sha256(source)
    if current.info.source_sha256 == sha:
        path = current_snapshot_path(store)
        rejects = path.with_name(f"{current.info.snapshot_id}.rejects.csv")
        return ChangesReport(current.info, path, rejects if rejects.exists() else None, None, notes)
    with progress.phase(text("registry.progress.changing", file=source.name, count=current.size)):
        compact = COMPACT_SHARE if compact_share is None else compact_share
        applied = apply_changes(current, raw, today=today, compact_share=compact)
    exported = export_date(raw, source.name, given=exported_at, today=today)
    if exported.source is ExportedFrom.IMPORT:  # the records are no fresher than the snapshot changed
        day, where = current.info.exported_at, current.info.exported_from
        notes = (*notes, text("registry.changes.no_export_date", file=source.name))
    else:
        day, where = exported.day.isoformat(), exported.source.value
    info = SnapshotInfo.made_now(
        source.name,
        sha,
        rows=applied.changed.size,
        rejected=applied.counts.rejected,
        exported_at=day,
        exported_from=where,
    )
    max_shrink, allow_shrink = shrink
    if not allow_shrink and info.rows < current.size * (1 - max_shrink):
        share = f"{100 * (current.size - info.rows) / current.size:.0f}"
        params = {"file": source.name, "count": applied.counts.deleted, "current": current.size}
        allowed = f"{100 * max_shrink:g}"
        raise RegistryShrinkError(text("registry.changes.shrink", **params, share=share, allowed=allowed))
    if _current_id(store) != current.info.snapshot_id:  # a full import landed meanwhile: not changed blindly
        raise ConfigError(text("registry.changes.moved", store=store, snapshot_id=current.info.snapshot_id))
    registry = applied.changed.registry(info)
    snapshot_path, rejects_path = _store_snapshot(store, registry, applied.rejects, progress)
    return ChangesReport(info, snapshot_path, rejects_path, applied.counts, (*applied.notes, *notes))


def _current_info(store: Path) -> SnapshotInfo | None:
    """The current snapshot's description, or None when there is none to compare with (a first import, or a
    store too damaged to say: the import then replaces it)."""
    try:
        return store_info(store)
    except ConfigError:
        return None


def _kept_export(store: Path, sha256: str) -> Path | None:
    """The newest snapshot kept that holds this export (same bytes), prepared by this code and intact, if any:
    importing the export again is how a damaged snapshot is replaced."""
    for path in sorted(_records_files(store), reverse=True):
        try:
            info = read_info(path)
        except ConfigError:
            continue
        same = info.source_sha256 == sha256 and derived_by(path) == fingerprint()
        if same and check_snapshot(path, fresh=True).integrity is Integrity.VERIFIED:
            return path
    return None


def _import_again(
    store: Path,
    path: Path,
    current: SnapshotInfo | None,
    *,
    max_shrink: float,
    allow_shrink: bool,
    notes: tuple[str, ...],
) -> ImportReport:
    """An export already kept: nothing is stored; the snapshot that holds it is current (again)."""
    info = read_info(path)
    rejects = path.with_name(f"{info.snapshot_id}.rejects.csv")
    rejects_path = rejects if rejects.exists() else None
    if current is not None and current.snapshot_id == info.snapshot_id:
        return ImportReport(info, path, rejects_path, notes, ImportStored.ALREADY_CURRENT)
    if not allow_shrink:
        _refuse_shrink(info, current, max_shrink, None)
    info, said = use_snapshot(store, info.snapshot_id)
    return ImportReport(info, path, rejects_path, (*said, *notes), ImportStored.CURRENT_AGAIN)


def _refuse_shrink(new: SnapshotInfo, current: SnapshotInfo | None, max_shrink: float, rejects: Any) -> None:
    """Refuse an import that would drop more than `max_shrink` of the current snapshot's records, saying how
    many rows were rejected and why most were (the commonest reason), when rejects caused it."""
    if current is None or new.rows >= current.rows * (1 - max_shrink):
        return
    params: dict[str, Any] = {
        "file": new.source_name,
        "count": new.rows,
        "current": current.rows,
        "snapshot_id": current.snapshot_id,
        "share": f"{100 * (current.rows - new.rows) / current.rows:.0f}",
        "allowed": f"{100 * max_shrink:g}",
    }
    if new.rejected and rejects is not None and len(rejects):
        reasons = rejects["reason"].value_counts()
        params.update(rejected=new.rejected, reason=str(reasons.index[0]), reason_count=int(reasons.iloc[0]))
        raise RegistryShrinkError(text("registry.import.shrink_rejects", **params))
    raise RegistryShrinkError(text("registry.import.shrink", **params))


def _prune(snapshots: Path, keep: str, current: str | None) -> None:
    """Keep the newest few snapshots (ids sort by time) so the store does not grow without end; never the one
    just imported, nor the one the pointer names now (`registry use` may have gone back to an old one), nor the
    base of a snapshot kept (layered on it)."""
    ids = sorted({p.name.split(".")[0] for p in snapshots.iterdir() if not p.name.startswith(".") and "." in p.name})
    doomed = [snapshot_id for snapshot_id in ids[:-_KEEP_SNAPSHOTS] if snapshot_id not in (keep, current)]
    bases = {base_of(snapshots / f"{snapshot_id}{SUFFIX}") for snapshot_id in set(ids) - set(doomed)}
    needed = {found[0] for found in bases if found is not None}
    for snapshot_id in doomed:
        if snapshot_id not in needed:
            for suffix in SNAPSHOT_SUFFIXES:
                (snapshots / f"{snapshot_id}{suffix}").unlink(missing_ok=True)


def tidy_store(store: Path) -> list[Path]:
    """Remove what interrupted writes left in a store (`leftovers`): temporary files, and the pieces of a
    snapshot whose records file was never written. Returns what was removed."""
    snapshots = store / "snapshots"
    return [*remove_leftovers(store), *remove_leftovers(snapshots, lambda: _orphans(snapshots, store))]


def tidy_cache() -> list[Path]:
    """Remove what interrupted writes left in the cache of prepared export files."""
    cache = registry_cache_dir()
    return remove_leftovers(cache, lambda: _orphans(cache, None))


def _orphans(folder: Path, store: Path | None) -> list[Path]:
    """The pieces of snapshots in `folder` whose records file is missing (an import killed between writing the
    index and the records), once old enough that no import can still be writing them; never those of the
    snapshot the store's pointer names."""
    try:
        names = [path.name for path in folder.iterdir() if not path.name.startswith(".")]
    except OSError:
        return []
    pieces: dict[str, list[str]] = {}
    for name in names:
        pieces.setdefault(name.split(".")[0], []).append(name)
    settled = time.time() - _ORPHAN_SECONDS
    found = []
    for snapshot_id, files in pieces.items():
        if any(f"{snapshot_id}{suffix}" in files for suffix in (SUFFIX, ".parquet")):
            continue
        mine = [folder / name for name in files if name.removeprefix(snapshot_id) in SNAPSHOT_SUFFIXES]
        try:
            if mine and all(path.stat().st_mtime < settled for path in mine):
                found += mine
        except OSError:
            continue
    if found and store is not None:  # the pointer is read only when there is something to remove
        current = _current_id(store)
        found = [path for path in found if path.name.split(".")[0] != current]
    return found


@dataclass(frozen=True)
class _Pointer:
    """What `current.json` says: the current snapshot's file, and its checksums (none from earlier versions)."""

    snapshot_id: str
    file: str
    checksums: Checksums | None


def _read_pointer(store: Path) -> _Pointer:
    pointer = store / _POINTER
    if not pointer.exists():
        raise ConfigError(text("registry.store.none", store=store))
    try:
        data = json.loads(pointer.read_text(encoding="utf-8"))
        recorded = data.get("checksums")
        checksums = Checksums.from_json(recorded) if recorded is not None else None
        return _Pointer(str(data["snapshot_id"]), Path(data["file"]).name, checksums)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(text("registry.store.pointer_damaged", pointer=pointer)) from None


def _write_pointer(store: Path, snapshot_path: Path, checksums: Checksums | None) -> None:
    """Point the store at a snapshot (with the checksums its bytes must have), atomically."""
    pointer: dict[str, Any] = {"snapshot_id": snapshot_id_of(snapshot_path), "file": snapshot_path.name}
    if checksums is not None:
        pointer["checksums"] = checksums.to_json()
    text = json.dumps(pointer, indent=2) + "\n"
    with writing(store):
        write_atomically(store / _POINTER, lambda handle: handle.write(text.encode()))


def _current_id(store: Path) -> str | None:
    try:
        return _read_pointer(store).snapshot_id
    except ConfigError:
        return None


def current_snapshot_path(store: Path) -> Path:
    """The snapshot file the store's pointer names; ConfigError if the store has none."""
    path = store / "snapshots" / _read_pointer(store).file
    if not path.exists():
        raise ConfigError(text("registry.store.current_missing", file=path.name))
    return path


def open_store(store: Path) -> Registry:
    """The store's current snapshot, its bytes checked against the checksums the pointer holds."""
    tidy_store(store)
    pointer = _read_pointer(store)
    path = current_snapshot_path(store)
    registry = read_snapshot(path, pointer.checksums)
    if registry is None:
        raise ConfigError(text("registry.store.not_a_snapshot", store=store))
    return registry


def store_info(store: Path) -> SnapshotInfo:
    """The current snapshot's description, read from its metadata only (no records loaded)."""
    return read_info(current_snapshot_path(store))


@dataclass(frozen=True)
class KeptSnapshot:
    """A snapshot the store keeps, as `registry list` shows it."""

    snapshot_id: str
    info: SnapshotInfo | None  # None when its description cannot be read
    current: bool
    checked: Checked


def list_snapshots(store: Path) -> list[KeptSnapshot]:
    """The snapshots the store keeps, newest first, each one's bytes checked in full against its checksums."""
    pointer = _read_pointer(store)
    kept = []
    for path in sorted(_records_files(store), reverse=True):
        current = path.name == pointer.file
        try:
            info: SnapshotInfo | None = read_info(path)
        except ConfigError:
            info = None
        checked = check_snapshot(path, pointer.checksums if current else None, fresh=True)
        kept.append(KeptSnapshot(snapshot_id_of(path), info, current, checked))
    return kept


def use_snapshot(store: Path, wanted: str) -> tuple[SnapshotInfo, tuple[str, ...]]:
    """Make a kept snapshot current, once its bytes are checked in full; its description and notes."""
    _read_pointer(store)  # a store that was never imported into says so first
    files = _records_files(store)
    chosen = [path for path in files if snapshot_id_of(path) == wanted or path.name == wanted]
    chosen = chosen or [path for path in files if snapshot_id_of(path).startswith(wanted)]
    if not chosen:
        raise ConfigError(text("registry.store.no_such_snapshot", store=store, wanted=wanted))
    if len(chosen) > 1:
        names = ", ".join(snapshot_id_of(path) for path in chosen)
        raise ConfigError(text("registry.store.ambiguous", wanted=wanted, names=names))
    path = chosen[0]
    info = read_info(path)
    checked = require_intact(path, fresh=True)
    base = base_of(path)
    if base is not None:  # a layered snapshot is usable only with its base, checked as fully
        base_path = path.with_name(base[0] + SUFFIX)
        if not base_path.exists():
            problem = text("registry.snapshot.base_missing", snapshot_id=snapshot_id_of(path), base=base[0])
            raise ConfigError(text("registry.snapshot.with_fix", problem=problem))
        require_intact(base_path, fresh=True)
    try:
        _write_pointer(store, path, checked.checksums)
    except OSError as error:
        raise ConfigError(text("registry.store_unwritable", store=store, reason=error.strerror)) from None
    return info, (checked.sentence,) if checked.sentence else ()


def _records_files(store: Path) -> list[Path]:
    """The records file of every snapshot the store keeps."""
    try:
        return [path for path in (store / "snapshots").iterdir() if is_records_file(path.name)]
    except OSError:
        return []


def open_registry(path: Path | None, store: Path, *, today: date, progress: Progress = SILENT) -> Registry:
    """The registry for screening: `path` (file or store folder) if given, else the default store; `progress`
    hears of the preparation of an export file (a snapshot opens in milliseconds)."""
    tidy_cache()
    try:
        if path is None:
            return open_store(store)
        if path.is_dir():
            return open_store(path / "registry" if (path / "registry" / _POINTER).exists() else path)
        return load_registry_file(path, today=today, progress=progress)
    except ConfigError:
        raise
    except CheckpointError as error:
        raise ConfigError(text("registry.unusable", reason=error)) from None
