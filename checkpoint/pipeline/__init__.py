"""The screening spine, and the one place that starts processes (`processes.py`).

The CLI calls one function here per command; everything it needs comes back as a `ScreeningRun`.
"""

from checkpoint.pipeline.freshness import registry_age_warning
from checkpoint.pipeline.outputs import check_output
from checkpoint.pipeline.screening import (
    UNSCREENABLE,
    Officer,
    ScreeningRun,
    assess,
    desk_traveller,
    match,
    screen,
    screen_applications,
    screen_desk,
    screen_manifest,
    screen_travellers,
)

__all__ = [
    "UNSCREENABLE",
    "Officer",
    "ScreeningRun",
    "assess",
    "check_output",
    "desk_traveller",
    "match",
    "registry_age_warning",
    "screen",
    "screen_applications",
    "screen_desk",
    "screen_manifest",
    "screen_travellers",
]
