"""Reads of hot spot data, always scoped to the user's municipality."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from wijkregie.core.models import User
from wijkregie.core.scoping import get_scoped_or_404, scope_to_municipality
from wijkregie.hotspots.models import HotspotAnalysis, IncidentDataSet, NamedLocation
from wijkregie.hotspots.sources import SIGNALS_SOURCE_KEY, signal_results_visible_to


def data_sets_for(user: User) -> QuerySet[IncidentDataSet]:
    return scope_to_municipality(IncidentDataSet.objects.all(), user)


def analyses_for(user: User) -> QuerySet[HotspotAnalysis]:
    """Analyses of the user's municipality; those over signals only for users who may
    list no signals (they could difference them with what they list, ADR 0027)."""
    analyses = scope_to_municipality(HotspotAnalysis.objects.all(), user)
    if not signal_results_visible_to(user):
        analyses = analyses.exclude(source=SIGNALS_SOURCE_KEY)
    return analyses


def locations_for(user: User) -> QuerySet[NamedLocation]:
    return scope_to_municipality(NamedLocation.objects.all(), user)


def get_data_set(user: User, pk: int, request: HttpRequest | None = None) -> IncidentDataSet:
    return get_scoped_or_404(data_sets_for(user), user=user, request=request, pk=pk)


def get_analysis(user: User, pk: int, request: HttpRequest | None = None) -> HotspotAnalysis:
    return get_scoped_or_404(
        analyses_for(user).select_related("programme_area", "data_set", "municipality"),
        user=user, request=request, pk=pk)


def get_location(user: User, pk: int, request: HttpRequest | None = None) -> NamedLocation:
    return get_scoped_or_404(locations_for(user).select_related("analysis"), user=user,
                             request=request, pk=pk)


def latest_analysis(user: User, *, programme_area_id: int | None) -> HotspotAnalysis | None:
    return (analyses_for(user).filter(programme_area_id=programme_area_id, status="done")
            .first())
