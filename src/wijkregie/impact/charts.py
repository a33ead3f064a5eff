"""Server-rendered SVG charts; every page shows the same numbers in a table beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 210
ROW = 26
NEGATIVE, POSITIVE, NEUTRAL = "#b03a2e", "#1f6f43", "#2b5c8a"


def euro(x: float | None) -> str:
    """``€ 1.234.567`` / ``-€ 1.234`` (Dutch grouping), ``n/a`` for ``None``."""
    if x is None:
        return "n/a"
    sign = "-" if round(x) < 0 else ""
    return f"{sign}€ {abs(x):,.0f}".replace(",", ".")


def _tag(template: str, *args: object) -> str:
    """``format_html`` with numbers rounded to 0.1 px first (escaping turns them into text)."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _svg(height: int, label: str, body: list[str]) -> SafeString:
    head = format_html('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
                       'width="100%" role="img" aria-label="{}" class="chart">'
                       '<title>{}</title>', WIDTH, height, label, label)
    return mark_safe(head + "".join(body) + "</svg>")  # nosec B308, B703 # parts built by format_html


@dataclass(frozen=True)
class _Scale:
    lo: float
    hi: float
    x0: float = LABEL_WIDTH
    x1: float = WIDTH - 20

    @classmethod
    def of(cls, values: Sequence[float]) -> _Scale:
        lo, hi = min([0.0, *values]), max([0.0, *values])
        return cls(lo, hi if hi > lo else lo + 1.0)

    def __call__(self, v: float) -> float:
        return self.x0 + (v - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def _text(x: float, y: float, text: str, anchor: str = "end", size: int = 12) -> str:
    return _tag('<text x="{}" y="{}" text-anchor="{}" font-size="{}">{}</text>',
                       x, y, anchor, size, text)


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return _tag('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                       x, y, max(w, 0.5), h, fill)


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = "#333",
          dash: str = "") -> str:
    return _tag('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                       'stroke-dasharray="{}"/>', x1, y1, x2, y2, stroke, dash)


def bars(items: Sequence[tuple[str, float]], label: str,
         ranges: Sequence[tuple[float, float] | None] = ()) -> SafeString:
    """Signed horizontal bars (e.g. NPV per alternative), optional P5-P95 whiskers."""
    spans = [r for r in ranges if r is not None]
    scale = _Scale.of([v for _l, v in items] + [x for r in spans for x in r])
    height = ROW * len(items) + 40
    body = [_line(scale(0), 10, scale(0), height - 24)]
    for i, (name, value) in enumerate(items):
        y = 14 + i * ROW
        left, right = sorted((scale(0), scale(value)))
        body += [_text(LABEL_WIDTH - 6, y + 14, name),
                 _rect(left, y + 3, right - left, ROW - 10, POSITIVE if value >= 0 else NEGATIVE)]
        if i < len(ranges) and ranges[i] is not None:
            lo, hi = ranges[i]
            body.append(_line(scale(lo), y + ROW / 2 - 2, scale(hi), y + ROW / 2 - 2))
    body += [_text(scale.x0, height - 8, euro(scale.lo), "start", 11),
             _text(scale.x1, height - 8, euro(scale.hi), "end", 11)]
    return _svg(height, label, body)


def tornado(rows: Sequence[dict[str, float | str]], base: float, label: str) -> SafeString:
    """NPV with each parameter at its low and its high value, around the base NPV."""
    values = [float(r[k]) for r in rows for k in ("npv_low", "npv_high")]
    scale = _Scale.of([base, *values])
    height = ROW * len(rows) + 40
    body = [_line(scale(base), 8, scale(base), height - 24, dash="4 3")]
    for i, row in enumerate(rows):
        y = 12 + i * ROW
        body.append(_text(LABEL_WIDTH - 6, y + 14, str(row["parameter"])))
        for key, colour in (("npv_low", NEUTRAL), ("npv_high", "#d08b2c")):
            left, right = sorted((scale(base), scale(float(row[key]))))
            body.append(_rect(left, y + 3, right - left, ROW - 10, colour))
    body += [_text(scale.x0, height - 8, euro(scale.lo), "start", 11),
             _text(scale.x1, height - 8, euro(scale.hi), "end", 11),
             _text(scale(base), height - 8, euro(base), "middle", 11)]
    return _svg(height, label, body)


def histogram(edges: Sequence[float], counts: Sequence[int], label: str) -> SafeString:
    """Frequency of the NPV over the Monte Carlo draws; the line marks NPV = 0."""
    height, top, bottom = 220, 10, 190
    scale = _Scale(edges[0], edges[-1] if edges[-1] > edges[0] else edges[0] + 1, 40)
    peak = max(max(counts), 1)
    body = []
    for i, count in enumerate(counts):
        h = (bottom - top) * count / peak
        colour = NEGATIVE if edges[i + 1] <= 0 else POSITIVE
        body.append(_rect(scale(edges[i]), bottom - h, scale(edges[i + 1]) - scale(edges[i]) - 1,
                          h, colour))
    if edges[0] < 0 < edges[-1]:
        body.append(_line(scale(0), top, scale(0), bottom, dash="4 3"))
    body += [_line(scale.x0, bottom, scale.x1, bottom),
             _text(scale.x0, height - 10, euro(edges[0]), "start", 11),
             _text(scale.x1, height - 10, euro(edges[-1]), "end", 11)]
    return _svg(height, label, body)


def lines(series: Sequence[tuple[str, Sequence[tuple[int, float | None]], str]],
          label: str) -> SafeString:
    """Yearly paths (assumed vs observed); gaps where a value is missing."""
    points = [(x, y) for _n, s, _c in series for x, y in s if y is not None]
    if not points:
        return _svg(40, label, [_text(20, 24, "—", "start")])
    height, top, bottom = 240, 10, 200
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    xscale = _Scale(min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1, 60, WIDTH - 20)
    ylo, yhi = min(ys), max(ys) if max(ys) > min(ys) else min(ys) + 1

    def ypos(v: float) -> float:
        return bottom - (v - ylo) / (yhi - ylo) * (bottom - top)

    body = [_line(60, bottom, WIDTH - 20, bottom), _line(60, top, 60, bottom)]
    for i, (name, path, colour) in enumerate(series):
        segment: list[str] = []
        for x, y in [*path, (None, None)]:
            if y is None or x is None:
                if len(segment) > 1:
                    body.append(format_html('<polyline fill="none" stroke="{}" stroke-width="2" '
                                            'points="{}"/>', colour, " ".join(segment)))
                segment = []
            else:
                segment.append(f"{xscale(x):.1f},{ypos(y):.1f}")
        for x, y in path:
            if y is not None:
                body.append(_tag('<circle cx="{}" cy="{}" r="3" fill="{}"/>',
                                        xscale(x), ypos(y), colour))
        body.append(_text(70 + 180 * i, height - 8, f"■ {name}", "start", 12)
                    .replace('font-size="12"', f'font-size="12" fill="{escape(colour)}"'))
    body += [_text(55, top + 10, f"{yhi:g}", "end", 11), _text(55, bottom, f"{ylo:g}", "end", 11),
             _text(60, bottom + 16, str(min(xs)), "start", 11),
             _text(WIDTH - 20, bottom + 16, str(max(xs)), "end", 11)]
    return _svg(height, label, body)
