"""Mann-Kendall, the 17 emerging hot spot rules one at a time, and end to end."""

import numpy as np
import pytest

from wijkregie.hotspots.engine import (
    CATEGORY_CODES,
    classify_emerging,
    emerging_hotspots,
    grid_weights,
    mann_kendall,
)

H, C, _ = "H", "C", "."


def classify(pattern: str, trend: int = 0) -> str:
    """Classify one cell from a string of per-period states: H hot, C cold, . neither."""
    states = np.array(list(pattern))
    code = classify_emerging((states == H)[None], (states == C)[None], np.array([trend]))[0]
    return {v: k for k, v in CATEGORY_CODES.items()}[int(code)]


def mirror(pattern: str) -> str:
    return pattern.translate(str.maketrans("HC", "CH"))


# (pattern over 10 periods, trend on the hot side, expected hot category)
HOT_RULES = [
    # new: hot in the final period only
    (".........H", 0, "new_hot_spot"),
    # consecutive: one run of >= 2 hot periods at the end, nothing hot before it
    ("......HHHH", 0, "consecutive_hot_spot"),
    # intensifying / persistent / diminishing: >= 90 % hot incl. the final period
    ("HHHHHHHHHH", 1, "intensifying_hot_spot"),
    (".HHHHHHHHH", 1, "intensifying_hot_spot"),
    ("HHHHHHHHHH", 0, "persistent_hot_spot"),
    ("HHHHHHHHHH", -1, "diminishing_hot_spot"),
    # sporadic: hot now, hot on and off before, < 90 % hot, never cold
    ("H..H.H...H", 0, "sporadic_hot_spot"),
    # oscillating: hot now, cold at some earlier period, < 90 % hot
    ("C.H.C.H..H", 0, "oscillating_hot_spot"),
    ("C........H", 0, "oscillating_hot_spot"),  # cold history wins over new
    ("C.....HHHH", 0, "oscillating_hot_spot"),  # ... and over consecutive
    # historical: not hot now, >= 90 % hot
    ("HHHHHHHHH.", 0, "historical_hot_spot"),
    ("HHHHHHHHH.", 1, "historical_hot_spot"),
]


def test_ninety_percent_boundary_cases():
    # 9 of 10 periods hot is "90 percent of the time-step intervals".
    assert classify(".HHHHHHHHH", 0) == "persistent_hot_spot"
    assert classify("HHHHHHHH.H", 0) == "persistent_hot_spot"
    # 8 of 10 is below 90 %.
    assert classify("..HHHHHHHH", 0) == "consecutive_hot_spot"
    assert classify("HHHHHHH..H", 0) == "sporadic_hot_spot"


@pytest.mark.parametrize(
    ("pattern", "trend", "expected"),
    HOT_RULES,
)
def test_hot_rule(pattern, trend, expected):
    assert classify(pattern, trend) == expected


@pytest.mark.parametrize(
    ("pattern", "trend", "expected"),
    HOT_RULES,
)
def test_cold_rule_mirrors_hot_rule(pattern, trend, expected):
    # A cold spot intensifies when its z trend goes down, so the trend flips too.
    assert classify(mirror(pattern), -trend) == expected.replace("hot", "cold")


@pytest.mark.parametrize(
    "pattern",
    ["..........", "H.........", "HHHH......", "...HHH.H..", "C.C.C.C.C."],
)
def test_no_pattern(pattern):
    assert classify(pattern) == "no_pattern"


def test_final_period_decides_between_hot_and_cold_categories():
    # >= 90 % cold but hot now: a hot spot with a cold history, not historical cold.
    assert classify("CCCCCCCCCH") == "oscillating_hot_spot"
    assert classify("HHHHHHHHHC") == "oscillating_cold_spot"


def test_all_seventeen_categories_reachable_and_codes_stable():
    assert len(CATEGORY_CODES) == 17
    assert CATEGORY_CODES["no_pattern"] == 0
    assert CATEGORY_CODES["new_hot_spot"] == 1 and CATEGORY_CODES["new_cold_spot"] == -1
    assert CATEGORY_CODES["historical_hot_spot"] == 8
    seen = {classify(p, t) for p, t, _ in HOT_RULES}
    seen |= {classify(mirror(p), -t) for p, t, _ in HOT_RULES}
    seen.add(classify(".........."))
    assert seen == set(CATEGORY_CODES)


def test_mann_kendall_by_hand():
    mk = mann_kendall(np.array([[1.0, 2, 3, 4, 5], [5.0, 4, 3, 2, 1], [1.0, 1, 2, 3, 3]]))
    # strictly increasing: S = 10, Var = 5*4*15/18, z = (10 - 1)/sqrt(Var)
    np.testing.assert_allclose(mk.s, [10, -10, 8])
    np.testing.assert_allclose(mk.tau, [1, -1, 0.8])
    np.testing.assert_allclose(mk.z[:2], [9 / np.sqrt(300 / 18), -9 / np.sqrt(300 / 18)])
    # ties {1,1} and {3,3}: Var = (5*4*15 - 2 * 2*1*9) / 18 = 264 / 18
    np.testing.assert_allclose(mk.z[2], 7 / np.sqrt(264 / 18))
    np.testing.assert_allclose(mk.p[0], 0.0275, atol=5e-4)


def test_mann_kendall_constant_series_has_no_trend():
    mk = mann_kendall(np.zeros((1, 12)))
    assert mk.s[0] == 0 and mk.z[0] == 0 and mk.p[0] == 1


def _synthetic_cube():
    """20 x 20 grid, 12 months of Poisson(2) background with three planted patterns."""
    rng = np.random.default_rng(5)
    shape, periods = (20, 20), 12
    counts = rng.poisson(2.0, size=(shape[0] * shape[1], periods))
    block = lambda r, c: [rr * 20 + cc for rr in range(r, r + 3) for cc in range(c, c + 3)]  # noqa: E731
    new, growing, steady = block(2, 2), block(10, 10), block(2, 14)
    counts[np.ix_(new, [periods - 1])] += 25
    counts[growing] += (6 + 3 * np.arange(periods))[None, :]
    counts[steady] += 15
    return counts, shape, new[4], growing[4], steady[4]


def test_emerging_hotspots_end_to_end_on_planted_patterns():
    counts, shape, new, growing, steady = _synthetic_cube()
    result = emerging_hotspots(counts, grid_weights(shape), time_lag=1, alpha=0.05)
    assert result.category[new] == "new_hot_spot"
    assert result.category[growing] == "intensifying_hot_spot"
    assert result.category[steady] == "persistent_hot_spot"
    assert result.gi_z.shape == counts.shape and result.gi_p.shape == counts.shape
    assert result.mk_tau[growing] > 0.5
    assert np.all(result.code == [CATEGORY_CODES[c] for c in result.category])


def test_emerging_hotspots_with_permutations_is_reproducible():
    counts, shape, *_ = _synthetic_cube()
    w = grid_weights(shape)
    a = emerging_hotspots(counts, w, permutations=99, seed=1)
    b = emerging_hotspots(counts, w, permutations=99, seed=1)
    np.testing.assert_array_equal(a.code, b.code)
    np.testing.assert_array_equal(a.gi_p, b.gi_p)


def test_empty_cells_are_left_out():
    counts, shape, *_ = _synthetic_cube()
    counts[0] = 0
    result = emerging_hotspots(counts, grid_weights(shape))
    assert not result.analysed[0] and result.analysed[1:].all()
    assert result.category[0] == "no_pattern" and np.isnan(result.gi_z[0]).all()
