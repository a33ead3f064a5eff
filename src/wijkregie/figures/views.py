from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wijkregie.areas import selectors as area_selectors
from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core import audit
from wijkregie.core.jobs import start_job
from wijkregie.core.models import AuditAction, Municipality
from wijkregie.core.uploads import save_uploads
from wijkregie.figures import charts, composite_view, selectors
from wijkregie.figures.exports import EXPORTERS, ExportTable
from wijkregie.figures.forms import FiguresImportForm
from wijkregie.figures.models import Indicator, Theme
from wijkregie.figures.presentation import Benchmarker, latest

LEVELS = {"buurt": AreaLevel.BUURT.label, "wijk": AreaLevel.WIJK.label,
          "programme": _("programme area")}
N_CLASSES = 5


def _municipality(request: HttpRequest) -> Municipality:
    """The user's municipality; programme viewers choose one (aggregates only)."""
    visible = area_selectors.municipalities_visible_to(request.user)
    code = request.GET.get("municipality")
    if code:
        municipality = visible.filter(code=code).first()
    elif request.user.municipality_id:
        municipality = visible.filter(pk=request.user.municipality_id).first()
    else:
        municipality = visible.first()
    if municipality is None:
        raise Http404("No municipality")
    return municipality


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    by_theme: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in selectors.indicators_for(request.user):
        by_theme[indicator.get_theme_display()].append(indicator)
    return render(request, "figures/index.html", {
        "municipality": municipality, "by_theme": dict(by_theme),
        "municipalities": area_selectors.municipalities_visible_to(request.user),
    })


def _profile_rows(request: HttpRequest, municipality: Municipality, *, area: Area | None,
                  programme_area: ProgrammeArea | None) -> list[dict[str, Any]]:
    indicators = list(selectors.indicators_for(request.user))
    own = selectors.observations(request.user, area=area, programme_area=programme_area)
    gemeente = selectors.gemeente_area(municipality)
    city = (selectors.observations(request.user, area=gemeente)
            if gemeente is not None and gemeente != area else own)
    benchmarker = Benchmarker(selectors.city_statistics(municipality, indicators))
    national = selectors.national_statistics(indicators)
    themes = dict(Theme.choices)  # get_theme_display per row was a tenth of the page
    rows = []
    for indicator in indicators:
        series = own.get(indicator.pk, [])
        if not series:
            continue
        point = latest(series)
        city_point = next((p for p in city.get(indicator.pk, []) if p.year == point.year), None)
        national_stat = national.get((indicator.pk, point.year))
        rows.append({
            "indicator": indicator, "theme": str(themes.get(indicator.theme, indicator.theme)),
            "point": point,
            "series": series, "colour": benchmarker.colour(indicator, point),
            "sparkline": charts.sparkline([(p.year, p.value) for p in series]),
            "city": city_point, "national": national_stat,
        })
    return rows


def _group_by_theme(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    order = [str(label) for _, label in Theme.choices]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["theme"]].append(row)
    return sorted(grouped.items(), key=lambda item: order.index(item[0])
                  if item[0] in order else len(order))


def _profile_table(title: str, rows: list[dict[str, Any]]) -> ExportTable:
    return ExportTable(
        title=title,
        columns=["theme", "indicator", "key", "unit", "year", "value", "status", "derived",
                 "municipality", "all municipalities (mean)"],
        rows=[[r["theme"], r["indicator"].name_nl, r["indicator"].key, r["indicator"].unit,
               r["point"].year, r["point"].value if r["point"].value is not None
               else r["point"].text, r["point"].status, r["point"].derived,
               r["city"].text if r["city"] else ".",
               round(r["national"].mean, 2) if r["national"] else "."] for r in rows],
        indicators=[r["indicator"] for r in rows])


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def area_profile(request: HttpRequest, code: str, fmt: str | None = None) -> HttpResponse:
    area = area_selectors.get_area(request.user, code.upper(), request=request)
    rows = _profile_rows(request, area.municipality, area=area, programme_area=None)
    if fmt:
        return _export(request, _profile_table(f"{area.name} ({area.code})", rows),
                       f"profiel-{area.code}", fmt, area)
    return render(request, "figures/profile.html", {
        "place_name": area.name, "place_code": area.code, "area": area,
        "municipality": area.municipality, "themes": _group_by_theme(rows),
        "export_base": f"/figures/areas/{area.code}/export",
    })


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def programme_profile(request: HttpRequest, municipality: str, slug: str,
                      fmt: str | None = None) -> HttpResponse:
    programme_area = area_selectors.get_programme_area(request.user, municipality.upper(), slug,
                                                       request=request)
    rows = _profile_rows(request, programme_area.municipality, area=None,
                         programme_area=programme_area)
    base = f"/figures/programmes/{programme_area.municipality.code}/{programme_area.slug}"
    if fmt:
        return _export(request, _profile_table(programme_area.name, rows),
                       f"profiel-{programme_area.slug}", fmt, programme_area)
    return render(request, "figures/profile.html", {
        "place_name": programme_area.name, "place_code": _("programme area"),
        "programme_area": programme_area, "municipality": programme_area.municipality,
        "themes": _group_by_theme(rows), "export_base": f"{base}/export",
    })


