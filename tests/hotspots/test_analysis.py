"""The shared pipeline from points to a stored result (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from wijkregie.hotspots import engine
from wijkregie.hotspots.analysis import (
    AnalysisParams,
    _rank_classes,
    run_analysis,
    to_geojson,
    warning_text,
)
from wijkregie.hotspots.services import connected_cells


def _points(seed: int = 1):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    months = np.repeat(np.arange(24), 30)
    x = np.where(np.arange(months.size) % 3 == 0, 110_500 + rng.normal(0, 40, months.size),
                 110_000 + rng.uniform(0, 2000, months.size))
    y = np.where(np.arange(months.size) % 3 == 0, 400_500 + rng.normal(0, 40, months.size),
                 400_000 + rng.uniform(0, 2000, months.size))
    dates = (np.datetime64("2022-01", "M") + months).astype("datetime64[D]")
    return x, y, dates


def test_gistar_result_matches_the_engine_on_occupied_cells():
    x, y, dates = _points()
    result = run_analysis(x, y, dates, AnalysisParams(method="gistar", cell_size=100),
                          crs="EPSG:28992")
    gc = engine.grid_counts(x, y, dates, cell_size=100)
    occupied = np.flatnonzero(gc.counts.sum(axis=1) > 0)
    w = engine.grid_weights(gc.shape)[occupied][:, occupied]
    expected = engine.gi_star(gc.counts.sum(axis=1)[occupied], w, fdr_correct=True)
    assert [c["id"] for c in result["cells"]] == occupied.tolist()
    assert [c["class"] for c in result["cells"]] == expected.bins.tolist()
    assert [c["z"] for c in result["cells"]] == pytest.approx(expected.z.tolist(), abs=1e-6)
    # the cluster centre (110 500, 400 500) is a 99 % hot spot
    centre = gc.grid.cell_index([110_500.0], [400_500.0])[0]
    assert next(c for c in result["cells"] if c["id"] == centre)["class"] == 3
    assert len(result["cells"][0]["period_classes"]) == 24


def test_emerging_kde_forecast_give_their_classes_and_legends():
    x, y, dates = _points()
    for method, codes in (("emerging", set(engine.CATEGORY_CODES.values())),
                          ("kde", {0, 1, 2, 3}), ("forecast", {0, 1, 2, 3})):
        result = run_analysis(x, y, dates, AnalysisParams(method=method, cell_size=100),
                              crs="EPSG:28992")
        assert {c["class"] for c in result["cells"]} <= codes
        assert {item["code"] for item in result["legend"]} == codes
        assert sum(result["class_counts"].values()) == result["n_analysed_cells"]
    assert "backtest" in result and result["backtest"]["periods"] == 24 - 6


def test_rank_classes_take_top_shares_of_positive_scores():
    score = np.arange(200, dtype=float)  # cell 0 has score 0
    classes = _rank_classes(score)
    assert (classes == 3).sum() == 2 and (classes == 2).sum() == 8
    assert (classes == 1).sum() == 10 and classes[199] == 3 and classes[0] == 0


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="cell size must be between"):
        AnalysisParams(cell_size=1)
    with pytest.raises(ValueError, match="method must be one of"):
        AnalysisParams(method="magic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no incidents"):
        run_analysis(np.array([]), np.array([]), np.array([], dtype="datetime64[D]"),
                     AnalysisParams(), crs="EPSG:28992")


def test_geojson_cells_are_wgs84_squares_around_the_rd_cells():
    x, y, dates = _points()
    result = run_analysis(x, y, dates, AnalysisParams(method="kde", cell_size=100),
                          crs="EPSG:28992")
    feature = to_geojson(result)["features"][0]
    ring = np.array(feature["geometry"]["coordinates"][0])
    assert ring.shape == (5, 2) and (ring[0] == ring[-1]).all()
    x0, y0 = engine.project_lonlat(ring[:4, 0], ring[:4, 1])
    assert np.ptp(x0) == pytest.approx(100, abs=0.05) and np.ptp(y0) == pytest.approx(100, abs=0.05)


def test_connected_cells_follow_the_class_over_corners():
    result = {"grid": {"shape": [4, 4]}, "cells": [
        {"id": 0, "class": 3}, {"id": 5, "class": 3}, {"id": 10, "class": 3},
        {"id": 3, "class": 3}, {"id": 6, "class": 1}]}
    assert connected_cells(result, 0) == [0, 5, 10]
    assert connected_cells(result, 3) == [3]
    with pytest.raises(ValueError, match="not part of this analysis"):
        connected_cells(result, 15)


def _uniform_points(n: int = 3000, seed: int = 4):  # type: ignore[no-untyped-def]
    """Points without any cluster over 2 x 2 km, 12 months (RD New)."""
    rng = np.random.default_rng(seed)
    dates = (np.datetime64("2022-01", "M") + rng.integers(0, 12, n)).astype("datetime64[D]")
    return (110_000 + rng.uniform(0, 2000, n), 400_000 + rng.uniform(0, 2000, n), dates)


@pytest.mark.parametrize("method", ["gistar", "emerging"])
def test_permutation_counts_that_cannot_pass_fdr_are_refused(method):
    with pytest.raises(ValueError, match="99 permutations cannot find significant cells"):
        AnalysisParams(method=method, permutations=99, fdr=True)
    AnalysisParams(method=method, permutations=99, fdr=False)  # without FDR it can
    AnalysisParams(method=method, permutations=999, fdr=True)


def test_result_warns_when_the_smallest_attainable_p_is_above_the_fdr_threshold():
    x, y, dates = _uniform_points()
    result = run_analysis(x, y, dates, AnalysisParams(method="gistar", cell_size=200,
                                                      permutations=999), crs="EPSG:28992")
    sig = result["significance"]
    assert sig["p_min"] == pytest.approx(0.002) and sig["fdr"]
    assert sig["p_value"].startswith("conditional permutation pseudo p, two-sided")
    warning = next(w for w in result["warnings"] if w["code"] == "permutations_unreachable")
    assert warning["all_levels"] and warning["suggest"] == [9999]
    text = warning_text(warning)
    assert "smallest attainable p-value is 0.002" in text and "no cell can be significant" in text
    # Analytic p-values have no floor: no such warning, and the summary says which p.
    analytic = run_analysis(x, y, dates, AnalysisParams(method="gistar", cell_size=200),
                            crs="EPSG:28992")
    assert analytic["significance"]["p_value"] == "normal approximation, two-sided"
    assert not [w for w in analytic["warnings"] if w["code"] == "permutations_unreachable"]


def test_far_outliers_are_reported_and_left_out_of_the_grid():
    x, y, dates = _points()
    far_x = np.array([110_000 + 400_000.0, 110_000 - 300_000.0, 110_500.0])
    far_y = np.array([400_000.0, 400_000 + 200_000.0, 400_000 - 650_000.0])
    xs, ys = np.concatenate([x, far_x]), np.concatenate([y, far_y])
    ds = np.concatenate([dates, dates[:3]])
    result = run_analysis(xs, ys, ds, AnalysisParams(method="kde", cell_size=50,
                                                     bandwidth=100), crs="EPSG:28992")
    assert result["n_excluded_far"] == 3 and result["n_incidents"] == x.size
    ny, nx = result["grid"]["shape"]
    assert ny * 50 <= 2100 and nx * 50 <= 2100  # the data's 2 km, not hundreds of km
    warning = next(w for w in result["warnings"] if w["code"] == "far_points_excluded")
    assert warning["n"] == 3 and warning["max_distance_km"] > 600
    assert "3 points lie far outside the data's dense extent" in warning_text(warning)
    # The same points without outliers give the same cells.
    clean = run_analysis(x, y, dates, AnalysisParams(method="kde", cell_size=50, bandwidth=100),
                         crs="EPSG:28992")
    assert clean["n_excluded_far"] == 0 and clean["grid"] == result["grid"]


def test_a_grid_beyond_the_size_limit_is_refused_with_the_numbers():
    rng = np.random.default_rng(2)
    n = 2000  # spread evenly over 60 x 60 km: no outliers, just a large area
    x, y = rng.uniform(0, 60_000, n), rng.uniform(300_000, 360_000, n)
    dates = np.full(n, np.datetime64("2022-01-15"))
    with pytest.raises(ValueError, match=r"the grid would have 1,4\d\d,\d00 cells .* at least "
                                         r"60 m"):
        run_analysis(x, y, dates, AnalysisParams(method="kde", cell_size=50, bandwidth=200),
                     crs="EPSG:28992")


def test_result_names_the_projection():
    x, y, dates = _points()
    result = run_analysis(x, y, dates, AnalysisParams(method="gistar", cell_size=200),
                          crs="EPSG:32630")
    assert result["crs_name"] == "WGS 84 / UTM zone 30N"


def test_kde_refine_reduces_the_binning_error():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(0, 150, 400), rng.uniform(-1500, 1500, 400)])
    y = np.concatenate([rng.normal(0, 150, 400), rng.uniform(-1500, 1500, 400)])
    errors = {}
    for refine in (1, 3):
        kde = engine.kde_grid(x, y, 100, 300, "quartic", refine=refine)
        xc, yc = kde.grid.cell_centres()
        d = np.hypot(xc[:, None] - x[None, :], yc[:, None] - y[None, :])
        exact = engine.kernel_value(d, 300, "quartic").sum(axis=1)
        errors[refine] = np.abs(kde.density.ravel() - exact).max() / exact.max()
    assert errors[3] < errors[1] / 3
    with pytest.raises(ValueError, match="odd"):
        engine.kde_grid(x, y, 100, 300, refine=2)
