"""The shared pipeline from points to a stored result (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from wijkregie.hotspots import engine
from wijkregie.hotspots.analysis import AnalysisParams, _rank_classes, run_analysis, to_geojson
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
