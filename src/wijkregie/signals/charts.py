"""The signals overview's chart: signals per month and category as server-rendered SVG,
in the style of :mod:`wijkregie.figures.charts` (hidden from screen readers; the table
beside it has the same numbers). Numbers and months follow the active language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Eight colours apart from each other and 3:1 against white; the dashes tell the lines
# apart where colours do not.
PALETTE = ("#1f4e79", "#c45a00", "#2e7d32", "#7b1fa2", "#b00020", "#00695c", "#5d4037",
           "#37474f")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class CategoryTable:
    """Months (rows) by categories (columns), for the chart and its table."""
    months: list[tuple[int, int]]
    categories: list[tuple[str, str]]  # key, name
    rows: list[tuple[str, list[int]]]  # month label, one count per category

    @property
    def shown_rows(self) -> list[tuple[str, list[str]]]:
        """The rows with numbers in the active language's notation (1.234 / 1,234)."""
        return [(label, [number_format(v, 0, force_grouping=True) for v in counts])
                for label, counts in self.rows]


def month_label(year: int, month: int) -> str:
    """"mrt 2025" in Dutch (month abbreviations are lower case), "Mar 2025" in English."""
    label = date_format(date(year, month, 1), "M Y")
    return label.lower() if (get_language() or "").startswith("nl") else label


def category_table(totals: dict[str, dict[tuple[int, int], int]],
                   names: dict[str, str]) -> CategoryTable:
    months = sorted({m for per_month in totals.values() for m in per_month})
    if months:
        # Every month between the first and the last: a month without counts shows 0.
        (y0, m0), (y1, m1) = months[0], months[-1]
        months = [(i // 12, i % 12 + 1) for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]
    categories = [(key, names.get(key, key)) for key in totals]
    rows = [(month_label(y, m), [totals[key].get((y, m), 0) for key, _ in categories])
            for y, m in months]
    return CategoryTable(months=months, categories=categories, rows=rows)


def category_chart(table: CategoryTable, width: int = 640, height: int = 240) -> SafeString:
    """One line per category over the months, with a y axis and a legend."""
    if len(table.months) < 2 or not table.categories:
        return SafeString("")
    top = max((max(counts) for _, counts in table.rows), default=0) or 1
    left, right, bottom, upper = 48, 10, 36, 10
    legend_h = 18 * ((len(table.categories) + 2) // 3)
    plot_h = height - bottom - upper
    n = len(table.months)

    def px(i: int) -> float:
        return left + i / (n - 1) * (width - left - right)

    def py(v: float) -> float:
        return upper + plot_h - v / top * plot_h

    parts = []
    for tick in sorted({0, top // 2, top}):
        y = py(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="#bbbbbb" stroke-width="1"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                     f'{escape(number_format(tick, 0, force_grouping=True))}</text>')
    for index, (_key, _name) in enumerate(table.categories):
        points = " ".join(f"{px(i):.1f},{py(counts[index]):.1f}"
                          for i, (_label, counts) in enumerate(table.rows))
        dash = DASHES[(index // len(PALETTE)) % len(DASHES)] or DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke-width="2"'
                     f' stroke="{PALETTE[index % len(PALETTE)]}"{dash_attr}/>')
    step = max(1, (n + 5) // 6)
    for i in range(0, n, step):
        parts.append(f'<text x="{px(i):.1f}" y="{height - bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(table.rows[i][0])}</text>')
    for index, (_key, name) in enumerate(table.categories):
        x = left + (index % 3) * ((width - left) / 3)
        y = height + 14 + 18 * (index // 3)
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[(index // len(PALETTE)) % len(DASHES)] or DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x + 22:.1f}" y2="{y - 4}" '
                     f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
                     f'<text x="{x + 28:.1f}" y="{y}" font-size="12">{escape(name)}</text>')
    total_h = height + legend_h + 8
    return mark_safe(  # nosec B308, B703 # numbers and escape()d text only
        f'<svg class="chart signal-chart" viewBox="0 0 {width} {total_h}" '
        f'width="{width}" height="{total_h}" aria-hidden="true" '
        f'focusable="false">{"".join(parts)}</svg>')
