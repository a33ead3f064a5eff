"""The area picture (gebiedsbeeld) of a programme area or a wijk for the area director."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from wijkregie.areas import selectors as area_selectors
from wijkregie.areas.models import AreaLevel
from wijkregie.regie import area_picture
from wijkregie.signals import charts as signal_charts

VIEW = "regie.view_plan"


def _render(request: HttpRequest, place: area_picture.Place) -> HttpResponse:
    picture = area_picture.build(request.user, place)  # type: ignore[arg-type]
    chart = signal_charts.category_chart(picture.signals) if picture.signals else ""
    return render(request, "regie/area_picture.html", {
        "picture": picture, "place": place, "signal_chart": chart})


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_area(request: HttpRequest, municipality: str, slug: str) -> HttpResponse:
    if not request.user.has_perm("areas.view_programmearea"):
        raise PermissionDenied
    area = area_selectors.get_programme_area(request.user,  # type: ignore[arg-type]
                                             municipality.upper(), slug, request=request)
    return _render(request, area_picture.programme_area_place(area))


@login_required
@permission_required(VIEW, raise_exception=True)
def wijk(request: HttpRequest, code: str) -> HttpResponse:
    area = area_selectors.get_area(request.user, code.upper(), request=request)  # type: ignore[arg-type]
    if area.level != AreaLevel.WIJK:
        raise Http404("Not a wijk")
    return _render(request, area_picture.wijk_place(request.user, area))  # type: ignore[arg-type]
