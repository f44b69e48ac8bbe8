"""The registry of placement records: reading exports, normalising once, the local snapshot store, and what
screening may ask of a snapshot (`Registry`: see `snapshot.py`)."""

from checkpoint.registry.snapshot import KeyHits, Registry, SnapshotInfo
from checkpoint.registry.store import (
    DEFAULT_MAX_SHRINK,
    ImportReport,
    ImportStored,
    KeptSnapshot,
    RegistryShrinkError,
    import_registry,
    list_snapshots,
    open_registry,
    store_info,
    use_snapshot,
)

__all__ = [
    "DEFAULT_MAX_SHRINK",
    "ImportReport",
    "ImportStored",
    "KeptSnapshot",
    "KeyHits",
    "Registry",
    "RegistryShrinkError",
    "SnapshotInfo",
    "import_registry",
    "list_snapshots",
    "open_registry",
    "store_info",
    "use_snapshot",
]
