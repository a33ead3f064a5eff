"""The page's three MKBA charts as vector drawings for the PDF report (reportlab graphics).

Each function takes exactly the data its SVG twin in :mod:`.charts` draws on the page
(tornado rows and base NPV, histogram edges and counts, the comparison of
alternatives), so the report and the page show the same picture. Text in a drawing
is real PDF text: labels and amounts can be searched and extracted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from .charts import euro

WIDTH = 480.0
LABEL = 150.0
ROW = 18.0
FONT = "Helvetica"
NEGATIVE, POSITIVE, NEUTRAL, HIGH = (colors.HexColor(c) for c in
                                     ("#b03a2e", "#1f6f43", "#2b5c8a", "#d08b2c"))


class _Scale:
    """Map euros to x between ``x0`` and ``x1``; the range always includes 0."""

    def __init__(self, values: Sequence[float], x0: float = LABEL, x1: float = WIDTH - 10):
        self.lo, self.hi = min([0.0, *values]), max([0.0, *values])
        if self.hi <= self.lo:
            self.hi = self.lo + 1.0
        self.x0, self.x1 = x0, x1

    def __call__(self, v: float) -> float:
        return self.x0 + (v - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def _bar(d: Drawing, a: float, b: float, y: float, h: float, fill: Any) -> None:
    left, right = sorted((a, b))
    d.add(Rect(left, y, max(right - left, 0.5), h, fillColor=fill, strokeColor=None))


def _text(d: Drawing, x: float, y: float, text: str, anchor: str = "end",
          size: float = 7.5) -> None:
    d.add(String(x, y, text, fontName=FONT, fontSize=size, textAnchor=anchor))


def _axis_labels(d: Drawing, scale: _Scale, y: float) -> None:
    _text(d, scale.x0, y, euro(scale.lo), "start", 7)
    _text(d, scale.x1, y, euro(scale.hi), "end", 7)


def tornado_drawing(rows: Sequence[dict[str, Any]], base: float, title: str) -> Drawing:
    """NPV with each parameter at its low (blue) and high (orange) value, around the base."""
    scale = _Scale([base, *(float(r[k]) for r in rows for k in ("npv_low", "npv_high"))])
    height = ROW * len(rows) + 46
    d = Drawing(WIDTH, height)
    _text(d, 0, height - 10, title, "start", 9)
    top = height - 22
    for i, row in enumerate(rows):
        y = top - (i + 1) * ROW
        _text(d, LABEL - 4, y + 5, str(row["parameter"]))
        _bar(d, scale(base), scale(float(row["npv_low"])), y + 2, ROW - 6, NEUTRAL)
        _bar(d, scale(base), scale(float(row["npv_high"])), y + 2, ROW - 6, HIGH)
    d.add(Line(scale(base), 14, scale(base), top, strokeDashArray=[3, 2], strokeWidth=0.6))
    _axis_labels(d, scale, 3)
    _text(d, scale(base), 3, euro(base), "middle", 7)
    return d


def histogram_drawing(edges: Sequence[float], counts: Sequence[int], title: str) -> Drawing:
    """Frequency of the NPV over the Monte Carlo draws; the dashed line marks NPV = 0."""
    height, bottom, top = 170.0, 16.0, 150.0
    d = Drawing(WIDTH, height)
    _text(d, 0, height - 10, title, "start", 9)
    lo, hi = float(edges[0]), float(edges[-1]) if edges[-1] > edges[0] else float(edges[0]) + 1
    x0, x1 = 30.0, WIDTH - 10

    def x(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    peak = max(max(counts), 1)
    for i, count in enumerate(counts):
        h = (top - bottom) * count / peak
        fill = NEGATIVE if edges[i + 1] <= 0 else POSITIVE
        d.add(Rect(x(edges[i]), bottom, max(x(edges[i + 1]) - x(edges[i]) - 0.5, 0.3), h,
                   fillColor=fill, strokeColor=None))
    if lo < 0 < hi:
        d.add(Line(x(0), bottom, x(0), top, strokeDashArray=[3, 2], strokeWidth=0.6))
    d.add(Line(x0, bottom, x1, bottom, strokeWidth=0.6))
    _text(d, x0, 4, euro(lo), "start", 7)
    _text(d, x1, 4, euro(hi), "end", 7)
    return d


def comparison_drawing(comparison: Sequence[dict[str, Any]], title: str) -> Drawing:
    """NPV per alternative with the P5-P95 range of the Monte Carlo draws as a whisker."""
    spans = [(c["p5"], c["p95"]) for c in comparison if c.get("p5") is not None]
    scale = _Scale([float(c["npv"]) for c in comparison] + [v for s in spans for v in s])
    height = ROW * len(comparison) + 40
    d = Drawing(WIDTH, height)
    _text(d, 0, height - 10, title, "start", 9)
    top = height - 20
    d.add(Line(scale(0), 14, scale(0), top, strokeWidth=0.6))
    for i, c in enumerate(comparison):
        y = top - (i + 1) * ROW
        npv = float(c["npv"])
        _text(d, LABEL - 4, y + 5, str(c["name"]))
        _bar(d, scale(0), scale(npv), y + 2, ROW - 6, POSITIVE if npv >= 0 else NEGATIVE)
        if c.get("p5") is not None:
            d.add(Line(scale(c["p5"]), y + ROW / 2 - 1, scale(c["p95"]), y + ROW / 2 - 1,
                       strokeWidth=0.8))
    _axis_labels(d, scale, 3)
    return d
