"""A bar chart as inline SVG, drawn on the server.

The search page shows how a query's matches spread over time. Datasette's chart plugins draw in the browser from
JavaScript bundles (and the current ones need Datasette 1.0 or load from a CDN); a server-drawn SVG needs no
script and nothing from the network, works in an archive opened offline, and is plain markup a test can count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

MAX_LABELS = 8


@dataclass(frozen=True)
class Bar:
    label: str
    """The axis label under the bar (only some are drawn when there are many)."""
    value: int
    title: str
    """The tooltip."""
    href: str | None = None
    """Where a click on the bar leads."""


def _step(top: int) -> int:
    """A round gridline step (1, 2 or 5 times a power of ten) that gives at most four lines up to ``top``."""
    magnitude = 10 ** max(0, int(math.log10(max(top, 1))) - 1)
    for factor in (1, 2, 5, 10, 20, 50):
        if top / (factor * magnitude) <= 4:
            return factor * magnitude
    return 100 * magnitude


def bar_chart(bars: Sequence[Bar], *, width: int = 960, height: int = 170, caption: str = "") -> str:
    """SVG markup: one ``rect.bar`` per bar (empty ones too, height 0), each with ``data-label`` and ``data-count``,
    round gridlines, and up to eight axis labels spread over the bars."""
    left, right, top, bottom = 40, 8, 8, 22
    plot_width, plot_height = width - left - right, height - top - bottom
    highest = max((bar.value for bar in bars), default=0)
    step = _step(highest)
    ceiling = max(step, math.ceil(highest / step) * step)
    slot = plot_width / max(1, len(bars))
    gap = slot * 0.2 if slot >= 4 else 0
    out = [f'<svg class="na-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'role="img" aria-label="{escape(caption)}" font-size="11" font-family="sans-serif">']
    if caption:
        out.append(f"<title>{escape(caption)}</title>")
    for tick in range(0, ceiling + 1, step):
        y = top + plot_height - plot_height * tick / ceiling
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e2e6ea" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">{tick:,}</text>')
    every = max(1, math.ceil(len(bars) / MAX_LABELS))
    for index, bar in enumerate(bars):
        x = left + index * slot + gap / 2
        bar_height = plot_height * bar.value / ceiling
        rect = (f'<rect class="bar" x="{x:.2f}" y="{top + plot_height - bar_height:.2f}" '
                f'width="{max(slot - gap, 0.5):.2f}" height="{bar_height:.2f}" fill="#3b73b9" '
                f'data-label="{escape(bar.label)}" data-count="{bar.value}"><title>{escape(bar.title)}</title></rect>')
        out.append(f'<a href="{escape(bar.href)}">{rect}</a>' if bar.href else rect)
        if index % every == 0:
            out.append(f'<text class="axis" x="{x + (slot - gap) / 2:.1f}" y="{height - 6}" text-anchor="middle" '
                       f'fill="#6b7280">{escape(bar.label)}</text>')
    out.append("</svg>")
    return "".join(out)
