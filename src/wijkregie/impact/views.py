from __future__ import annotations

import datetime
import json
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.areas.selectors import programme_areas_for
from wijkregie.core import audit
from wijkregie.core.models import AuditAction

from . import charts, editor, exports, selectors, services
from .ex_post import ex_post_for
from .forms import NewAnalysisForm, ScenarioImportForm, UnitValueForm
from .models import Analysis
from .presentation import ResultsView, results_view
from .scenario import Problem, ScenarioError


def _starting_scenario(title: str) -> dict[str, Any]:
    year = datetime.date.today().year
    return {"name": title, "base_year": year, "horizon_years": 15,
            "discounting": {"preset": "nl-2021", "tail": "none"},
            "prices": {"base_level": year},
            "zero_alternative": {"name": _("Current policy"), "measures": []},
            "alternatives": [{"name": _("Project alternative"), "measures": []}]}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("impact.view_analysis"):  # type: ignore[union-attr]
        if user.has_perm("impact.compare_analyses"):  # type: ignore[union-attr]
            return redirect("impact:compare")
        raise PermissionDenied
    analyses = list(selectors.analyses_for(user))  # type: ignore[arg-type]
    areas = list(programme_areas_for(user))  # type: ignore[arg-type]
    by_area = [(area, [a for a in analyses if a.programme_area_id == area.pk]) for area in areas]
    form = NewAnalysisForm(programme_areas=programme_areas_for(user))  # type: ignore[arg-type]
    return render(request, "impact/index.html", {"by_area": by_area, "form": form})


@login_required
@permission_required("impact.add_analysis", raise_exception=True)
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    form = NewAnalysisForm(request.POST,
                           programme_areas=programme_areas_for(request.user))  # type: ignore[arg-type]
    if not form.is_valid():
        messages.error(request, _("Choose a programme area and give a title."))
        return redirect("impact:index")
    analysis = services.create_analysis(
        actor=request.user, programme_area=form.cleaned_data["programme_area"],  # type: ignore[arg-type]
        title=form.cleaned_data["title"], question="",
        scenario=_starting_scenario(form.cleaned_data["title"]), note="created")
    return redirect("impact:edit", pk=analysis.pk)


def _tornado_charts(view: ResultsView) -> None:
    for alt in view.alternatives:
        alt.tornado_svg = charts.tornado(alt.tornado, alt.summary["npv"],  # type: ignore[attr-defined]
                                         _("Tornado chart of %(name)s") % {"name": alt.name})


