"""Grids, counts, projection and kernel density of the hot spot engine."""

import math

import numpy as np
import pytest

from wijkregie.hotspots.engine import (
    Grid,
    default_bandwidth,
    grid_counts,
    kde_grid,
    kernel_value,
    period_index,
    project_lonlat,
)


def test_project_lonlat_to_rd_new_amersfoort_origin():
    # The RD reference point (Amersfoort, Onze Lieve Vrouwetoren) is x=155000, y=463000.
    x, y = project_lonlat([5.38720621], [52.15517440])
    assert x[0] == pytest.approx(155_000, abs=1.0)
    assert y[0] == pytest.approx(463_000, abs=1.0)


def test_grid_counts_cells_periods_and_dropped_points():
    x = np.array([10.0, 130.0, 130.0, 260.0, np.nan, 10.0])
    y = np.array([10.0, 10.0, 10.0, 130.0, 5.0, 10.0])
    t = np.array(["2024-01-03", "2024-01-20", "2024-03-01", "2024-03-31", "2024-01-01", "NaT"],
                 dtype="datetime64[D]")
    gc = grid_counts(x, y, t, cell_size=125, period="M")
    assert gc.origin == (0.0, 0.0) and gc.shape == (2, 3)
    assert list(gc.periods) == list(np.array(["2024-01-01", "2024-02-01", "2024-03-01"],
                                             dtype="datetime64[D]"))
    assert gc.counts.shape == (6, 3)
    assert gc.counts[0].tolist() == [1, 0, 0]
    assert gc.counts[1].tolist() == [1, 0, 1]
    assert gc.counts[5].tolist() == [0, 0, 1]  # row 1, col 2
    assert gc.counts.sum() + gc.n_outside == len(x) and gc.n_outside == 2


def test_grid_counts_fixed_extent_drops_outside_points_and_single_period():
    gc = grid_counts([50, 150, 900], [50, 50, 50], None, cell_size=100, origin=(0, 0),
                     shape=(1, 2))
    assert gc.counts.tolist() == [[1], [1]] and gc.n_outside == 1


def test_point_on_max_edge_is_inside():
    gc = grid_counts([0.0, 250.0], [0.0, 250.0], None, cell_size=125)
    assert gc.shape == (3, 3) and gc.n_outside == 0


def test_weeks_start_on_monday():
    idx, labels = period_index(np.array(["2024-01-07", "2024-01-08", "2024-01-21"],
                                        dtype="datetime64[D]"), "W")
    assert idx.tolist() == [0, 1, 2]
    assert labels[0] == np.datetime64("2024-01-01")  # a Monday


def test_cell_centres_and_polygons():
    grid = Grid(origin=(100.0, 200.0), cell_size=10.0, shape=(2, 3))
    xc, yc = grid.cell_centres()
    assert (xc[4], yc[4]) == (115.0, 215.0)  # row 1, col 1
    rings = grid.cell_polygons()
    assert rings.shape == (6, 5, 2)
    np.testing.assert_array_equal(rings[0, 0], [100.0, 200.0])
    np.testing.assert_array_equal(rings[0, 0], rings[0, -1])
    assert grid.cell_index([115.0, 99.0], [215.0, 215.0]).tolist() == [4, -1]


@pytest.mark.parametrize("kernel", ["gaussian", "quartic"])
def test_kernels_integrate_to_one(kernel):
    r = np.linspace(0, 30, 600_001)
    mass = np.trapezoid(kernel_value(r, 2.0, kernel) * 2 * math.pi * r, r)
    assert mass == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("kernel", ["gaussian", "quartic"])
def test_kde_integrates_to_n_and_matches_direct_evaluation(kernel):
    rng = np.random.default_rng(2)
    x, y = rng.normal(0, 400, 3000), rng.normal(0, 250, 3000)
    result = kde_grid(x, y, cell_size=25, bandwidth=200, kernel=kernel)
    assert result.density.sum() * 25 * 25 == pytest.approx(3000, rel=1e-4)
    xc, yc = result.grid.cell_centres()
    sample = rng.choice(xc.size, 300, replace=False)
    exact = np.array([kernel_value(np.hypot(x - xc[i], y - yc[i]), 200, kernel).sum()
                      for i in sample])
    err = np.abs(result.density.ravel()[sample] - exact).max() / exact.max()
    assert err < 0.01


def test_kde_weights_scale_density_and_aligned_grid():
    x, y = np.array([500.0, 520.0]), np.array([500.0, 480.0])
    base = kde_grid(x, y, 50, 100, origin=(0, 0), shape=(20, 20))
    double = kde_grid(x, y, 50, 100, weights=[2, 2], origin=(0, 0), shape=(20, 20))
    np.testing.assert_allclose(double.density, 2 * base.density, rtol=1e-12, atol=1e-18)
    assert base.grid.shape == (20, 20)
    peak = np.unravel_index(base.density.argmax(), base.density.shape)
    assert peak == (9, 10) or peak == (10, 10)


def test_quartic_is_zero_beyond_its_radius():
    result = kde_grid([0.0], [0.0], 10, 100, kernel="quartic", origin=(-500, -500),
                      shape=(100, 100))
    xc, yc = result.grid.cell_centres()
    far = np.hypot(xc, yc) > 100 + 10 * math.sqrt(2)
    # zero up to FFT round-off
    assert np.all(result.density.ravel()[far] < 1e-12 * result.density.max())


def test_default_bandwidth_spatial_silverman_rule():
    x = np.array([0.0, 10, 0, 10])
    y = np.array([0.0, 0, 10, 10])
    # mean centre (5,5); every distance is sqrt(50): SD = Dm = sqrt(50)
    expected = 0.9 * min(math.sqrt(50), math.sqrt(1 / math.log(2)) * math.sqrt(50)) * 4 ** -0.2
    assert default_bandwidth(x, y) == pytest.approx(expected)
    assert kde_grid(x, y, 1.0).bandwidth == pytest.approx(expected)
