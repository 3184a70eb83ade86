"""Horizontal bar charts as plain SVG, drawn on the server for the printable report (and its PDF):
one bar per row with its value written beside it, and optionally a dashed line (the median)."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 640.0
LABEL_WIDTH = 200.0
VALUE_WIDTH = 90.0
ROW_HEIGHT = 20.0
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="11" fill="#1c2830"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no figure, no bar
    text: str  # the value as the reader sees it


def bar_chart(bars: list[Bar], title: str, colour: str, line: float | None = None, line_label: str = "") -> str:
    """An SVG element (a string); ``line`` draws a dashed vertical line at that value, labelled."""
    top = 18.0 if line else 4.0
    height = top + max(1, len(bars)) * ROW_HEIGHT + 6
    largest = max([b.value or 0 for b in bars] + [line or 0, 1e-9])
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def x(value: float) -> float:
        return LABEL_WIDTH + room * value / largest

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
             f'class="grafiek" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, bar in enumerate(bars):
        y = top + i * ROW_HEIGHT
        label = bar.label if len(bar.label) <= 30 else bar.label[:29] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6:.0f}" y="{y + 14:.0f}" text-anchor="end" {FONT}>'
                     f"{escape(label)}</text>")
        width = x(bar.value or 0) - LABEL_WIDTH
        parts.append(f'<rect x="{LABEL_WIDTH:.0f}" y="{y + 3:.0f}" width="{width:.1f}" height="{ROW_HEIGHT - 6:.0f}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + 14:.0f}" {FONT}>{escape(bar.text)}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH:.0f}" x2="{LABEL_WIDTH:.0f}" y1="{top - 2:.0f}" y2="{height:.0f}" '
                 f'stroke="#c9d0c8"/>')
    if line:
        parts.append(f'<line x1="{x(line):.1f}" x2="{x(line):.1f}" y1="{top - 4:.0f}" y2="{height:.0f}" '
                     f'stroke="#1c2830" stroke-width="1.5" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x(line):.1f}" y="11" text-anchor="middle" {FONT}>{escape(line_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
