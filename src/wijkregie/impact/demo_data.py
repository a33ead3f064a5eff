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

from .services import create_analysis

DEMO_SCENARIO = Path(__file__).with_name("data") / "demo-scenario.yaml"


def scaled_scenario(base: dict[str, Any], area_name: str, homes: float,
                    households: float) -> dict[str, Any]:
    """The demo scenario for one area: burglary prevention scaled by ``homes``, the
    debt coach's effect by ``households``."""
    doc = copy.deepcopy(base)
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
    return doc


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
            scenario=scaled_scenario(base, area.name, homes, households),
            note="demo data: every number is a demo assumption")
