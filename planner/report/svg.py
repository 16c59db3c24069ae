"""Small inline-SVG charts for the report: lines over years, a build timeline, horizontal bars.

Hand-written rather than matplotlib's SVG backend: a few hundred bytes per chart instead of tens
of kilobytes (matplotlib draws every glyph as a path), text stays text (selectable, searchable,
sharp in print at any size), the page's own fonts and colours apply, and the output is the same
on every machine. Every function returns one `<svg>` element as a string; labels are escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Colour-blind-safe palette (Okabe and Ito), one colour per scenario or series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
AXIS = "#555"
GRID = "#ddd"


@dataclass(frozen=True)
class Series:
    """One line of a line chart: points (x, y), drawn solid or dashed."""

    label: str
    points: Sequence[tuple[float, float]]
    colour: str
    dashed: bool = False


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="{SVG_NAMESPACE}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>"
    )


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values that span [low, high] with about `count` steps."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def short_number(value: float) -> str:
    """An axis label: 1.5k, 20k, 3M, 0.25."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


def line_chart(
    series: Sequence[Series], title: str, y_unit: str, width: int = 330, height: int = 170
) -> str:
    """Lines over years with a y axis from 0 (or the lowest value) to the highest value."""
    points = [point for line in series for point in line.points]
    if not points:
        return ""
    left, right, top, bottom = 46, 16, 20, 22
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    x_low, x_high = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    ticks = nice_ticks(min(0.0, min(ys)), max(ys) if max(ys) > 0 else 1.0)
    y_low, y_high = ticks[0], ticks[-1]
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(x: float) -> float:
        return left + (x - x_low) / (x_high - x_low) * plot_w

    def sy(y: float) -> float:
        return top + plot_h - (y - y_low) / (y_high - y_low) * plot_h

    parts = [_open(width, height, title), f'<text x="{left}" y="12" class="ct">{escape(title)}']
    parts.append(f' <tspan class="cu">({escape(y_unit)})</tspan></text>')
    for tick in ticks:
        y = sy(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" class="tk">'
            f"{short_number(tick)}</text>"
        )
    for year in _year_ticks(int(x_low), int(x_high)):
        parts.append(
            f'<text x="{sx(year):.1f}" y="{height - 6}" text-anchor="middle" class="tk">'
            f"{year}</text>"
        )
    # Earlier series are drawn wider, so that lines that coincide all stay visible.
    for index, line in enumerate(series):
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in line.points)
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        stroke = 1.4 if line.dashed else max(1.2, 1.2 + 1.0 * (len(series) - 1 - index))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{line.colour}" '
            f'stroke-width="{stroke:.1f}" stroke-linejoin="round"'
            f"{dash}><title>{escape(line.label)}</title></polyline>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _year_ticks(first: int, last: int) -> list[int]:
    span = last - first
    step = 1 if span <= 6 else 2 if span <= 12 else 5
    years = [year for year in range(first, last + 1) if (year - first) % step == 0]
    if years[-1] != last and last - years[-1] >= step / 2:
        years.append(last)
    return years


@dataclass(frozen=True)
class Build:
    """One bar of the timeline: construction from `decided` to `online`, then operation."""

    label: str
    decided: int
    online: int


def timeline(builds: Sequence[Build], first_year: int, last_year: int, title: str) -> str:
    """A Gantt-like chart: one row per build, hatched while building, solid once online."""
    if not builds:
        return ""
    label_w, row_h, top, width = 330, 22, 24, 920
    height = top + row_h * len(builds) + 22
    plot_w = width - label_w - 10
    span = max(last_year + 1 - first_year, 1)

    def sx(year: float) -> float:
        return label_w + (year - first_year) / span * plot_w

    parts = [_open(width, height, title), f'<text x="0" y="12" class="ct">{escape(title)}</text>']
    for year in _year_ticks(first_year, last_year):
        x = sx(year)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - 18}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" class="tk">{year}</text>'
        )
    for row, build in enumerate(builds):
        y = top + row * row_h
        online = min(max(build.online, build.decided), last_year + 1)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="lb">'
            f"{escape(_clip(build.label, 54))}</text>"
            f'<rect x="{sx(build.decided):.1f}" y="{y + 4}" '
            f'width="{sx(online) - sx(build.decided):.1f}"'
            f' height="{row_h - 8}" fill="#f3c89b"><title>building</title></rect>'
            f'<rect x="{sx(online):.1f}" y="{y + 4}" width="{sx(last_year + 1) - sx(online):.1f}"'
            f' height="{row_h - 8}" fill="{PALETTE[0]}"><title>producing</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(
    bars: Sequence[tuple[str, float]], title: str, unit: str, scale: float, width: int = 700
) -> str:
    """Horizontal bars (negative values to the left of zero), values in `unit` (÷ `scale`)."""
    if not bars:
        return ""
    label_w, value_w, row_h, top = 210, 90, 18, 24
    height = top + row_h * len(bars) + 6
    values = [value / scale for _, value in bars]
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1.0
    plot_w = width - label_w - value_w

    def sx(value: float) -> float:
        return label_w + (value - low) / (high - low) * plot_w

    parts = [_open(width, height, title), f'<text x="0" y="12" class="ct">{escape(title)}']
    parts.append(f' <tspan class="cu">({escape(unit)})</tspan></text>')
    zero = sx(0.0)
    for row, ((label, _), value) in enumerate(zip(bars, values, strict=True)):
        y = top + row * row_h
        x0, x1 = sorted((zero, sx(value)))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" class="lb">'
            f"{escape(_clip(label, 32))}</text>"
            f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 0.5):.1f}" height="{row_h - 6}"'
            f' fill="{PALETTE[0] if value >= 0 else PALETTE[1]}"/>'
            f'<text x="{max(x1, zero) + 4:.1f}" y="{y + 12}" class="tk">{value:,.1f}</text>'
        )
    parts.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{top}" y2="{height - 4}" stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
