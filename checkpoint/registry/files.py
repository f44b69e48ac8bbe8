"""One snapshot on disk: its records file, blocking index and name-key vocabulary (Arrow IPC, uncompressed) and
their checksums.

`save_snapshot` writes the index and the vocabulary, then the records, then the record of their checksums
(`integrity`), each with `durable.write_atomically`; `read_snapshot` memory-maps a snapshot only once its bytes
are those recorded. The records file names the snapshot (`<snapshot_id>.arrow`); its metadata says where the
records came from, which code derived them, and that its checksums are recorded beside it.

A layered snapshot (made by a change file: `changes.py`) holds only its delta: the changed and new records, their
own index, the base rows no longer live (`<snapshot_id>.dead.arrow`) and the vocabulary; its records file's
metadata names its base, a plain snapshot kept in the same folder, which is opened (and checked against its own
checksums) with it and never copied.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa

from checkpoint.durable import write_atomically
from checkpoint.errors import ConfigError
from checkpoint.i18n import text
from checkpoint.registry.derive import fingerprint, with_derived
from checkpoint.registry.gather import numpy_view
from checkpoint.registry.index import BlockingIndex
from checkpoint.registry.integrity import Checksums, first_difference, measure, read_sidecar, write_sidecar
from checkpoint.registry.leftovers import writing
from checkpoint.registry.schema import SCHEMA
from checkpoint.registry.snapshot import Layer, Registry, SnapshotInfo
from checkpoint.registry.vocabulary import KeyCounts

META_KEY = b"checkpoint.snapshot"
DERIVED_KEY = b"checkpoint.derived"
#: Set in every snapshot whose checksums are recorded when it is written: a snapshot without it was imported by
#: an earlier version (accepted, and its checksums recorded on first use); one with it whose record is gone is not.
CHECKSUMS_KEY = b"checkpoint.checksums"
#: Set in a layered snapshot: its base's snapshot id and row count (JSON).
LAYER_KEY = b"checkpoint.layer"
SUFFIX, INDEX_SUFFIX, KEYS_SUFFIX, DEAD_SUFFIX = ".arrow", ".index.arrow", ".keys.arrow", ".dead.arrow"
#: The files beside a snapshot's records file that are part of it (checked with it).
PIECE_SUFFIXES = (INDEX_SUFFIX, KEYS_SUFFIX, DEAD_SUFFIX)
#: Every file a snapshot may have in a folder, the records file first (what pruning removes together).
SNAPSHOT_SUFFIXES = (SUFFIX, *PIECE_SUFFIXES, ".checksums.json", ".rejects.csv", ".parquet")


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


def keys_path(path: Path) -> Path:
    """The name-key vocabulary stored beside a snapshot's records file."""
    return path.with_name(path.name.removesuffix(SUFFIX) + KEYS_SUFFIX)


def dead_path(path: Path) -> Path:
    """The base rows no longer live, stored beside a layered snapshot's records file."""
    return path.with_name(path.name.removesuffix(SUFFIX) + DEAD_SUFFIX)


def is_records_file(name: str) -> bool:
    """Whether a file of this name is a snapshot's records file (not one of its pieces)."""
    return name.endswith(SUFFIX) and not name.endswith(PIECE_SUFFIXES) and not name.startswith(".")


def snapshot_files(path: Path, checksums: Checksums | None = None) -> list[Path]:
    """The files of the snapshot whose records file is `path`: records, index, and the vocabulary and dead rows
    when it has them (present, or recorded in `checksums`: a recorded file gone is a damaged snapshot)."""
    optional = [keys_path(path), dead_path(path)]
    return [path, index_path(path)] + [
        piece for piece in optional if piece.exists() or (checksums is not None and checksums.of(piece.name))
    ]


def base_of(path: Path) -> tuple[str, int] | None:
    """The base snapshot id and row count a layered snapshot names (None: a plain snapshot or unreadable)."""
    try:
        layer = _metadata(path).get(LAYER_KEY)
        if layer is None:
            return None
        found = json.loads(layer)
        return str(found["base"]), int(found["base_rows"])
    except (ConfigError, ValueError, KeyError, TypeError):
        return None


