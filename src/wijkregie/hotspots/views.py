from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.areas.models import ProgrammeArea
from wijkregie.areas.selectors import get_programme_area, programme_areas_for
from wijkregie.core import audit
from wijkregie.core.jobs import start_job
from wijkregie.core.models import AuditAction
from wijkregie.core.uploads import save_uploads
from wijkregie.hotspots import analysis as pipeline
from wijkregie.hotspots import selectors, services
from wijkregie.hotspots.forms import AnalysisForm, IncidentUploadForm, SaveLocationForm
from wijkregie.hotspots.labels import class_label, translated_legend, warning_label
from wijkregie.hotspots.models import AnalysisStatus, HotspotAnalysis
from wijkregie.hotspots.sources import sources_for

# Analyses of at most this many incidents, without permutations, run inside the request.
INLINE_MAX_INCIDENTS = 20000
VIEW = "hotspots.view_hotspotanalysis"
ADD = "hotspots.add_hotspotanalysis"


def _municipality(request: HttpRequest):  # type: ignore[no-untyped-def]
    if request.user.municipality is None:
        raise Http404("hot spots are per municipality")
    return request.user.municipality


def _page(request: HttpRequest, programme_area: ProgrammeArea | None,
          form: AnalysisForm | None = None) -> HttpResponse:
    municipality = _municipality(request)
    sources = sources_for(municipality, user=request.user)
    latest = selectors.latest_analysis(
        request.user, programme_area_id=programme_area.pk if programme_area else None)
    initial = {}
    if latest is not None:
        initial = {"source": latest.source, "method": latest.method,
                   "cell_size": int(latest.params.get("cell_size", 250)),
                   "period": latest.params.get("period", "M")}
    context = {
        "programme_area": programme_area,
        "programme_areas": programme_areas_for(request.user).order_by("name"),
        "form": form or AnalysisForm(sources=sources, initial=initial),
        "has_sources": bool(sources),
        "data_sets": selectors.data_sets_for(request.user),
        "locations": selectors.locations_for(request.user)[:50],
        "recent": selectors.analyses_for(request.user).filter(
            programme_area=programme_area).only(
                "id", "method", "status", "created_at", "params", "source")[:10],
    }
    context |= _analysis_context(latest)
    return render(request, "hotspots/page.html", context)


