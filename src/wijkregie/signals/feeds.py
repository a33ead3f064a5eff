"""Aggregated signal counts for other capabilities (figures, hot spots) and the map.

No personal data leaves here: counts below the minimum are omitted, never shown as
small numbers; points carry no identifiers of any kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear

from wijkregie.core.models import Municipality
from wijkregie.signals.models import Signal

DEFAULT_MIN_COUNT = 5
GRID_CELL_M = 250.0


@dataclass(frozen=True)
class MonthlyCount:
    area_code: str
    category_key: str
    year: int
    month: int
    count: int


def monthly_counts(*, municipality: Municipality, min_count: int = DEFAULT_MIN_COUNT,
                   ) -> list[MonthlyCount]:
    """Signals per buurt, category and month; cells below ``min_count`` are left out."""
    rows = (Signal.objects.filter(municipality=municipality, area__isnull=False)
            .annotate(year=ExtractYear("observed_on"), month=ExtractMonth("observed_on"))
            .values("area__code", "category__key", "year", "month")
            .annotate(count=Count("id"))
            .filter(count__gte=max(1, min_count))
            .order_by("area__code", "category__key", "year", "month"))
    return [MonthlyCount(r["area__code"], r["category__key"], r["year"], r["month"], r["count"])
            for r in rows]


def hotspot_points(*, municipality: Municipality, category_keys: list[str] | None = None,
                   start: date | None = None, end: date | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y (RD New metres) and date observed of signals with a point; for aggregate
    analysis only (kernel density, Gi*): no identifiers."""
    queryset = Signal.objects.filter(municipality=municipality, x_rd__isnull=False,
                                     y_rd__isnull=False)
    if category_keys:
        queryset = queryset.filter(category__key__in=category_keys)
    if start:
        queryset = queryset.filter(observed_on__gte=start)
    if end:
        queryset = queryset.filter(observed_on__lte=end)
    rows = list(queryset.order_by("observed_on", "x_rd", "y_rd")
                .values_list("x_rd", "y_rd", "observed_on"))
    if not rows:
        return (np.empty(0), np.empty(0), np.empty(0, dtype="datetime64[D]"))
    xs, ys, days = zip(*rows, strict=True)
    return (np.asarray(xs, dtype=float), np.asarray(ys, dtype=float),
            np.asarray(days, dtype="datetime64[D]"))


@dataclass(frozen=True)
class GridCell:
    x0: float  # lower-left corner, RD New metres
    y0: float
    count: int


def grid_cells(*, municipality: Municipality, category_keys: list[str] | None = None,
               start: date | None = None, end: date | None = None,
               cell_m: float = GRID_CELL_M, min_count: int = DEFAULT_MIN_COUNT,
               ) -> list[GridCell]:
    """Signal counts per square grid cell; cells below the minimum are omitted."""
    xs, ys, _ = hotspot_points(municipality=municipality, category_keys=category_keys,
                               start=start, end=end)
    if xs.size == 0:
        return []
    keys = np.column_stack([np.floor(xs / cell_m), np.floor(ys / cell_m)]).astype(np.int64)
    cells, counts = np.unique(keys, axis=0, return_counts=True)
    return [GridCell(float(cx * cell_m), float(cy * cell_m), int(n))
            for (cx, cy), n in zip(cells, counts, strict=True) if n >= min_count]


def monthly_totals(counts: list[MonthlyCount]) -> list[tuple[int, int, int]]:
    """(year, month, total) over the published cells only, so suppressed cells stay out."""
    totals: dict[tuple[int, int], int] = {}
    for row in counts:
        totals[(row.year, row.month)] = totals.get((row.year, row.month), 0) + row.count
    return [(y, m, n) for (y, m), n in sorted(totals.items())]
