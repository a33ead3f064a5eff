"""Numbers on the impact pages follow the interface language: the assumed indicator path
(``number``) used to print 73.9 beside the observed figure 73,3 on one Dutch page."""

from __future__ import annotations

import pytest
from django.utils import translation

from wijkregie.impact.templatetags.impact_format import euro, number, pct, ratio


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", ["73,94", "1.235.000", "0,001235", "12,5%", "1,25", "-€ 1.234", "€ 25.846",
            "€ 1.283,83"]),
    ("en", ["73.94", "1,235,000", "0.001235", "12.5%", "1.25", "-€ 1,234", "€ 25,846",
            "€ 1,283.83"]),
])
def test_impact_numbers_take_the_interface_language(language, expected):
    with translation.override(language):
        shown = [number(73.9412), number(1234567.0), number(0.00123456), pct(0.125),
                 ratio(1.2468), euro(-1234.4), euro(25845.6), euro(1283.83, 2)]
    assert shown == expected


def test_missing_numbers_and_zero():
    with translation.override("nl"):
        assert number(None) == pct(None) == ratio(None) == euro(None) == "n/a"
        assert number(0.0) == "0" and number(70.0) == "70"
