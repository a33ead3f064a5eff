"""Tornado, break-even and Monte Carlo."""

import numpy as np
import pytest

from wijkregie.impact.engine import (
    build_model,
    evaluate,
    monte_carlo,
    scenario_from_dict,
    sensitivity,
)
from wijkregie.impact.scenario import Distribution, Parameter
from wijkregie.impact.uncertainty import (
    breakeven,
    compare,
    default_breakeven_range,
    draw_parameters,
    sample,
    summarize,
)


def scenario(uv_dist=None, share_dist=None, cost=100.0):
    """Invest ``cost`` in 2025; benefit uv x 10 x share in 2026 and 2027 at 10 %."""
    params = {
        "uv": {"value": 6.0, "low": 3.0, "high": 9.0},
        "share": {"value": 1.0, "low": 0.9, "high": 1.1},
        "unused": {"value": 1.0, "low": 0.0, "high": 2.0},
    }
    if uv_dist:
        params["uv"]["distribution"] = uv_dist
    if share_dist:
        params["share"]["distribution"] = share_dist
    return scenario_from_dict({
        "base_year": 2025,
        "horizon_years": 3,
        "discounting": {"preset": "custom", "rate": 0.1},
        "parameters": params,
        "alternatives": [
            {"name": "A", "measures": [{
                "name": "M",
                "costs": [{"name": "c", "kind": "investment", "stakeholder": "municipality",
                           "amounts": [cost]}],
                "effects": [{"name": "e", "quantity": {2026: 10, 2027: 10},
                             "unit_value": {"parameter": "uv"}, "scale_by": ["share"],
                             "stakeholders": {"residents": 0.5, "municipality": 0.5}}],
            }]},
            {"name": "B", "measures": [{
                "name": "M",
                "costs": [{"name": "c", "kind": "investment", "stakeholder": "municipality",
                           "amounts": [50]}],
                "effects": [{"name": "e", "quantity": {2026: 5, 2027: 5},
                             "unit_value": {"parameter": "uv"}, "stakeholder": "residents"}],
            }]},
        ],
    })


ANNUITY = 1 / 1.1 + 1 / 1.21  # PV of 1 euro in 2026 and 2027


def test_tornado_values_and_order():
    s = scenario()
    result = sensitivity(s, s.alternatives[0])
    bars = {b.parameter: b for b in result.tornado}
    assert bars["uv"].npv_low == pytest.approx(30 * ANNUITY - 100)
    assert bars["uv"].npv_high == pytest.approx(90 * ANNUITY - 100)
    assert bars["share"].npv_high == pytest.approx(66 * ANNUITY - 100)
    assert [b.parameter for b in result.tornado] == ["uv", "share", "unused"]
    assert bars["unused"].swing == 0


def test_breakeven_of_linear_response_is_exact():
    s = scenario()
    result = sensitivity(s, s.alternatives[0])
    # NPV = uv * 10 * share * ANNUITY - 100 = 0
    assert result.breakeven["uv"] == pytest.approx(100 / (10 * ANNUITY), rel=1e-10)
    assert result.breakeven["share"] == pytest.approx(100 / (60 * ANNUITY), rel=1e-10)
    assert result.breakeven["unused"] is None


def test_breakeven_none_outside_plausible_range():
    s = scenario(cost=1e6)  # would need uv of ~57 600, beyond [0, 90]
    assert sensitivity(s, s.alternatives[0]).breakeven["uv"] is None


def test_breakeven_on_nonlinear_response():
    # NPV(x) = x^2 - 4 (x used twice); root at 2 within [0, 10 * 3]
    params = [Parameter("x", value=3.0, low=1.0, high=3.0)]
    root = breakeven(lambda v: v[:, 0] ** 2 - 4.0, params, 0)
    assert root == pytest.approx(2.0, rel=1e-10)


def test_default_breakeven_range():
    assert default_breakeven_range(Parameter("a", 5.0, 2.0, 8.0)) == (0.0, 80.0)
    assert default_breakeven_range(Parameter("b", -1.0, -2.0, 1.0)) == (-21.0, 19.0)


