"""The local registry store: immutable snapshots, a pointer to the current one, and nothing half-written.

Layout under `$CHECKPOINT_HOME/registry/`:
  snapshots/<snapshot_id>.arrow           normalised records + derived columns (`files.py`)
  snapshots/<snapshot_id>.index.arrow     the blocking index: key hashes sorted, with the row of each
  snapshots/<snapshot_id>.checksums.json  the xxh3-128 checksums of those two files (`integrity.py`)
  snapshots/<snapshot_id>.rejects.csv     rows of the export that could not be used, with a reason each
  current.json                            which snapshot screening uses, with its checksums
  .writers.lock, snapshots/.writers.lock  held by whoever writes in the folder (`leftovers.py`)

Snapshots are memory-mapped, not read: opening a million-record snapshot costs milliseconds, and
screening touches only the index pages it searches and the rows it compares.

An import writes the new snapshot completely (`durable.write_atomically`: temporary file, fsync, rename,
fsync of the folder) before it moves the pointer, the same way: a crash at any moment leaves the previous
snapshot in use, and what the crash left half-written is removed by the next import or screening.
`registry use` moves the pointer back to a snapshot kept, once its bytes are checked.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from checkpoint import __version__
from checkpoint.durable import make_private_folder, write_atomically
from checkpoint.errors import CheckpointError, ConfigError, InputDataError
from checkpoint.home import registry_cache_dir
from checkpoint.registry.derive import fingerprint
from checkpoint.registry.files import (
    INDEX_SUFFIX,
    SUFFIX,
    Checked,
    check_snapshot,
    read_info,
    read_sidecar_or_none,
    read_snapshot,
    require_intact,
    save_snapshot,
    snapshot_id_of,
)
from checkpoint.registry.integrity import Checksums
from checkpoint.registry.leftovers import remove_leftovers, writing
from checkpoint.registry.snapshot import Registry, SnapshotInfo

_POINTER = "current.json"
_KEEP_SNAPSHOTS = 3
#: Prepared forms of export files given with --registry kept in the cache, the newest first.
_KEEP_PREPARED = 2
#: Every file a snapshot may have, the records file first.
_SNAPSHOT_SUFFIXES = (SUFFIX, INDEX_SUFFIX, ".checksums.json", ".rejects.csv", ".parquet")
#: Pieces of a snapshot without its records file are removed once this old: an import (of any version) that
#: is still writing the records file never takes this long between its index and its records.
_ORPHAN_SECONDS = 600


@dataclass(frozen=True)
class ImportReport:
    """What `registry import` did."""

    info: SnapshotInfo
    snapshot_path: Path
    rejects_path: Path | None
    notes: tuple[str, ...]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_registry(path: Path, *, today: date, sha256: str | None = None) -> tuple[Registry, Any]:
    """Read and prepare an export file into an in-memory registry; also return the rejected rows.

    `sha256` is the file's checksum when the caller already computed it (a large export is read once less).
    """
    from checkpoint.registry.prepare import prepare_registry  # pandas: only when an export is prepared
    from checkpoint.sources import read

    raw = read.read_table(path, max_bytes=read.REGISTRY_MAX_BYTES)  # first: it says clearly when the file is unreadable
    sha = sha256 or file_sha256(path)
    prepared = prepare_registry(raw, today=today)
    created = datetime.now(UTC).replace(microsecond=0)
    info = SnapshotInfo(
        snapshot_id=f"{created:%Y%m%dT%H%M%SZ}-{sha[:8]}",
        source_name=path.name,
        source_sha256=sha,
        rows=prepared.table.num_rows,
        rejected=len(prepared.rejects),
        created=created.isoformat(),
    )
    notes = (*raw.notes, *prepared.notes)
    if info.rejected:
        notes = (f"{info.rejected} registry row(s) could not be used and were set aside", *notes)
    return Registry(table=prepared.table, info=info, notes=notes), prepared.rejects


def load_registry_file(path: Path, *, today: date) -> Registry:
    """A registry from a file: a snapshot written by the store as is, any other export prepared now."""
    if not path.exists():
        raise ConfigError(f"registry file {path} does not exist; check --registry.")
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
        registry, _ = build_registry(path, today=today, sha256=digest)
    except InputDataError as error:
        raise ConfigError(f"the registry is unusable: {error}") from None
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
    prepared = [path for path in folder.glob(f"*{SUFFIX}") if not path.name.endswith(INDEX_SUFFIX)]
    prepared.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for old in [path for path in prepared if path != newest][_KEEP_PREPARED - 1 :]:
        key = old.name.removesuffix(SUFFIX)
        for suffix in _SNAPSHOT_SUFFIXES:  # a reader that maps one of them keeps its pages until it ends
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


def import_registry(source: Path, store: Path, *, today: date) -> ImportReport:
    """Prepare an export and make it the store's current snapshot, atomically."""
    removed = tidy_store(store)
    registry, rejects = build_registry(source, today=today)
    if registry.info.rows == 0:
        raise InputDataError(f"{source.name} has no usable registry rows; nothing was imported.")
    snapshots = store / "snapshots"
    try:
        make_private_folder(snapshots)
        snapshot_path = snapshots / f"{registry.info.snapshot_id}{SUFFIX}"
        rejects_path = None
        with writing(snapshots):
            checksums = save_snapshot(registry, snapshot_path)
            if len(rejects):
                rejects_path = snapshots / f"{registry.info.snapshot_id}.rejects.csv"
                write_atomically(rejects_path, lambda handle: handle.write(rejects.to_csv(index=False).encode()))
        _write_pointer(store, snapshot_path, checksums)
    except OSError as error:
        raise ConfigError(
            f"cannot write the registry store at {store} ({error.strerror}); check permissions."
        ) from None
    _prune(snapshots, keep=registry.info.snapshot_id, current=_current_id(store))
    notes = registry.notes
    if removed:
        notes = (*notes, f"removed {len(removed)} file(s) left in {store} by an interrupted import")
    return ImportReport(registry.info, snapshot_path, rejects_path, notes)


