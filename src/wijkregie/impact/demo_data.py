"""Demo analyses: one per demo programme area, scaled from the packaged demo scenario.

Every number is a demo assumption (see ``data/demo-scenario.yaml``); the scaling
factors stand for the size of each area (homes with new locks, households the
coach reaches) and are drawn from the context's seeded generator.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from wijkregie.core.models import User
from wijkregie.core.roles import ANALYST
from wijkregie.demo.loader import DemoContext, demo_step
from wijkregie.figures.selectors import observed_series

from .services import create_analysis

DEMO_SCENARIO = Path(__file__).with_name("data") / "demo-scenario.yaml"
# The demo analyses are dated as if made in 2021, so the demo figures (up to 2024) show
# a few years of ex-post comparison. Assumed indicator changes per year are demo values.
DEMO_BASE_YEAR = 2021
INDICATORS = {
    "Minder woninginbraken": ("woninginbraak_rate", -0.3),
    "Minder huishoudens in de bijstand": ("bijstand_rate", -0.8),
}


def scaled_scenario(base: dict[str, Any], area_name: str, homes: float,
                    households: float, baselines: dict[str, float]) -> dict[str, Any]:
    """The demo scenario for one area: burglary prevention scaled by ``homes``, the
    debt coach's effect by ``households``, starting in :data:`DEMO_BASE_YEAR`; effects
    point to a demo indicator with the area's observed value as baseline."""
    doc = _shifted(copy.deepcopy(base), DEMO_BASE_YEAR - base["base_year"])
    doc["name"] = f"Wijkaanpak {area_name} (demo)"
    for alt in doc["alternatives"]:
        for measure in alt["measures"]:
            if measure["name"] == "Inbraakpreventie":
                for cost in measure.get("costs", []):
                    if cost["kind"] == "investment":
                        cost["amounts"] = {y: round(a * homes) for y, a in cost["amounts"].items()}
                        cost["residual_value"] = round(cost.get("residual_value", 0) * homes)
                for effect in measure.get("effects", []):
                    effect["quantity"] = {y: round(q * homes, 1)
                                          for y, q in effect["quantity"].items()}
            if measure["name"] == "Wijkcoach schulden":
                for effect in measure.get("effects", []):
                    if "quantity" in effect:
                        effect["quantity"] = [round(q * households, 1)
                                              for q in effect["quantity"]]
            for effect in measure.get("effects", []):
                effect.pop("indicator", None)
                key, change = INDICATORS.get(effect["name"], (None, 0.0))
                if key in baselines:
                    effect["indicator"] = {"key": key, "baseline": baselines[key],
                                           "change_per_year": change}
    return doc


def _shifted(doc: dict[str, Any], years: int) -> dict[str, Any]:
    """Move the horizon; year mappings move along, lists follow the base year."""
    doc["base_year"] += years
    for alt in [doc.get("zero_alternative", {}), *doc["alternatives"]]:
        for measure in alt.get("measures", []):
            for line, key in [*((c, "amounts") for c in measure.get("costs", [])),
                              *((e, "quantity") for e in measure.get("effects", []))]:
                if isinstance(line.get(key), dict):
                    line[key] = {year + years: v for year, v in line[key].items()}
    return doc


def _baselines(analyst: User | None, area: Any) -> dict[str, float]:
    """The area's observed value of each demo indicator in the base year."""
    if analyst is None:
        return {}
    found = {}
    for key, _change in INDICATORS.values():
        for point in observed_series(analyst, indicator_key=key, programme_area=area):
            if point.year == DEMO_BASE_YEAR and point.value is not None:
                found[key] = point.value
    return found


@demo_step(order=70)
def build_impact_analyses(context: DemoContext) -> None:
    base = yaml.safe_load(DEMO_SCENARIO.read_text(encoding="utf-8"))
    for area in context.programme_areas:
        homes = round(float(context.rng.uniform(0.6, 1.5)), 2)
        households = round(float(context.rng.uniform(0.7, 1.4)), 2)
        analyst = User.objects.filter(municipality=area.municipality,
                                      groups__name=ANALYST).first()
        create_analysis(
            actor=analyst, programme_area=area,
            title=f"MKBA wijkaanpak {area.name}",
            question=(f"Kiest de raad voor de integrale wijkaanpak in {area.name}, voor alleen "
                      "fysieke maatregelen, of voor het huidige beleid? (demo)"),
            scenario=scaled_scenario(base, area.name, homes, households,
                                     _baselines(analyst, area)),
            note="demo data: every number is a demo assumption")
