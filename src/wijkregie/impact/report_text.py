"""Plain-text and JSON-ready renderings of an :class:`~.engine.Analysis`."""

from __future__ import annotations

from typing import Any

from .engine import AlternativeResult, Analysis, MonteCarloResult, SensitivityResult
from .scenario import STAKEHOLDERS


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """JSON-serialisable summary (the draws themselves are left out)."""
    s = analysis.scenario
    return {
        "scenario": s.name,
        "base_year": s.base_year,
        "horizon_years": s.horizon_years,
        "price_level": s.prices.base_level,
        "discount_rate": s.discounting.rate,
        "discount_preset": s.discounting.preset,
        "tail": s.discounting.tail,
        "zero_alternative": s.zero_alternative.name,
        "alternatives": [_result_dict(r) for r in analysis.results],
        "sensitivity": [_sensitivity_dict(x) for x in analysis.sensitivities],
        "monte_carlo": None if analysis.monte_carlo is None else _mc_dict(analysis.monte_carlo),
    }


def _result_dict(r: AlternativeResult) -> dict[str, Any]:
    return {
        "name": r.name,
        "pv_costs": r.pv_costs,
        "pv_benefits": r.pv_benefits,
        "npv": r.npv,
        "bcr": r.bcr,
        "irr": r.irr,
        "payback_year": r.payback_year,
        "perpetuity_value": r.perpetuity_value,
        "net_flows": dict(zip(r.years, r.net_flows, strict=True)),
        "stakeholders": {
            who: {"pv_costs": x.pv_costs, "pv_benefits": x.pv_benefits, "npv": x.npv}
            for who, x in r.stakeholders.items()
        },
        "lines": [vars(line).copy() for line in r.lines],
        "pm_items": [
            {**vars(item), "stakeholders": list(item.stakeholders)} for item in r.pm_items
        ],
        "indicators": [{"effect": name, **vars(ind)} for name, ind in r.indicators],
    }


def _sensitivity_dict(x: SensitivityResult) -> dict[str, Any]:
    return {
        "alternative": x.alternative,
        "tornado": [{**vars(bar), "swing": bar.swing} for bar in x.tornado],
        "breakeven": x.breakeven,
    }


def _mc_dict(mc: MonteCarloResult) -> dict[str, Any]:
    return {
        "draws": mc.draws,
        "seed": mc.seed,
        "alternatives": {
            name: {**vars(s), "percentiles": {str(p): v for p, v in s.percentiles.items()}}
            for name, s in mc.summaries.items()
        },
        "stakeholder_means": mc.stakeholder_means,
        "probability_best": mc.comparison.probability_best,
        "probability_better": mc.comparison.probability_better,
    }


def _eur(x: float) -> str:
    return f"{x:>14,.0f}".replace(",", " ")


def _opt(x: float | None, fmt: str) -> str:
    return f"{'n/a':>14}" if x is None else format(x, fmt)


def _num(x: float | None) -> str:
    """Break-even values: euros without decimals, small factors with four digits."""
    if x is None or abs(x) < 1000:
        return _opt(x, "14.4g")
    return _eur(x)


def render_text(analysis: Analysis) -> str:
    """Human-readable tables: results, stakeholders, PM items, tornado, Monte Carlo."""
    s = analysis.scenario
    rate = s.discounting.preset or "custom"
    out = [
        f"MKBA: {s.name}",
        f"Years {s.base_year}-{s.base_year + s.horizon_years - 1}, euros of "
        f"{s.prices.base_level}, discount rate {s.discounting.rate:.2%} ({rate}), "
        f"after horizon: {s.discounting.tail}",
        f"All results relative to the zero alternative '{s.zero_alternative.name}'.",
        "",
    ]
    for result in analysis.results:
        out += _result_lines(result)
    for sens in analysis.sensitivities:
        out += _sensitivity_lines(sens)
    if analysis.monte_carlo is not None:
        out += _mc_lines(analysis.monte_carlo)
    return "\n".join(out)


def _result_lines(r: AlternativeResult) -> list[str]:
    lines = [
        f"== {r.name} ==",
        f"  PV costs     {_eur(r.pv_costs)}",
        f"  PV benefits  {_eur(r.pv_benefits)}",
        f"  NPV          {_eur(r.npv)}",
        f"  B/C ratio    {_opt(r.bcr, '14.2f')}",
        f"  IRR          {_opt(r.irr, '14.2%')}",
        f"  Payback year {r.payback_year if r.payback_year is not None else 'none':>14}",
    ]
    if r.perpetuity_value:
        lines.append(f"  of which perpetuity after horizon {_eur(r.perpetuity_value)}")
    lines.append(f"  {'stakeholder':<22}{'PV costs':>14}{'PV benefits':>14}{'NPV':>14}")
    for who in STAKEHOLDERS:
        x = r.stakeholders[who]
        if x.pv_costs or x.pv_benefits:
            lines.append(f"  {who:<22}{_eur(x.pv_costs)}{_eur(x.pv_benefits)}{_eur(x.npv)}")
    for item in r.pm_items:
        origin = " (zero alternative)" if item.from_zero_alternative else ""
        lines.append(f"  PM {item.direction} {item.measure}: {item.name}{origin}")
    return [*lines, ""]


def _sensitivity_lines(x: SensitivityResult) -> list[str]:
    if not x.tornado and not x.breakeven:
        return []
    lines = [f"-- Sensitivity: {x.alternative} --",
             f"  {'parameter':<24}{'NPV at low':>14}{'NPV at high':>14}{'break-even':>14}"]
    for bar in x.tornado:
        if bar.swing == 0:  # parameter not used by this alternative
            continue
        lines.append(f"  {bar.parameter:<24}{_eur(bar.npv_low)}{_eur(bar.npv_high)}"
                     f"{_num(x.breakeven.get(bar.parameter))}")
    return [*lines, ""]


def _mc_lines(mc: MonteCarloResult) -> list[str]:
    lines = [f"-- Monte Carlo: {mc.draws} draws, seed {mc.seed} --",
             f"  {'alternative':<28}{'mean NPV':>14}{'P5':>14}{'P50':>14}{'P95':>14}"
             f"{'P(NPV>0)':>10}"]
    for name, s in mc.summaries.items():
        p = s.percentiles
        lines.append(f"  {name:<28}{_eur(s.mean)}{_eur(p[5])}{_eur(p[50])}{_eur(p[95])}"
                     f"{s.probability_positive:>10.1%}")
    lines.append("  probability of being the best option: " + ", ".join(
        f"{name} {p:.1%}" for name, p in mc.comparison.probability_best.items()))
    return [*lines, ""]
