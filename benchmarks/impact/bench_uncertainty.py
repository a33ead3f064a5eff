"""Benchmark: vectorised Monte Carlo and tornado against a per-draw Python loop.

Run from the repository root:

    .venv/bin/python benchmarks/impact/bench_uncertainty.py

Synthetic scenario: 50 effect lines x 30 years, each effect's unit value an
uncertain parameter (uniform/triangular/PERT/normal/lognormal in turn), plus one
investment.  Prints the median of repeated runs and the speed-up.
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import scipy

from wijkregie.impact.engine import build_model, monte_carlo, scenario_from_dict, sensitivity
from wijkregie.impact.uncertainty import draw_parameters, sample, tornado

LINES, YEARS, DRAWS = 50, 30, 10_000
DISTRIBUTIONS = [
    {"kind": "uniform", "min": 80, "max": 120},
    {"kind": "triangular", "min": 80, "mode": 100, "max": 130},
    {"kind": "pert", "min": 70, "mode": 100, "max": 120},
    {"kind": "normal", "mean": 100, "sd": 10},
    {"kind": "lognormal", "mean": 100, "sd": 15},
]


def synthetic_scenario():
    rng = np.random.default_rng(0)
    params = {f"uv{i}": {"value": 100.0, "low": 80.0, "high": 120.0,
                         "distribution": DISTRIBUTIONS[i % len(DISTRIBUTIONS)]}
              for i in range(LINES)}
    effects = [{"name": f"effect {i}", "stakeholder": "residents",
                "quantity": [float(q) for q in rng.uniform(0, 20, YEARS)],
                "unit_value": {"parameter": f"uv{i}"}} for i in range(LINES)]
    return scenario_from_dict({
        "base_year": 2025, "horizon_years": YEARS,
        "discounting": {"preset": "nl-2021"},
        "parameters": params,
        "alternatives": [{"name": "A", "measures": [{
            "name": "M", "effects": effects,
            "costs": [{"name": "invest", "kind": "investment", "stakeholder": "municipality",
                       "amounts": [1_000_000]}],
        }]}],
    })


def loop_monte_carlo(scenario, draws: int, seed: int) -> np.ndarray:
    """Straightforward reference: one Python iteration per draw, line and year."""
    model = build_model(scenario, scenario.alternatives[0])
    params = list(scenario.parameters.values())
    rng = np.random.default_rng(seed)
    values = [[float(sample(p.distribution, rng, 1)[0]) for p in params] for _ in range(draws)]
    out = np.empty(draws)
    for d in range(draws):
        out[d] = loop_npv(model, values[d])
    return out


def loop_npv(model, values) -> float:
    total = 0.0
    for line in range(len(model.lines)):
        factor = 1.0
        for j in model.refs[line]:
            factor *= values[j]
        for t in range(len(model.years)):
            total += factor * model.flows[line, t] * model.weights[t]
    return total


def loop_tornado(scenario) -> list[tuple[str, float, float]]:
    model = build_model(scenario, scenario.alternatives[0])
    params = list(scenario.parameters.values())
    base = [p.value for p in params]
    bars = []
    for j, p in enumerate(params):
        low, high = list(base), list(base)
        low[j], high[j] = p.low, p.high
        bars.append((p.name, loop_npv(model, low), loop_npv(model, high)))
    return sorted(bars, key=lambda b: abs(b[2] - b[1]), reverse=True)


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    s = synthetic_scenario()
    alt = s.alternatives[0]
    vec_mc = median_time(lambda: monte_carlo(s, draws=DRAWS, seed=1), 15)
    loop_mc = median_time(lambda: loop_monte_carlo(s, DRAWS, 1), 3)
    vec_tornado = median_time(lambda: sensitivity(s, alt).tornado, 15)
    vec_tornado_only = median_time(
        lambda: tornado(build_model(s, alt).npv, list(s.parameters.values())), 15)
    loop_tor = median_time(lambda: loop_tornado(s), 5)
    # same numbers both ways on the same draws
    model = build_model(s, alt)
    draws = draw_parameters(list(s.parameters.values()), 200, 1)
    looped = [loop_npv(model, row) for row in draws]
    assert np.allclose(monte_carlo(s, draws=200, seed=1).npv["A"], looped, rtol=1e-10)
    print(f"machine: {platform.processor() or platform.machine()}, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}")
    print(f"Monte Carlo {DRAWS} draws x {LINES} lines x {YEARS} years: "
          f"vectorised {vec_mc:.4f} s, per-draw loop {loop_mc:.3f} s, "
          f"speed-up x{loop_mc / vec_mc:.0f}")
    print(f"Tornado over {LINES} parameters: vectorised {vec_tornado_only:.4f} s "
          f"(with break-even of every parameter: {vec_tornado:.4f} s), "
          f"loop {loop_tor:.4f} s, speed-up x{loop_tor / vec_tornado_only:.0f}")


if __name__ == "__main__":
    main()
