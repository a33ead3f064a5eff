"""Derived figures: aggregation rules over the area hierarchy, exact."""

from __future__ import annotations

import pytest

from tests.figures.factories import build_town, deliver, indicator, shown
from wijkregie.figures.models import Aggregation, CityStatistic, Observation
from wijkregie.figures.pipeline import refresh_municipality

pytestmark = pytest.mark.django_db


def test_sum_is_derived_for_wijk_gemeente_and_programme_area():
    town = build_town()
    count = indicator("meldingen")
    deliver(town, count, [10, 20, 30, 40])
    assert shown(count, town.wijken[0]).value == 30 and shown(count, town.wijken[0]).derived
    assert shown(count, town.wijken[1]).value == 70
    assert shown(count, town.gemeente).value == 100
    assert shown(count, town.programme_area).value == 50  # buurten 2 and 3
    assert not shown(count, town.buurten[0]).derived


def test_weighted_mean_and_rate_use_the_denominator():
    town = build_town()
    people = indicator("inwoners")
    deliver(town, people, [100, 300, 200, 200])
    share = indicator("aandeel", Aggregation.WEIGHTED_MEAN, denominator=people)
    deliver(town, share, [10, 20, 30, 50])
    rate = indicator("per_1000", Aggregation.RATE_PER_1000, denominator=people)
    deliver(town, rate, [5, 10, 20, 0])
    # (10·100 + 20·300) / 400 = 17.5; gemeente (1000 + 6000 + 6000 + 10000) / 800
    assert shown(share, town.wijken[0]).value == pytest.approx(17.5)
    assert shown(share, town.gemeente).value == pytest.approx(23000 / 800)
    # rates: events 0.5 + 3 + 4 + 0 = 7.5 per 800 inhabitants -> 9.375 per 1,000
    assert shown(rate, town.gemeente).value == pytest.approx(9.375)


def test_own_figure_is_kept_and_incomplete_parts_give_no_aggregate():
    town = build_town()
    count = indicator("meldingen")
    Observation.objects.create(indicator=count, area=town.gemeente, year=2024, value=999)
    deliver(town, count, [10, None, 30, 40])
    assert shown(count, town.gemeente).value == 999 and not shown(count, town.gemeente).derived
    assert shown(count, town.wijken[1]).value == 70
    assert not Observation.objects.filter(indicator=count, area=town.wijken[0]).exists()


def test_not_aggregable_indicator_is_never_derived():
    town = build_town()
    grade = indicator("cijfer", Aggregation.NONE)
    deliver(town, grade, [7, 8, 6, 7])
    assert Observation.objects.filter(indicator=grade).count() == 4


def test_refresh_is_idempotent_and_keeps_statistics():
    town = build_town()
    count = indicator("meldingen")
    deliver(town, count, [10, 20, 30, 40])
    before = sorted(Observation.objects.values_list("area_id", "programme_area_id", "value",
                                                    "shown_text"), key=str)
    refresh_municipality(town.municipality, [count])
    after = sorted(Observation.objects.values_list("area_id", "programme_area_id", "value",
                                                   "shown_text"), key=str)
    assert before == after
    stat = CityStatistic.objects.get(indicator=count, municipality=town.municipality,
                                     level="buurt")
    assert stat.level == "buurt" and stat.mean == 25 and stat.n == 4
