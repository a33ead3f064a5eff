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


def _linked_town(inhabitants, counts, *, people_status=None, rate_rule=None):
    """Buurten (wijk 1: b1, b2; wijk 2: b3, b4; programme area b2 + b3) with inhabitants,
    burglaries ("< 5" below 5) and the rate per 1,000 computed from them."""
    town = build_town()
    people = indicator("inwoners")
    _deliver(town, people, inhabitants, status=people_status)
    count = indicator("inbraken", disclosure={"small_count_threshold": 5})
    _deliver(town, count, counts)
    rate = indicator("inbraken_rate", Aggregation.RATE_PER_1000, denominator=people,
                     numerator=count, unit="per 1.000 inwoners",
                     disclosure=rate_rule or {"decimals": 1, "min_denominator": 50})
    _deliver(town, rate, [1000 * n / p if p else 10.0
                          for n, p in zip(counts, inhabitants, strict=True)])
    refresh_municipality(town.municipality)
    return town, people, count, rate


def test_rate_is_hidden_where_its_count_is_hidden():
    town, _people, count, rate = _linked_town([500, 1200, 900, 1200], [2, 12, 9, 30])
    assert shown(count, town.buurten[0]).shown_text == "< 5"
    # 4,0 per 1,000 of 500 inhabitants would be the 2 burglaries.
    assert shown(rate, town.buurten[0]).shown_value is None
    assert _findings(town) == []


def test_count_is_hidden_where_its_rate_is_hidden_for_a_small_population():
    town, _people, count, rate = _linked_town([500, 30, 900, 1200], [20, 12, 9, 30])
    assert shown(rate, town.buurten[1]).shown_text == "x"  # 30 inhabitants
    # 12 burglaries beside 30 inhabitants would give the rate 400 away.
    assert shown(count, town.buurten[1]).shown_value is None
    assert _findings(town) == []


def test_rate_is_hidden_where_its_denominator_is_hidden():
    town, people, _count, rate = _linked_town(
        [500, 1200, None, 1200], [20, 12, 9, 30],
        people_status=["value", "value", "suppressed", "value"], rate_rule={"decimals": 1})
    assert shown(people, town.buurten[2]).shown_text == "x"
    # 9 burglaries and 10,0 per 1,000 would give the 900 inhabitants away.
    assert shown(rate, town.buurten[2]).shown_value is None


def _findings(town):
    org = Organisation.objects.create(name="Gemeente Teststad",
                                      type=OrganisationType.MUNICIPALITY)
    user = User.objects.create(username="ana", organisation=org, municipality=town.municipality)
    seen = attack.visible(user, town.municipality, 2024)
    return attack.findings(attack.attack(town.municipality, seen), 2024)
