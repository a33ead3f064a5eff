"""Red-team attacks on the reference figures ("All municipalities", "all programme areas";
issue 11, point 10): the group's figure by the indicator's own rule.

Each test states a break: a reference figure that is not the group's figure.
"""

from __future__ import annotations

import pytest

from tests.figures.factories import build_town, deliver, indicator
from wijkregie.areas.models import ProgrammeArea
from wijkregie.figures import statistics
from wijkregie.figures.models import Aggregation, CityStatistic

pytestmark = pytest.mark.django_db


def _reference(ind, group: str = statistics.ALL, year: int = 2024) -> float | None:
    return CityStatistic.objects.get(indicator=ind, municipality__isnull=True,
                                     reference_group=group, year=year).reference


def test_national_total_is_not_published_when_a_municipality_has_no_figure():
    """BREAK: the "All municipalities" total of a count silently leaves out a municipality
    whose gemeente figure is missing (one buurt not delivered, so its total is
    incomplete): with three municipalities of 100 inhabitants each, the national
    reference says 200. aggregation.py's own rule is that an incomplete total is not
    computed ("a number that is silently too low"); the reference applies the opposite."""
    inwoners = indicator("inwoners", Aggregation.SUM)
    for code in ("GM0997", "GM0998"):
        deliver(build_town(code), inwoners, [25, 25, 25, 25])
    deliver(build_town("GM0999"), inwoners, [25, 25, 25, None])
    reference = _reference(inwoners)
    assert reference is None or reference == 300, (
        f"national total of inhabitants published as {reference} with one municipality "
        "left out")


def test_national_weighted_mean_is_not_published_over_the_members_with_a_weight():
    """BREAK: the "All municipalities" weighted mean drops a municipality whose weight
    (inhabitants) is missing although its own figure is shown: the reference becomes
    the mean of the others, labelled as the figure of all municipalities. Here the
    dropped municipality has 40 % against 10 % elsewhere: the reference says 10 %."""
    inwoners = indicator("inwoners", Aggregation.SUM)
    share = indicator("aandeel_pct", Aggregation.WEIGHTED_MEAN, denominator=inwoners,
                      unit="%", decimals=1, disclosure={"decimals": 1})
    for code in ("GM0997", "GM0998"):
        town = build_town(code)
        deliver(town, inwoners, [25, 25, 25, 25])
        deliver(town, share, [10, 10, 10, 10])
    town = build_town("GM0999")
    # The gemeente's share is delivered for the gemeente itself, its inhabitants are not.
    from wijkregie.figures.models import Observation
    from wijkregie.figures.pipeline import refresh_municipality
    Observation.objects.create(indicator=share, area=town.gemeente, year=2024, value=40,
                               status="value")
    refresh_municipality(town.municipality, [share, inwoners])
    assert Observation.objects.get(indicator=share, area=town.gemeente).shown_value == 40
    reference = _reference(share)
    assert reference is None or reference != pytest.approx(10.0), (
        f"weighted reference {reference} is the mean of two of the three municipalities")


def test_programme_area_reference_total_does_not_count_a_shared_buurt_twice():
    """BREAK: the "all programme areas" reference of a count is the plain sum over
    programme areas, so a buurt in two programme areas (allowed; analysts create them)
    is counted twice: programme areas covering buurten of 10 + 20 + 30 inhabitants,
    with the 20 in both, give a group total of 80 people instead of 60."""
    inwoners = indicator("inwoners", Aggregation.SUM)
    town = build_town()
    second = ProgrammeArea.objects.create(municipality=town.municipality, name="Rand",
                                          slug="rand")
    second.buurten.set(town.buurten[0:2])  # shares buurten[1] with "Kern" (buurten 1, 2)
    deliver(town, inwoners, [10, 20, 30, 40])
    reference = _reference(inwoners, statistics.PROGRAMME)
    assert reference == 60, f"programme-area total {reference}: buurt of 20 counted twice"
