"""Aggregates for other capabilities: minimum counts, no identifiers."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import numpy as np
import pytest

from wijkregie.core.models import Municipality
from wijkregie.signals.feeds import MonthlyCount, grid_cells, hotspot_points, monthly_counts
from wijkregie.signals.models import Signal

pytestmark = pytest.mark.django_db


def test_monthly_counts_omit_small_cells_and_match_the_data(demo):
    municipality = Municipality.objects.get(code="GM9001")
    counts = monthly_counts(municipality=municipality, viewer=None, min_count=5)
    assert counts and all(isinstance(c, MonthlyCount) and c.count >= 5 for c in counts)
    assert [f.name for f in fields(MonthlyCount)] == [
        "area_code", "category_key", "year", "month", "count", "listed"]
    row = counts[0]
    exact = Signal.objects.filter(
        municipality=municipality, area__code=row.area_code, category__key=row.category_key,
        observed_on__year=row.year, observed_on__month=row.month).count()
    assert exact == row.count
    everything = monthly_counts(municipality=municipality, viewer=None, min_count=1)
    small = [c for c in everything if c.count < 5]
    assert small  # the rule really removes something in the demo
    assert not set(small) & set(counts)
    assert sum(c.count for c in everything) == Signal.objects.filter(
        municipality=municipality, area__isnull=False).count()


def test_hotspot_points_are_coordinates_and_dates_only(demo):
    municipality = Municipality.objects.get(code="GM9001")
    xs, ys, days = hotspot_points(municipality=municipality, category_keys=["jeugd"],
                                  start=date(2000, 1, 1))
    expected = Signal.objects.filter(municipality=municipality, category__key="jeugd",
                                     x_rd__isnull=False).count()
    assert len(xs) == len(ys) == len(days) == expected > 0
    assert xs.dtype == float and days.dtype == np.dtype("datetime64[D]")
    assert xs.min() > 100_000 and ys.min() > 390_000  # RD New metres around the demo town
    empty = hotspot_points(municipality=municipality, category_keys=["bestaat-niet"])
    assert all(len(a) == 0 for a in empty) and empty[2].dtype == np.dtype("datetime64[D]")


def test_grid_cells_apply_the_minimum(demo):
    municipality = Municipality.objects.get(code="GM9001")
    cells = grid_cells(municipality=municipality, viewer=None, min_count=5)
    assert cells and all(c.count >= 5 for c in cells)
    every = grid_cells(municipality=municipality, viewer=None, min_count=1)
    assert sum(c.count for c in every) == Signal.objects.filter(
        municipality=municipality, x_rd__isnull=False).count()