def test_monte_carlo_is_reproducible_with_seed():
    s = scenario(uv_dist={"kind": "pert", "min": 3, "mode": 6, "max": 9})
    a = monte_carlo(s, draws=2000, seed=7)
    b = monte_carlo(s, draws=2000, seed=7)
    c = monte_carlo(s, draws=2000, seed=8)
    assert np.array_equal(a.npv["A"], b.npv["A"])
    assert a.summaries == b.summaries
    assert not np.array_equal(a.npv["A"], c.npv["A"])


def test_monte_carlo_matches_direct_evaluation_per_draw():
    s = scenario(uv_dist={"kind": "uniform", "min": 3, "max": 9},
                 share_dist={"kind": "normal", "mean": 1, "sd": 0.1})
    mc = monte_carlo(s, draws=50, seed=3)
    values = draw_parameters(list(s.parameters.values()), 50, 3)
    expected = values[:, 0] * 10 * values[:, 1] * ANNUITY - 100
    assert mc.npv["A"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "dist",
    [
        {"kind": "uniform", "min": 3, "max": 9},
        {"kind": "triangular", "min": 3, "mode": 6, "max": 9},
        {"kind": "pert", "min": 3, "mode": 6, "max": 9},
        {"kind": "normal", "mean": 6, "sd": 1.5},
    ],
)
def test_mean_converges_to_deterministic_npv(dist):
    s = scenario(uv_dist=dist)
    deterministic = evaluate(s, s.alternatives[0]).npv
    errors, ses = [], []
    for n in (1_000, 16_000, 256_000):
        summary = monte_carlo(s, draws=n, seed=11).summaries["A"]
        errors.append(abs(summary.mean - deterministic))
        ses.append(summary.standard_error)
        assert errors[-1] < 5 * summary.standard_error
    # standard error shrinks like 1/sqrt(n): x16 draws -> /4
    assert ses[1] / ses[0] == pytest.approx(0.25, rel=0.1)
    assert ses[2] / ses[1] == pytest.approx(0.25, rel=0.1)


@pytest.mark.parametrize(
    ("dist", "mean", "sd"),
    [
        (Distribution("uniform", min=0, max=12), 6, 12 / np.sqrt(12)),
        (Distribution("triangular", min=0, mode=3, max=12), 5, np.sqrt((144 + 9 - 36) / 18)),
        (Distribution("pert", min=0, mode=3, max=12), (0 + 4 * 3 + 12) / 6, None),
        (Distribution("normal", mean=5, sd=2), 5, 2),
        (Distribution("lognormal", mean=5, sd=2), 5, 2),
        (Distribution("normal", mean=5, sd=0), 5, 0),
    ],
)
def test_sampler_moments(dist, mean, sd):
    x = sample(dist, np.random.default_rng(0), 400_000)
    assert x.mean() == pytest.approx(mean, rel=0.01, abs=1e-9)
    if sd is not None:
        assert x.std() == pytest.approx(sd, rel=0.01, abs=1e-9)
    if dist.min is not None:
        assert x.min() >= dist.min and x.max() <= dist.max


def test_summary_percentiles_and_probability():
    s = summarize(np.arange(-50.0, 50.0))
    assert s.probability_positive == pytest.approx(0.49)
    assert s.percentiles[50] == pytest.approx(-0.5)
    assert s.draws == 100


def test_comparison_of_alternatives_includes_zero():
    result = compare({"A": np.array([1.0, -1, 3]), "B": np.array([2.0, -2, 1])}, "zero")
    assert result.probability_best == pytest.approx({"zero": 1 / 3, "A": 1 / 3, "B": 1 / 3})
    assert result.probability_better["A"]["B"] == pytest.approx(2 / 3)
    assert result.probability_better["zero"]["A"] == pytest.approx(1 / 3)


def test_monte_carlo_stakeholder_means_sum_to_mean_npv():
    s = scenario(uv_dist={"kind": "triangular", "min": 3, "mode": 6, "max": 9})
    mc = monte_carlo(s, draws=3000, seed=5)
    assert sum(mc.stakeholder_means["A"].values()) == pytest.approx(mc.summaries["A"].mean)
    assert set(mc.comparison.probability_best) == {"Zero alternative", "A", "B"}


def test_line_model_npv_equals_line_present_values_sum():
    s = scenario()
    model = build_model(s, s.alternatives[0])
    values = np.array([[6.0, 1.0, 1.0], [3.0, 0.5, 2.0]])
    assert model.npv(values) == pytest.approx(model.line_present_values(values).sum(axis=1))
