"""Reads of the area register, always scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.core.scoping import get_scoped_or_404, is_programme_viewer, scope_to_municipality

# Listing pages never need the boundaries; they are loaded only where a map draws them.
LIST_FIELDS = ("id", "code", "year", "level", "name", "parent_id", "municipality_id",
               "surface_m2", "min_lon", "min_lat", "max_lon", "max_lat")


def areas_for(user: User) -> QuerySet[Area]:
    """The CBS register is public geography, but users work within their municipality;
    programme viewers compare municipalities and see the whole register."""
    if is_programme_viewer(user):
        return Area.objects.all()
    return scope_to_municipality(Area.objects.all(), user)


def latest_year(user: User, municipality: Municipality) -> int | None:
    return (areas_for(user).filter(municipality=municipality)
            .order_by("-year").values_list("year", flat=True).first())


def areas_of_municipality(user: User, municipality: Municipality, *, level: str,
                          year: int | None = None, with_geometry: bool = False) -> QuerySet[Area]:
    year = year or latest_year(user, municipality)
    queryset = areas_for(user).filter(municipality=municipality, level=level, year=year)
    return queryset if with_geometry else queryset.only(*LIST_FIELDS)


def get_area(user: User, code: str, year: int | None = None,
             request: HttpRequest | None = None) -> Area:
    lookup: dict[str, object] = {"code": code}
    queryset = areas_for(user)
    if year is None:
        newest = Area.objects.filter(code=code).order_by("-year").values_list("year", flat=True)
        lookup["year"] = newest.first()
    else:
        lookup["year"] = year
    return get_scoped_or_404(queryset.select_related("parent", "municipality"), user=user,
                             request=request, **lookup)


def programme_areas_for(user: User) -> QuerySet[ProgrammeArea]:
    """Programme areas are protected: only users of their municipality see them."""
    return scope_to_municipality(ProgrammeArea.objects.all(), user)


def get_programme_area(user: User, municipality_code: str, slug: str,
                       request: HttpRequest | None = None) -> ProgrammeArea:
    return get_scoped_or_404(programme_areas_for(user).select_related("municipality"),
                             user=user, request=request, municipality__code=municipality_code,
                             slug=slug)


def municipalities_visible_to(user: User) -> QuerySet[Municipality]:
    if is_programme_viewer(user):
        return Municipality.objects.all()
    if user.municipality_id is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk=user.municipality_id)


def children_of(area: Area) -> QuerySet[Area]:
    return area.children.only(*LIST_FIELDS).order_by("code")


__all__ = ["AreaLevel", "areas_for", "areas_of_municipality", "children_of", "get_area",
           "get_programme_area", "latest_year", "municipalities_visible_to",
           "programme_areas_for"]
