"""MKBA engine: the public API (no Django).

A scenario is compiled per project alternative into a :class:`LineModel`: one
row per cost or effect line of the project *and* of the zero alternative (the
latter with opposite sign), so every result is "project minus zero
alternative".  With ``F`` the line factors (product of the parameters each line
is scaled by, shape draws x lines), ``C`` the line flows at parameter value 1
(lines x years, benefits positive, costs negative) and ``w`` the discount
weights (years), the net present value of each draw is ``NPV = (F @ C) @ w``.

Typical use::

    scenario = load_scenario("scenario.yaml")
    report = analyse(scenario)            # deterministic + tornado + break-even + Monte Carlo
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from . import uncertainty
from .discounting import discount_factors, irr, payback_index, tail_weight
from .scenario import (
    STAKEHOLDERS,
    Alternative,
    Cost,
    Effect,
    Indicator,
    Scenario,
    ScenarioError,
)
from .scenario_file import load_scenario, scenario_from_dict
from .uncertainty import Comparison, DrawSummary, TornadoBar

__all__ = [
    "AlternativeResult",
    "Analysis",
    "LineModel",
    "MonteCarloResult",
    "ScenarioError",
    "SensitivityResult",
    "analyse",
    "build_model",
    "evaluate",
    "load_scenario",
    "monte_carlo",
    "scenario_from_dict",
    "sensitivity",
]

_INVERSE_DIRECTION = {"+": "-", "-": "+", "?": "?"}


@dataclass(frozen=True)
class Line:
    """Identity of one row of a :class:`LineModel`."""

    alternative: str
    measure: str
    name: str
    kind: str  # cost kind ("investment", "operating", "other") or "effect"

    @property
    def is_cost(self) -> bool:
        return self.kind != "effect"


@dataclass(frozen=True)
class LineModel:
    """Arrays of one comparison "project minus zero alternative"."""

    alternative: str
    years: tuple[int, ...]
    lines: tuple[Line, ...]
    parameter_values: np.ndarray  # (P,) current values, in scenario parameter order
    flows: np.ndarray  # (L, T) net benefit per line and year at parameter value 1
    shares: np.ndarray  # (L, K) stakeholder shares per line, K = len(STAKEHOLDERS)
    refs: tuple[tuple[int, ...], ...]  # parameter indices scaling each line
    discount: np.ndarray  # (T,) discount factors (1 + r)^-t
    weights: np.ndarray  # (T,) discount factors, the last one including the perpetuity

    @property
    def is_cost(self) -> np.ndarray:
        return np.array([line.is_cost for line in self.lines], dtype=bool)

    def line_factors(self, values: np.ndarray) -> np.ndarray:
        """``F[d, l] = prod_{j in refs[l]} values[d, j]`` (1 for unscaled lines)."""
        factors = np.ones((values.shape[0], len(self.lines)))
        for line, refs in enumerate(self.refs):
            for j in refs:
                factors[:, line] *= values[:, j]
        return factors

    def npv(self, values: np.ndarray) -> np.ndarray:
        """NPV per parameter row: ``(F @ C) @ w`` (draws x lines x years, then years)."""
        return (self.line_factors(values) @ self.flows) @ self.weights

    def line_present_values(self, values: np.ndarray) -> np.ndarray:
        """Present value per draw and line, shape ``(D, L)``."""
        return self.line_factors(values) * (self.flows @ self.weights)


def build_model(scenario: Scenario, alternative: Alternative) -> LineModel:
    """Compile ``alternative`` minus the zero alternative into arrays."""
    names = list(scenario.parameters)
    rows = [*_rows(scenario, alternative, 1.0, names),
            *_rows(scenario, scenario.zero_alternative, -1.0, names)]
    t = scenario.horizon_years
    discount = discount_factors(scenario.discounting.rate, t)
    weights = discount.copy()
    if scenario.discounting.tail == "perpetuity":
        weights[-1] *= 1.0 + tail_weight(scenario.discounting.rate,
                                         scenario.discounting.perpetuity_growth)
    return LineModel(
        alternative=alternative.name,
        years=tuple(scenario.years),
        lines=tuple(r[0] for r in rows),
        parameter_values=np.array([p.value for p in scenario.parameters.values()]),
        flows=np.array([r[1] for r in rows]).reshape(len(rows), t),
        shares=np.array([r[2] for r in rows]).reshape(len(rows), len(STAKEHOLDERS)),
        refs=tuple(r[3] for r in rows),
        discount=discount,
        weights=weights,
    )


_Row = tuple[Line, np.ndarray, np.ndarray, tuple[int, ...]]


def _rows(scenario: Scenario, alt: Alternative, sign: float, names: list[str]) -> Iterable[_Row]:
    for measure in alt.measures:
        for cost in measure.costs:
            line = Line(alt.name, measure.name, cost.name, cost.kind)
            refs = tuple(names.index(n) for n in cost.scale_by)
            yield line, sign * _cost_flow(scenario, cost), _shares({cost.stakeholder: 1.0}), refs
        for effect in measure.effects:
            if effect.pm is not None or effect.unit_value is None:
                continue
            line = Line(alt.name, measure.name, effect.name, "effect")
            refs = tuple(names.index(n) for n in effect.scale_by)
            if effect.unit_value.parameter is not None:
                refs = (names.index(effect.unit_value.parameter), *refs)
            yield line, sign * _effect_flow(scenario, effect), _shares(effect.shares), refs


def _series(scenario: Scenario, amounts: dict[int, float]) -> np.ndarray:
    out = np.zeros(scenario.horizon_years)
    for year, amount in amounts.items():
        out[year - scenario.base_year] = amount
    return out


def _cost_flow(scenario: Scenario, cost: Cost) -> np.ndarray:
    """Negative flow of a cost; a residual value comes back in the last horizon year."""
    flow = -_series(scenario, cost.amounts)
    if scenario.discounting.tail == "residual_value":
        flow[-1] += cost.residual_value
    return flow * scenario.prices.factor(cost.price_level)


def _effect_flow(scenario: Scenario, effect: Effect) -> np.ndarray:
    """``quantity_t x unit value`` in base prices; a parameter unit value enters as factor."""
    uv = effect.unit_value
    value = 1.0 if uv.parameter is not None else uv.value
    return _series(scenario, effect.quantities) * value * scenario.prices.factor(uv.price_level)


def _shares(shares: dict[str, float]) -> np.ndarray:
    return np.array([shares.get(who, 0.0) for who in STAKEHOLDERS])


# -- deterministic results -------------------------------------------------------


@dataclass(frozen=True)
class StakeholderResult:
    """Present values for one stakeholder: who pays (costs) and who benefits."""

    pv_costs: float
    pv_benefits: float

    @property
    def npv(self) -> float:
        return self.pv_benefits - self.pv_costs


@dataclass(frozen=True)
class PMItem:
    """An effect without money value, with its direction relative to the zero alternative."""

    measure: str
    name: str
    direction: str
    stakeholders: tuple[str, ...]
    from_zero_alternative: bool = False


@dataclass(frozen=True)
class LineResult:
    measure: str
    name: str
    kind: str
    alternative: str
    present_value: float  # signed: benefits positive, costs negative


@dataclass(frozen=True)
class AlternativeResult:
    """Deterministic results of one project alternative relative to the zero alternative.

    ``BCR = PV(benefits) / PV(costs)`` (``None`` unless PV(costs) > 0); IRR on the
    undiscounted net flows of the horizon (perpetuity excluded); payback year =
    first year from which the cumulative discounted net flow stays >= 0.
    """

    name: str
    pv_costs: float
    pv_benefits: float
    npv: float
    bcr: float | None
    irr: float | None
    payback_year: int | None
    perpetuity_value: float
    years: tuple[int, ...]
    net_flows: tuple[float, ...]
    stakeholders: dict[str, StakeholderResult]
    lines: tuple[LineResult, ...]
    pm_items: tuple[PMItem, ...]
    indicators: tuple[tuple[str, Indicator], ...] = ()


def evaluate(scenario: Scenario, alternative: Alternative) -> AlternativeResult:
    """Deterministic results of ``alternative`` minus the zero alternative."""
    model = build_model(scenario, alternative)
    values = model.parameter_values[None, :]
    line_flows = model.line_factors(values)[0][:, None] * model.flows
    line_pv = line_flows @ model.weights
    is_cost = model.is_cost
    pv_costs = -float(line_pv[is_cost].sum())
    pv_benefits = float(line_pv[~is_cost].sum())
    net = line_flows.sum(axis=0)
    payback = payback_index(net * model.discount)
    return AlternativeResult(
        name=alternative.name,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npv=pv_benefits - pv_costs,
        bcr=pv_benefits / pv_costs if pv_costs > 0 else None,
        irr=irr(net),
        payback_year=None if payback is None else model.years[payback],
        perpetuity_value=float(net[-1] * (model.weights[-1] - model.discount[-1])),
        years=model.years,
        net_flows=tuple(float(x) for x in net),
        stakeholders=_stakeholders(model, line_pv, is_cost),
        lines=tuple(
            LineResult(ln.measure, ln.name, ln.kind, ln.alternative, float(pv))
            for ln, pv in zip(model.lines, line_pv, strict=True)
        ),
        pm_items=_pm_items(alternative, scenario.zero_alternative),
        indicators=_indicators(alternative),
    )


def _stakeholders(model: LineModel, line_pv: np.ndarray,
                  is_cost: np.ndarray) -> dict[str, StakeholderResult]:
    costs = -(line_pv * is_cost) @ model.shares
    benefits = (line_pv * ~is_cost) @ model.shares
    return {who: StakeholderResult(float(costs[k]), float(benefits[k]))
            for k, who in enumerate(STAKEHOLDERS)}


def _pm_items(project: Alternative, zero: Alternative) -> tuple[PMItem, ...]:
    """PM items of the project, and those of the zero alternative with reversed direction."""
    items = []
    for alt, from_zero in ((project, False), (zero, True)):
        for measure in alt.measures:
            for e in measure.effects:
                if e.pm is not None:
                    direction = _INVERSE_DIRECTION[e.pm] if from_zero else e.pm
                    items.append(PMItem(measure.name, e.name, direction, tuple(e.shares),
                                        from_zero))
    return tuple(items)


def _indicators(alt: Alternative) -> tuple[tuple[str, Indicator], ...]:
    return tuple((e.name, e.indicator) for m in alt.measures for e in m.effects
                 if e.indicator is not None)


# -- uncertainty -------------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityResult:
    """Tornado (sorted by swing) and break-even values of one alternative."""

    alternative: str
    tornado: tuple[TornadoBar, ...]
    breakeven: dict[str, float | None]


def sensitivity(scenario: Scenario, alternative: Alternative) -> SensitivityResult:
    """One-way sensitivity and break-even value of every parameter."""
    model = build_model(scenario, alternative)
    params = list(scenario.parameters.values())
    return SensitivityResult(
        alternative=alternative.name,
        tornado=tuple(uncertainty.tornado(model.npv, params)),
        breakeven={p.name: uncertainty.breakeven(model.npv, params, j)
                   for j, p in enumerate(params)},
    )


@dataclass(frozen=True)
class MonteCarloResult:
    """NPV distribution per alternative over common draws, and their comparison."""

    draws: int
    seed: int
    summaries: dict[str, DrawSummary]
    stakeholder_means: dict[str, dict[str, float]]
    comparison: Comparison
    npv: dict[str, np.ndarray] = field(repr=False, compare=False)


def monte_carlo(scenario: Scenario, draws: int | None = None,
                seed: int | None = None) -> MonteCarloResult:
    """Monte Carlo over the parameter distributions, one draw matrix for all alternatives."""
    n = draws if draws is not None else scenario.monte_carlo.draws
    s = seed if seed is not None else scenario.monte_carlo.seed
    values = uncertainty.draw_parameters(list(scenario.parameters.values()), n, s)
    npv: dict[str, np.ndarray] = {}
    stakeholder_means: dict[str, dict[str, float]] = {}
    for alt in scenario.alternatives:
        model = build_model(scenario, alt)
        line_pv = model.line_present_values(values)
        npv[alt.name] = line_pv.sum(axis=1)
        means = line_pv.mean(axis=0) @ model.shares
        stakeholder_means[alt.name] = dict(zip(STAKEHOLDERS, map(float, means), strict=True))
    return MonteCarloResult(
        draws=n,
        seed=s,
        summaries={name: uncertainty.summarize(v) for name, v in npv.items()},
        stakeholder_means=stakeholder_means,
        comparison=uncertainty.compare(npv, scenario.zero_alternative.name),
        npv=npv,
    )


@dataclass(frozen=True)
class Analysis:
    """Everything ``mkba run`` reports for a scenario."""

    scenario: Scenario
    results: tuple[AlternativeResult, ...]
    sensitivities: tuple[SensitivityResult, ...]
    monte_carlo: MonteCarloResult | None


def analyse(scenario: Scenario, draws: int | None = None,
            seed: int | None = None) -> Analysis:
    """Deterministic results, sensitivity and Monte Carlo (when a parameter is uncertain)."""
    uncertain = any(p.distribution is not None for p in scenario.parameters.values())
    return Analysis(
        scenario=scenario,
        results=tuple(evaluate(scenario, alt) for alt in scenario.alternatives),
        sensitivities=tuple(sensitivity(scenario, alt) for alt in scenario.alternatives),
        monte_carlo=monte_carlo(scenario, draws, seed) if uncertain else None,
    )
