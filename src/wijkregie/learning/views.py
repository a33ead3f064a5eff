"""Programme view, practice library and learning sessions (aggregates only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality
from wijkregie.core.scoping import get_scoped_or_404
from wijkregie.figures import charts
from wijkregie.figures import selectors as figure_selectors
from wijkregie.figures.exports import EXPORTERS, ExportTable
from wijkregie.learning import hooks, municipality_map, programme, selectors, services
from wijkregie.learning.forms import (
    InterventionForm,
    LearningSessionForm,
    LessonForm,
    LibraryFilterForm,
    LocalPracticeForm,
)
from wijkregie.learning.models import LessonLearned, LocalPractice
from wijkregie.regie.models import Measure

VIEW = "learning.view_practice"
COMPARE_LIMIT = 6


def _chosen_indicators(request: HttpRequest, indicators: list) -> list:
    keys = request.GET.getlist("indicator")
    chosen = [i for i in indicators if i.key in keys]
    if chosen:
        return chosen
    composite = [i for i in indicators if i.in_composite]
    return (composite or indicators)[:COMPARE_LIMIT]


@login_required
@permission_required(VIEW, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    """All programme areas side by side: a table of the latest figures and small
    multiples of one indicator's trend, each area against its city and all areas."""
    indicators = programme.shared_indicators()
    chosen = _chosen_indicators(request, indicators)
    areas = selectors.programme_areas_across(request.user)
    overview = programme.overview(request.user, areas, chosen)
    focus_key = request.GET.get("trend") or (chosen[0].key if chosen else "")
    focus = next((i for i in chosen if i.key == focus_key), chosen[0] if chosen else None)
    audit.record(AuditAction.LIST, request=request, object_type="learning.programme",
                 purpose="programme view", detail={"areas": len(overview.areas)})
    places = municipality_map.programme_places([a.programme_area for a in overview.areas])
    return render(request, "learning/index.html", {
        "map_rows": places,
        "map": municipality_map.svg([place for place, _areas in places],
                                    _("Map of the programme municipalities")),
        "overview": overview, "indicators": indicators, "chosen": chosen, "focus": focus,
        "multiples": [(a.programme_area, a.trends.get(focus.pk)) for a in overview.areas]
        if focus else [],
        "rows": [(a, [a.trends.get(i.pk) for i in chosen]) for a in overview.areas],
        "palette": charts.PALETTE, "goal_status": hooks.goal_status_connected(),
        "start_year": programme.start_year(),
    })


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown export format")
    if not request.user.has_perm("figures.export_figures"):
        raise PermissionDenied
    indicators = _chosen_indicators(request, programme.shared_indicators())
    overview = programme.overview(request.user, selectors.programme_areas_across(request.user),
                                  indicators)
    table = ExportTable(title=_("Programme areas compared"), columns=programme.EXPORT_COLUMNS,
                        rows=programme.export_rows(overview), indicators=indicators)
    audit.record(AuditAction.EXPORT, request=request, object_type="learning.programme",
                 purpose="programme export", detail={"format": fmt, "rows": len(table.rows)})
    return EXPORTERS[fmt](table, "programma-vergelijking")


def _programme_area(request: HttpRequest, municipality: str, slug: str):
    return get_scoped_or_404(selectors.programme_areas_across(request.user), user=request.user,
                             request=request, municipality__code=municipality.upper(),
                             slug=slug)


@login_required
@permission_required(VIEW, raise_exception=True)
def area_detail(request: HttpRequest, municipality: str, slug: str) -> HttpResponse:
    programme_area = _programme_area(request, municipality, slug)
    trends = programme.trends(request.user, programme_area, programme.shared_indicators())
    audit.record(AuditAction.VIEW, request=request, obj=programme_area,
                 purpose="programme view")
    return render(request, "learning/area.html", {
        "programme_area": programme_area, "trends": trends,
        "goals": hooks.goal_status(programme_area),
        "goal_status": hooks.goal_status_connected(),
        "practices": programme_area.local_practices.select_related("intervention"),
    })


# --- practice library -------------------------------------------------------------------

@login_required
@permission_required(VIEW, raise_exception=True)
def practice_list(request: HttpRequest) -> HttpResponse:
    municipalities = list(Municipality.objects.order_by("name").values_list("code", "name"))
    form = LibraryFilterForm(request.GET or None, problems=selectors.problems(),
                             municipalities=municipalities)
    practices = selectors.interventions_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        municipality = (Municipality.objects.filter(code=data["municipality"]).first()
                        if data["municipality"] else None)
        practices = selectors.filter_library(
            practices, pillar=data["pillar"], problem=data["problem"],
            target_group=data["target_group"], evidence_level=data["evidence_level"],
            municipality=municipality)
        practices = selectors.search(practices, data["q"])
    return render(request, "learning/practice_list.html", {
        "form": form, "practices": list(practices),
        "can_add": request.user.has_perm("learning.add_intervention"),
    })


