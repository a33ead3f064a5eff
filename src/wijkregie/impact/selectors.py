"""Reads of the impact capability, always scoped to the user (ADR 0040)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from wijkregie.areas.models import ProgrammeArea
from wijkregie.areas.selectors import programme_areas_for
from wijkregie.core.models import User
from wijkregie.core.scoping import get_scoped_or_404, is_programme_viewer, scope_to_municipality

from .models import Analysis, AnalysisVersion, UnitValue


def analyses_for(user: User) -> QuerySet[Analysis]:
    return scope_to_municipality(Analysis.objects.all(), user).select_related(
        "programme_area", "municipality", "updated_by")


def get_analysis(user: User, pk: int, request: HttpRequest | None = None) -> Analysis:
    return get_scoped_or_404(analyses_for(user), user=user, request=request,
                             purpose="impact analysis", pk=pk)


def get_programme_area(user: User, pk: int, request: HttpRequest | None = None) -> ProgrammeArea:
    return get_scoped_or_404(programme_areas_for(user), user=user, request=request,
                             purpose="impact analysis", pk=pk)


def versions_of(analysis: Analysis) -> QuerySet[AnalysisVersion]:
    """History of an analysis the caller already obtained through :func:`get_analysis`."""
    return analysis.versions.select_related("created_by")


def unit_values_for(user: User) -> QuerySet[UnitValue]:
    return scope_to_municipality(UnitValue.objects.all(), user)


def get_unit_value(user: User, pk: int, request: HttpRequest | None = None) -> UnitValue:
    return get_scoped_or_404(unit_values_for(user), user=user, request=request,
                             purpose="unit-value library", pk=pk)


@dataclass(frozen=True)
class ComparedAnalysis:
    """Headline results of one analysis for the comparison of areas."""

    analysis_id: int
    openable: bool
    municipality: str
    programme_area: str
    title: str
    price_level: int
    discount_rate: float
    alternatives: list[dict[str, Any]]


def compared_analyses(user: User) -> list[ComparedAnalysis]:
    """Results of analyses side by side.

    Results are aggregate money flows, not personal data (ADR 0041): programme
    viewers compare them across municipalities; everyone else within their own.
    The scenario itself (drafts, assumptions) stays within the municipality.
    """
    viewer = is_programme_viewer(user)
    queryset = Analysis.objects.all() if viewer else scope_to_municipality(
        Analysis.objects.all(), user)
    rows = []
    for a in queryset.filter(results__isnull=False).select_related(
            "programme_area", "municipality").order_by("municipality__name",
                                                       "programme_area__name", "title"):
        data = a.results["analysis"]
        mc = (data.get("monte_carlo") or {}).get("alternatives", {})
        rows.append(ComparedAnalysis(
            analysis_id=a.pk, openable=a.municipality_id == user.municipality_id,
            municipality=a.municipality.name, programme_area=a.programme_area.name,
            title=a.title, price_level=data["price_level"], discount_rate=data["discount_rate"],
            alternatives=[{**alt, "probability_positive":
                           (mc.get(alt["name"]) or {}).get("probability_positive")}
                          for alt in data["alternatives"]],
        ))
    return rows
