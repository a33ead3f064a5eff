"""Red team (disclosure): the months of a year add up to the year.

The audit of ADR 0010 runs per column (indicator, year, month). The yearly figure of a
count and its twelve monthly figures of the same place are separate columns, and no
relation "year = Σ months" enters the audit — nor the attack harness, whose ``visible``
reads only month 0. Both are shown (the profile's trend by month, issue 11 point 13).
"""

from __future__ import annotations

import pytest

from tests.figures import disclosure_attack as attack
from tests.figures.factories import YEAR, OverlapTown
from wijkregie.figures import selectors
from wijkregie.figures.models import Aggregation, Indicator, Observation, Theme
from wijkregie.figures.pipeline import refresh_municipality

pytestmark = [
    pytest.mark.django_db,
]


def test_redteam_disclosure_hidden_month_is_the_year_minus_the_shown_months():
    """BREAK. Buurt b0 has 2 incidents in January, 6 in June and none in the other
    months; its yearly figure is 8 (delivered, as an own-figures file with rows "2024"
    and "2024-01".."2024-12" carries them).

    Shown: year 8; January "< 5"; February..December 0, 0, 0, 0, 6, 0, ... (all shown).
    Derived: January = 8 - 6 = 2 exactly. Expected: the hidden month is not pinned."""
    town = OverlapTown()
    count = Indicator.objects.create(key="incidenten", name_nl="incidenten",
                                     theme=Theme.VEILIGHEID, aggregation=Aggregation.SUM,
                                     disclosure={"small_count_threshold": 5})
    months_of = {0: [2, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0]}
    for index in range(1, len(town.buurten)):
        months_of[index] = [10 + index + month for month in range(12)]
    rows = []
    for index, buurt in enumerate(town.buurten):
        months = months_of[index]
        rows.append(Observation(indicator=count, area=buurt, year=YEAR, month=0,
                                value=sum(months)))
        rows += [Observation(indicator=count, area=buurt, year=YEAR, month=month + 1,
                             value=value) for month, value in enumerate(months)]
    Observation.objects.bulk_create(rows)
    refresh_municipality(town.municipality)
    # The harness reads the monthly figures too and knows year = Σ months.
    seen = attack.visible(town.user, town.municipality, YEAR)
    assert any(len(place) == 3 for place in seen[count])
    assert attack.findings(attack.attack(town.municipality, seen), YEAR) == []

    pinned = []
    for buurt in town.buurten:
        yearly = [p for p in selectors.observations(town.user, area=buurt)[count.pk]
                  if p.year == YEAR]
        months = [p for p in selectors.monthly_observations(town.user, area=buurt)[count.pk]
                  if p.year == YEAR]
        hidden = [p for p in months if p.status != "shown"]
        if yearly and yearly[0].status == "shown" and len(months) == 12 and len(hidden) == 1:
            rest = sum(p.value for p in months if p.status == "shown")
            pinned.append((buurt.code, hidden[0].label, hidden[0].text,
                           yearly[0].value - rest))
    assert pinned == []