def _analysis_context(record: HotspotAnalysis | None) -> dict[str, Any]:
    if record is None or record.status != AnalysisStatus.DONE:
        return {"analysis": record}
    suppress = record.params.get("suppress_below", 0)
    result = pipeline.disclose(record.result, suppress)
    geojson = pipeline.to_geojson(result)
    for feature in geojson["features"]:
        feature["properties"].pop("counts", None)
        feature["properties"]["class_name"] = class_label(feature["properties"]["class_name"])
    for key in ("legend", "period_legend"):
        geojson["metadata"][key] = translated_legend(result[key])
    legend = geojson["metadata"]["legend"]
    top = pipeline.top_cells(result)
    periods = result["periods"]
    rows = []
    for cell in top:
        hidden = cell["total"] is None
        rows.append({
            "id": cell["id"], "row": cell["row"], "col": cell["col"],
            "class": cell["class"],
            "class_name": class_label(pipeline.class_name(result, cell["class"])),
            "total": f"<{suppress}" if hidden else cell["total"],
            "last": "" if cell["counts"] is None else cell["counts"][-1],
            "trend": cell["trend"],
            "class_trend": cell.get("trend_tau"), "class_trend_p": cell.get("trend_p"),
            "period_classes": ",".join(map(str, cell.get("period_classes", []))),
        })
    return {
        "analysis": record, "result": result, "map_data": geojson, "top_rows": rows,
        "periods": periods, "last_period_index": len(periods),
        "has_period_classes": bool(result["period_legend"]),
        "period_legend": geojson["metadata"]["period_legend"],
        "class_counts": [(item, result["class_counts"].get(str(item["code"]), 0))
                         for item in legend],
        "save_form": SaveLocationForm(initial={"cell": top[0]["id"] if top else None}),
        "suppress_below": suppress,
        "warnings": [warning_label(w) for w in result.get("warnings", [])],
        "significance": result.get("significance"),
        "has_class_trend": result["method"] == "emerging",
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@login_required
@permission_required(VIEW, raise_exception=True)
def area_page(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = _municipality(request)
    programme_area = get_programme_area(request.user, municipality.code, slug, request=request)
    return _page(request, programme_area)


@login_required
@permission_required(ADD, raise_exception=True)
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    slug = request.POST.get("programme_area", "")
    programme_area = (get_programme_area(request.user, municipality.code, slug, request=request)
                      if slug else None)
    form = AnalysisForm(request.POST, sources=sources_for(municipality, user=request.user))
    if not form.is_valid():
        return _page(request, programme_area, form)
    data = form.cleaned_data
    source = form.sources[data["source"]]
    req = services.AnalysisRequest(
        source=source, params=data["params"],
        categories=[data["category"]] if data["category"] else [], start=data["start"],
        end=data["end"], programme_area=programme_area)
    record = services.create_analysis(municipality=municipality, req=req, actor=request.user)
    small = (source.data_set is not None and source.data_set.n_incidents <= INLINE_MAX_INCIDENTS
             and data["params"].permutations == 0)
    if small:
        try:
            services.compute_analysis(record=record, source=source)
        except ValueError as exc:
            messages.error(request, _("The analysis could not run: %(error)s") % {"error": exc})
    else:
        job = start_job("hotspots.analysis", params={"analysis": record.pk},
                        created_by=request.user, municipality=municipality)
        HotspotAnalysis.objects.filter(pk=record.pk).update(job=job)
    return redirect("hotspots:analysis", pk=record.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_analysis(request.user, pk, request=request)
    context = _analysis_context(record) | {"programme_area": record.programme_area}
    return render(request, "hotspots/analysis.html", context)


def _export_name(record: HotspotAnalysis, suffix: str) -> str:
    return f"hotspots-{record.method}-{record.pk}.{suffix}"


@login_required
@permission_required(VIEW, raise_exception=True)
def export_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    record = _done(request, pk)
    data = pipeline.to_geojson(record.result,
                               suppress_below=record.params.get("suppress_below", 0))
    data["metadata"] |= {"analysis": record.pk, "source": record.source,
                         "programme_area": str(record.programme_area or ""),
                         "municipality": record.municipality.code}
    audit.record(AuditAction.EXPORT, request=request, obj=record, detail={"format": "geojson"})
    response = HttpResponse(json.dumps(data), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(record, "geojson")}"'
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    record = _done(request, pk)
    text = pipeline.to_csv_text(record.result,
                                suppress_below=record.params.get("suppress_below", 0))
    audit.record(AuditAction.EXPORT, request=request, obj=record, detail={"format": "csv"})
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(record, "csv")}"'
    return response


def _done(request: HttpRequest, pk: int) -> HotspotAnalysis:
    record = selectors.get_analysis(request.user, pk, request=request)
    if record.status != AnalysisStatus.DONE:
        raise Http404("the analysis has no result")
    return record


@login_required
@permission_required("hotspots.add_namedlocation", raise_exception=True)
@require_POST
def save_location(request: HttpRequest, pk: int) -> HttpResponse:
    record = _done(request, pk)
    form = SaveLocationForm(request.POST)
    if form.is_valid():
        try:
            location = services.save_named_location(
                analysis=record, cell_id=form.cleaned_data["cell"],
                name=form.cleaned_data["name"], cluster=form.cleaned_data["cluster"],
                actor=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved as the named location “%(name)s”.")
                             % {"name": location.name})
            return redirect("hotspots:location", pk=location.pk)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("hotspots:analysis", pk=record.pk)


@login_required
@permission_required("hotspots.view_namedlocation", raise_exception=True)
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = selectors.get_location(request.user, pk, request=request)
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": location.geometry,
         "properties": {"name": location.name, "code": location.hotspot_class}}]}
    return render(request, "hotspots/location.html",
                  {"location": location, "map_features": features})


@login_required
@permission_required("hotspots.view_incidentdataset", raise_exception=True)
def data_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data_set = selectors.get_data_set(request.user, pk, request=request)
    return render(request, "hotspots/data_set.html", {"data_set": data_set,
                                                      "report": data_set.report})


@login_required
@permission_required("hotspots.add_incidentdataset", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = IncidentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_dir, (target,) = save_uploads([form.cleaned_data["file"]])
        job = start_job("hotspots.import", params={
            "path": str(target), "municipality": municipality.pk,
            "name": form.cleaned_data["name"], "crs": form.cleaned_data["crs"],
        }, created_by=request.user, municipality=municipality, upload_dir=upload_dir)
        return redirect("job-status", job_id=job.pk)
    return render(request, "hotspots/upload.html", {"form": form})
