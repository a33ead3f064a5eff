"""Writes of the impact capability: analyses (validated, versioned, recomputed) and unit values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User

from .engine import Analysis as EngineAnalysis
from .engine import analyse
from .models import Analysis, AnalysisVersion, UnitValue
from .report_text import analysis_to_dict
from .scenario import Problem, Scenario, ScenarioError
from .scenario_file import scenario_from_dict
from .unit_values import Citation, LibraryValue

HISTOGRAM_BINS = 30


def library_of(municipality: Municipality) -> dict[str, LibraryValue]:
    """The municipality's unit-value library in the engine's form."""
    return {
        v.key: LibraryValue(
            key=v.key, value=v.value, unit=v.unit, price_level=v.price_level, year=v.year,
            description=v.description,
            citation=Citation(title=v.source_title, publisher=v.source_publisher,
                              year=v.source_year, locator=v.source_locator, url=v.source_url),
        )
        for v in UnitValue.objects.filter(municipality=municipality)
    }


def validate_scenario(doc: Any, *, municipality: Municipality) -> Scenario:
    """Validate a scenario document against the municipality's unit-value library.

    A ``library`` file path is refused: in the product unit values come from the
    library pages, and the server must not read files a user names.
    """
    if isinstance(doc, Mapping) and "library" in doc:
        raise ScenarioError([Problem("library", "not allowed here: unit values come from "
                                     "the unit-value library of the municipality")])
    return scenario_from_dict(doc, library=library_of(municipality))


def compute_results(scenario: Scenario) -> dict[str, Any]:
    """What the results pages show: ``mkba run --json`` output plus NPV histograms."""
    analysis = analyse(scenario)
    return {"analysis": analysis_to_dict(analysis), "histograms": _histograms(analysis)}


def _histograms(analysis: EngineAnalysis) -> dict[str, dict[str, list[float]]]:
    if analysis.monte_carlo is None:
        return {}
    out = {}
    for name, npv in analysis.monte_carlo.npv.items():
        counts, edges = np.histogram(npv, bins=HISTOGRAM_BINS)
        out[name] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    return out


@transaction.atomic
def create_analysis(*, actor: User | None, programme_area: ProgrammeArea, title: str, question: str,
                    scenario: dict[str, Any], note: str = "") -> Analysis:
    """New analysis of ``programme_area``; raises :class:`ScenarioError`, saving nothing."""
    validated = validate_scenario(scenario, municipality=programme_area.municipality)
    analysis = Analysis.objects.create(
        municipality=programme_area.municipality, programme_area=programme_area, title=title,
        question=question, scenario=scenario, version=1, updated_by=actor,
        results=compute_results(validated), results_computed_at=timezone.now())
    AnalysisVersion.objects.create(analysis=analysis, number=1, scenario=scenario,
                                   question=question, note=note or "created", created_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, obj=analysis, purpose="impact analysis",
                 detail={"version": 1, "note": note})
    return analysis


@transaction.atomic
def update_analysis(*, actor: User, analysis: Analysis, title: str, question: str,
                    scenario: dict[str, Any], note: str = "") -> Analysis:
    """Save a new version of the scenario and recompute the results (all or nothing)."""
    validated = validate_scenario(scenario, municipality=analysis.municipality)
    locked = Analysis.objects.select_for_update().get(pk=analysis.pk)
    locked.version += 1
    locked.title, locked.question, locked.scenario = title, question, scenario
    locked.results = compute_results(validated)
    locked.results_computed_at = timezone.now()
    locked.updated_by = actor
    locked.save()
    AnalysisVersion.objects.create(analysis=locked, number=locked.version, scenario=scenario,
                                   question=question, note=note or "edited", created_by=actor)
    audit.record(AuditAction.UPDATE, actor=actor, obj=locked, purpose="impact analysis",
                 detail={"version": locked.version, "note": note})
    return locked


UNIT_VALUE_FIELDS = ("key", "value", "unit", "price_level", "year", "description",
                     "source_title", "source_publisher", "source_year", "source_locator",
                     "source_url")


@transaction.atomic
def save_unit_value(*, actor: User, municipality: Municipality, values: Mapping[str, Any],
                    unit_value: UnitValue | None = None) -> UnitValue:
    """Create or change a cited unit value of the municipality's library."""
    created = unit_value is None
    target = unit_value or UnitValue(municipality=municipality)
    for name in UNIT_VALUE_FIELDS:
        setattr(target, name, values[name])
    target.updated_by = actor
    target.save()
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=actor,
                 obj=target, purpose="unit-value library", detail={"key": target.key})
    return target


@transaction.atomic
def delete_unit_value(*, actor: User, unit_value: UnitValue) -> None:
    """Remove a unit value unless a scenario of the municipality still uses it."""
    users = [a.title for a in Analysis.objects.filter(municipality=unit_value.municipality)
             if _uses_library_key(a.scenario, unit_value.key)]
    if users:
        raise ScenarioError([Problem(unit_value.key, "still used by " + ", ".join(users))])
    audit.record(AuditAction.DELETE, actor=actor, obj=unit_value, purpose="unit-value library",
                 detail={"key": unit_value.key})
    unit_value.delete()


def _uses_library_key(doc: Any, key: str) -> bool:
    if isinstance(doc, Mapping):
        if doc.get("library") == key:
            return True
        return any(_uses_library_key(v, key) for v in doc.values())
    if isinstance(doc, list):
        return any(_uses_library_key(v, key) for v in doc)
    return False
