"""Benchmark methods and their band boundaries."""

from __future__ import annotations

import pytest

from wijkregie.figures.benchmarking import (
    amsterdam_benchmark,
    reference_benchmark,
    rotterdam_benchmark,
    rotterdam_score,
)


@pytest.mark.parametrize(
    ("score_value", "label"),
    [
        (110, "average"),
        (90, "average"),
        (89.9, "worse"),
        (70, "worse"),
        (69.9, "much_worse"),
        (110.1, "better"),
    ],
)
def test_rotterdam_boundaries(score_value, label):
    value = 10 + (score_value - 100) / 10 * 2  # invert the score for mean 10, sd 2, k = 10
    assert rotterdam_benchmark(value, 10, 2, "higher_is_better", scale=10).label == label


def test_rotterdam_polarity_flips_the_score():
    assert rotterdam_score(14, 10, 2, "higher_is_worse") == 80
    worse = rotterdam_benchmark(14, 10, 2, "higher_is_worse", scale=10)
    assert (worse.score, worse.label, worse.colour_class) == (80, "worse", "bench-worse")
    # The default scale is 20 index points per SD: two SDs above is 60, much worse.
    assert rotterdam_benchmark(14, 10, 2, "higher_is_worse").score == 60
    assert rotterdam_benchmark(14, 10, 2, "neutral").label == "higher"


@pytest.mark.parametrize(
    ("value", "polarity", "label"),
    [
        (12.01, "higher_is_better", "much_better"),
        (12, "higher_is_better", "better"),
        (10, "higher_is_better", "average"),
        (8, "higher_is_better", "worse"),
        (7.99, "higher_is_better", "much_worse"),
        (12.01, "higher_is_worse", "much_worse"),
        (12.01, "neutral", "much_higher"),
    ],
)
def test_amsterdam(value, polarity, label):
    assert amsterdam_benchmark(value, 10, 2, polarity).label == label


def test_amsterdam_average_band():
    assert amsterdam_benchmark(10.9, 10, 2, "higher_is_better", average_band=0.5).label == (
        "average"
    )


@pytest.mark.parametrize(
    ("value", "polarity", "label"),
    [
        (100, "higher_is_better", "average"),
        (105, "higher_is_better", "better"),
        (95, "higher_is_better", "average"),
        (89, "higher_is_better", "worse"),
        (89, "higher_is_worse", "better"),
        (111, "neutral", "higher"),
    ],
)
def test_reference(value, polarity, label):
    assert reference_benchmark(value, 100, polarity, tolerance=0.1).label == label


def test_reference_difference_and_errors():
    result = reference_benchmark(7.5, 8, "higher_is_worse", mode="difference", tolerance=1)
    assert (result.score, result.label) == (-0.5, "better")
    with pytest.raises(ValueError):
        reference_benchmark(1, 0, "higher_is_better")
    with pytest.raises(ValueError):
        rotterdam_benchmark(1, 1, 0, "neutral")
