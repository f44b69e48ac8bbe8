"""The registry of placement records: reading exports, normalising once, and the local snapshot store."""

from checkpoint.registry.store import (
    ImportReport,
    Registry,
    SnapshotInfo,
    import_registry,
    open_registry,
    store_info,
)

__all__ = ["ImportReport", "Registry", "SnapshotInfo", "import_registry", "open_registry", "store_info"]
