"""Whether the registry screened against is older than the rule pack allows (`registry_max_age_days`)."""

from __future__ import annotations

from datetime import date

from checkpoint.engine import RulePack
from checkpoint.i18n import text
from checkpoint.registry import Registry


def registry_age_warning(registry: Registry, pack: RulePack, today: date) -> str | None:
    """The sentence warning that the registry's export is older than the pack's limit on `today` (the
    screening date), or None when it is not, or the pack sets no limit.

    The age counts from the export date, else (a snapshot whose export date is not known) from its import.
    """
    limit = pack.policy.registry_max_age_days
    info = registry.info
    age = info.export_age_days(today)
    if limit is None or age <= limit:
        return None
    return text(
        "registry.too_old" if info.exported_at is not None else "registry.too_old_imported",
        snapshot_id=info.snapshot_id,
        day=info.export_day.isoformat(),
        count=age,
        limit=limit,
        pack=f"{pack.name} {pack.version}",
    )
