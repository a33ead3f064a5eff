"""Aggregated signal counts for pages, the API and other capabilities (hot spots).

No aggregate may let a user work out a small number of signals it may not list
(ADR 0027). Every count is therefore split per viewer into two parts:

- ``listed``: signals the viewer may list anyway (``selectors.signals_for``); shown
  exactly, because the viewer can count them itself;
- ``count`` ("others"): the signals it may not list; shown only from the minimum count
  up, otherwise ``None`` — never a small number, and never told apart from zero.

A total over both parts is never published: subtracting the listed part from it is the
attack this module exists to stop. Totals over cells only add up published values.
Points (``hotspot_points``) carry no identifiers of any kind, and are offered only for
analyses that users who may list no signals see (``lists_no_signals``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from wijkregie.core.models import Municipality, User
from wijkregie.signals.fields import GRID_CELL_M
from wijkregie.signals.models import Signal

DEFAULT_MIN_COUNT = 5


def listable(viewer: User | None, municipality: Municipality) -> QuerySet[Signal]:
    """The signals of ``municipality`` that ``viewer`` may list (none for None)."""
    from wijkregie.signals import selectors  # selectors imports nothing from here

    if viewer is None:
        return Signal.objects.none()
    return selectors.signals_for(viewer).filter(municipality=municipality)


def lists_no_signals(viewer: User) -> bool:
    """True when the viewer may list no signal at all: only such users may see results
    computed over every signal (hot spot analyses), which cannot be split per viewer."""
    from wijkregie.signals import selectors

    return not selectors.signals_for(viewer).exists()


def _published(others: int, min_count: int) -> int | None:
    return others if others >= max(1, min_count) else None


@dataclass(frozen=True)
class MonthlyCount:
    area_code: str
    category_key: str
    year: int
    month: int
    count: int | None  # signals the viewer may not list; None: fewer than the minimum
    listed: int = 0    # signals the viewer may list


def monthly_counts(*, municipality: Municipality, viewer: User | None,
                   min_count: int = DEFAULT_MIN_COUNT,
                   area_codes: Collection[str] | None = None) -> list[MonthlyCount]:
    """Signals per buurt, category and month, split into the viewer's listed part and
    the others (published from ``min_count`` up). Rows with nothing to publish are left
    out. ``viewer=None`` is a consumer that may list nothing (all signals are others).
    ``area_codes`` keeps the rows of those buurten only: the same cells, fewer of them
    (a cell is one buurt, so leaving buurten out changes no cell's count)."""
    visible = listable(viewer, municipality)
    signals = Signal.objects.filter(municipality=municipality, area__isnull=False)
    if area_codes is not None:
        signals = signals.filter(area__code__in=list(area_codes))
    rows = (signals
            .annotate(year=ExtractYear("observed_on"), month=ExtractMonth("observed_on"))
            .values("area__code", "category__key", "year", "month")
            .annotate(listed=Count("id", filter=Q(pk__in=visible.values("pk"))),
                      all=Count("id"))
            .order_by("area__code", "category__key", "year", "month"))
    result = []
    for r in rows:
        others = _published(r["all"] - r["listed"], min_count)
        if others is not None or r["listed"]:
            result.append(MonthlyCount(r["area__code"], r["category__key"], r["year"],
                                       r["month"], others, r["listed"]))
    return result


def monthly_totals(counts: list[MonthlyCount]) -> list[tuple[int, int, int, int]]:
    """(year, month, listed, others) over the published cells only: the others total is
    a sum of published numbers, so it tells nothing the cells do not."""
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in counts:
        totals[(row.year, row.month)][0] += row.listed
        totals[(row.year, row.month)][1] += row.count or 0
    return [(y, m, listed, others) for (y, m), (listed, others) in sorted(totals.items())]


def category_month_totals(counts: list[MonthlyCount]
                          ) -> dict[str, dict[tuple[int, int], int]]:
    """Signals per category and (year, month): the listed part plus the published others,
    summed over published cells only (as :func:`monthly_totals`), for the overview chart."""
    totals: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        totals[row.category_key][(row.year, row.month)] += row.listed + (row.count or 0)
    return {key: dict(months) for key, months in sorted(totals.items())}


def hotspot_points(*, municipality: Municipality, category_keys: list[str] | None = None,
                   start: date | None = None, end: date | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y (RD New metres) and date observed of signals with a point; for aggregate
    analysis only (kernel density, Gi*): no identifiers. Results over these points are
    for users who list no signals (``lists_no_signals``), with small counts suppressed."""
    queryset = _points(Signal.objects.filter(municipality=municipality),
                       category_keys=category_keys, start=start, end=end)
    # The points are encrypted (ADR 0028): decrypted here, and sorted after that.
    return _arrays(sorted(queryset.values_list("x_rd", "y_rd", "observed_on"),
                          key=lambda r: (r[2], r[0], r[1])))


def _points(queryset: QuerySet[Signal], *, category_keys: list[str] | None,
            start: date | None, end: date | None) -> QuerySet[Signal]:
    queryset = queryset.filter(x_rd__isnull=False, y_rd__isnull=False)
    if category_keys:
        queryset = queryset.filter(category__key__in=category_keys)
    if start:
        queryset = queryset.filter(observed_on__gte=start)
    if end:
        queryset = queryset.filter(observed_on__lte=end)
    return queryset


def _arrays(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not rows:
        return (np.empty(0), np.empty(0), np.empty(0, dtype="datetime64[D]"))
    xs, ys, days = zip(*rows, strict=True)
    return (np.asarray(xs, dtype=float), np.asarray(ys, dtype=float),
            np.asarray(days, dtype="datetime64[D]"))


@dataclass(frozen=True)
class GridCell:
    x0: float  # lower-left corner, RD New metres
    y0: float
    count: int | None  # signals the viewer may not list; None: fewer than the minimum
    listed: int = 0


def grid_cells(*, municipality: Municipality, viewer: User | None,
               category_keys: list[str] | None = None, start: date | None = None,
               end: date | None = None, cell_m: float = GRID_CELL_M,
               min_count: int = DEFAULT_MIN_COUNT) -> list[GridCell]:
    """Signal counts per square grid cell, split as :func:`monthly_counts`; cells with
    nothing to publish are omitted."""
    visible = set(listable(viewer, municipality).values_list("pk", flat=True))
    points = _points(Signal.objects.filter(municipality=municipality),
                     category_keys=category_keys, start=start, end=end)
    # The map's grid is stored plain with each point; another cell size needs the exact
    # (encrypted) points.
    plain = cell_m == GRID_CELL_M
    rows = list(points.values_list("pk", "grid_x", "grid_y") if plain
                else points.values_list("pk", "x_rd", "y_rd"))
    if not rows:
        return []
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    xs = np.fromiter((r[1] for r in rows), dtype=float, count=len(rows))
    ys = np.fromiter((r[2] for r in rows), dtype=float, count=len(rows))
    mine = np.isin(ids, np.fromiter(visible, dtype=np.int64, count=len(visible)))
    keys = (np.column_stack([xs, ys]) if plain else
            np.column_stack([np.floor(xs / cell_m), np.floor(ys / cell_m)])).astype(np.int64)
    cells, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    listed = np.bincount(inverse, weights=mine, minlength=len(cells)).astype(int)
    others = np.bincount(inverse, weights=~mine, minlength=len(cells)).astype(int)
    result = []
    for (cx, cy), n_listed, n_others in zip(cells, listed, others, strict=True):
        published = _published(int(n_others), min_count)
        if published is not None or n_listed:
            result.append(GridCell(float(cx * cell_m), float(cy * cell_m), published,
                                   int(n_listed)))
    return result


def hidden_remainder(total: int, shown: int, *, min_count: int = DEFAULT_MIN_COUNT
                     ) -> int | None:
    """How many of ``total`` (e.g. the signals of a case, the members of a group) are not
    shown to the viewer, as it may be said: from ``min_count`` up, else None."""
    return _published(total - shown, min_count)
