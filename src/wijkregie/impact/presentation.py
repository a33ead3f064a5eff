"""One view of stored results for every output: page, printable report, PDF and XLSX.

The numbers come unchanged from the stored ``mkba run --json`` document; the
assumptions and sources come from the validated scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .editor import STAKEHOLDER_LABELS
from .scenario import STAKEHOLDERS, Parameter, Scenario
from .uncertainty import PERCENTILES


@dataclass
class AlternativeView:
    name: str
    summary: dict[str, Any]
    stakeholders: list[dict[str, Any]]
    pm_items: list[dict[str, Any]]
    costs: list[dict[str, Any]]
    effects: list[dict[str, Any]]
    tornado: list[dict[str, Any]]
    monte_carlo: dict[str, Any] | None
    histogram: dict[str, list[float]] | None
    description: str = ""
    measures: list[str] = field(default_factory=list)

    @property
    def histogram_rows(self) -> list[tuple[float, float, int]]:
        if not self.histogram:
            return []
        edges, counts = self.histogram["edges"], self.histogram["counts"]
        return [(edges[i], edges[i + 1], int(c)) for i, c in enumerate(counts)]


@dataclass
class ResultsView:
    meta: dict[str, Any]
    alternatives: list[AlternativeView]
    comparison: list[dict[str, Any]]
    parameters: list[dict[str, Any]]
    unit_values: list[dict[str, Any]]
    monte_carlo: dict[str, Any] | None
    zero_alternative: dict[str, Any]


def stakeholder_label(key: str) -> str:
    return str(STAKEHOLDER_LABELS.get(key, key))


def results_view(results: dict[str, Any], scenario: Scenario) -> ResultsView:
    data = results["analysis"]
    mc = data.get("monte_carlo")
    sensitivity = {s["alternative"]: s for s in data["sensitivity"]}
    described = {a.name: a for a in scenario.alternatives}
    alternatives = []
    for alt in data["alternatives"]:
        sens = sensitivity.get(alt["name"], {"tornado": [], "breakeven": {}})
        alternatives.append(AlternativeView(
            name=alt["name"],
            description=described[alt["name"]].description if alt["name"] in described else "",
            measures=[m.name for m in described[alt["name"]].measures]
            if alt["name"] in described else [],
            summary=alt,
            # mappings are read in a fixed order: a jsonb column does not keep key order
            stakeholders=[{"key": k, "label": stakeholder_label(k), **alt["stakeholders"][k]}
                          for k in STAKEHOLDERS
                          if alt["stakeholders"][k]["pv_costs"]
                          or alt["stakeholders"][k]["pv_benefits"]],
            pm_items=[{**p, "stakeholder_labels": ", ".join(stakeholder_label(s)
                                                             for s in p["stakeholders"])}
                      for p in alt["pm_items"]],
            costs=[line for line in alt["lines"] if line["kind"] != "effect"],
            effects=[line for line in alt["lines"] if line["kind"] == "effect"],
            tornado=[{**bar, "breakeven": sens["breakeven"].get(bar["parameter"])}
                     for bar in sens["tornado"] if bar["swing"] != 0],
            monte_carlo=None if mc is None else {
                **mc["alternatives"][alt["name"]],
                "probability_best": mc["probability_best"].get(alt["name"]),
                "percentile_rows": [(p, mc["alternatives"][alt["name"]]["percentiles"][str(p)])
                                    for p in PERCENTILES],
            },
            histogram=results.get("histograms", {}).get(alt["name"]),
        ))
    comparison = [{
        "name": a.name, "npv": a.summary["npv"], "bcr": a.summary["bcr"],
        "pv_costs": a.summary["pv_costs"], "pv_benefits": a.summary["pv_benefits"],
        "p5": a.monte_carlo["percentiles"]["5"] if a.monte_carlo else None,
        "p95": a.monte_carlo["percentiles"]["95"] if a.monte_carlo else None,
        "probability_positive": a.monte_carlo["probability_positive"] if a.monte_carlo else None,
        "probability_best": a.monte_carlo["probability_best"] if a.monte_carlo else None,
    } for a in alternatives]
    return ResultsView(
        meta={
            "scenario": data["scenario"], "base_year": data["base_year"],
            "last_year": data["base_year"] + data["horizon_years"] - 1,
            "horizon_years": data["horizon_years"], "price_level": data["price_level"],
            "discount_rate": data["discount_rate"], "discount_preset": data["discount_preset"],
            "tail": data["tail"], "zero_alternative": data["zero_alternative"],
            "description": scenario.description,
        },
        alternatives=alternatives,
        comparison=comparison,
        parameters=[_parameter(p) for p in scenario.parameters.values()],
        unit_values=_unit_values(scenario),
        monte_carlo=None if mc is None else {"draws": mc["draws"], "seed": mc["seed"],
                                             "zero_best": mc["probability_best"].get(
                                                 data["zero_alternative"])},
        zero_alternative={"name": scenario.zero_alternative.name,
                          "description": scenario.zero_alternative.description,
                          "measures": [m.name for m in scenario.zero_alternative.measures]},
    )


def _parameter(p: Parameter) -> dict[str, Any]:
    d = p.distribution
    if d is None:
        dist = _("certain")
    elif d.kind in ("normal", "lognormal"):
        dist = f"{d.kind} (mean {d.mean:g}, sd {d.sd:g})"
    elif d.kind == "uniform":
        dist = f"uniform ({d.min:g} – {d.max:g})"
    else:
        dist = f"{d.kind} ({d.min:g} / {d.mode:g} / {d.max:g})"
    return {"name": p.name, "value": p.value, "low": p.low, "high": p.high,
            "distribution": dist, "unit": p.unit, "source": p.source or _("not given"),
            "price_level": p.price_level, "description": p.description}


def _unit_values(scenario: Scenario) -> list[dict[str, Any]]:
    """Every money value of an effect with its origin, so each euro can be traced."""
    rows = []
    for alt in (scenario.zero_alternative, *scenario.alternatives):
        for measure in alt.measures:
            for e in measure.effects:
                uv = e.unit_value
                if e.pm is not None or uv is None:
                    continue
                origin = (_("library: %(key)s") % {"key": uv.library_key} if uv.library_key
                          else _("parameter: %(name)s") % {"name": uv.parameter}
                          if uv.parameter else _("entered in the scenario"))
                rows.append({"alternative": alt.name, "measure": measure.name,
                             "effect": e.name, "unit": e.unit, "value": uv.value,
                             "price_level": uv.price_level, "origin": origin,
                             "source": uv.source or _("not given"),
                             "quantity_total": sum(e.quantities.values()),
                             "indicator": e.indicator.key if e.indicator else ""})
    return rows
