"""Disclosure rules and secondary suppression."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkregie.figures.disclosure import (
    Disclosed,
    DisclosureRule,
    DisclosureStatus,
    HiddenCell,
    apply,
    protect_hierarchy,
    protect_total,
)

COUNTS = DisclosureRule(small_count_threshold=5)
SHARE = DisclosureRule(min_denominator=50, upper_percent=90, lower_percent=10, decimals=1, unit="%")


@pytest.mark.parametrize(
    ("rule", "value", "denominator", "expected"),
    [
        (COUNTS, 0, None, Disclosed(0, "0", DisclosureStatus.SHOWN)),
        (COUNTS, 1, None, Disclosed(None, "< 5", DisclosureStatus.BOUNDED)),
        (COUNTS, 4, None, Disclosed(None, "< 5", DisclosureStatus.BOUNDED)),
        (COUNTS, 5, None, Disclosed(5, "5", DisclosureStatus.SHOWN)),
        (COUNTS, 25845, None, Disclosed(25845, "25.845", DisclosureStatus.SHOWN)),
        (COUNTS, None, None, Disclosed(None, ".", DisclosureStatus.MISSING)),
        (SHARE, 42.25, 49, Disclosed(None, "x", DisclosureStatus.SUPPRESSED)),
        (SHARE, 42.25, 50, Disclosed(42.3, "42,3 %", DisclosureStatus.SHOWN)),
        (SHARE, 90.0, 50, Disclosed(90.0, "90,0 %", DisclosureStatus.SHOWN)),
        (SHARE, 90.1, 50, Disclosed(None, "> 90 %", DisclosureStatus.BOUNDED)),
        (SHARE, 9.9, 50, Disclosed(None, "< 10 %", DisclosureStatus.BOUNDED)),
        (DisclosureRule(rounding_base=5), 12.5, None, Disclosed(15, "15", DisclosureStatus.SHOWN)),
        (DisclosureRule(rounding_base=5), 12.4, None, Disclosed(10, "10", DisclosureStatus.SHOWN)),
    ],
)
def test_apply(rule, value, denominator, expected):
    assert apply(rule, value, denominator) == expected


def test_rule_round_trips_through_json():
    assert DisclosureRule.from_json(SHARE.to_json()) == SHARE
    assert COUNTS.to_json() == {"small_count_threshold": 5, "decimals": 0, "unit": ""}
    with pytest.raises(ValueError, match="unknown"):
        DisclosureRule.from_json({"threshold": 5})


def test_invalid_rules_and_inputs():
    with pytest.raises(ValueError):
        DisclosureRule(small_count_threshold=2)
    with pytest.raises(ValueError):
        DisclosureRule(lower_percent=90, upper_percent=10)
    with pytest.raises(ValueError, match="denominator"):
        apply(SHARE, 50.0)


def test_hidden_values_carry_no_number():
    with pytest.raises(ValueError):
        Disclosed(3, "< 5", DisclosureStatus.BOUNDED)


def test_single_small_part_gets_a_complement():
    hidden = protect_total(20, [3, 7, 10], {1: HiddenCell(1, 4)})
    assert set(hidden) == {1, 2}  # the next smallest part, 7


def test_only_part_hides_the_total():
    assert set(protect_total(3, [3, 0, 0], {1: HiddenCell(1, 4)})) == {0, 1}


def test_small_bounds_that_add_up_are_widened():
    cells = {i: HiddenCell(1, 4) for i in range(5)}  # total "< 5" of four "< 5" parts
    hidden = protect_total(4, [1, 1, 1, 1], cells)
    assert HiddenCell() in hidden.values()


def test_hierarchy_rechecks_linked_relations():
    values = {"GM": 100, "WK1": 50, "WK2": 50, "BU1": 3, "BU2": 47, "BU3": 20, "BU4": 30}
    relations = [("GM", ["WK1", "WK2"]), ("WK1", ["BU1", "BU2"]), ("WK2", ["BU3", "BU4"])]
    hidden = protect_hierarchy(values, relations, {"BU1": HiddenCell(1, 4)})
    # BU1 forces BU2 or WK1; hiding WK1 then forces WK2 in the gemeente relation, and so on.
    for total, parts in relations:
        assert sum(code in hidden for code in [total, *parts]) != 1


def _feasible_values(total, parts, hidden):
    """Brute force: every assignment of the hidden cells consistent with what is shown."""
    cap = sum(parts) + 5
    cells = [total, *parts]
    hidden_cells = sorted(hidden)
    ranges = [range(int(hidden[i].low), int(min(hidden[i].high, cap)) + 1) for i in hidden_cells]
    for combo in itertools.product(*ranges):
        trial = list(cells)
        for index, value in zip(hidden_cells, combo, strict=True):
            trial[index] = value
        if trial[0] == sum(trial[1:]):
            yield dict(zip(hidden_cells, combo, strict=True))


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4),
    threshold=st.integers(min_value=3, max_value=6),
    hide_total=st.booleans(),
)
def test_no_hidden_value_can_be_recovered(parts, threshold, hide_total):
    total = sum(parts)
    rule = DisclosureRule(small_count_threshold=threshold)
    primary = {}
    for index, value in enumerate([total, *parts]):
        disclosed = apply(rule, value)
        if disclosed.status is DisclosureStatus.BOUNDED or (index == 0 and hide_total):
            primary[index] = HiddenCell.from_disclosed(disclosed, rule)
    hidden = protect_total(total, parts, primary)

    assert set(primary) <= set(hidden)
    # The brief's property: never exactly one hidden cell in the additive set ...
    assert len(hidden) != 1
    # ... and the stronger one: every hidden cell has at least two feasible values.
    solutions = list(_feasible_values(total, parts, hidden))
    for cell in hidden:
        assert len({solution[cell] for solution in solutions}) >= 2, (cell, hidden)


def test_secondary_cells_are_unbounded():
    hidden = protect_total(20, [3, 7, 10], {1: HiddenCell(1, 4)})
    assert hidden[2] == HiddenCell(0.0, math.inf)