def effects(request: HttpRequest, practice: LocalPractice) -> list[dict[str, Any]]:
    """What each linked indicator did in the area before and since the practice, with
    the city for context; only for users who may see that municipality's figures."""
    if not figure_selectors.can_see_municipality_figures(request.user, practice.municipality):
        return []
    indicators = list(practice.indicators.all())
    result = []
    for trend in programme.trends(request.user, practice.programme_area, indicators):
        rows = [row | {"phase": _("before") if row["year"] < practice.start_year
                       else (_("after") if practice.end_year and row["year"] > practice.end_year
                             else _("applied"))} for row in trend.rows]
        result.append({"trend": trend, "rows": rows})
    return result


@login_required
@permission_required(VIEW, raise_exception=True)
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    intervention = get_object_or_404(selectors.interventions_for(request.user), slug=slug)
    applications = [{"practice": lp, "effects": effects(request, lp),
                     "measure_url": measure_url(request.user, lp.regie_measure)
                     if lp.regie_measure else "",
                     "editable": selectors.editable_local_practices(request.user)
                     .filter(pk=lp.pk).exists()}
                    for lp in selectors.local_practices_of(intervention)]
    return render(request, "learning/practice_detail.html", {
        "intervention": intervention, "applications": applications,
        "editable": selectors.editable_interventions(request.user)
        .filter(pk=intervention.pk).exists(),
        "can_apply": request.user.has_perm("learning.add_localpractice")
        and request.user.municipality_id is not None,
        "lessons": intervention.lessons.select_related("session"),
    })


def measure_url(user, measure: Measure) -> str:
    """The plan of approach's measure page for who may open it (regie.view_plan, own
    municipality); for everyone else the programme view of the measure (ADR 0086)."""
    if user.has_perm("regie.view_plan") and \
            user.municipality_id == measure.plan.programme_area.municipality_id:
        return reverse("regie:measure", args=[measure.pk])
    return reverse("learning:measure", args=[measure.pk])


@login_required
@permission_required(VIEW, raise_exception=True)
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A measure as the learning circle sees it: what it is, where, and what the
    indicators of the practices applied through it did (disclosed figures only). No
    updates, spending, partners' people or cases: those stay in the plan of approach."""
    measure = get_scoped_or_404(selectors.measures_across(request.user), user=request.user,
                                request=request, purpose="programme view", pk=pk)
    audit.record(AuditAction.VIEW, request=request, obj=measure, purpose="programme view")
    applications = [{"practice": lp, "effects": effects(request, lp)}
                    for lp in measure.local_practices.select_related(
                        "intervention", "programme_area", "municipality")
                    .prefetch_related("indicators").order_by("intervention__name", "pk")]
    own = measure_url(request.user, measure)
    return render(request, "learning/measure.html", {
        "measure": measure, "programme_area": measure.plan.programme_area,
        "goals": measure.goals.order_by("pk"), "applications": applications,
        "regie_url": own if own != request.path else "",
    })


@login_required
@permission_required("learning.add_intervention", raise_exception=True)
def practice_create(request: HttpRequest) -> HttpResponse:
    form = InterventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intervention = services.save_intervention(form.save(commit=False), user=request.user,
                                                  request=request)
        messages.success(request, _("The practice was saved."))
        return redirect("learning:practice", slug=intervention.slug)
    return render(request, "learning/form.html", {"form": form, "title": _("New practice")})


@login_required
@permission_required("learning.change_intervention", raise_exception=True)
def practice_edit(request: HttpRequest, slug: str) -> HttpResponse:
    intervention = get_scoped_or_404(selectors.editable_interventions(request.user),
                                     user=request.user, request=request, slug=slug)
    form = InterventionForm(request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        services.save_intervention(form.save(commit=False), user=request.user, request=request)
        messages.success(request, _("The practice was saved."))
        return redirect("learning:practice", slug=intervention.slug)
    return render(request, "learning/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": intervention.name}})


def _local_form(request: HttpRequest, instance: LocalPractice | None) -> LocalPracticeForm:
    from wijkregie.areas.selectors import programme_areas_for

    return LocalPracticeForm(request.POST or None, instance=instance,
                             programme_areas=programme_areas_for(request.user),
                             indicators=figure_selectors.indicators_for(request.user))


