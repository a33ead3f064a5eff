"""Uncertainty analysis on a vectorised NPV function.

Every routine takes ``evaluate(values) -> npv`` where ``values`` has shape
``(D, n_parameters)`` and the result shape ``(D,)``, so tornado bars, break-even
grids and Monte Carlo draws are all evaluated as one array operation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .scenario import Distribution, Parameter

Evaluate = Callable[[np.ndarray], np.ndarray]

PERCENTILES: tuple[int, ...] = (5, 10, 25, 50, 75, 90, 95)
BREAKEVEN_GRID = 65
BREAKEVEN_SPAN = 10.0
PERT_LAMBDA = 4.0


def sample(dist: Distribution, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws from ``dist``.

    PERT: ``min + (max - min) * Beta(a, b)`` with ``a = 1 + 4 (mode - min)/(max - min)``,
    ``b = 1 + 4 (max - mode)/(max - min)``.  Lognormal is parameterised by the mean
    ``m`` and sd ``s`` of the variable: ``sigma^2 = ln(1 + s^2/m^2)``,
    ``mu = ln m - sigma^2 / 2``.
    """
    if dist.kind == "uniform":
        return rng.uniform(dist.min, dist.max, n)
    if dist.kind == "triangular":
        return rng.triangular(dist.min, dist.mode, dist.max, n)
    if dist.kind == "pert":
        width = dist.max - dist.min
        a = 1.0 + PERT_LAMBDA * (dist.mode - dist.min) / width
        b = 1.0 + PERT_LAMBDA * (dist.max - dist.mode) / width
        return dist.min + width * rng.beta(a, b, n)
    if dist.kind == "normal":
        return rng.normal(dist.mean, dist.sd, n)
    if dist.kind == "lognormal":
        sigma2 = np.log1p((dist.sd / dist.mean) ** 2)
        return rng.lognormal(np.log(dist.mean) - sigma2 / 2.0, np.sqrt(sigma2), n)
    raise ValueError(f"unknown distribution kind {dist.kind!r}")


def draw_parameters(params: Sequence[Parameter], draws: int, seed: int) -> np.ndarray:
    """Matrix ``(draws, n_parameters)``; parameters without a distribution stay at their value.

    Parameters are drawn in the given order from one seeded generator, so the
    same seed and scenario always give the same draws.
    """
    rng = np.random.default_rng(seed)
    values = np.empty((draws, len(params)))
    for j, param in enumerate(params):
        if param.distribution is None:
            values[:, j] = param.value
        else:
            values[:, j] = sample(param.distribution, rng, draws)
    return values


@dataclass(frozen=True)
class DrawSummary:
    """Distribution of the NPV over Monte Carlo draws."""

    draws: int
    mean: float
    sd: float
    standard_error: float
    percentiles: dict[int, float]
    probability_positive: float


def summarize(npv: np.ndarray) -> DrawSummary:
    """Mean, sd, standard error ``sd / sqrt(n)``, percentiles and ``P(NPV > 0)``."""
    n = npv.size
    sd = float(npv.std(ddof=1)) if n > 1 else 0.0
    return DrawSummary(
        draws=n,
        mean=float(npv.mean()),
        sd=sd,
        standard_error=sd / float(np.sqrt(n)),
        percentiles={p: float(v) for p, v in zip(PERCENTILES, np.percentile(npv, PERCENTILES),
                                                  strict=True)},
        probability_positive=float(np.mean(npv > 0)),
    )


@dataclass(frozen=True)
class TornadoBar:
    parameter: str
    low: float
    high: float
    npv_low: float
    npv_high: float

    @property
    def swing(self) -> float:
        return abs(self.npv_high - self.npv_low)


