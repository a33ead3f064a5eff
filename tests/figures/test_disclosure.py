"""Disclosure rules and secondary suppression."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkregie.figures.disclosure import (
    AdditiveSystem,
    Disclosed,
    DisclosureRule,
    DisclosureStatus,
    apply,
    protect_system,
    protection_interval,
    published_bounds,
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


def _counts(values, relations, bands, threshold=5):
    """A count system as the pipeline builds it: shown counts exact, ``bands`` hidden as
    ``< threshold`` and sensitive."""
    n = len(values)
    cells = np.array(values, dtype=float)
    low, high, hidden = cells.copy(), cells.copy(), np.zeros(n, dtype=bool)
    need_low, need_high = np.full(n, np.nan), np.full(n, np.nan)
    for cell in bands:
        hidden[cell] = True
        low[cell] = need_low[cell] = 1.0
        high[cell] = need_high[cell] = threshold - 1.0
    return AdditiveSystem(cells, relations, low, high, hidden, np.zeros(n), np.full(n, np.inf),
                          need_low, need_high, np.ones(n), integer=True)


def test_single_small_part_gets_a_complement():
    system = _counts([20, 3, 7, 10], [(0, [1, 2, 3])], [1])
    assert protect_system(system) == [2]  # the next smallest part, 7
    assert system.hidden.tolist() == [False, True, True, False]
    assert (system.low[2], system.high[2]) == (0.0, math.inf)  # a secondary cell is "x"


def test_only_part_hides_the_total():
    system = _counts([3, 3, 0, 0], [(0, [1, 2, 3])], [1])
    protect_system(system)
    assert system.hidden[0] and system.hidden[1]


def test_small_bounds_that_add_up_are_widened():
    system = _counts([4, 1, 1, 1, 1], [(0, [1, 2, 3, 4])], range(5))  # "< 5" of four "< 5"
    changed = protect_system(system)
    assert changed and all(system.high[c] == math.inf for c in changed)


def test_overlapping_programme_area_hides_a_total_not_only_siblings():
    # wijk 99 = b1 + b2 + b3; programme area 97 = b2 + b3: b1 = 99 - 97 = 2 unless a total
    # (or a sibling and a total) is hidden as well.
    system = _counts([99, 2, 45, 52, 97], [(0, [1, 2, 3]), (4, [2, 3])], [1])
    protect_system(system)
    assert system.hidden[0] or system.hidden[4]
    assert _exact_interval(system, 1) == (1, 4)


def test_hierarchy_rechecks_linked_relations():
    # GM, WK1, WK2, BU1..BU4
    relations = [(0, [1, 2]), (1, [3, 4]), (2, [5, 6])]
    system = _counts([100, 50, 50, 3, 47, 20, 30], relations, [3])
    protect_system(system)
    for cell in np.nonzero(system.hidden)[0]:
        low, high = _exact_interval(system, cell)
        assert high - low >= 1


def _exact_interval(system, cell):
    """Brute force over whole numbers: every assignment of the hidden cells that agrees
    with what is shown (small systems only)."""
    hidden = np.nonzero(system.hidden)[0].tolist()
    cap = int(system.values.max()) + 5
    ranges = [range(int(system.low[c]), int(min(system.high[c], cap)) + 1) for c in hidden]
    seen = []
    for combo in itertools.product(*ranges):
        trial = system.values.copy()
        trial[hidden] = combo
        if all(trial[t] == trial[parts].sum() for t, parts in system.relations):
            seen.append(trial[cell])
    return min(seen), max(seen)


@settings(max_examples=120, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4),
    threshold=st.integers(min_value=3, max_value=6),
    overlap=st.booleans(),
)
def test_no_hidden_value_can_be_recovered(parts, threshold, overlap):
    """Brute force agrees: every hidden count keeps its whole band, every other hidden
    count at least two values — also with a second total over all parts but the first."""
    values = [sum(parts), *parts]
    relations = [(0, list(range(1, len(values))))]
    if overlap and len(parts) > 1:
        values.append(sum(parts[1:]))
        relations.append((len(values) - 1, list(range(2, len(parts) + 1))))
    rule = DisclosureRule(small_count_threshold=threshold)
    bands = [i for i, v in enumerate(values)
             if apply(rule, v).status is DisclosureStatus.BOUNDED]
    system = _counts(values, relations, bands, threshold)
    protect_system(system)
    assert set(bands) <= set(np.nonzero(system.hidden)[0])
    for cell in np.nonzero(system.hidden)[0]:
        low, high = _exact_interval(system, cell)
        if cell in bands and system.high[cell] < math.inf:
            assert (low, high) == (1, threshold - 1), (cell, values)
        assert high - low >= 1, (cell, values)


def test_published_bounds_and_protection_interval():
    assert published_bounds(SHARE, "> 90 %", 100.0) == (90.0, 100.0)
    assert published_bounds(SHARE, "< 10 %", 100.0) == (0.0, 10.0)
    assert published_bounds(SHARE, "x", 100.0) == (0.0, 100.0)
    assert published_bounds(COUNTS, "< 5") == (1.0, 4.0)
    assert protection_interval(COUNTS, "< 5", 2) == (1.0, 4.0)
    # "x": the value ± 10 % of it, at least one display step (0,1 at one decimal).
    assert protection_interval(SHARE, "x", 40.0, 100.0) == (36.0, 44.0)
    assert protection_interval(SHARE, "x", 0.5, 100.0) == (0.4, pytest.approx(0.6))
