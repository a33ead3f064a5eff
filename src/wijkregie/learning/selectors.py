"""Reads of the learning circle, scoped to the user.

The practice library is shared by the whole programme (descriptions, no personal
data). Programme areas are read across municipalities only by users holding
``core.view_programme_aggregates`` (the programme viewer); everyone else sees their own
municipality's. Figures come only through ``wijkregie.figures.selectors``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.core.scoping import scope_to_municipality
from wijkregie.learning.models import Intervention, LearningSession, LocalPractice
from wijkregie.regie.models import Measure

SEARCH_FIELDS = ("name", "summary", "goal", "problem", "target_group_end",
                 "target_group_intermediate", "approach", "working_elements")


def sees_programme(user: User) -> bool:
    return user.is_authenticated and user.has_perm("core.view_programme_aggregates")


def programme_areas_across(user: User) -> QuerySet[ProgrammeArea]:
    """Programme areas for the programme view: all of them for the programme viewer."""
    queryset = ProgrammeArea.objects.select_related("municipality")
    if sees_programme(user):
        return queryset.order_by("municipality__name", "name")
    return scope_to_municipality(queryset, user).order_by("name")


def measures_across(user: User) -> QuerySet[Measure]:
    """Measures of the plans of the programme areas the user sees in the programme view
    (the programme viewer: all), for the programme view of a measure."""
    return Measure.objects.filter(plan__programme_area__in=programme_areas_across(user)
                                  ).select_related("plan__programme_area__municipality",
                                                   "lead_organisation")


def interventions_for(user: User) -> QuerySet[Intervention]:
    """Every practice description: the library is what the circle shares."""
    if not user.is_authenticated or not user.has_perm("learning.view_practice"):
        return Intervention.objects.none()
    return Intervention.objects.select_related("municipality")


def editable_interventions(user: User) -> QuerySet[Intervention]:
    """A municipal user edits the own municipality's descriptions; the programme viewer
    the shared ones (no municipality)."""
    if not user.has_perm("learning.change_intervention"):
        return Intervention.objects.none()
    if user.municipality_id is None:
        return Intervention.objects.filter(municipality__isnull=True) if sees_programme(
            user) else Intervention.objects.none()
    return Intervention.objects.filter(municipality_id=user.municipality_id)


def editable_local_practices(user: User) -> QuerySet[LocalPractice]:
    if not user.has_perm("learning.change_localpractice"):
        return LocalPractice.objects.none()
    return scope_to_municipality(LocalPractice.objects.select_related(
        "intervention", "programme_area", "municipality"), user)


def local_practices_of(intervention: Intervention) -> QuerySet[LocalPractice]:
    return (intervention.local_practices.select_related(
        "programme_area", "municipality", "regie_measure__plan__programme_area")
            .prefetch_related("indicators").order_by("municipality__name",
                                                     "programme_area__name", "start_year"))


def search(queryset: QuerySet[Intervention], text: str) -> QuerySet[Intervention]:
    """Full-text search in Dutch on PostgreSQL (stemming: "buurten" finds "buurt");
    on SQLite every word must occur in one of the fields (case-insensitive)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (SearchVector("name", weight="A", config="dutch")
                  + SearchVector("problem", "summary", "goal", weight="B", config="dutch")
                  + SearchVector(*SEARCH_FIELDS[4:], weight="C", config="dutch"))
        query = SearchQuery(text, config="dutch", search_type="websearch")
        return (queryset.annotate(search=vector, rank=SearchRank(vector, query))
                .filter(search=query).order_by("-rank", "name"))
    for word in text.split():
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


def filter_library(queryset: QuerySet[Intervention], *, pillar: str = "", problem: str = "",
                   target_group: str = "", evidence_level: str = "",
                   municipality: Municipality | None = None) -> QuerySet[Intervention]:
    if pillar:
        queryset = queryset.filter(pillar=pillar)
    if problem:
        queryset = queryset.filter(problem=problem)
    if target_group:
        queryset = queryset.filter(Q(target_group_end__icontains=target_group)
                                   | Q(target_group_intermediate__icontains=target_group))
    if evidence_level:
        queryset = queryset.filter(evidence_level=evidence_level)
    if municipality is not None:
        queryset = queryset.filter(Q(municipality=municipality)
                                   | Q(local_practices__municipality=municipality)).distinct()
    return queryset


def problems() -> list[str]:
    return list(Intervention.objects.order_by("problem").values_list("problem", flat=True)
                .distinct())


def sessions_for(user: User) -> QuerySet[LearningSession]:
    if not user.has_perm("learning.view_learningsession"):
        return LearningSession.objects.none()
    return LearningSession.objects.all()
