from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
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
from wijkregie.figures import charts, composite_view, selectors, statistics
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


def reference_group(request: HttpRequest, municipality: Municipality,
                    programme_area: ProgrammeArea | None) -> tuple[str, str, dict[str, str]]:
    """The reference group the profile compares with (``?reference=all|size|programme``):
    its key, its label and the choices (group -> label) offered for this place."""
    labels = statistics.reference_groups()
    choices = {"all": labels[statistics.ALL]}
    size = selectors.size_group(municipality)
    if size is not None:
        choices["size"] = labels[size]
    choices["programme"] = labels[statistics.PROGRAMME]
    chosen = request.GET.get("reference") or ("programme" if programme_area else "all")
    if chosen not in choices:
        chosen = "all"
    group = {"all": statistics.ALL, "size": size, "programme": statistics.PROGRAMME}[chosen]
    return str(group), choices[chosen], choices


def _profile_rows(request: HttpRequest, municipality: Municipality, *, area: Area | None,
                  programme_area: ProgrammeArea | None,
                  group: str = statistics.ALL) -> list[dict[str, Any]]:
    indicators = list(selectors.indicators_for(request.user))
    own = selectors.observations(request.user, area=area, programme_area=programme_area)
    gemeente = selectors.gemeente_area(municipality)
    city = (selectors.observations(request.user, area=gemeente)
            if gemeente is not None and gemeente != area else own)
    # Each place against places of its own level (a wijk against the city's wijken).
    level = area.level if area is not None else statistics.PROGRAMME
    benchmarker = Benchmarker(selectors.benchmark_statistics(municipality, indicators, level,
                                                             group))
    national = selectors.reference_statistics(indicators, group)
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


def _monthly_rows(request: HttpRequest, *, area: Area | None,
                  programme_area: ProgrammeArea | None) -> list[dict[str, Any]]:
    """Indicators delivered by month for this place: a trend by month and its table."""
    monthly = selectors.monthly_observations(request.user, area=area,
                                             programme_area=programme_area)
    if not monthly:
        return []
    rows = []
    for indicator in selectors.indicators_for(request.user).filter(pk__in=list(monthly)):
        points = monthly[indicator.pk]
        rows.append({"indicator": indicator, "points": points,
                     "chart": charts.month_chart(indicator.name_nl,
                                                 [(p.year, p.month, p.value) for p in points])})
    return rows


def _group_by_theme(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    order = [str(label) for _, label in Theme.choices]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["theme"]].append(row)
    return sorted(grouped.items(), key=lambda item: order.index(item[0])
                  if item[0] in order else len(order))


def _profile_table(title: str, code: str, name: str, rows: list[dict[str, Any]],
                   reference_label: str) -> ExportTable:
    """The profile as a table; every row names its place, so that exports of several
    areas can be put together."""
    return ExportTable(
        title=title,
        columns=["area code", "area name", "theme", "indicator", "key", "unit", "year",
                 "value", "status", "derived", "municipality",
                 f"reference: {reference_label}"],
        rows=[[code, name, r["theme"], r["indicator"].name_nl, r["indicator"].key,
               r["indicator"].unit, r["point"].year, r["point"].value
               if r["point"].value is not None else r["point"].text, r["point"].status,
               r["point"].derived, r["city"].text if r["city"] else ".",
               _reference(r["national"])] for r in rows],
        indicators=[r["indicator"] for r in rows])