def _prune(snapshots: Path, keep: str, current: str | None) -> None:
    """Keep the newest few snapshots (ids sort by time) so the store does not grow without end; never the one
    just imported, nor the one the pointer names now (`registry use` may have gone back to an old one)."""
    ids = sorted({p.name.split(".")[0] for p in snapshots.iterdir() if not p.name.startswith(".") and "." in p.name})
    for snapshot_id in ids[:-_KEEP_SNAPSHOTS]:
        if snapshot_id not in (keep, current):
            for suffix in _SNAPSHOT_SUFFIXES:
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
        mine = [folder / name for name in files if name.removeprefix(snapshot_id) in _SNAPSHOT_SUFFIXES]
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
        raise ConfigError(
            f"no registry has been imported into {store}; run `checkpoint registry import FILE` "
            f"or pass --registry FILE."
        )
    try:
        data = json.loads(pointer.read_text(encoding="utf-8"))
        recorded = data.get("checksums")
        checksums = Checksums.from_json(recorded) if recorded is not None else None
        return _Pointer(str(data["snapshot_id"]), Path(data["file"]).name, checksums)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(f"{pointer} is damaged; run `checkpoint registry import FILE` again.") from None


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
        raise ConfigError(f"the current registry snapshot {path.name} is missing; import the export again.")
    return path


def open_store(store: Path) -> Registry:
    """The store's current snapshot, its bytes checked against the checksums the pointer holds."""
    tidy_store(store)
    pointer = _read_pointer(store)
    path = current_snapshot_path(store)
    registry = read_snapshot(path, pointer.checksums)
    if registry is None:
        raise ConfigError(f"the registry store at {store} holds a file that is not a checkpoint snapshot.")
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
        raise ConfigError(
            f"the registry store at {store} keeps no snapshot {wanted}; `checkpoint registry list` shows those kept."
        )
    if len(chosen) > 1:
        names = ", ".join(snapshot_id_of(path) for path in chosen)
        raise ConfigError(f"{wanted} could be any of the snapshots {names}; give the whole snapshot id.")
    path = chosen[0]
    info = read_info(path)
    checked = require_intact(path, fresh=True)
    try:
        _write_pointer(store, path, checked.checksums)
    except OSError as error:
        raise ConfigError(
            f"cannot write the registry store at {store} ({error.strerror}); check permissions."
        ) from None
    return info, (checked.sentence,) if checked.sentence else ()


def _records_files(store: Path) -> list[Path]:
    """The records file of every snapshot the store keeps."""
    try:
        return [
            path
            for path in (store / "snapshots").iterdir()
            if path.name.endswith(SUFFIX) and not path.name.endswith(INDEX_SUFFIX) and not path.name.startswith(".")
        ]
    except OSError:
        return []


def open_registry(path: Path | None, store: Path, *, today: date) -> Registry:
    """The registry for screening: `path` (file or store folder) if given, else the default store."""
    tidy_cache()
    try:
        if path is None:
            return open_store(store)
        if path.is_dir():
            return open_store(path / "registry" if (path / "registry" / _POINTER).exists() else path)
        return load_registry_file(path, today=today)
    except ConfigError:
        raise
    except CheckpointError as error:
        raise ConfigError(f"the registry is unusable: {error}") from None
