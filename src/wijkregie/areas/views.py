from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wijkregie.areas import selectors
from wijkregie.areas.forms import AreaImportForm
from wijkregie.areas.models import Area
from wijkregie.core.jobs import start_job
from wijkregie.core.uploads import save_uploads


def map_features(areas: list[Area]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection for the page's map (drawn by static/wijkregie/map.js)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": a.geometry,
             "properties": {"code": a.code, "name": a.name, "url": f"/areas/{a.code}/"}}
            for a in areas if a.geometry
        ],
    }


@login_required
@permission_required("areas.view_area", raise_exception=True)
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    year = request.GET.get("year")
    area = selectors.get_area(request.user, code.upper(), int(year) if year and year.isdigit()
                              else None, request=request)
    children = list(selectors.children_of(area))
    shown = [area] if not children else list(
        Area.objects.filter(pk__in=[c.pk for c in children]).only("id", "code", "name",
                                                                  "geometry"))
    return render(request, "areas/area_detail.html", {
        "area": area, "children": children, "map_features": map_features(shown),
    })


@login_required
@permission_required("areas.view_programmearea", raise_exception=True)
def programme_area_detail(request: HttpRequest, municipality: str, slug: str) -> HttpResponse:
    programme_area = selectors.get_programme_area(request.user, municipality.upper(), slug,
                                                  request=request)
    buurten = list(programme_area.buurten.order_by("code"))
    return render(request, "areas/programme_area_detail.html", {
        "programme_area": programme_area, "buurten": buurten,
        "map_features": map_features(buurten),
    })


@login_required
@permission_required("areas.import_areas", raise_exception=True)
def import_areas(request: HttpRequest) -> HttpResponse:
    form = AreaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_dir, paths = save_uploads(form.cleaned_data["files"])
        job = start_job("areas.import", params={
            "paths": [str(p) for p in paths], "year": form.cleaned_data["year"],
            "repair": form.cleaned_data["repair"],
        }, created_by=request.user, municipality=request.user.municipality,
            upload_dir=upload_dir)
        return redirect("job-status", job_id=job.pk)
    return render(request, "areas/import.html", {"form": form})
