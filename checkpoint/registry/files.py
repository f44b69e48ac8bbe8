"""One snapshot on disk: its records file and blocking index (Arrow IPC, uncompressed) and their checksums.

`save_snapshot` writes the index, then the records, then the record of their checksums (`integrity`), each
with `durable.write_atomically`; `read_snapshot` memory-maps a snapshot only once its bytes are those recorded.
The records file names the snapshot (`<snapshot_id>.arrow`); its metadata says where the records came from,
which code derived them, and that its checksums are recorded beside it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyarrow as pa

from checkpoint.durable import write_atomically
from checkpoint.errors import ConfigError
from checkpoint.i18n import text
from checkpoint.registry.derive import fingerprint, with_derived
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.integrity import Checksums, first_difference, measure, read_sidecar, write_sidecar
from checkpoint.registry.leftovers import writing
from checkpoint.registry.schema import SCHEMA
from checkpoint.registry.snapshot import Registry, SnapshotInfo

META_KEY = b"checkpoint.snapshot"
DERIVED_KEY = b"checkpoint.derived"
#: Set in every snapshot whose checksums are recorded when it is written: a snapshot without it was imported by
#: an earlier version (accepted, and its checksums recorded on first use); one with it whose record is gone is not.
CHECKSUMS_KEY = b"checkpoint.checksums"
SUFFIX, INDEX_SUFFIX = ".arrow", ".index.arrow"


class DamagedSnapshotError(ConfigError):
    """A snapshot's bytes are not those recorded when it was written, or the record of them is gone."""


class Integrity(StrEnum):
    """What checking a snapshot's bytes against its recorded checksums found."""

    VERIFIED = "verified"
    DAMAGED = "DAMAGED"
    RECORD_LOST = "checksum record missing"
    NOT_RECORDED = "no checksum yet (imported by an earlier version)"

    @property
    def usable(self) -> bool:
        """Whether screening may use the snapshot (one an earlier version imported is checked from first use)."""
        return self in (Integrity.VERIFIED, Integrity.NOT_RECORDED)


@dataclass(frozen=True)
class Checked:
    """A snapshot's integrity, the checksums it was checked against (if any), and a note for the officer."""

    integrity: Integrity
    checksums: Checksums | None
    sentence: str = ""  # why it cannot be used, or what was done (one sentence)


def snapshot_id_of(path: Path) -> str:
    """The snapshot id a snapshot file is named by."""
    return path.name.split(".")[0]


def index_path(path: Path) -> Path:
    """The blocking index stored beside a snapshot's records file."""
    return path.with_name(path.name.removesuffix(SUFFIX) + INDEX_SUFFIX)


def save_snapshot(registry: Registry, path: Path) -> Checksums:
    """Write the index, then the records, then their checksums (each atomically); return the checksums.

    The caller holds the folder's writers lock (`leftovers.writing`).
    """
    metadata = {
        META_KEY: json.dumps(asdict(registry.info)).encode(),
        DERIVED_KEY: fingerprint().encode(),
        CHECKSUMS_KEY: b"beside",
    }
    write_atomically(index_path(path), lambda handle: _write_arrow(registry.index.to_table(), handle))
    table = registry.table.combine_chunks().replace_schema_metadata(metadata)
    write_atomically(path, lambda handle: _write_arrow(table, handle))
    checksums = measure([path, index_path(path)], "import")  # the files as written, read back from the cache
    write_sidecar(path, checksums)
    return checksums


def _write_arrow(table: pa.Table, handle: IO[bytes]) -> None:
    with pa.ipc.new_file(handle, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(table.num_rows, 1))


def _map_arrow(path: Path) -> pa.Table:
    """An Arrow IPC file's table, memory-mapped (zero-copy: pages are read when touched)."""
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _metadata(path: Path) -> dict[bytes, bytes]:
    """The schema metadata of an Arrow IPC file (its footer only is read)."""
    try:
        return dict(pa.ipc.open_file(pa.memory_map(str(path), "r")).schema.metadata or {})
    except (pa.ArrowException, OSError):
        raise ConfigError(text("registry.snapshot.unreadable_file", path=path)) from None


def check_snapshot(path: Path, checksums: Checksums | None = None, *, fresh: bool = False) -> Checked:
    """Check a snapshot's files against `checksums` (default: the record beside it).

    A file verified before and unchanged since is not read again, unless `fresh`. Never raises for a damaged
    or unreadable snapshot: the answer says so.
    """
    snapshot_id = snapshot_id_of(path)
    if checksums is None:
        try:
            checksums = read_sidecar(path)
        except ValueError:
            return Checked(
                Integrity.DAMAGED, None, text("registry.snapshot.record_unreadable", snapshot_id=snapshot_id)
            )
    if checksums is None:
        try:
            marked = CHECKSUMS_KEY in _metadata(path)
        except ConfigError:
            return Checked(Integrity.DAMAGED, None, text("registry.snapshot.not_readable", path=path))
        if marked:
            return Checked(
                Integrity.RECORD_LOST,
                None,
                text("registry.snapshot.record_lost", snapshot_id=snapshot_id),
            )
        return Checked(Integrity.NOT_RECORDED, None)
    try:
        different = first_difference([path, index_path(path)], checksums, fresh=fresh)
    except OSError as error:
        sentence = text("registry.snapshot.cannot_read", path=path, reason=error.strerror)
        return Checked(Integrity.DAMAGED, checksums, sentence)
    if different is not None:
        when = "imported" if checksums.how == "import" else "first_used"
        sentence = text(f"registry.snapshot.damaged_{when}", snapshot_id=snapshot_id, file=different)
        return Checked(Integrity.DAMAGED, checksums, sentence)
    return Checked(Integrity.VERIFIED, checksums)


