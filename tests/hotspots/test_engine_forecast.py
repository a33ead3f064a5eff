"""Forecasts (prospective hot spotting, recent KDE) and PAI/PEI/RRI by hand."""

import math
from functools import partial

import numpy as np
import pytest

from wijkregie.hotspots.engine import backtest, evaluate, kde_forecast, prospective_forecast


def test_evaluate_hand_computed_metrics():
    forecast = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    observed = [3, 0, 1, 0, 0, 5, 0, 1, 0, 0]  # N = 10
    training = [4, 4, 0, 0, 0, 1, 0, 1, 0, 0]  # N_train = 10
    e = evaluate(forecast, observed, coverage=0.2, training=training)
    # k = 2 cells (0 and 1): 3 of 10 events
    assert e.n_selected == 2 and e.area_share == 0.2
    assert e.hit_rate == pytest.approx(0.3)
    assert e.pai == pytest.approx(0.3 / 0.2)
    # best 2 cells hold 5 + 3 = 8 events: PEI = 3 / 8
    assert e.pei == pytest.approx(3 / 8)
    # training share of the 2 cells was 8 / 10: RRI = 0.3 / 0.8
    assert e.rri == pytest.approx(0.3 / 0.8)


def test_evaluate_perfect_forecast_has_pei_one_and_ties_break_by_cell_id():
    observed = np.array([0, 2, 0, 7])
    e = evaluate(observed, observed, coverage=0.5)
    assert e.pei == 1.0 and e.pai == pytest.approx(9 / 9 / 0.5)
    tie = evaluate([1, 1, 1, 1], [0, 0, 0, 4], coverage=0.25)
    assert tie.hits == 0  # cell 0 is chosen among equal scores
    assert math.isnan(tie.rri)


def test_evaluate_without_events_is_nan_not_an_error():
    e = evaluate([1, 0], [0, 0], coverage=0.5, training=[0, 0])
    assert math.isnan(e.hit_rate) and math.isnan(e.pai) and math.isnan(e.pei)


def test_prospective_weights_by_distance_in_cells_and_age_in_periods():
    shape, cell = (9, 9), 100.0
    history = np.zeros((81, 3))
    centre = 4 * 9 + 4
    history[centre, -1] = 1  # this period: age 0
    history[centre, 0] = 1  # two periods ago: age 2
    risk = prospective_forecast(history, shape, cell, bandwidth=250, window=3).reshape(shape)
    age_weight = 1 + 1 / 3
    assert risk[4, 4] == pytest.approx(age_weight)
    assert risk[4, 5] == pytest.approx(age_weight / 2)
    assert risk[5, 5] == pytest.approx(age_weight / (1 + math.sqrt(2)))
    assert risk[4, 6] == pytest.approx(age_weight / 3)
    assert risk[4, 7] == pytest.approx(0, abs=1e-12)  # 300 m > 250 m bandwidth
    # outside the window nothing counts
    only_old = prospective_forecast(history[:, :1], shape, cell, window=1).reshape(shape)
    assert only_old[4, 4] == pytest.approx(1)


def test_kde_forecast_sums_recent_window():
    shape = (21, 21)  # 5 bandwidths from the centre to the edge
    history = np.zeros((441, 4))
    history[220, 0] = 5  # outside a window of 2
    history[220, 3] = 1
    risk = kde_forecast(history, shape, 50.0, bandwidth=100, window=2)
    assert risk.sum() * 50 * 50 == pytest.approx(1.0, rel=1e-4)
    assert risk.argmax() == 220


def test_backtest_rolls_over_periods():
    rng = np.random.default_rng(0)
    shape = (10, 10)
    rate = np.ones(100)
    rate[[11, 12, 21, 22]] = 20  # a stable hot spot
    counts = rng.poisson(rate[:, None], size=(100, 12))
    forecaster = partial(prospective_forecast, shape=shape, cell_size=100.0, window=4)
    rows = backtest(counts, forecaster, window=4, coverage=0.04)
    assert [r.period for r in rows] == list(range(4, 12))
    assert all(r.pai > 5 and r.pei > 0.7 for r in rows)
    rows_late = backtest(counts, forecaster, window=4, start=10)
    assert [r.period for r in rows_late] == [10, 11]
    with pytest.raises(ValueError):
        backtest(counts, forecaster, window=4, start=2)