def _save_local(request: HttpRequest, form: LocalPracticeForm, practice: LocalPractice
                ) -> bool:
    """Save through the service; a refusal goes back onto the form's field."""
    try:
        services.save_local_practice(practice, form.cleaned_data["indicators"],
                                     user=request.user, request=request)
    except ValidationError as error:
        for name, errors in error.error_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return False
    messages.success(request, _("The local application was saved."))
    return True


@login_required
@permission_required("learning.add_localpractice", raise_exception=True)
def local_create(request: HttpRequest, slug: str) -> HttpResponse:
    intervention = get_object_or_404(selectors.interventions_for(request.user), slug=slug)
    if request.user.municipality_id is None:
        raise PermissionDenied
    form = _local_form(request, None)
    if request.method == "POST" and form.is_valid():
        practice = form.save(commit=False)
        practice.intervention = intervention
        if _save_local(request, form, practice):
            return redirect("learning:practice", slug=intervention.slug)
    return render(request, "learning/form.html", {
        "form": form, "title": _("Applied in: %(name)s") % {"name": intervention.name}})


@login_required
@permission_required("learning.change_localpractice", raise_exception=True)
def local_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_scoped_or_404(selectors.editable_local_practices(request.user),
                                 user=request.user, request=request, pk=pk)
    form = _local_form(request, practice)
    if request.method == "POST" and form.is_valid() \
            and _save_local(request, form, form.save(commit=False)):
        return redirect("learning:practice", slug=practice.intervention.slug)
    return render(request, "learning/form.html", {
        "form": form, "title": _("Applied in: %(name)s") % {"name": practice.intervention.name}})


# --- learning sessions ------------------------------------------------------------------

@login_required
@permission_required("learning.view_learningsession", raise_exception=True)
def session_list(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/session_list.html", {
        "sessions": selectors.sessions_for(request.user).prefetch_related("lessons"),
        "can_add": request.user.has_perm("learning.add_learningsession"),
    })


def _session_form(request: HttpRequest, instance=None) -> LearningSessionForm:
    return LearningSessionForm(request.POST or None, instance=instance,
                               programme_areas=selectors.programme_areas_across(request.user),
                               practices=selectors.interventions_for(request.user))


@login_required
@permission_required("learning.add_learningsession", raise_exception=True)
def session_create(request: HttpRequest) -> HttpResponse:
    form = _session_form(request)
    if request.method == "POST" and form.is_valid():
        session = services.save_session(
            form.save(commit=False), form.cleaned_data["practices"],
            form.cleaned_data["programme_areas"], user=request.user, request=request)
        messages.success(request, _("The session was saved."))
        return redirect("learning:session", pk=session.pk)
    return render(request, "learning/form.html", {"form": form, "title": _("New session")})


@login_required
@permission_required("learning.view_learningsession", raise_exception=True)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
    form = LessonForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("learning.add_lessonlearned"):
            raise PermissionDenied
        if form.is_valid():
            services.add_lesson(session, form.cleaned_data["text"], user=request.user,
                                request=request)
            messages.success(request, _("The lesson was added."))
            return redirect("learning:session", pk=session.pk)
    visible = selectors.programme_areas_across(request.user)
    return render(request, "learning/session_detail.html", {
        "session": session, "form": form, "lessons": session.lessons.select_related(
            "intervention"),
        "practices": session.practices.all(),
        "areas": session.programme_areas.filter(pk__in=visible).select_related("municipality"),
        "can_add_lesson": request.user.has_perm("learning.add_lessonlearned"),
        "can_turn": request.user.has_perm("learning.add_intervention"),
    })


@login_required
@permission_required("learning.add_intervention", raise_exception=True)
def lesson_to_practice(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(LessonLearned.objects.filter(
        session__in=selectors.sessions_for(request.user)), pk=pk)
    if lesson.intervention_id is not None:
        messages.info(request, _("This lesson is already a practice."))
        return redirect("learning:practice", slug=lesson.intervention.slug)
    form = InterventionForm(request.POST or None, initial={
        "name": lesson.text[:80], "summary": lesson.text, "goal": lesson.text})
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.turn_into_practice(
                lesson, form.save(commit=False), user=request.user, request=request)
        except services.LessonAlreadyPractice:
            messages.error(request, _("Someone turned this lesson into a practice first."))
            return redirect("learning:session", pk=lesson.session_id)
        messages.success(request, _("The lesson is now a practice."))
        return redirect("learning:practice", slug=intervention.slug)
    return render(request, "learning/form.html", {
        "form": form, "title": _("Turn a lesson into a practice"), "lesson": lesson})


