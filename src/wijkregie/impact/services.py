"""Writes of the impact capability: analyses (validated, versioned, recomputed) and unit values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User

from .engine import Analysis as EngineAnalysis
from .engine import analyse
from .models import Analysis, AnalysisVersion, UnitValue, UnitValueLibrary
from .report_text import analysis_to_dict
from .scenario import Problem, Scenario, ScenarioError
from .scenario_file import scenario_from_dict
from .unit_values import Citation, LibraryValue, load_library

HISTOGRAM_BINS = 30


def library_version(municipality: Municipality) -> int:
    """The current version of the municipality's unit-value library (0: never changed)."""
    row = UnitValueLibrary.objects.filter(municipality=municipality).first()
    return row.version if row else 0


def _bump_library_version(municipality: Municipality) -> int:
    """Raise the library version by one; call inside the transaction of the change."""
    row, _created = UnitValueLibrary.objects.select_for_update().get_or_create(
        municipality=municipality)
    row.version += 1
    row.save(update_fields=["version", "updated_at"])
    return row.version


def offered_library_keys(municipality: Municipality) -> list[str]:
    """Keys the editor offers for new effects: the library without retired values."""
    return sorted(UnitValue.objects.filter(municipality=municipality, retired_at__isnull=True)
                  .values_list("key", flat=True))


def library_of(municipality: Municipality) -> dict[str, LibraryValue]:
    """The municipality's unit-value library in the engine's form (retired values too,
    so that scenarios using them keep computing)."""
    return {v.key: library_of_row(v) for v in UnitValue.objects.filter(municipality=municipality)}


def validate_scenario(doc: Any, *, municipality: Municipality) -> Scenario:
    """Validate a scenario document against the municipality's unit-value library.

    A ``library`` file path is refused: in the product unit values come from the
    library pages, and the server must not read files a user names.
    """
    if isinstance(doc, Mapping) and "library" in doc:
        raise ScenarioError([Problem("library", "not allowed here: unit values come from "
                                     "the unit-value library of the municipality")])
    return scenario_from_dict(doc, library=library_of(municipality))


def compute_results(scenario: Scenario, *, municipality: Municipality | None = None
                    ) -> dict[str, Any]:
    """What the results pages show: ``mkba run --json`` output plus NPV histograms.

    With ``municipality`` the results also record the library version and, for every
    library value the scenario uses, the value and citation it was computed with.
    """
    analysis = analyse(scenario)
    out = {"analysis": analysis_to_dict(analysis), "histograms": _histograms(analysis)}
    if municipality is not None:
        out["library"] = library_record(scenario, municipality)
    return out


def library_record(scenario: Scenario, municipality: Municipality) -> dict[str, Any]:
    """The library version and the library values a scenario used, as computed."""
    keys = sorted({e.unit_value.library_key for alt in scenario.alternatives
                   for m in alt.measures for e in m.effects
                   if e.unit_value is not None and e.unit_value.library_key})
    rows = {v.key: v for v in UnitValue.objects.filter(municipality=municipality, key__in=keys)}
    return {"version": library_version(municipality), "values": {
        key: {"value": rows[key].value, "unit": rows[key].unit,
              "price_level": rows[key].price_level, "year": rows[key].year,
              "source": str(library_of_row(rows[key]).citation),
              "retired": rows[key].retired_at is not None}
        for key in keys if key in rows}}


def library_of_row(v: UnitValue) -> LibraryValue:
    return LibraryValue(
        key=v.key, value=v.value, unit=v.unit, price_level=v.price_level, year=v.year,
        description=v.description,
        citation=Citation(title=v.source_title, publisher=v.source_publisher,
                          year=v.source_year, locator=v.source_locator, url=v.source_url))


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
        results=compute_results(validated, municipality=programme_area.municipality),
        results_computed_at=timezone.now())
    AnalysisVersion.objects.create(analysis=analysis, number=1, scenario=scenario,
                                   question=question, note=note or "created", created_by=actor,
                                   library_version=library_version(programme_area.municipality))
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
    locked.results = compute_results(validated, municipality=analysis.municipality)
    locked.results_computed_at = timezone.now()
    locked.updated_by = actor
    locked.save()
    AnalysisVersion.objects.create(analysis=locked, number=locked.version, scenario=scenario,
                                   question=question, note=note or "edited", created_by=actor,
                                   library_version=library_version(analysis.municipality))
    audit.record(AuditAction.UPDATE, actor=actor, obj=locked, purpose="impact analysis",
                 detail={"version": locked.version, "note": note})
    return locked