def tornado(evaluate: Evaluate, params: Sequence[Parameter]) -> list[TornadoBar]:
    """One-way sensitivity: each parameter at ``low`` and ``high``, the others at their value.

    All ``2k`` cases are evaluated in one call; bars are sorted by swing, largest first.
    """
    base = np.array([p.value for p in params])
    varied = [j for j, p in enumerate(params) if p.low is not None and p.high is not None]
    cases = np.tile(base, (2 * len(varied), 1))
    for row, j in enumerate(varied):
        cases[2 * row, j] = params[j].low
        cases[2 * row + 1, j] = params[j].high
    npv = evaluate(cases)
    bars = [
        TornadoBar(params[j].name, params[j].low, params[j].high,
                   float(npv[2 * row]), float(npv[2 * row + 1]))
        for row, j in enumerate(varied)
    ]
    return sorted(bars, key=lambda bar: bar.swing, reverse=True)


def default_breakeven_range(param: Parameter) -> tuple[float, float]:
    """Plausible search range for a break-even value when none is given.

    Non-negative parameters (value and low >= 0, e.g. counts, unit values,
    effect shares) are searched in ``[0, 10 m]``, others in ``[v - 10 m, v + 10 m]``,
    with ``m = max(|value|, |low|, |high|)``.
    """
    bounds = [abs(param.value)] + [abs(b) for b in (param.low, param.high) if b is not None]
    m = max(max(bounds), 1e-9)
    if param.value >= 0 and (param.low is None or param.low >= 0):
        return 0.0, BREAKEVEN_SPAN * m
    return param.value - BREAKEVEN_SPAN * m, param.value + BREAKEVEN_SPAN * m


def breakeven(evaluate: Evaluate, params: Sequence[Parameter], j: int) -> float | None:
    """Value of parameter ``j`` at which the NPV is zero, the others at their value.

    The NPV is scanned on a grid over the plausible range (one vectorised call);
    the sign change nearest to the current value is refined with Brent's method.
    ``None`` when the NPV keeps one sign over the whole range.
    """
    param = params[j]
    lo, hi = param.breakeven_range or default_breakeven_range(param)
    base = np.array([p.value for p in params])
    grid = np.linspace(lo, hi, BREAKEVEN_GRID)
    cases = np.tile(base, (grid.size, 1))
    cases[:, j] = grid
    npv = evaluate(cases)
    brackets = _sign_changes(grid, npv)
    if not brackets:
        return None
    a, b = min(brackets, key=lambda ab: min(abs(ab[0] - param.value), abs(ab[1] - param.value)))
    if a == b:
        return float(a)

    def f(x: float) -> float:
        case = base.copy()
        case[j] = x
        return float(evaluate(case[None, :])[0])

    return float(brentq(f, a, b, xtol=1e-12 * max(1.0, abs(b))))


def _sign_changes(grid: np.ndarray, values: np.ndarray) -> list[tuple[float, float]]:
    """Grid intervals ``(a, b)`` where ``values`` changes sign; ``(x, x)`` for exact zeros."""
    zeros = [(float(x), float(x)) for x, v in zip(grid, values, strict=True) if v == 0]
    change = np.flatnonzero(values[:-1] * values[1:] < 0)
    return zeros + [(float(grid[i]), float(grid[i + 1])) for i in change]


@dataclass(frozen=True)
class Comparison:
    """How alternatives compare over the same Monte Carlo draws.

    ``probability_best`` includes the zero alternative (incremental NPV 0).
    ``probability_better[a][b]`` is ``P(NPV_a > NPV_b)``.
    """

    probability_best: dict[str, float]
    probability_better: dict[str, dict[str, float]]


def compare(npv_by_alternative: Mapping[str, np.ndarray], zero_name: str) -> Comparison:
    """Compare alternatives whose NPVs were computed on common random numbers."""
    names = [zero_name, *npv_by_alternative]
    draws = next(iter(npv_by_alternative.values())).size if npv_by_alternative else 0
    stacked = np.vstack([np.zeros(draws), *npv_by_alternative.values()])
    best = np.bincount(np.argmax(stacked, axis=0), minlength=len(names)) / max(draws, 1)
    better = {
        a: {b: float(np.mean(stacked[i] > stacked[k])) for k, b in enumerate(names) if k != i}
        for i, a in enumerate(names)
    }
    return Comparison(dict(zip(names, map(float, best), strict=True)), better)
