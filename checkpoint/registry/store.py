"""The local registry store: immutable snapshots and a pointer to the current one.

Layout under `$CHECKPOINT_HOME/registry/`:
  snapshots/<snapshot_id>.arrow         normalised records + derived columns (Arrow IPC, uncompressed);
                                        metadata says where they came from and which code derived them
  snapshots/<snapshot_id>.index.arrow   the blocking index: key hashes sorted, with the row of each
  snapshots/<snapshot_id>.rejects.csv   rows of the export that could not be used, with a reason each
  current.json                          which snapshot screening uses

Snapshots are memory-mapped, not read: opening a million-record snapshot costs milliseconds, and
screening touches only the index pages it searches and the rows it compares.

An import writes the new snapshot completely (`durable.write_atomically`: temporary file, fsync, rename,
fsync of the folder) before it moves the pointer, the same way: a crash at any moment leaves the previous
snapshot in use.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from checkpoint import __version__
from checkpoint.durable import make_private_folder, write_atomically
from checkpoint.errors import CheckpointError, ConfigError, InputDataError
from checkpoint.home import registry_cache_dir
from checkpoint.registry.derive import fingerprint, with_derived
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.schema import SCHEMA
from checkpoint.registry.snapshot import Registry, SnapshotInfo

_META_KEY = b"checkpoint.snapshot"
_DERIVED_KEY = b"checkpoint.derived"
_POINTER = "current.json"
_KEEP_SNAPSHOTS = 3
_SUFFIX, _INDEX_SUFFIX = ".arrow", ".index.arrow"


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
    if path.suffix.lower() in (".parquet", _SUFFIX):
        snapshot = _read_snapshot(path)
        if snapshot is not None:
            return snapshot
    try:
        digest: str | None = file_sha256(path)
    except OSError:
        digest = None  # read_table below says what is wrong with the file
    cached = _cache_path(digest, today) if digest else None
    if cached is not None and cached.exists():
        snapshot = _read_snapshot(cached)
        if snapshot is not None:
            return snapshot
    try:
        registry, _ = build_registry(path, today=today, sha256=digest)
    except InputDataError as error:
        raise ConfigError(f"the registry is unusable: {error}") from None
    if cached is not None:
        try:  # a cache that cannot be written only costs time next run
            make_private_folder(cached.parent)
            _save_snapshot(registry, cached)
        except OSError:
            pass
    return registry


def _cache_path(digest: str, today: date) -> Path:
    """Where the prepared form of an export file is kept, keyed by its content, the code and the date.

    An export given with --registry is normalised once and reused while the file, the tool version and
    the screening date (birth dates are checked against it) stay the same.
    """
    from checkpoint.registry import prepare  # a changed preparer or deriver rebuilds

    code = hashlib.sha256(Path(prepare.__file__).read_bytes()).hexdigest()
    parts = (digest, __version__, str(prepare.PREPARE_VERSION), code, fingerprint(), today.isoformat())
    key = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return registry_cache_dir() / f"{key[:32]}{_SUFFIX}"


def _index_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(_SUFFIX) + _INDEX_SUFFIX)


def _save_snapshot(registry: Registry, path: Path) -> None:
    """Write the index, then the records (each atomically); the records file is what names the snapshot."""
    metadata = {_META_KEY: json.dumps(asdict(registry.info)).encode(), _DERIVED_KEY: fingerprint().encode()}
    write_atomically(_index_path(path), lambda handle: _write_arrow(registry.index.to_table(), handle))
    table = registry.table.combine_chunks().replace_schema_metadata(metadata)
    write_atomically(path, lambda handle: _write_arrow(table, handle))


def _write_arrow(table: pa.Table, handle: IO[bytes]) -> None:
    with pa.ipc.new_file(handle, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(table.num_rows, 1))


def _map_arrow(path: Path) -> pa.Table:
    """An Arrow IPC file's table, memory-mapped (zero-copy: pages are read when touched)."""
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _read_snapshot(path: Path) -> Registry | None:
    """A snapshot written by the store, or None when the file is some other table (an export)."""
    if path.suffix.lower() == ".parquet":
        if _is_old_snapshot(path):
            raise ConfigError(
                f"registry snapshot {path} was written by an older version of checkpoint; import the export again."
            )
        return None
    try:
        table = _map_arrow(path)
    except (pa.ArrowException, OSError):
        raise ConfigError(f"registry file {path} is not a readable registry snapshot.") from None
    metadata = table.schema.metadata or {}
    if _META_KEY not in metadata:
        return None
    try:
        info = SnapshotInfo(**json.loads(metadata[_META_KEY]))
        if table.schema.remove_metadata() != SCHEMA:
            raise ValueError("schema")
        derived_by = metadata.get(_DERIVED_KEY, b"").decode()
        if derived_by != fingerprint():
            # Name keys from other normalisation code would silently miss travellers: derive them again.
            note = (
                f"registry snapshot {info.snapshot_id} was prepared by another version of checkpoint; its name "
                f"keys were rebuilt for this run (run `checkpoint registry import` again to keep screening fast)"
            )
            return Registry(table=with_derived(table), info=info, notes=(note,))
        index = BlockingIndex.from_table(_map_arrow(_index_path(path)))
    except (pa.ArrowException, OSError, TypeError, ValueError, KeyError):
        raise ConfigError(
            f"registry snapshot {path} is damaged or from an incompatible version; import the export again."
        ) from None
    return Registry(table=table, info=info, stored_index=index)


