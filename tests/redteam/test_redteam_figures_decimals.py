"""Red-team attack on decimals (issue 11, point 9): a figure is shown with its indicator's
decimals."""

from __future__ import annotations

import pytest

from tests.figures.factories import build_town, deliver, indicator, shown
from wijkregie.figures.models import Aggregation

pytestmark = pytest.mark.django_db


def test_indicator_decimals_are_used_when_the_disclosure_rule_names_none():
    """BREAK: an indicator whose ``decimals`` is 1 (the model field the admin edits, and
    the one the profile uses for the reference column) but whose disclosure rule does not
    repeat it, is disclosed with 0 decimals: a delivered 2.1 is stored as shown value 2
    and text "2", for pages, exports and the API — while the same profile row formats
    the national reference with 1 decimal. Only the CBS import copies the decimals into
    the rule; a municipality's own indicator gets the issue's "2.1 shown as 2"."""
    town = build_town()
    size = indicator("hhgrootte", Aggregation.NONE, decimals=1)
    deliver(town, size, [2.1, 2.3, 2.0, 2.4])
    figure = shown(size, town.buurten[0])
    assert (figure.shown_value, figure.shown_text) == (2.1, "2,1"), (
        f"2.1 with decimals=1 is shown as {figure.shown_value!r} / {figure.shown_text!r}")
