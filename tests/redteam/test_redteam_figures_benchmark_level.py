"""Red-team attack on benchmarks per level (issue 11, point 10): a gemeente is coloured
against gemeenten, never against areas of another level."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tests.figures.factories import build_town, deliver, indicator
from wijkregie.areas.models import AreaLevel
from wijkregie.figures import selectors, views
from wijkregie.figures.models import Aggregation

pytestmark = pytest.mark.django_db


def test_gemeente_profile_with_programme_reference_is_not_benchmarked_on_programme_areas():
    """BREAK: the gemeente profile offers the reference choice "all programme areas"
    (``?reference=programme``), and the same group is passed to the benchmark colours:
    ``benchmark_statistics(level=gemeente, group=programme)`` returns the distribution of
    programme areas, so the gemeente of 3,000 inhabitants is coloured against programme
    areas (mean 1,167), not against the gemeenten (mean 2,333). The profile view
    (``area_profile``) passes exactly this group for a gemeente."""
    inwoners = indicator("inwoners", Aggregation.SUM)
    towns = [build_town(code) for code in ("GM0997", "GM0998", "GM0999")]
    for town, values in zip(towns, ([500, 500, 500, 500], [500, 500, 500, 500],
                                    [750, 750, 750, 750]), strict=True):
        deliver(town, inwoners, values)
    request = RequestFactory().get("/", {"reference": "programme"})
    town = towns[2]
    group, _label, _choices = views.reference_group(request, town.municipality, None)
    stats = selectors.benchmark_statistics(town.municipality, [inwoners],
                                           AreaLevel.GEMEENTE, group)
    gemeente_mean = (2000 + 2000 + 3000) / 3
    assert stats[(inwoners.pk, 2024)].mean == pytest.approx(gemeente_mean), (
        f"gemeente coloured against mean {stats[(inwoners.pk, 2024)].mean} "
        "(the programme areas), not the gemeenten")
