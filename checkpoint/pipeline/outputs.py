"""What a screening's output file must never replace: the tool's own state and the files being screened."""

from __future__ import annotations

from pathlib import Path

from checkpoint.audit import KEY_FILE_NAME, head_path_for, lock_path_for, pending_path_for
from checkpoint.home import cache_dir, error_log, registry_store_dir
from checkpoint.report.destination import Protected, check_destination


def check_output(output: Path, *, audit_log: Path, registry: Path | None, manifest: Path | None) -> None:
    """UsageError before screening when `output` cannot take the results or would replace the audit log or
    one of its files, the registry file or store given, the manifest itself, or the tool's state under
    $CHECKPOINT_HOME (the registry store, the caches, the error log) (`report.destination.check_destination`)."""
    protected = [  # the most particular first: the refusal names the first that applies
        Protected(audit_log, "report.protected.audit_log"),
        Protected(head_path_for(audit_log), "report.protected.audit_head"),
        Protected(lock_path_for(audit_log), "report.protected.audit_lock"),
        Protected(pending_path_for(audit_log), "report.protected.audit_pending"),
        Protected(audit_log.parent / KEY_FILE_NAME, "report.protected.audit_key"),
    ]
    if registry is not None:
        store = registry.is_dir()
        protected.append(
            Protected(
                registry, "report.protected.registry_store" if store else "report.protected.registry_file", inside=store
            )
        )
    if manifest is not None:
        protected.append(Protected(manifest, "report.protected.manifest"))
    protected += [
        Protected(registry_store_dir(), "report.protected.home_store", inside=True),
        Protected(cache_dir(), "report.protected.cache", inside=True),
        Protected(error_log(), "report.protected.error_log"),
    ]
    check_destination(output, protected)
