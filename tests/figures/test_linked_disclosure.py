"""A rate, share or mean is disclosed together with the count and the denominator it is
computed from (ADR 0010): any two shown give the third."""

from __future__ import annotations

import pytest

from tests.figures import disclosure_attack as attack
from tests.figures.factories import build_town, indicator, shown
from wijkregie.core.models import Organisation, OrganisationType, User
from wijkregie.figures.models import Aggregation, Observation
from wijkregie.figures.pipeline import refresh_municipality

pytestmark = pytest.mark.django_db


def _deliver(town, ind, values, status=None):
    for index, (buurt, value) in enumerate(zip(town.buurten, values, strict=True)):
        Observation.objects.create(indicator=ind, area=buurt, year=2024, value=value,
                                   status=status[index] if status else "value")


@pytest.fixture
def linked_town():
    """Buurten: 500, 30, 900 (delivered suppressed) and 1,200 inhabitants; burglaries 2
    ("< 5"), 12, 9, 30; the rate per 1,000 is computed from them."""
    town = build_town()
    people = indicator("inwoners")
    _deliver(town, people, [500, 30, None, 1200], status=["value", "value", "suppressed",
                                                            "value"])
    count = indicator("inbraken", disclosure={"small_count_threshold": 5})
    _deliver(town, count, [2, 12, 9, 30])
    rate = indicator("inbraken_rate", Aggregation.RATE_PER_1000, denominator=people,
                     numerator=count, unit="per 1.000 inwoners",
                     disclosure={"decimals": 1, "min_denominator": 50})
    _deliver(town, rate, [4.0, 400.0, 10.0, 25.0])
    refresh_municipality(town.municipality)
    return town, people, count, rate


def test_rate_is_hidden_where_its_count_is_hidden(linked_town):
    town, _people, count, rate = linked_town
    assert shown(count, town.buurten[0]).shown_text == "< 5"
    # 4,0 per 1,000 of 500 inhabitants would be the 2 burglaries.
    assert shown(rate, town.buurten[0]).shown_value is None


def test_count_is_hidden_where_its_rate_is_hidden_for_a_small_population(linked_town):
    town, _people, count, rate = linked_town
    assert shown(rate, town.buurten[1]).shown_text == "x"  # 30 inhabitants
    # 12 burglaries beside 30 inhabitants would give the rate 400 away.
    assert shown(count, town.buurten[1]).shown_value is None


def test_rate_is_hidden_where_its_denominator_is_hidden(linked_town):
    town, people, _count, rate = linked_town
    assert shown(people, town.buurten[2]).shown_text == "x"
    # 9 burglaries and 10,0 per 1,000 would give the 900 inhabitants away.
    assert shown(rate, town.buurten[2]).shown_value is None


def test_linked_suppression_is_protected_in_turn(linked_town):
    town, *_ = linked_town
    org = Organisation.objects.create(name="Gemeente Teststad",
                                      type=OrganisationType.MUNICIPALITY)
    user = User.objects.create(username="ana", organisation=org, municipality=town.municipality)
    seen = attack.visible(user, town.municipality, 2024)
    assert attack.findings(attack.attack(town.municipality, seen), 2024) == []
