"""Red team (disclosure): counts are whole numbers, the audit's LP is not.

ADR 0010 audited with the LP relaxation and rounded the LP's bounds inward, on the ground
that "for these network-like systems the two rarely differ". Programme areas that
overlap each other and the wijken are not network-like: their relations can tie hidden
counts by a factor 2, and then the whole numbers a reader may assume leave a hidden
count only every other value of its band. A reader with an integer programme (here
``scipy.optimize.milp``) derived a narrower interval than the LP the pipeline and the
harness solved. Fixed by ADR 0011: the audit and the harness solve over whole numbers
where an LP optimum is fractional.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from tests.figures import disclosure_attack as attack
from tests.figures.factories import YEAR, OverlapTown
from wijkregie.figures import disclosure
from wijkregie.figures.models import Indicator

pytestmark = pytest.mark.django_db
LARGE = 1e6  # "x": any count up to this


def _integer_intervals(town: OverlapTown, indicator: Indicator
                       ) -> dict[tuple[str, int], tuple[str, float, float]]:
    """Tightest whole-number interval of every hidden figure of a count, from the shown
    figures and the public structure only."""
    seen = attack.visible(town.user, town.municipality, YEAR)[indicator]
    places = sorted(seen)
    index = {place: i for i, place in enumerate(places)}
    rule = disclosure.DisclosureRule.from_json(indicator.disclosure)
    low, high = np.zeros(len(places)), np.zeros(len(places))
    for place, figure in seen.items():
        if figure.status == "shown":
            low[index[place]] = high[index[place]] = figure.value
        else:
            band = disclosure.published_bounds(rule, figure.text)
            low[index[place]], high[index[place]] = band[0], min(band[1], LARGE)
    rows = []
    for total, parts in attack.relations(town.municipality):
        row = np.zeros(len(places))
        row[index[total]] = 1
        for part in parts:
            row[index[part]] -= 1
        rows.append(row)
    constraint = LinearConstraint(np.array(rows), 0, 0)
    found = {}
    for place, figure in seen.items():
        if figure.status == "shown":
            continue
        ends = []
        for sense in (1.0, -1.0):
            cost = np.zeros(len(places))
            cost[index[place]] = sense
            result = milp(cost, constraints=constraint, integrality=np.ones(len(places)),
                          bounds=Bounds(low, high))
            ends.append(round(result.x[index[place]]))
        found[place] = (figure.text, ends[0], ends[1])
    return found


def test_redteam_disclosure_whole_numbers_halve_a_hidden_band():
    """Was a BREAK (narrower, not pinned). W1 = b0 + b1 + b2 = 0 + 6 + 10, W2 = b3 + b4 + b5 =
    4 + 6 + 6; programme areas P0 = {b4}, P1 = {b1, b4}, P2 = {b1, b5}.

    Shown: b0 0, W1 16, W2 16, gemeente 32, P1 12, P2 12; hidden: b3 "< 5", b1, b2, b4,
    b5 and P0 "x". The LP found b3 in [1, 4]. But P1 - P2 gives b4 = b5, so
    b3 = 16 - 2 · b4 is even: b3 is 2 or 4 — the interval [2, 4] does not contain the band
    [1, 4] the ADR's protection interval requires for a "< 5". Now one more total is
    hidden and b3 keeps its band over whole numbers."""
    town = OverlapTown()
    count = town.tie_two_buurten()
    assert town.findings() == []  # the harness (whole numbers since ADR 0011) agrees

    b3 = ("A", town.buurten[3].pk)
    intervals = _integer_intervals(town, count)
    assert intervals[b3][0] == "< 5"
    narrowed = {place: found for place, found in intervals.items()
                if found[0] == "< 5" and (found[1] > 1 or found[2] < 4)}
    assert narrowed == {}
