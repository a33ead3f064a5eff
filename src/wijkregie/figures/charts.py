"""Small server-rendered SVG charts. Each chart is decorative for screen readers
(``aria-hidden``): the page always puts the same numbers in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from wijkregie.figures.disclosure import format_number

PALETTE = ("#1f4e79", "#c45a00", "#2e7d32", "#7b1fa2")


def _scale(values: Sequence[float], low: float, high: float) -> list[float]:
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    return [high - (v - lo) / span * (high - low) for v in values]


def sparkline(points: Sequence[tuple[int, float | None]], width: int = 120,
              height: int = 28) -> SafeString:
    """A trend line over the shown values (hidden years leave a gap)."""
    shown = [(x, y) for x, y in points if y is not None]
    if len(shown) < 2:
        return mark_safe("")  # nosec B308 # numbers and escape()d text only
    xs = [x for x, _ in points]
    x0, x1 = min(xs), max(xs)
    ys = _scale([y for _, y in shown], 3, height - 3)
    coords = [(3 + (x - x0) / ((x1 - x0) or 1) * (width - 6), y)
              for (x, _), y in zip(shown, ys, strict=True)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    return mark_safe(  # nosec B308, B703 # numbers and escape()d text only
        f'<svg class="sparkline" width="{width}" height="{height}" aria-hidden="true" '
        f'focusable="false"><polyline points="{path}" fill="none" stroke="{PALETTE[0]}" '
        f'stroke-width="1.5"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" '
        f'fill="{PALETTE[0]}"/></svg>')


def histogram(values: Sequence[float], bins: int = 10, width: int = 420,
              height: int = 140) -> tuple[SafeString, list[tuple[float, float, int]]]:
    """Distribution of the shown values; returns the SVG and its (low, high, count) table."""
    if not values:
        return mark_safe(""), []  # nosec B308 # numbers and escape()d text only
    lo, hi = min(values), max(values)
    step = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) / step), bins - 1)] += 1
    table = [(lo + i * step, lo + (i + 1) * step, c) for i, c in enumerate(counts)]
    top = max(counts) or 1
    bar_w = (width - 20) / bins
    bars = "".join(
        f'<rect x="{10 + i * bar_w:.1f}" y="{height - 20 - c / top * (height - 30):.1f}" '
        f'width="{bar_w - 2:.1f}" height="{c / top * (height - 30):.1f}" fill="{PALETTE[0]}"/>'
        for i, c in enumerate(counts))
    axis = (f'<text x="10" y="{height - 5}" font-size="11">{escape(_short(lo))}</text>'
            f'<text x="{width - 10}" y="{height - 5}" font-size="11" text-anchor="end">'
            f'{escape(_short(hi))}</text>')
    return mark_safe(f'<svg class="histogram" width="{width}" height="{height}" '  # nosec B308, B703 # numbers and escape()d text only
                     f'aria-hidden="true" focusable="false">{bars}{axis}</svg>'), table


def line_chart(series: Sequence[tuple[str, Sequence[tuple[int, float | None]]]],
               width: int = 420, height: int = 160,
               x_labels: tuple[str, str] | None = None) -> SafeString:
    """Several trend lines on one axis (compare view); ``x_labels`` name the first and
    last x (default: the numbers themselves)."""
    all_points = [(x, y) for _, pts in series for x, y in pts if y is not None]
    if len(all_points) < 2:
        return mark_safe("")  # nosec B308 # numbers and escape()d text only
    xs = [x for x, _ in all_points]
    ys = [y for _, y in all_points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

    def px(x: int) -> float:
        return 40 + (x - x0) / ((x1 - x0) or 1) * (width - 50)

    def py(y: float) -> float:
        return height - 20 - (y - y0) / ((y1 - y0) or 1) * (height - 35)

    lines = []
    for index, (_name, points) in enumerate(series):
        shown = [(x, y) for x, y in points if y is not None]
        if shown:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in shown)
            lines.append(f'<polyline points="{path}" fill="none" stroke-width="2" '
                         f'stroke="{PALETTE[index % len(PALETTE)]}"/>')
    axis = (f'<text x="2" y="{py(y1) + 4:.1f}" font-size="11">{escape(_short(y1))}</text>'
            f'<text x="2" y="{py(y0) + 4:.1f}" font-size="11">{escape(_short(y0))}</text>'
            f'<text x="40" y="{height - 4}" font-size="11">'
            f'{escape(x_labels[0]) if x_labels else x0}</text>'
            f'<text x="{width - 10}" y="{height - 4}" font-size="11" text-anchor="end">'
            f'{escape(x_labels[1]) if x_labels else x1}</text>')
    return mark_safe(f'<svg class="line-chart" width="{width}" height="{height}" '  # nosec B308, B703 # numbers and escape()d text only
                     f'aria-hidden="true" focusable="false">{"".join(lines)}{axis}</svg>')


def _short(value: float) -> str:
    return format_number(value, 1)


def month_chart(name: str, points: Sequence[tuple[int, int, float | None]]) -> SafeString:
    """A trend by month over (year, month, shown value) points; hidden months leave a
    gap, and the axis names the first and last month."""
    if not points:
        return mark_safe("")  # nosec B308 # numbers and escape()d text only
    first, last = points[0], points[-1]
    return line_chart([(name, [(year * 12 + month - 1, value) for year, month, value in points])],
                      x_labels=(f"{first[0]}-{first[1]:02d}", f"{last[0]}-{last[1]:02d}"))