def _is_old_snapshot(path: Path) -> bool:
    """A Parquet file carrying the snapshot metadata of an earlier checkpoint version."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except (pa.ArrowException, OSError):
        raise ConfigError(f"registry file {path} is not a readable Parquet file.") from None
    return _META_KEY in metadata


def import_registry(source: Path, store: Path, *, today: date) -> ImportReport:
    """Prepare an export and make it the store's current snapshot, atomically."""
    registry, rejects = build_registry(source, today=today)
    if registry.info.rows == 0:
        raise InputDataError(f"{source.name} has no usable registry rows; nothing was imported.")
    snapshots = store / "snapshots"
    try:
        make_private_folder(snapshots)
        snapshot_path = snapshots / f"{registry.info.snapshot_id}{_SUFFIX}"
        _save_snapshot(registry, snapshot_path)
        rejects_path = None
        if len(rejects):
            rejects_path = snapshots / f"{registry.info.snapshot_id}.rejects.csv"
            write_atomically(rejects_path, lambda handle: handle.write(rejects.to_csv(index=False).encode()))
        pointer = {"snapshot_id": registry.info.snapshot_id, "file": snapshot_path.name}
        write_atomically(store / _POINTER, lambda handle: handle.write(json.dumps(pointer, indent=2).encode()))
    except OSError as error:
        raise ConfigError(
            f"cannot write the registry store at {store} ({error.strerror}); check permissions."
        ) from None
    _prune(snapshots, keep=registry.info.snapshot_id)
    return ImportReport(registry.info, snapshot_path, rejects_path, registry.notes)


def _prune(snapshots: Path, keep: str) -> None:
    """Keep the newest few snapshots (ids sort by time) so the store does not grow without end."""
    ids = sorted({p.name.split(".")[0] for p in snapshots.iterdir() if not p.name.startswith(".") and "." in p.name})
    for snapshot_id in ids[:-_KEEP_SNAPSHOTS]:
        if snapshot_id != keep:
            for suffix in (_SUFFIX, _INDEX_SUFFIX, ".rejects.csv", ".parquet"):
                (snapshots / f"{snapshot_id}{suffix}").unlink(missing_ok=True)


def current_snapshot_path(store: Path) -> Path:
    """The snapshot file the store's pointer names; ConfigError if the store has none."""
    pointer = store / _POINTER
    if not pointer.exists():
        raise ConfigError(
            f"no registry has been imported into {store}; run `checkpoint registry import FILE` "
            f"or pass --registry FILE."
        )
    try:
        name = json.loads(pointer.read_text(encoding="utf-8"))["file"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"{pointer} is damaged; run `checkpoint registry import FILE` again.") from None
    path = store / "snapshots" / Path(name).name
    if not path.exists():
        raise ConfigError(f"the current registry snapshot {path.name} is missing; import the export again.")
    return path


def open_store(store: Path) -> Registry:
    """The store's current snapshot."""
    registry = _read_snapshot(current_snapshot_path(store))
    if registry is None:
        raise ConfigError(f"the registry store at {store} holds a file that is not a checkpoint snapshot.")
    return registry


def store_info(store: Path) -> SnapshotInfo:
    """The current snapshot's description, read from its metadata only (no records loaded)."""
    path = current_snapshot_path(store)
    if path.suffix.lower() == ".parquet" and _is_old_snapshot(path):
        raise ConfigError(
            f"registry snapshot {path} was written by an older version of checkpoint; import the export again."
        )
    try:
        metadata = pa.ipc.open_file(pa.memory_map(str(path), "r")).schema.metadata or {}
        return SnapshotInfo(**json.loads(metadata[_META_KEY]))
    except (pa.ArrowException, OSError, KeyError, TypeError, ValueError):
        raise ConfigError(f"registry snapshot {path} is damaged; import the export again.") from None


def open_registry(path: Path | None, store: Path, *, today: date) -> Registry:
    """The registry for screening: `path` (file or store folder) if given, else the default store."""
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
