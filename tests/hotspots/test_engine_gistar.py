"""Gi*, FDR, confidence bins and weights of the hot spot engine."""

from itertools import combinations

import numpy as np
import pytest
from scipy import sparse

from wijkregie.hotspots.engine import (
    confidence_bins,
    distance_band_weights,
    fdr,
    gi_star,
    grid_weights,
    spacetime_weights,
)

# esda's documented G_Local example (esda.getisord.G_Local docstring).
POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
Y = np.array([2, 3, 3.2, 5, 8, 7])
ESDA_BINARY_Z = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
# esda's p_norm for the same run is one-sided: norm.sf(|z|).
ESDA_ONE_SIDED_P = [0.08116526, 0.38622273, 0.25763634, 0.38622273, 0.10850443, 0.02147256]


def test_reproduces_esda_binary_gi_star_example():
    w = distance_band_weights(POINTS, 15)
    result = gi_star(Y, w, transform="B")
    np.testing.assert_allclose(result.z, ESDA_BINARY_Z, atol=1e-7)
    np.testing.assert_allclose(result.p_norm, 2 * np.array(ESDA_ONE_SIDED_P), atol=1e-7)
    assert result.p_sim is None


def test_row_standardising_binary_weights_leaves_gi_star_z_unchanged():
    w = distance_band_weights(POINTS, 15)
    np.testing.assert_allclose(gi_star(Y, w, transform="R").z, ESDA_BINARY_Z, atol=1e-7)


def test_diagonal_in_weights_is_ignored():
    w = distance_band_weights(POINTS, 15) + sparse.identity(6) * 5
    np.testing.assert_allclose(gi_star(Y, w).z, ESDA_BINARY_Z, atol=1e-7)


def test_constant_values_are_not_hot():
    result = gi_star(np.ones(9), grid_weights((3, 3)))
    assert np.all(result.z == 0)
    assert np.all(result.p_norm == 1)


def _exact_conditional_p(y, w):
    """Enumerate every k_i-subset of the other cells: the exact permutation p."""
    dense = (w.toarray() != 0)
    p = []
    for i in range(len(y)):
        k = dense[i].sum()
        obs = y[dense[i]].sum()
        others = np.delete(y, i)
        sums = np.array([sum(c) for c in combinations(others, k)])
        p.append(min((sums >= obs - 1e-12).mean(), (sums <= obs + 1e-12).mean()))
    return np.array(p)


def test_permutation_p_matches_exact_enumeration_within_monte_carlo_error():
    w = distance_band_weights(POINTS, 15)
    perms = 19_999
    result = gi_star(Y, w, permutations=perms, seed=7)
    exact = _exact_conditional_p(Y, w)
    # pseudo p = (count + 1) / (P + 1): compare with 5 Monte Carlo standard errors.
    se = np.sqrt(exact * (1 - exact) / perms)
    assert np.all(np.abs(result.p_sim - exact) <= 5 * se + 2 / perms)


def test_permutation_p_is_reproducible_with_a_seed():
    rng = np.random.default_rng(0)
    values = rng.gamma(2.0, size=400)
    w = grid_weights((20, 20))
    a = gi_star(values, w, permutations=199, seed=42).p_sim
    b = gi_star(values, w, permutations=199, seed=42).p_sim
    c = gi_star(values, w, permutations=199, seed=43).p_sim
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_permutation_p_agrees_with_naive_conditional_permutation_on_a_large_grid():
    # Large n exercises the rejection sampler (n > 4096), the block loop and the
    # focal-hit correction; the reference draws each cell's sample independently.
    rng = np.random.default_rng(1)
    values = rng.normal(size=80 * 80)
    w = grid_weights((80, 80))
    perms, ref_perms = 999, 1999
    p = gi_star(values, w, permutations=perms, seed=3).p_sim
    cells = rng.choice(values.size, 60, replace=False)
    for i in cells:
        nbrs = w[i].indices
        obs = values[nbrs].sum()
        others = np.delete(values, i)
        sums = np.array([rng.choice(others, nbrs.size, replace=False).sum()
                         for _ in range(ref_perms)])
        ref = (min((sums >= obs).sum(), (sums <= obs).sum()) + 1) / (ref_perms + 1)
        se = np.sqrt(ref * (1 - ref) * (1 / perms + 1 / ref_perms))
        assert abs(p[i] - ref) <= 5 * se + 0.005


def test_island_and_tied_neighbourhoods_get_p_sim_one():
    values = np.array([0.0, 0, 0, 0, 5])
    w = sparse.csr_matrix(np.array([
        [0, 1, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],  # island
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
    ], dtype=float))
    p = gi_star(values, w, permutations=99, seed=0).p_sim
    assert p[2] == 1.0


def test_fdr_benjamini_hochberg_threshold():
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]
    assert fdr(p, 0.05) == pytest.approx(2 * 0.05 / 8)
    # Nothing passes: the threshold is alpha / m, which no p-value reaches.
    assert fdr([0.01, 0.02, 0.03, 0.04, 0.05, 0.5], 0.05) == pytest.approx(0.05 / 6)
    assert fdr([0.0, 0.0, 0.9], 0.05) == pytest.approx(2 * 0.05 / 3)


