"""Where the points of a hot spot analysis come from: imported incidents or signals.

A source gives projected points and dates for one municipality, optionally limited to
categories and a date range. Imported incident data sets are always offered, and so
are signals, through ``wijkregie.signals.feeds.hotspot_points`` (aggregated points: no
identifiers). Signal-based results show counts only from :data:`SIGNALS_MIN_COUNT` up
(disclosure control, ``analysis.disclose``), and only to users who may list no signals
(:func:`signal_results_visible_to`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray

from wijkregie.core.models import Municipality, User
from wijkregie.hotspots.incident_files import RD_NEW
from wijkregie.hotspots.models import Incident, IncidentDataSet
from wijkregie.signals import feeds

SIGNALS_MIN_COUNT = 5
SIGNALS_SOURCE_KEY = "signals"


@dataclass
class Points:
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    dates: NDArray[np.datetime64]
    crs: str


@dataclass(frozen=True)
class Source:
    """One choice in the page's source list; ``key`` is stored with the analysis."""

    key: str
    label: str
    points: Callable[..., Points]
    categories: Callable[[], list[str]]
    suppress_below: int = 0
    data_set: IncidentDataSet | None = None


def data_set_source(data_set: IncidentDataSet) -> Source:
    def points(*, categories: list[str] | None = None, start: date | None = None,
               end: date | None = None) -> Points:
        rows = Incident.objects.filter(data_set=data_set)
        if categories:
            rows = rows.filter(category__in=categories)
        if start:
            rows = rows.filter(date__gte=start)
        if end:
            rows = rows.filter(date__lte=end)
        values = list(rows.values_list("x", "y", "date"))
        arr = np.array([(v[0], v[1]) for v in values], dtype=float).reshape(-1, 2)
        dates = np.array([v[2] for v in values], dtype="datetime64[D]")
        return Points(arr[:, 0], arr[:, 1], dates, data_set.crs)

    def categories() -> list[str]:
        return [row["category"] for row in Incident.objects.filter(data_set=data_set)
                .values("category").annotate(n=Count("id")).order_by("-n", "category")
                if row["category"]]

    return Source(key=f"dataset:{data_set.pk}", label=str(data_set.name), points=points,
                  categories=categories, data_set=data_set)


def signals_feed() -> Callable[..., tuple]:
    """``hotspot_points`` of the signals app (looked up per call, so tests can replace it)."""
    return feeds.hotspot_points


def _signals_source(municipality: Municipality, feed: Callable[..., tuple]) -> Source:
    def points(*, categories: list[str] | None = None, start: date | None = None,
               end: date | None = None) -> Points:
        x, y, dates = feed(municipality=municipality, category_keys=categories or None,
                           start=start, end=end)
        return Points(np.asarray(x, float), np.asarray(y, float),
                      np.asarray(dates, dtype="datetime64[D]"), RD_NEW)

    return Source(key=SIGNALS_SOURCE_KEY, label=str(_("Signals (aggregated)")), points=points,
                  categories=list, suppress_below=SIGNALS_MIN_COUNT)


def signal_results_visible_to(user: User) -> bool:
    """Whether ``user`` may choose the signals source and see results computed from it.

    A stored result counts every signal, so it cannot be split per viewer; a user who
    may also list some signals could subtract them and find small counts of the others
    (ADR 0027). The signals app says who may list nothing."""
    return feeds.lists_no_signals(user)


def sources_for(municipality: Municipality, *, user: User | None = None) -> list[Source]:
    """The sources a user of ``municipality`` can choose from (callers scope the user to
    the municipality). ``user=None`` is a job running an analysis already authorised."""
    sources = [data_set_source(ds) for ds in
               IncidentDataSet.objects.filter(municipality=municipality)]
    feed = signals_feed()
    if feed is not None and (user is None or signal_results_visible_to(user)):
        sources.append(_signals_source(municipality, feed))
    return sources


def source_by_key(municipality: Municipality, key: str) -> Source | None:
    return next((s for s in sources_for(municipality) if s.key == key), None)
