"""Bar charts as inline SVG, drawn by our code: the HTML report stays one self-contained file with no script.

Every label is escaped (names and codes in a manifest are hostile input); each bar carries a `<title>` with its
exact figure, which a browser shows on hover and a screen reader reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from checkpoint.i18n import number

_LABEL_WIDTH = 290  # px of label column; longer labels are shortened, in full in the label's title
_LABEL_CHARACTERS = 36
_BAR_HEIGHT = 22
_GAP = 8
_VALUE_WIDTH = 60


@dataclass(frozen=True)
class Segment:
    """A part of a bar: its size, the CSS class that colours it, and what it is (for the tooltip)."""

    value: int
    css_class: str
    name: str


@dataclass(frozen=True)
class Bar:
    """One row of a chart: its label and its segments, stacked left to right."""

    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(segment.value for segment in self.segments)


def _shortened(label: str) -> str:
    return label if len(label) <= _LABEL_CHARACTERS else label[: _LABEL_CHARACTERS - 1] + "…"


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 540) -> str:
    """A horizontal bar chart as one `<svg>` element (empty string when there is nothing to draw)."""
    if not bars:
        return ""
    largest = max(bar.total for bar in bars) or 1
    room = width - _LABEL_WIDTH - _VALUE_WIDTH
    height = len(bars) * (_BAR_HEIGHT + _GAP) + _GAP
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        top = _GAP + index * (_BAR_HEIGHT + _GAP)
        middle = top + _BAR_HEIGHT / 2
        parts.append(
            f'<text class="label" x="{_LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="middle"><title>{escape(bar.label)}</title>{escape(_shortened(bar.label))}</text>'
        )
        left = float(_LABEL_WIDTH)
        for segment in bar.segments:
            if segment.value <= 0:
                continue
            length = max(room * segment.value / largest, 1.0)
            tip = escape(f"{bar.label} · {segment.name}: {number(segment.value)}")
            parts.append(
                f'<rect class="{escape(segment.css_class)}" x="{left:.1f}" y="{top}" width="{length:.1f}" '
                f'height="{_BAR_HEIGHT}" rx="3"><title>{tip}</title></rect>'
            )
            left += length
        parts.append(
            f'<text class="value" x="{left + 6:.1f}" y="{middle:.1f}" dominant-baseline="middle">'
            f"{number(bar.total)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