UNIT_VALUE_FIELDS = ("key", "value", "unit", "price_level", "year", "description",
                     "source_title", "source_publisher", "source_year", "source_locator",
                     "source_url")


@transaction.atomic
def save_unit_value(*, actor: User | None, municipality: Municipality,
                    values: Mapping[str, Any],
                    unit_value: UnitValue | None = None) -> UnitValue:
    """Create or change a cited unit value of the municipality's library."""
    created = unit_value is None
    target = unit_value or UnitValue(municipality=municipality)
    for name in UNIT_VALUE_FIELDS:
        setattr(target, name, values[name])
    target.updated_by = actor
    target.save()
    version = _bump_library_version(municipality)
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=actor,
                 obj=target, purpose="unit-value library",
                 detail={"key": target.key, "library_version": version})
    return target


@transaction.atomic
def retire_unit_value(*, actor: User, unit_value: UnitValue, reason: str) -> UnitValue:
    """Stop offering a unit value for new effects; scenarios using it keep it, marked."""
    reason = reason.strip()
    if not reason:
        raise ScenarioError([Problem(f"{unit_value.key}.retired_reason",
                                     "say why the value is retired")])
    if unit_value.retired_at is not None:
        raise ScenarioError([Problem(unit_value.key, "is already retired")])
    unit_value.retired_at = timezone.now()
    unit_value.retired_reason = reason[:300]
    unit_value.updated_by = actor
    unit_value.save(update_fields=["retired_at", "retired_reason", "updated_by", "updated_at"])
    version = _bump_library_version(unit_value.municipality)
    audit.record(AuditAction.UPDATE, actor=actor, obj=unit_value, purpose="unit-value library",
                 detail={"key": unit_value.key, "retired": reason[:300],
                         "library_version": version})
    return unit_value


@transaction.atomic
def delete_unit_value(*, actor: User, unit_value: UnitValue) -> None:
    """Remove a unit value unless a scenario of the municipality still uses it."""
    users = [a.title for a in Analysis.objects.filter(municipality=unit_value.municipality)
             if uses_library_key(a.scenario, unit_value.key)]
    if users:
        raise ScenarioError([Problem(unit_value.key, "still used by " + ", ".join(users))])
    version = _bump_library_version(unit_value.municipality)
    audit.record(AuditAction.DELETE, actor=actor, obj=unit_value, purpose="unit-value library",
                 detail={"key": unit_value.key, "library_version": version})
    unit_value.delete()


def row_values_of(value: LibraryValue) -> dict[str, Any]:
    """The :data:`UNIT_VALUE_FIELDS` of a library value (the inverse of ``library_of_row``)."""
    cite = value.citation
    return {"key": value.key, "value": value.value, "unit": value.unit,
            "price_level": value.price_level, "year": value.year,
            "description": value.description, "source_title": cite.title,
            "source_publisher": cite.publisher, "source_year": cite.year,
            "source_locator": cite.locator, "source_url": cite.url}


@transaction.atomic
def import_packaged_library(*, actor: User | None, municipality: Municipality,
                            library: Mapping[str, LibraryValue] | None = None
                            ) -> tuple[list[str], list[str]]:
    """Copy the packaged unit values into the municipality's library.

    A key the municipality already has is left as it is (the municipality may have
    edited or retired it on purpose); returns ``(added, kept)`` keys. Each addition is
    saved, versioned and audited like one made on the library page.
    """
    packaged = load_library() if library is None else library
    existing = set(UnitValue.objects.filter(municipality=municipality)
                   .values_list("key", flat=True))
    added = [key for key in sorted(packaged) if key not in existing]
    for key in added:
        values = row_values_of(packaged[key])
        try:  # the library page's form checks field lengths; a file is checked here
            UnitValue(municipality=municipality, **values).full_clean()
        except ValidationError as exc:
            raise ScenarioError([Problem(f"{key}.{field}", " ".join(messages))
                                 for field, messages in exc.message_dict.items()]) from None
        save_unit_value(actor=actor, municipality=municipality, values=values)
    return added, sorted(existing & set(packaged))


def uses_library_key(doc: Any, key: str) -> bool:
    if isinstance(doc, Mapping):
        if doc.get("library") == key:
            return True
        return any(uses_library_key(v, key) for v in doc.values())
    if isinstance(doc, list):
        return any(uses_library_key(v, key) for v in doc)
    return False
