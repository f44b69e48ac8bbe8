"""`checkpoint registry info` as the tests read it: each line's label and value, whatever the labels' alignment."""

from __future__ import annotations


def info_lines(stdout: str) -> dict[str, str]:
    """`label: value` lines as a dict (values stripped of the padding that aligns them)."""
    return {label.strip(): value.strip() for label, value in (line.split(":", 1) for line in stdout.splitlines())}
