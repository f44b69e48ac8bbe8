"""Where checkpoint keeps its state: the registry store, the audit log and the error log.

`$CHECKPOINT_HOME` if set, otherwise `~/.checkpoint`.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CHECKPOINT_HOME"


def home_dir() -> Path:
    """The state folder (not created here: writers create what they need)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".checkpoint"


def registry_store_dir() -> Path:
    """The folder holding registry snapshots made by `checkpoint registry import`."""
    return home_dir() / "registry"


def cache_dir() -> Path:
    """Everything safe to delete: prepared exports, parsed packs, lookup tables, integrity memory."""
    return home_dir() / "cache"


def registry_cache_dir() -> Path:
    """Prepared forms of registry export files given with --registry (safe to delete)."""
    return cache_dir() / "registry"


def verified_cache_dir() -> Path:
    """Registry snapshot files whose checksum held, remembered by device, inode, size and times (safe to delete)."""
    return cache_dir() / "verified"


def pack_cache_dir() -> Path:
    """Rule-pack files already parsed, by content (safe to delete)."""
    return cache_dir() / "packs"


def derived_cache_dir() -> Path:
    """Facts about the installed code worked out once (the derivation fingerprint; safe to delete)."""
    return cache_dir() / "derived"


def geo_cache_dir() -> Path:
    """Lookup tables built from the country and airport datasets (safe to delete)."""
    return cache_dir() / "geo"


def default_audit_log() -> Path:
    """The audit log used when `--audit-log` is not given."""
    return home_dir() / "audit" / "audit.jsonl"


def error_log() -> Path:
    """Where internal errors write their (redacted) traceback."""
    return home_dir() / "logs" / "errors.log"
