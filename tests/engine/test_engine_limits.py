"""The pack limits (limits.csv) are what rules/README.md tells pack authors."""

from __future__ import annotations

from checkpoint.engine import default_pack_path
from checkpoint.engine.limits import pack_limits


def test_the_readme_quotes_every_limit() -> None:
    readme = (default_pack_path() / "README.md").read_text(encoding="utf-8")
    limits = pack_limits()
    assert set(limits) == {"file_bytes", "nesting_levels", "pattern_characters", "matched_characters"}
    assert f"{limits['file_bytes'] // 1024} KB ({limits['file_bytes']} bytes)" in readme
    assert f"{limits['nesting_levels']} levels" in readme
    assert f"{limits['pattern_characters']} characters" in readme
    assert f"first {limits['matched_characters']} characters" in readme