def save_snapshot(registry: Registry, path: Path) -> Checksums:
    """Write the index and the vocabulary, then the records, then their checksums (each atomically); return the
    checksums. A layered registry is written as its delta only (the module docstring).

    The caller holds the folder's writers lock (`leftovers.writing`).
    """
    metadata = {
        META_KEY: json.dumps(asdict(registry.info)).encode(),
        DERIVED_KEY: fingerprint().encode(),
        CHECKSUMS_KEY: b"beside",
    }
    layer = registry.layer
    if layer is None:
        index, table = registry.index, registry.table
    else:
        metadata[LAYER_KEY] = json.dumps({"base": layer.base_id, "base_rows": layer.base_rows}).encode()
        index, table = layer.index, registry.table.slice(layer.base_rows)
        dead = pa.table({"row": pa.array(layer.dead, type=pa.uint32())})
        write_atomically(dead_path(path), lambda handle: _write_arrow(dead, handle))
    write_atomically(index_path(path), lambda handle: _write_arrow(index.to_table(), handle))
    write_atomically(keys_path(path), lambda handle: _write_arrow(registry.keys.to_table(), handle))
    records = table.combine_chunks().replace_schema_metadata(metadata)
    write_atomically(path, lambda handle: _write_arrow(records, handle))
    checksums = measure(snapshot_files(path), "import")  # the files as written, read back from the cache
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
        different = first_difference(snapshot_files(path, checksums), checksums, fresh=fresh)
    except OSError as error:
        sentence = text("registry.snapshot.cannot_read", path=path, reason=error.strerror)
        return Checked(Integrity.DAMAGED, checksums, sentence)
    if different is not None:
        when = "imported" if checksums.how == "import" else "first_used"
        sentence = text(f"registry.snapshot.damaged_{when}", snapshot_id=snapshot_id, file=different)
        return Checked(Integrity.DAMAGED, checksums, sentence)
    base = base_of(path)
    if base is not None and not path.with_name(base[0] + SUFFIX).exists():
        sentence = text("registry.snapshot.base_missing", snapshot_id=snapshot_id, base=base[0])
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
        checksums = measure(snapshot_files(path), "first use")
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
    table = _mapped(path)
    metadata = table.schema.metadata or {}
    try:
        info = SnapshotInfo(**json.loads(metadata[META_KEY]))
        layer = _layer(path, metadata)
        if layer is not None:
            base, layer_of = layer
            table = pa.concat_tables([base.replace_schema_metadata(None), table.replace_schema_metadata(None)])
        if metadata.get(DERIVED_KEY, b"").decode() != fingerprint():
            # Name keys from other normalisation code would silently miss travellers: derive them again.
            note = text("registry.snapshot.rederived", snapshot_id=info.snapshot_id)
            if layer is not None:
                table = table.filter(pa.array(Registry(table, info, layer=layer_of).live))
            return Registry(table=with_derived(table), info=info, notes=(*notes, note))
        if table.schema.remove_metadata() != SCHEMA:
            raise ValueError("schema")
        keys = KeyCounts.from_table(_map_arrow(keys_path(path)))
        if layer is not None:
            base_path = path.with_name(layer_of.base_id + SUFFIX)
            index = BlockingIndex.from_table(_map_arrow(index_path(base_path)))
            return Registry(table, info, notes, stored_index=index, stored_keys=keys, layer=layer_of)
        index = BlockingIndex.from_table(_map_arrow(index_path(path)))
    except (pa.ArrowException, OSError, TypeError, ValueError, KeyError):
        raise ConfigError(text("registry.snapshot.incompatible", path=path)) from None
    return Registry(table=table, info=info, stored_index=index, stored_keys=keys, notes=notes)


def _mapped(path: Path) -> pa.Table:
    try:
        return _map_arrow(path)
    except (pa.ArrowException, OSError):
        raise ConfigError(text("registry.snapshot.unreadable_file", path=path)) from None


def _layer(path: Path, metadata: dict[bytes, bytes]) -> tuple[pa.Table, Layer] | None:
    """A layered snapshot's base records (checked against the base's own checksums) and what the delta adds;
    None for a plain snapshot. ConfigError naming the base when it is gone; ValueError when it does not fit."""
    if LAYER_KEY not in metadata:
        return None
    found = json.loads(metadata[LAYER_KEY])
    base_id, base_rows = str(found["base"]), int(found["base_rows"])
    base_path = path.with_name(base_id + SUFFIX)
    if not base_path.exists():
        problem = text("registry.snapshot.base_missing", snapshot_id=snapshot_id_of(path), base=base_id)
        raise DamagedSnapshotError(text("registry.snapshot.with_fix", problem=problem))
    require_intact(base_path)
    base = _mapped(base_path)
    if base.num_rows != base_rows or LAYER_KEY in (base.schema.metadata or {}):
        raise ValueError("not the base named")
    dead = numpy_view(_map_arrow(dead_path(path)).column("row"), np.uint32)
    index = BlockingIndex.from_table(_map_arrow(index_path(path)))
    return base, Layer(base_id, base_rows, index, dead)


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