def require_intact(path: Path, checksums: Checksums | None = None, *, fresh: bool = False) -> Checked:
    """`check_snapshot`, raising DamagedSnapshotError (one sentence with the fix) unless the snapshot is intact.

    A snapshot imported by an earlier version, which recorded no checksums, is accepted: its checksums are
    recorded now (when its folder can be written) and checked from then on, and the answer's sentence says so.
    """
    checked = check_snapshot(path, checksums, fresh=fresh)
    if not checked.integrity.usable:
        raise DamagedSnapshotError(text("registry.snapshot.with_fix", problem=checked.sentence))
    if checked.integrity is Integrity.NOT_RECORDED:
        return _record_first_use(path)
    return checked


def _record_first_use(path: Path) -> Checked:
    """Record the checksums of a snapshot an earlier version imported without them (never over a record)."""
    snapshot_id = snapshot_id_of(path)
    try:
        checksums = measure([path, index_path(path)], "first use")
    except OSError as error:
        problem = text("registry.snapshot.cannot_read", path=path, reason=error.strerror)
        raise DamagedSnapshotError(text("registry.snapshot.with_fix", problem=problem)) from None
    try:
        with writing(path.parent):
            write_sidecar(path, checksums, replace=False)
    except FileExistsError:  # another process recorded them meanwhile: its record is the one to hold
        return require_intact(path, fresh=True)
    except OSError:
        return Checked(
            Integrity.NOT_RECORDED,
            checksums,
            text("registry.snapshot.unrecorded_readonly", snapshot_id=snapshot_id),
        )
    return Checked(
        Integrity.VERIFIED,
        checksums,
        text("registry.snapshot.recorded_now", snapshot_id=snapshot_id),
    )


def read_snapshot(path: Path, checksums: Checksums | None = None) -> Registry | None:
    """A snapshot written by the store, its bytes checked first (`require_intact`); None when the file is some
    other table (an export). ConfigError if it cannot be used; DamagedSnapshotError if its bytes changed."""
    if path.suffix.lower() == ".parquet":
        if is_old_snapshot(path):
            raise ConfigError(text("registry.snapshot.old_parquet", path=path))
        return None
    if checksums is None and read_sidecar_or_none(path) is None and META_KEY not in _metadata(path):
        return None  # an export in Arrow form, not a snapshot
    checked = require_intact(path, checksums)
    notes = (checked.sentence,) if checked.sentence else ()
    try:
        table = _map_arrow(path)
    except (pa.ArrowException, OSError):
        raise ConfigError(text("registry.snapshot.unreadable_file", path=path)) from None
    metadata = table.schema.metadata or {}
    try:
        info = SnapshotInfo(**json.loads(metadata[META_KEY]))
        if table.schema.remove_metadata() != SCHEMA:
            raise ValueError("schema")
        derived_by = metadata.get(DERIVED_KEY, b"").decode()
        if derived_by != fingerprint():
            # Name keys from other normalisation code would silently miss travellers: derive them again.
            note = text("registry.snapshot.rederived", snapshot_id=info.snapshot_id)
            return Registry(table=with_derived(table), info=info, notes=(*notes, note))
        index = BlockingIndex.from_table(_map_arrow(index_path(path)))
    except (pa.ArrowException, OSError, TypeError, ValueError, KeyError):
        raise ConfigError(text("registry.snapshot.incompatible", path=path)) from None
    return Registry(table=table, info=info, stored_index=index, notes=notes)


def derived_by(path: Path) -> str:
    """The fingerprint of the code that derived a snapshot's name keys ("" when unreadable or unrecorded)."""
    try:
        return _metadata(path).get(DERIVED_KEY, b"").decode()
    except (ConfigError, UnicodeDecodeError):
        return ""


def read_sidecar_or_none(path: Path) -> Checksums | None:
    """The checksums recorded beside a snapshot, or None when there are none or they cannot be read."""
    try:
        return read_sidecar(path)
    except ValueError:
        return None


def read_info(path: Path) -> SnapshotInfo:
    """A snapshot's description, from its metadata only (no records are read)."""
    if path.suffix.lower() == ".parquet" and is_old_snapshot(path):
        raise ConfigError(text("registry.snapshot.old_parquet", path=path))
    try:
        return SnapshotInfo(**json.loads(_metadata(path)[META_KEY]))
    except (ConfigError, KeyError, TypeError, ValueError):
        raise ConfigError(text("registry.snapshot.damaged_info", path=path)) from None


def is_old_snapshot(path: Path) -> bool:
    """A Parquet file carrying the snapshot metadata of an earlier checkpoint version."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except (pa.ArrowException, OSError):
        raise ConfigError(text("registry.snapshot.unreadable_parquet", path=path)) from None
    return META_KEY in metadata
