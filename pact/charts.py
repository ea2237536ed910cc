"""SVG charts rendered on the server: plain data in, SVG text out (no script, nothing from the internet).

Each chart is an `<svg role="img">` with a `<title>` and `<desc>`, and comes with a one-sentence
text summary; pages put the same numbers in a data table for screen readers (charts.py does not
know about HTTP or the database; tested on its own).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56
BAR = "#1d4f91"  # 8.6:1 on white
GRID = "#6b6b6b"


@dataclass(frozen=True)
class Chart:
    """What a page shows: the SVG, a text summary, and the points for the data table."""

    id: str
    title: str
    svg: str
    summary: str
    points: list[tuple[str, str]]


def percent(value: float | None) -> str:
    """A share as people read it in a chart's table ("42%"), or "withheld or none"."""
    return "withheld or none" if value is None else f"{round(value * 100)}%"


def number(value: float | None) -> str:
    """A figure as people read it in a chart's table (floats in their shortest form), or "withheld or none"."""
    if value is None:
        return "withheld or none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _summary(title: str, points: Sequence[tuple[str, float | None]], fmt: Callable[[float | None], str],
             unit: str) -> str:
    known = [(label, v) for label, v in points if v is not None]
    if not known:
        return f"{title}: no figures to show for this selection."
    high = max(known, key=lambda p: p[1])
    low = min(known, key=lambda p: p[1])
    first, last = known[0], known[-1]
    text = (f"{title}: {len(points)} {unit}{'s' if len(points) != 1 else ''}; "
            f"from {fmt(first[1])} ({first[0]}) to {fmt(last[1])} ({last[0]}); "
            f"highest {fmt(high[1])} ({high[0]}), lowest {fmt(low[1])} ({low[0]}).")
    withheld = len(points) - len(known)
    if withheld:
        text += f" {withheld} {unit}{'s' if withheld != 1 else ''} without a figure."
    return text


def bar_chart(chart_id: str, title: str, points: Sequence[tuple[str, float | None]], *,
              fmt: Callable[[float | None], str] = number, maximum: float | None = None,
              unit: str = "meeting") -> Chart:
    """A bar per point (meetings in date order); a missing value (withheld, none) leaves a gap marked "–"."""
    values = [v for _, v in points if v is not None]
    top = maximum if maximum is not None else max(values, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points), 1)
    bar_w = max(1.0, min(40.0, step * 0.7))
    summary = _summary(title, points, fmt, unit)
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" '
                     f'stroke-width="{1 if fraction == 0 else 0.5}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">'
                     f'{escape(fmt(top * fraction))}</text>')
    label_every = max(1, round(len(points) / 8))
    for n, (label, value) in enumerate(points):
        x = LEFT + step * n + (step - bar_w) / 2
        if value is None:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 4}" text-anchor="middle" '
                         f'font-size="12">–</text>')
        else:
            h = plot_h * min(value, top) / top
            parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{BAR}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>')
        if n % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                         f'font-size="11">{escape(label[:16])}</text>')
    parts.append("</svg>")
    return Chart(chart_id, title, "".join(parts), summary, [(label, fmt(v)) for label, v in points])
