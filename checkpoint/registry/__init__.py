"""The registry of placement records: reading exports, normalising once, the local snapshot store, and what
screening may ask of a snapshot (`Registry`: see `snapshot.py`)."""

from checkpoint.registry.snapshot import KeyHits, Registry, SnapshotInfo
from checkpoint.registry.store import ImportReport, import_registry, open_registry, store_info

__all__ = ["ImportReport", "KeyHits", "Registry", "SnapshotInfo", "import_registry", "open_registry", "store_info"]
