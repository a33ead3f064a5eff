"""One answer on every database: a municipality's own indicator with the key of a shared
one wins (issue 11, point 12). Run on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.figures.factories import build_town, indicator
from wijkregie.core.models import Organisation, User
from wijkregie.figures import selectors
from wijkregie.figures.models import Indicator, Observation
from wijkregie.figures.services import _indicators_by_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("own_first", [True, False])
def test_own_indicator_wins_over_shared_with_the_same_key(own_first):
    town = build_town()
    other = build_town("GM0998")
    org = Organisation.objects.create(name="Gemeente Teststad", type="municipality")
    user = User.objects.create(username="analist", organisation=org,
                               municipality=town.municipality)

    def make_own() -> Indicator:
        return indicator("werkloos_pct", municipality=town.municipality)

    # Creation order must not matter either (ids decide nothing).
    own = make_own() if own_first else None
    shared = indicator("werkloos_pct")
    own = own or make_own()
    indicator("werkloos_pct", municipality=other.municipality)  # not this user's
    assert selectors.get_indicator(user, "werkloos_pct") == own
    assert selectors.find_indicator(user, "werkloos_pct") == own
    Observation.objects.create(indicator=own, area=town.gemeente, year=2024, value=7,
                               shown_value=7, shown_text="7", shown_status="shown")
    Observation.objects.create(indicator=shared, area=town.gemeente, year=2024, value=9,
                               shown_value=9, shown_text="9", shown_status="shown")
    series = selectors.observed_series(user, indicator_key="werkloos_pct", area=town.gemeente)
    assert [p.value for p in series] == [7]
    assert _indicators_by_key(town.municipality)["werkloos_pct"] == own