@login_required
@permission_required("impact.view_analysis", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis(request.user, pk, request)  # type: ignore[arg-type]
    scenario = exports.scenario_of(analysis)
    view = results_view(analysis.results, scenario)
    _tornado_charts(view)
    for alt in view.alternatives:
        alt.histogram_svg = (charts.histogram(  # type: ignore[attr-defined]
            alt.histogram["edges"], alt.histogram["counts"],
            _("Distribution of the NPV of %(name)s") % {"name": alt.name})
            if alt.histogram else None)
    comparison_svg = charts.bars(
        [(c["name"], c["npv"]) for c in view.comparison],
        _("NPV per alternative, with the range from percentile 5 to 95 of the Monte Carlo draws"),
        [(c["p5"], c["p95"]) if c["p5"] is not None else None for c in view.comparison])
    return render(request, "impact/detail.html", {
        "analysis": analysis, "view": view, "comparison_svg": comparison_svg,
        "ex_post": ex_post_for(request.user, analysis, scenario),  # type: ignore[arg-type]
    })


@login_required
@permission_required("impact.view_analysis", raise_exception=True)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable council report (the same content as the PDF, with the charts)."""
    analysis = selectors.get_analysis(request.user, pk, request)  # type: ignore[arg-type]
    view = exports.view_of(analysis)
    _tornado_charts(view)
    audit.record(AuditAction.EXPORT, request=request, obj=analysis, purpose="council report")
    return render(request, "impact/report.html", {"analysis": analysis, "view": view})


def _download(request: HttpRequest, analysis: Analysis, content: bytes, suffix: str,
              content_type: str, purpose: str) -> HttpResponse:
    audit.record(AuditAction.EXPORT, request=request, obj=analysis, purpose=purpose,
                 detail={"format": suffix, "version": analysis.version})
    name = f"{slugify(analysis.title) or 'analysis'}-v{analysis.version}.{suffix}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@permission_required("impact.view_analysis", raise_exception=True)
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    analysis = selectors.get_analysis(request.user, pk, request)  # type: ignore[arg-type]
    if kind == "yaml":
        return _download(request, analysis, exports.scenario_file(analysis, "yaml"), "yaml",
                         "application/yaml", "scenario file")
    if kind == "json":
        return _download(request, analysis, exports.scenario_file(analysis, "json"), "json",
                         "application/json", "scenario file")
    if kind == "results":
        return _download(request, analysis, exports.results_json(analysis), "results.json",
                         "application/json", "results")
    if kind == "xlsx":
        return _download(request, analysis, exports.workbook(analysis), "xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         "results workbook")
    if kind == "pdf":
        return _download(request, analysis, exports.report_pdf(analysis), "pdf",
                         "application/pdf", "council report")
    raise Http404(kind)


@login_required
@permission_required("impact.change_analysis", raise_exception=True)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario editor: add/remove rows re-render, save validates and stores a version."""
    analysis = selectors.get_analysis(request.user, pk, request)  # type: ignore[arg-type]
    # Retired values are not offered, except where this scenario already uses them.
    used = [k for k in services.library_of(analysis.municipality)
            if services.uses_library_key(analysis.scenario, k)]
    library_keys = sorted({*services.offered_library_keys(analysis.municipality), *used})
    problems: list[Problem] = []
    title, question, note = analysis.title, analysis.question, ""
    if request.method == "POST":
        tree = editor.tree_from_form(request.POST)
        title = request.POST.get("title", "").strip() or analysis.title
        question = request.POST.get("question", "").strip()
        note = request.POST.get("note", "").strip()[:200]
        action = request.POST.get("action", "save")
        if action != "save":
            tree = editor.apply_action(tree, action)
        else:
            doc, problems = editor.doc_from_tree(tree)
            if not problems:
                try:
                    services.update_analysis(actor=request.user, analysis=analysis,  # type: ignore[arg-type]
                                             title=title, question=question, scenario=doc,
                                             note=note or _("edited in the browser"))
                except ScenarioError as exc:
                    problems = exc.problems
                else:
                    messages.success(request, _("Saved; the results are recomputed."))
                    return redirect("impact:detail", pk=analysis.pk)
            problems = [Problem(editor.parameter_path(p.path, tree), p.message)
                        for p in problems]
    else:
        tree = editor.tree_from_doc(analysis.scenario)
    groups, unplaced = editor.build_form(tree, problems, library_keys)
    status = 400 if problems else 200
    return render(request, "impact/edit.html", {
        "analysis": analysis, "groups": groups, "problems": problems, "unplaced": unplaced,
        "title": title, "question": question, "note": note,
    }, status=status)


@login_required
@permission_required("impact.change_analysis", raise_exception=True)
def import_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis(request.user, pk, request)  # type: ignore[arg-type]
    form = ScenarioImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8")
            doc = json.loads(text) if upload.name.lower().endswith(".json") \
                else yaml.safe_load(text)
            services.update_analysis(
                actor=request.user, analysis=analysis, title=analysis.title,  # type: ignore[arg-type]
                question=analysis.question, scenario=doc,
                note=form.cleaned_data["note"] or _("imported %(file)s") % {"file": upload.name})
        except (UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
            problems = [Problem(upload.name, _("not valid YAML/JSON (%(error)s)")
                                % {"error": exc})]
        except ScenarioError as exc:
            problems = [Problem(f"{upload.name}: {p.path}", p.message) for p in exc.problems]
        else:
            messages.success(request, _("Scenario imported; the results are recomputed."))
            return redirect("impact:detail", pk=analysis.pk)
    return render(request, "impact/import.html", {"analysis": analysis, "form": form,
                                                  "problems": problems},
                  status=400 if problems else 200)


@login_required
@permission_required("impact.view_analysis", raise_exception=True)
def history(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis(request.user, pk, request)  # type: ignore[arg-type]
    return render(request, "impact/history.html", {
        "analysis": analysis, "versions": selectors.versions_of(analysis)})


@login_required
@permission_required("impact.compare_analyses", raise_exception=True)
def compare(request: HttpRequest) -> HttpResponse:
    """Comparison of areas: the best alternative of every analysis side by side."""
    rows = selectors.compared_analyses(request.user)  # type: ignore[arg-type]
    best = []
    for row in rows:
        top = max(row.alternatives, key=lambda a: a["npv"])
        best.append((row, top))
    svg = charts.bars([(f"{r.programme_area}: {t['name']}", t["npv"]) for r, t in best],
                      _("NPV of the best alternative per analysis")) if best else None
    return render(request, "impact/compare.html", {"rows": rows, "best": best, "svg": svg})


@login_required
@permission_required("impact.view_unitvalue", raise_exception=True)
def library(request: HttpRequest) -> HttpResponse:
    values = selectors.unit_values_for(request.user)  # type: ignore[arg-type]
    municipality = request.user.municipality  # type: ignore[union-attr]
    return render(request, "impact/library.html", {
        "values": values.filter(retired_at__isnull=True),
        "retired": values.filter(retired_at__isnull=False),
        "library_version": services.library_version(municipality) if municipality else None})


@login_required
@permission_required("impact.change_unitvalue", raise_exception=True)
def unit_value_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if user.municipality is None:  # type: ignore[union-attr]
        raise PermissionDenied
    instance = selectors.get_unit_value(user, pk, request) if pk else None  # type: ignore[arg-type]
    form = UnitValueForm(request.POST or None, instance=instance,
                         municipality=user.municipality)  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        services.save_unit_value(actor=user, municipality=user.municipality,  # type: ignore[arg-type,union-attr]
                                 values=form.cleaned_data, unit_value=instance)
        messages.success(request, _("Unit value saved."))
        return redirect("impact:library")
    return render(request, "impact/unit_value_form.html", {"form": form, "instance": instance})


@login_required
@permission_required("impact.change_unitvalue", raise_exception=True)
@require_POST
def unit_value_retire(request: HttpRequest, pk: int) -> HttpResponse:
    instance = selectors.get_unit_value(request.user, pk, request)  # type: ignore[arg-type]
    try:
        services.retire_unit_value(actor=request.user, unit_value=instance,  # type: ignore[arg-type]
                                   reason=request.POST.get("reason", ""))
    except ScenarioError as exc:
        messages.error(request, "; ".join(str(p) for p in exc.problems))
    else:
        messages.success(request, _("Unit value retired: it is no longer offered for new "
                                    "effects."))
    return redirect("impact:library")


@login_required
@permission_required("impact.delete_unitvalue", raise_exception=True)
@require_POST
def unit_value_delete(request: HttpRequest, pk: int) -> HttpResponse:
    instance = selectors.get_unit_value(request.user, pk, request)  # type: ignore[arg-type]
    try:
        services.delete_unit_value(actor=request.user, unit_value=instance)  # type: ignore[arg-type]
    except ScenarioError as exc:
        messages.error(request, "; ".join(str(p) for p in exc.problems))
    else:
        messages.success(request, _("Unit value removed."))
    return redirect("impact:library")
