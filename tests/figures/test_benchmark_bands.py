"""The default benchmark bands give the colour distribution the methods are known for
(issue 11, point 11): on roughly normal figures every band occurs, the extreme bands
mark a tail, and "average" is the largest band."""

from __future__ import annotations

from collections import Counter

import numpy as np

from wijkregie.figures.benchmarking import amsterdam_benchmark, rotterdam_benchmark


def _shares(labels: list[str]) -> dict[str, float]:
    counts = Counter(labels)
    return {label: counts[label] / len(labels) for label in counts}


def test_rotterdam_bands_on_normal_figures():
    values = np.random.default_rng(11).normal(50, 8, 2_880)
    mean, sd = float(values.mean()), float(values.std())
    shares = _shares([rotterdam_benchmark(float(v), mean, sd, "higher_is_better").label
                      for v in values])
    # Was 6 of 2,880 (0.2 %) "much worse": three SDs below the mean.
    assert 0.04 < shares["much_worse"] < 0.10
    assert 0.18 < shares["worse"] < 0.30
    assert 0.32 < shares["average"] < 0.44
    assert 0.25 < shares["better"] < 0.37


def test_amsterdam_bands_on_normal_figures():
    values = np.random.default_rng(11).normal(50, 8, 7_680)
    mean, sd = float(values.mean()), float(values.std())
    shares = _shares([amsterdam_benchmark(float(v), mean, sd, "higher_is_worse").label
                      for v in values])
    # Was 1 of 7,680 "average": a band of width zero.
    assert 0.33 < shares["average"] < 0.43
    for band in ("better", "worse"):
        assert 0.11 < shares[band] < 0.19
    for band in ("much_better", "much_worse"):
        assert 0.12 < shares[band] < 0.20
