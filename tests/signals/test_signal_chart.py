"""The signals overview's chart per month and category: only published counts, the
same numbers in the table, months and numbers in the language of the interface."""

from __future__ import annotations

import pytest
from django.utils import translation

from wijkregie.signals import charts
from wijkregie.signals.feeds import MonthlyCount, category_month_totals

pytestmark = pytest.mark.django_db


def test_totals_count_only_published_cells_and_listed_signals():
    counts = [MonthlyCount("BU1", "overlast", 2025, 1, count=None, listed=2),
              MonthlyCount("BU2", "overlast", 2025, 1, count=7, listed=0),
              MonthlyCount("BU1", "vuil", 2025, 3, count=1234, listed=1)]
    totals = category_month_totals(counts)
    assert totals == {"overlast": {(2025, 1): 9}, "vuil": {(2025, 3): 1235}}
    table = charts.category_table(totals, {"overlast": "Overlast", "vuil": "Vuil"})
    # Every month between the first and the last, gaps as 0.
    assert table.months == [(2025, 1), (2025, 2), (2025, 3)]
    assert [counts for _label, counts in table.rows] == [[9, 0], [0, 0], [0, 1235]]
    with translation.override("nl"):
        table = charts.category_table(totals, {})
        assert table.shown_rows[2] == ("mrt 2025", ["0", "1.235"])
        svg = charts.category_chart(table)
        assert "1.235" in svg and "mrt 2025" in svg
    with translation.override("en"):
        table = charts.category_table(totals, {})
        assert table.shown_rows[2] == ("Mar 2025", ["0", "1,235"])
        assert "1,235" in charts.category_chart(table)


def test_overview_shows_the_chart_and_its_table(demo, login):
    page = login("programma").get("/signals/")
    body = page.content.decode()
    table = page.context["category_table"]
    assert table.rows, "the demo has published counts"
    assert 'class="chart signal-chart"' in body
    # The chart's table sums to the published totals table.
    chart_sum = sum(sum(counts) for _label, counts in table.rows)
    totals_sum = sum(listed + others for _y, _m, listed, others in page.context["totals"])
    assert chart_sum == totals_sum
