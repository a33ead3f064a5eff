"""Red team (disclosure): linked indicators audited column by column.

ADR 0010 linked a rate to its count only by hiding: the rate is hidden where the count is,
the count where the rate is (with the inhabitants shown). Each column is then audited on
its own: the count column only asks its secondary cells not to be pinned (1 wide), while
the rate hidden as ``x`` (too few inhabitants) asks for value ± 10 %. What the count
column gives away about the count, a reader turns into the rate (r = 1000 · n / d with d
shown). The rate column believes a reader knows shown rates only within their rounding
(± 0.05 per 1,000 × a wijk's 20,240 inhabitants is ± 1 report), the count column knows
the counts exactly: a rate that the rate column finds protected is narrowed by the count
column. The harness, solving the pair as one system, finds it on this town. Fixed by ADR
0011: the pair is audited as one system (each column carries the other's knowledge and
protection needs).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.figures import disclosure_attack as attack
from tests.figures.factories import YEAR, OverlapTown
from wijkregie.figures import disclosure
from wijkregie.figures.models import Aggregation, Indicator, Observation, Theme
from wijkregie.figures.pipeline import refresh_municipality

pytestmark = [pytest.mark.django_db]

def _indicator(key: str, aggregation: str = Aggregation.SUM, **extra: object) -> Indicator:
    return Indicator.objects.create(key=key, name_nl=key, theme=Theme.VEILIGHEID,
                                    aggregation=aggregation, **extra)


def test_redteam_disclosure_rate_hidden_for_few_inhabitants_is_narrowed_by_its_count():
    """Was a BREAK. Buurt b0 is a business park: 40 inhabitants, 30 nuisance reports, a rate of
    750 per 1,000 — hidden as "x" (fewer than 50 inhabitants), so its protection interval
    is 750 ± 75 = [675, 825]. The count is hidden as "x" by the link; b1 has 2 reports
    ("< 5"); b2 45 of 19,000 inhabitants shown (rate "2,4"); W1 77 shown (rate "3,8").
    Inhabitants are shown (40, 1.200, 19.000, ...).

    Derived: b0 + b1 = 77 - 45 = 32 with b1 in [1, 4], so b0's count is in [28, 31] and
    its rate 1000 · n / 40 in [700, 775] — narrower than [675, 825]. The rate column
    alone allows up to (77 + 1.01 - 44.95) · 1000 / 40 ≈ 827, so it hid nothing more.
    Now the count carries the rate's interval [27, 33] and one more count is hidden."""
    town = OverlapTown()
    _people, _count, rate = town.business_park()
    refresh_municipality(town.municipality)

    b0 = town.buurten[0]
    shown = {o.indicator.key: o for o in Observation.objects.filter(area=b0, year=YEAR)}
    assert shown["overlast_rate"].shown_text == "x"  # primary: too few inhabitants
    assert shown["inwoners"].shown_value == 40
    seen = attack.visible(town.user, town.municipality, YEAR)
    found = attack.attack(town.municipality, seen)
    intervals = {(i.indicator.key, i.place): i for i in found}
    counted = intervals[("overlast", ("A", b0.pk))]
    derived = (1000 * counted.low / 40, 1000 * counted.high / 40)
    rule = disclosure.DisclosureRule.from_json(rate.disclosure)
    required = disclosure.protection_interval(rule, "x", 750.0)
    assert derived[0] <= required[0] and derived[1] >= required[1], (
        f"rate derived from the count column: {derived}, must contain {required}")
    assert attack.findings(found, YEAR) == []  # the repository's harness agrees


def test_redteam_disclosure_rate_without_a_declared_count_publishes_a_small_count():
    """BREAK (configuration gap). Every rate of the demo catalogue except burglaries has
    no numerator in the catalogue (demo_data.NUMERATORS), and its rule is only
    {"decimals": 1, "min_denominator": 50}: nothing protects the count it is computed
    from. Buurt b0: 500 inhabitants, 2 drug offences.

    Shown: rate "4,0" per 1,000 and inhabitants "500". Derived: the count is in
    [3,95 · 0,5; 4,05 · 0,5] = [1,975; 2,025], so exactly 2 offences — the "< 5" the
    burglary count would get. Expected: a rate whose count would be a small count is
    not shown with its denominator (or a rate must declare its count)."""
    town = OverlapTown()
    people = _indicator("inwoners")
    inhabitants = [500, 1200, 900, 800, 700]
    town.deliver(people, inhabitants)
    offences = [2, 10, 7, 8, 6]
    rate = _indicator("drugsdelicten_rate", Aggregation.RATE_PER_1000, denominator=people,
                      unit="per 1.000 inwoners",
                      disclosure={"decimals": 1, "min_denominator": 50})
    town.deliver(rate, [1000 * n / d for n, d in zip(offences, inhabitants, strict=True)])
    refresh_municipality(town.municipality)

    seen = attack.visible(town.user, town.municipality, YEAR)
    rates, people_seen = seen[rate], seen[people]
    step = disclosure.display_step(disclosure.DisclosureRule.from_json(rate.disclosure))
    pinned = []
    for place, figure in rates.items():
        base = people_seen.get(place)
        if figure.status != "shown" or base is None or base.status != "shown":
            continue
        low = (figure.value - step / 2) * base.value / 1000
        high = (figure.value + step / 2) * base.value / 1000
        whole = list(range(int(np.ceil(low - 1e-9)), int(np.floor(high + 1e-9)) + 1))
        if len(whole) == 1 and 0 < whole[0] < 5:
            pinned.append((place, figure.text, base.text, whole[0]))
    assert pinned == []