def _classes(values: list[float]) -> list[float]:
    """Quantile class breaks (N_CLASSES classes) over the shown values."""
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, int(len(ordered) * k / N_CLASSES))]
            for k in range(1, N_CLASSES)]


def _class_of(value: float | None, breaks: list[float]) -> int | None:
    if value is None:
        return None
    return sum(value >= b for b in breaks)


def indicator_context(request: HttpRequest, key: str) -> dict[str, Any]:
    """One indicator at one level and year for a municipality: the figures the map,
    ranking, exports and API all show (disclosed)."""
    indicator = selectors.get_indicator(request.user, key)
    municipality = _municipality(request)
    years = selectors.years_of(indicator, municipality)
    if not years:
        raise Http404(_("No figures for this indicator in this municipality"))
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else years[-1]
    if year not in years:
        year = years[-1]
    level = request.GET.get("level", "buurt")
    if level not in LEVELS:
        level = "buurt"
    if level == "programme" and not area_selectors.programme_areas_for(request.user).filter(
            municipality=municipality).exists():
        level = "wijk"
    places = selectors.level_values(request.user, indicator, municipality, level=level,
                                    year=year)
    shown = [p.value for _, p in places if p.value is not None]
    breaks = _classes(shown)
    benchmarker = Benchmarker(selectors.city_statistics(municipality, [indicator]))
    rows = []
    for place, point in places:
        rows.append({"place": place, "point": point, "class": _class_of(point.value, breaks),
                     "colour": benchmarker.colour(indicator, point),
                     "code": getattr(place, "code", ""), "name": place.name})
    ranking = sorted(rows, key=lambda r: (r["point"].value is None,
                                          -(r["point"].value or 0.0)))
    histogram_svg, histogram_table = charts.histogram(shown)
    return {"indicator": indicator, "municipality": municipality, "years": years,
            "year": year, "level": level, "levels": LEVELS, "rows": rows, "ranking": ranking,
            "breaks": breaks, "histogram": histogram_svg, "histogram_table": histogram_table,
            "indicators": selectors.indicators_for(request.user)}


def _geometry(place: Any) -> dict[str, Any] | None:
    if isinstance(place, Area):
        return place.geometry
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    parts = [shape(b.geometry) for b in place.buurten.all() if b.geometry]
    return mapping(unary_union(parts)) if parts else None


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def indicator_view(request: HttpRequest, key: str) -> HttpResponse:
    chosen = request.GET.get("indicator")
    if chosen and chosen != key:  # the indicator switch, submitted without JavaScript
        params = request.GET.copy()
        del params["indicator"]
        return redirect(f"/figures/indicators/{chosen}/?{params.urlencode()}")
    context = indicator_context(request, key)
    features = []
    for row in context["rows"]:
        geometry = _geometry(row["place"])
        if geometry:
            features.append({"type": "Feature", "geometry": geometry, "properties": {
                "code": row["code"], "name": row["name"], "text": row["point"].text,
                "class": row["class"]}})
    context["map_features"] = {"type": "FeatureCollection", "features": features}
    return render(request, "figures/indicator.html", context)


@login_required
@permission_required("figures.export_figures", raise_exception=True)
def indicator_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    context = indicator_context(request, key)
    indicator = context["indicator"]
    table = ExportTable(
        title=f"{indicator.name_nl}, {context['municipality'].name}, {context['year']}",
        columns=["code", "name", "level", "year", "value", "status", "derived", "unit"],
        rows=[[r["code"], r["name"], context["level"], context["year"],
               r["point"].value if r["point"].value is not None else r["point"].text,
               r["point"].status, r["point"].derived, indicator.unit]
              for r in context["rows"]],
        indicators=[indicator],
        geometries=[_geometry(r["place"]) for r in context["rows"]] if fmt == "geojson"
        else [])
    return _export(request, table, f"{indicator.key}-{context['municipality'].code}-"
                   f"{context['level']}-{context['year']}", fmt, indicator)


