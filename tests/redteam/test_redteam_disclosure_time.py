"""Red team (disclosure): what a reader remembers across a programme-area change.

The audit of ADR 0010 recomputes secondary suppression from scratch after every change
and locks only the figures of retired compositions. A figure of a wijk, a buurt or
another programme area that was shown before the change and is hidden by the new
audit stays known to a reader who read it before: combining the two readings pins the
hidden value again.
"""

from __future__ import annotations

import pytest

from tests.figures import disclosure_attack as attack
from tests.figures.factories import YEAR, OverlapTown
from wijkregie.areas import services as area_services
from wijkregie.areas.models import AreaLevel
from wijkregie.figures.models import Aggregation, Indicator, Theme
from wijkregie.figures.pipeline import refresh_municipality

pytestmark = [
    pytest.mark.django_db,
]


def _count(key: str = "meldingen") -> Indicator:
    return Indicator.objects.create(key=key, name_nl=key, theme=Theme.VEILIGHEID,
                                    aggregation=Aggregation.SUM,
                                    disclosure={"small_count_threshold": 5})


def _remembered(before: dict, after: dict) -> dict:
    """What a reader knows after reading before and after: per figure the shown one."""
    merged = {}
    for indicator, now in after.items():
        then = before.get(indicator, {})
        merged[indicator] = {
            place: (then[place] if place in then and then[place].status == "shown"
                    and figure.status != "shown" else figure)
            for place, figure in now.items()}
    return merged


def _findings(town: OverlapTown, seen: dict) -> list[tuple[str, str, str, float, float, object]]:
    found = attack.findings(attack.attack(town.municipality, seen), YEAR)
    return [(f.interval.indicator.key, str(f.interval.place), f.interval.text,
             f.interval.low, f.interval.high, f.value) for f in found]


def test_redteam_disclosure_new_programme_area_hides_a_buurt_shown_before():
    """BREAK (create -> read -> read). W1 = b0 + b1 + b2 = 2 + 45 + 52 = 99 and
    W2 = b3 + b4 + b5 = 3 + 30 + 20 = 53; b0 and b3 are "< 5".

    Before: b0 "< 5", b1 "x", b3 "< 5", b5 "x" (secondary); b4 shown 30.
    The analyst creates programme area P = {b0, b4} through the audited service (which
    recomputes in its transaction). P shows 32, and the new audit hides b4 instead of P
    (the smaller cell of the certificate {P, b4}). Each snapshot passes the harness on its
    own, but the reader read b4 = 30 before the change: b0 = 32 - 30 = 2 exactly.
    Expected: no hidden count pinned by what was shown before and after the change
    (figures shown before a change must count as known, as retired compositions do)."""
    town = OverlapTown()
    town.buurten.append(town._area("BU09980102", AreaLevel.BUURT, town.wijken[1], 6))
    count = _count()
    town.deliver(count, [2, 45, 52, 3, 30, 20])
    refresh_municipality(town.municipality)
    before = attack.visible(town.user, town.municipality, YEAR)
    assert _findings(town, before) == []  # the snapshot before is safe on its own

    area_services.create_programme_area(
        municipality=town.municipality, name="Tweeling", slug="tweeling",
        buurten=[town.buurten[0], town.buurten[4]], actor=town.user)
    after = attack.visible(town.user, town.municipality, YEAR)
    assert _findings(town, after) == []  # and so is the snapshot after

    assert _findings(town, _remembered(before, after)) == []
