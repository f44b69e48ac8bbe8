"""The registry of placement records: reading exports, normalising once, the local snapshot store, and what
screening may ask of a snapshot (`Registry`: see `snapshot.py`)."""

from checkpoint.registry.snapshot import KeyHits, Registry, SnapshotInfo
from checkpoint.registry.store import (
    ImportReport,
    KeptSnapshot,
    import_registry,
    list_snapshots,
    open_registry,
    store_info,
    use_snapshot,
)

__all__ = [
    "ImportReport",
    "KeptSnapshot",
    "KeyHits",
    "Registry",
    "SnapshotInfo",
    "import_registry",
    "list_snapshots",
    "open_registry",
    "store_info",
    "use_snapshot",
]