def _export(request: HttpRequest, table: ExportTable, filename: str, fmt: str,
            obj: Any) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("Unknown export format")
    if not request.user.has_perm("figures.export_figures"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    audit.record(AuditAction.EXPORT, request=request, obj=obj, purpose="figures export",
                 detail={"format": fmt, "rows": len(table.rows)})
    return EXPORTERS[fmt](table, filename)


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def compare(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Two to four areas side by side, with trends."""
    codes = [c.strip().upper() for c in request.GET.getlist("area") if c.strip()][:4]
    areas = [area_selectors.get_area(request.user, code, request=request) for code in codes]
    municipality = areas[0].municipality if areas else _municipality(request)
    indicators = list(selectors.indicators_for(request.user))
    series = {a.pk: selectors.observations(request.user, area=a) for a in areas}
    rows = []
    for indicator in indicators:
        per_area = [series[a.pk].get(indicator.pk, []) for a in areas]
        if not any(per_area):
            continue
        rows.append({
            "indicator": indicator, "latest": [latest(s) for s in per_area],
            "chart": charts.line_chart([(a.name, [(p.year, p.value) for p in s])
                                        for a, s in zip(areas, per_area, strict=True)]),
            "years": sorted({p.year for s in per_area for p in s}),
            "table": [{p.year: p for p in s} for s in per_area],
        })
    if fmt:
        table = ExportTable(
            title=_("Comparison of %(areas)s") % {"areas": ", ".join(a.code for a in areas)},
            columns=["indicator", "key", "unit", "year"] + [a.code for a in areas],
            rows=[[r["indicator"].name_nl, r["indicator"].key, r["indicator"].unit, year]
                  + [_cell(per.get(year)) for per in r["table"]]
                  for r in rows for year in r["years"]],
            indicators=[r["indicator"] for r in rows])
        return _export(request, table, "vergelijking", fmt, municipality)
    candidates = area_selectors.areas_of_municipality(request.user, municipality,
                                                      level=AreaLevel.WIJK)
    return render(request, "figures/compare.html", {
        "areas": areas, "rows": rows, "municipality": municipality,
        "candidates": list(candidates) + list(area_selectors.areas_of_municipality(
            request.user, municipality, level=AreaLevel.BUURT)),
        "enough": 2 <= len(areas) <= 4, "palette": charts.PALETTE,
    })


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def composite(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    municipality = _municipality(request)
    level = request.GET.get("level", "wijk")
    if level not in ("buurt", "wijk"):
        level = "wijk"
    context = composite_view.composite_context(request.user, municipality, level,
                                               request.GET.get("year"))
    if fmt:
        table = ExportTable(
            title=_("Composite index, %(name)s, %(year)s") % {
                "name": municipality.name, "year": context["year"]},
            columns=["code", "name", "year", "safety", "social", "physical", "index"],
            rows=[[r["area"].code, r["area"].name, context["year"],
                   *[_score(p) for p in r["pillars"]],
                   None if r["total"] is None else round(r["total"], 1)]
                  for r in context["rows"]])
        return _export(request, table, f"index-{municipality.code}-{level}", fmt, municipality)
    return render(request, "figures/composite.html", context | {"level": level})


def _score(level_score: Any) -> float | None:
    if level_score is None or level_score.score is None:
        return None
    return round(level_score.score, 1)


def _cell(point: selectors.SeriesPoint | None) -> object:
    if point is None:
        return "."
    return point.value if point.value is not None else point.text


@login_required
@permission_required("figures.import_figures", raise_exception=True)
def import_figures(request: HttpRequest) -> HttpResponse:
    form = FiguresImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_dir, (target,) = save_uploads([form.cleaned_data["file"]])
        job = start_job("figures.import", params={
            "path": str(target), "municipality": request.user.municipality.code,
        }, created_by=request.user, municipality=request.user.municipality,
            upload_dir=upload_dir)
        return redirect("job-status", job_id=job.pk)
    return render(request, "figures/import.html", {"form": form})
