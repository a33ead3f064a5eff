"""Aggregation of buurt values to groups."""

from __future__ import annotations

import numpy as np
import pytest

from wijkregie.figures.aggregation import (
    AggregateStatus,
    GroupMembership,
    PartValues,
    aggregate,
)

BUURTEN = ["BU1", "BU2", "BU3", "BU4"]
WIJKEN = GroupMembership.from_parent_map(
    BUURTEN, {"BU1": "WK1", "BU2": "WK1", "BU3": "WK2", "BU4": "WK2"}
)


def test_sum_marks_a_group_with_a_suppressed_part_incomplete_not_zero():
    parts = PartValues.from_lists([10, 20, None, 5], ["ok", "ok", "suppressed", "ok"])
    result = aggregate("sum", parts, WIJKEN)
    assert result.values[0, 0] == 30
    assert np.isnan(result.values[1, 0])
    assert list(result.status[:, 0]) == [AggregateStatus.OK, AggregateStatus.INCOMPLETE]
    assert list(result.n_usable[:, 0]) == [2, 1]
    assert list(result.n_parts) == [2, 2]


def test_weighted_mean_and_rate():
    values = PartValues.from_lists([10.0, 30.0, 4.0, 8.0])
    population = PartValues.from_lists([100, 300, 0, 0])
    mean = aggregate("weighted_mean", values, WIJKEN, denominator=population)
    assert mean.values[0, 0] == pytest.approx((10 * 100 + 30 * 300) / 400)
    assert mean.status[1, 0] == AggregateStatus.MISSING  # Σ weights = 0
    rate = aggregate(
        "rate_per_1000",
        PartValues.from_lists([2, 4, 1, 1]),
        WIJKEN,
        denominator=PartValues.from_lists([100, 300, 50, 150]),
    )
    assert rate.values[:, 0] == pytest.approx([1000 * 6 / 400, 1000 * 2 / 200])


def test_missing_denominator_makes_the_group_incomplete():
    rate = aggregate(
        "rate_per_1000",
        PartValues.from_lists([2, 4, 1, 1]),
        WIJKEN,
        denominator=PartValues.from_lists([100, None, 50, 150]),
    )
    assert list(rate.status[:, 0]) == [AggregateStatus.INCOMPLETE, AggregateStatus.OK]


def test_not_aggregable_and_empty_groups():
    result = aggregate("none", PartValues.from_lists([1, 2, 3, 4]), WIJKEN)
    assert (result.status == AggregateStatus.NOT_AGGREGABLE).all()
    assert np.isnan(result.values).all()
    with pytest.raises(ValueError, match="denominator"):
        aggregate("weighted_mean", PartValues.from_lists([1, 2, 3, 4]), WIJKEN)


def test_overlapping_programme_areas():
    groups = GroupMembership.from_pairs(
        BUURTEN, [("A", "BU1"), ("A", "BU2"), ("B", "BU2"), ("B", "BU3"), ("C", "BU4")]
    )
    result = aggregate("sum", PartValues.from_lists([1, 2, 3, 4]), groups)
    assert result.group_codes == ("A", "B", "C")
    assert list(result.values[:, 0]) == [3, 5, 4]


def test_part_values_refuse_numbers_on_hidden_parts():
    with pytest.raises(ValueError):
        PartValues(np.array([3.0]), np.array([1], dtype=np.int8))
    with pytest.raises(KeyError):
        GroupMembership.from_pairs(BUURTEN, [("A", "BU9")])


def test_matches_a_plain_loop_at_scale():
    """15,000 buurten x 150 indicators in one call, checked against a per-group loop."""
    rng = np.random.default_rng(1)
    n_parts, n_indicators, n_groups = 15_000, 150, 3_000
    codes = [f"BU{i:08d}" for i in range(n_parts)]
    parent = rng.integers(0, n_groups, n_parts)
    values = rng.integers(0, 1000, (n_parts, n_indicators)).astype(float)
    status = np.where(rng.random((n_parts, n_indicators)) < 0.01, 1, 0).astype(np.int8)
    values[status != 0] = np.nan
    groups = GroupMembership.from_parent_map(
        codes, {c: f"G{p}" for c, p in zip(codes, parent, strict=True)}
    )
    result = aggregate("sum", PartValues(values, status), groups)
    for row in range(0, len(groups.group_codes), 97):
        members = parent == int(groups.group_codes[row][1:])
        expected = values[members].sum(axis=0)  # NaN when any part is hidden
        np.testing.assert_array_equal(result.values[row], expected)