def _reference(stat: selectors.Statistic | None) -> object:
    if stat is None or stat.reference is None:
        return "."
    return round(stat.reference, 4)


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def area_profile(request: HttpRequest, code: str, fmt: str | None = None) -> HttpResponse:
    area = area_selectors.get_area(request.user, code.upper(), request=request)
    group, reference_label, choices = reference_group(request, area.municipality, None)
    rows = _profile_rows(request, area.municipality, area=area, programme_area=None,
                         group=group)
    if fmt:
        return _export(request, _profile_table(f"{area.name} ({area.code})", area.code,
                                               area.name, rows, reference_label),
                       f"profiel-{area.code}", fmt, area)
    return render(request, "figures/profile.html", {
        "place_name": area.name, "place_code": area.code, "area": area,
        "municipality": area.municipality, "themes": _group_by_theme(rows),
        "export_base": f"/figures/areas/{area.code}/export",
        "monthly": _monthly_rows(request, area=area, programme_area=None),
        "reference_label": reference_label, "reference_choices": choices,
        "reference": request.GET.get("reference", "all"),
    })


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def programme_profile(request: HttpRequest, municipality: str, slug: str,
                      fmt: str | None = None) -> HttpResponse:
    programme_area = area_selectors.get_programme_area(request.user, municipality.upper(), slug,
                                                       request=request)
    group, reference_label, choices = reference_group(request, programme_area.municipality,
                                                      programme_area)
    rows = _profile_rows(request, programme_area.municipality, area=None,
                         programme_area=programme_area, group=group)
    base = f"/figures/programmes/{programme_area.municipality.code}/{programme_area.slug}"
    if fmt:
        return _export(request, _profile_table(
            programme_area.name, f"{programme_area.municipality.code}/{programme_area.slug}",
            programme_area.name, rows, reference_label),
            f"profiel-{programme_area.slug}", fmt, programme_area)
    return render(request, "figures/profile.html", {
        "place_name": programme_area.name, "place_code": _("programme area"),
        "programme_area": programme_area, "municipality": programme_area.municipality,
        "themes": _group_by_theme(rows), "export_base": f"{base}/export",
        "monthly": _monthly_rows(request, area=None, programme_area=programme_area),
        "reference_label": reference_label, "reference_choices": choices,
        "reference": request.GET.get("reference", "programme"),
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
    benchmarker = Benchmarker(selectors.benchmark_statistics(
        municipality, [indicator], statistics.PROGRAMME if level == "programme" else level))
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


@dataclass(frozen=True)
class ComparePlace:
    """An area or a programme area in the compare view; a programme area's code is
    ``GM0363/slug``."""

    code: str
    name: str
    area: Area | None = None
    programme_area: ProgrammeArea | None = None

    @property
    def municipality(self) -> Municipality:
        place = self.area or self.programme_area
        assert place is not None
        return place.municipality


def _compare_place(request: HttpRequest, code: str) -> ComparePlace:
    if "/" in code:
        municipality, slug = code.split("/", 1)
        programme_area = area_selectors.get_programme_area(request.user, municipality.upper(),
                                                           slug.lower(), request=request)
        return ComparePlace(f"{programme_area.municipality.code}/{programme_area.slug}",
                            programme_area.name, programme_area=programme_area)
    area = area_selectors.get_area(request.user, code.upper(), request=request)
    return ComparePlace(area.code, area.name, area=area)


@login_required
@permission_required("figures.view_indicator", raise_exception=True)
def compare(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Two to four places side by side, with trends: the gemeente, wijken, buurten and
    programme areas."""
    codes = [c.strip() for c in request.GET.getlist("area") if c.strip()][:4]
    places = [_compare_place(request, code) for code in codes]
    municipality = places[0].municipality if places else _municipality(request)
    indicators = list(selectors.indicators_for(request.user))
    series = [selectors.observations(request.user, area=p.area,
                                     programme_area=p.programme_area) for p in places]
    rows = []
    for indicator in indicators:
        per_place = [s.get(indicator.pk, []) for s in series]
        if not any(per_place):
            continue
        rows.append({
            "indicator": indicator, "latest": [latest(s) for s in per_place],
            "chart": charts.line_chart([(p.name, [(pt.year, pt.value) for pt in s])
                                        for p, s in zip(places, per_place, strict=True)]),
            "years": sorted({pt.year for s in per_place for pt in s}),
            "table": [{pt.year: pt for pt in s} for s in per_place],
        })
    if fmt:
        table = ExportTable(
            title=_("Comparison of %(areas)s") % {"areas": ", ".join(p.code for p in places)},
            columns=["indicator", "key", "unit", "year"] + [p.code for p in places],
            rows=[[r["indicator"].name_nl, r["indicator"].key, r["indicator"].unit, year]
                  + [_cell(per.get(year)) for per in r["table"]]
                  for r in rows for year in r["years"]],
            indicators=[r["indicator"] for r in rows])
        return _export(request, table, "vergelijking", fmt, municipality)
    candidates = [ComparePlace(a.code, a.name, area=a) for level in (
        AreaLevel.GEMEENTE, AreaLevel.WIJK, AreaLevel.BUURT)
        for a in area_selectors.areas_of_municipality(request.user, municipality, level=level)]
    candidates += [ComparePlace(f"{municipality.code}/{pa.slug}", pa.name, programme_area=pa)
                   for pa in area_selectors.programme_areas_for(request.user)
                   .filter(municipality=municipality).order_by("name")]
    return render(request, "figures/compare.html", {
        "areas": places, "rows": rows, "municipality": municipality,
        "candidates": candidates,
        "enough": 2 <= len(places) <= 4, "palette": charts.PALETTE,
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
            "replace": form.cleaned_data["replace"],
        }, created_by=request.user, municipality=request.user.municipality,
            upload_dir=upload_dir)
        return redirect("job-status", job_id=job.pk)
    return render(request, "figures/import.html", {"form": form})