def test_confidence_bins_like_arcgis_gi_bin():
    z = np.array([3.0, 2.0, 1.7, 0.5, -1.7, -2.0, -3.0])
    p = np.array([0.005, 0.03, 0.09, 0.6, 0.09, 0.03, 0.005])
    np.testing.assert_array_equal(confidence_bins(z, p), [3, 2, 1, 0, -1, -2, -3])
    # Benjamini-Hochberg over these 7 p-values (sorted .005 .005 .03 .03 .09 .09 .6):
    # 90 %: largest k with p_(k) <= k*.10/7 is 4 -> cut .057, the .09 cells drop out;
    # 95 %: k = 2 -> cut .014, so the .03 cells fall to bin 1;
    # 99 %: no k -> cut .01/7, so the .005 cells fall to bin 2.
    np.testing.assert_array_equal(confidence_bins(z, p, fdr_correct=True),
                                  [2, 1, 0, 0, 0, -1, -2])


def test_grid_weights_queen_and_rook():
    queen = grid_weights((3, 4), "queen")
    rook = grid_weights((3, 4), "rook")
    degree_q = np.diff(queen.indptr)
    degree_r = np.diff(rook.indptr)
    # cell 5 = row 1, col 1 (interior); cell 0 = corner
    assert degree_q[5] == 8 and degree_r[5] == 4
    assert degree_q[0] == 3 and degree_r[0] == 2
    for w in (queen, rook):
        assert (w != w.T).nnz == 0
        assert w.diagonal().sum() == 0
    assert set(rook[5].indices) == {1, 4, 6, 9}


def test_distance_band_includes_boundary_and_coincident_points():
    w = distance_band_weights([(0, 0), (0, 0), (3, 4), (10, 0)], 5.0)
    assert w[0, 1] == 1 and w[0, 2] == 1  # coincident; exactly 5 apart
    assert w[0, 3] == 0 and w.diagonal().sum() == 0


def test_spacetime_weights_follow_arcgis_cube():
    spatial = sparse.csr_matrix(np.array([[0, 1], [1, 0]], dtype=float))  # 2 cells
    st = spacetime_weights(spatial, n_periods=3, time_lag=1).toarray()
    # bin = period * 2 + cell; bin 3 is cell 1 in period 1
    assert set(np.flatnonzero(st[3])) == {2, 0, 1}  # neighbour now, self and neighbour before
    assert set(np.flatnonzero(st[1])) == {0}  # period 0 has no past
    assert st[3, 5] == 0  # no looking into the future


def _smooth_field(n: int = 60, seed: int = 7) -> np.ndarray:
    """A smooth surface with two hills and a valley, plus unit normal noise, n x n cells.

    Smooth and continuous, so the permutation distribution of a neighbour sum is close
    to normal and the analytic and permutation tests should agree up to Monte Carlo
    error, bin for bin, once both are on the same (two-sided) scale.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n]
    field = (3 * np.exp(-((xx - 15) ** 2 + (yy - 20) ** 2) / 60)
             - 2 * np.exp(-((xx - 42) ** 2 + (yy - 40) ** 2) / 80)
             + 2 * np.exp(-((xx - 45) ** 2 + (yy - 12) ** 2) / 30))
    return (field + rng.normal(0, 1, field.shape)).ravel()


def test_analytic_and_permutation_bins_agree_on_a_large_smooth_field():
    values = _smooth_field()
    w = grid_weights((60, 60), "queen")
    analytic = gi_star(values, w)
    permuted = gi_star(values, w, permutations=999, seed=1)
    for level in (1, 2, 3):  # cells at >= 90 %, >= 95 %, >= 99 % confidence
        a = int((np.abs(analytic.bins) >= level).sum())
        b = int((np.abs(permuted.bins) >= level).sum())
        # Monte Carlo error of a bin count near the cut-offs is a few percent here;
        # one-sided pseudo p against two-sided cut-offs gave 30-40 % more cells.
        assert abs(b - a) <= 0.12 * a, (level, a, b)
    assert (analytic.bins == permuted.bins).mean() > 0.88
    assert np.abs(analytic.bins.astype(int) - permuted.bins).max() <= 2


def test_permutation_bins_use_the_two_sided_pseudo_p():
    values = _smooth_field(30)
    w = grid_weights((30, 30), "queen")
    res = gi_star(values, w, permutations=199, seed=2)
    np.testing.assert_array_equal(res.p, np.minimum(1.0, 2 * res.p_sim))
    np.testing.assert_array_equal(res.bins, confidence_bins(res.z, res.p))
    assert res.p.min() >= 2 / 200  # the floor of a two-sided pseudo p with 199 permutations
    analytic = gi_star(values, w)
    np.testing.assert_array_equal(analytic.p, analytic.p_norm)
