"""Pages of the plan of approach: index, plan, goal, measure with its updates, overview."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.areas.selectors import programme_areas_for
from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.regie import reports, selectors, services
from wijkregie.regie.forms import (
    GoalEditForm,
    GoalForm,
    MeasureEditForm,
    MeasureForm,
    PlanEditForm,
    apply_errors,
)
from wijkregie.regie.models import MeasureStatus, Plan, UpdateStatus

VIEW = "regie.view_plan"


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {' '.join(str(m) for e in errs for m in e.messages)}"
                for name, errs in error.error_dict.items()]
    return list(error.messages)


@login_required
@permission_required(VIEW, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    plans = list(selectors.plans_for(user))  # type: ignore[arg-type]
    with_plan = {p.programme_area_id for p in plans}
    without = [a for a in programme_areas_for(user)  # type: ignore[arg-type]
               if a.pk not in with_plan] if user.has_perm("regie.edit_plan") else []
    return render(request, "regie/index.html", {"plans": plans, "without_plan": without})


@login_required
@permission_required("regie.edit_plan", raise_exception=True)
@require_POST
def create_plan(request: HttpRequest) -> HttpResponse:
    areas = programme_areas_for(request.user)  # type: ignore[arg-type]
    area = areas.filter(pk=request.POST.get("programme_area") or 0).first()
    if area is None:
        messages.error(request, _("programme area: choose one of your programme areas"))
        return redirect("regie:index")
    try:
        plan = services.create_plan(user=request.user,  # type: ignore[arg-type]
                                    programme_area=area,
                                    title=request.POST.get("title") or
                                    _("Plan of approach %(area)s") % {"area": area.name})
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("regie:index")
    return redirect("regie:plan", plan.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk, request)  # type: ignore[arg-type]
    return render(request, "regie/plan.html", {
        "plan": plan, "blocks": selectors.pillar_blocks(request.user, plan),  # type: ignore[arg-type]
        "measures": selectors.measure_rows(plan),
        "may_edit": services.may_edit(request.user, plan)})  # type: ignore[arg-type]


@login_required
@permission_required(VIEW, raise_exception=True)
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk, request)  # type: ignore[arg-type]
    blocks = selectors.pillar_blocks(request.user, plan)  # type: ignore[arg-type]
    rows = selectors.measure_rows(plan)
    lights: dict[str, int] = {}
    for block in blocks:
        for row in block.goals:
            lights[row.progress.light] = lights.get(row.progress.light, 0) + 1
    return render(request, "regie/overview.html", {
        "plan": plan, "blocks": blocks, "measures": rows, "lights": lights,
        "overdue": [r for r in rows if r.overdue],
        "awaiting": sum(r.awaiting for r in rows)})


@login_required
@permission_required(VIEW, raise_exception=True)
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal(request.user, pk, request)  # type: ignore[arg-type]
    progress = services.goal_progress(request.user, goal)  # type: ignore[arg-type]
    return render(request, "regie/goal.html", {
        "goal": goal, "plan": goal.plan, "progress": progress,
        "milestones": list(goal.milestones.all()), "measures": list(goal.measures.all()),
        "may_edit": services.may_edit(request.user, goal.plan)})  # type: ignore[arg-type]


@login_required
@permission_required(VIEW, raise_exception=True)
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    measure = selectors.get_measure(user, pk, request)  # type: ignore[arg-type]
    return render(request, "regie/measure.html", {
        "measure": measure, "plan": measure.plan,
        "updates": list(measure.updates.select_related("submitted_by", "approved_by")),
        "may_submit": services.may_submit(user, measure),  # type: ignore[arg-type]
        "may_approve": services.may_approve(user, measure),  # type: ignore[arg-type]
        "may_edit": services.may_edit(user, measure.plan),  # type: ignore[arg-type]
        "overdue": services.measure_overdue(measure),
        "statuses": MeasureStatus.choices, "editable": services.EDITABLE,
        "UpdateStatus": UpdateStatus})


def _update_fields(request: HttpRequest) -> dict[str, object]:
    spending_text = (request.POST.get("spending") or "").strip().replace(".", "").replace(
        ",", ".")
    try:
        spending = Decimal(spending_text) if spending_text else None
    except InvalidOperation:
        raise ValidationError({"spending": _("enter an amount in euros, e.g. 1.250,00")}) \
            from None
    return {"measure_status": request.POST.get("measure_status") or MeasureStatus.RUNNING,
            "deliverables_done": request.POST.get("deliverables_done", ""),
            "spending": spending, "narrative": request.POST.get("narrative", "")}


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError({name: _("enter a whole number")}) from None


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.get_measure(request.user, pk, request)  # type: ignore[arg-type]
    try:
        services.create_update(user=request.user, measure=measure,  # type: ignore[arg-type]
                               year=_int(request, "year"), quarter=_int(request, "quarter"),
                               **_update_fields(request))
        messages.success(request, _("Draft update saved."))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return redirect("regie:measure", measure.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def update_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft, or move an update along the transition table (submit, approve,
    return); a stale version is refused with 409 and a message."""
    update = selectors.get_update(request.user, pk, request)  # type: ignore[arg-type]
    action = request.POST.get("action", "")
    try:
        version = _int(request, "version")
        if action == "edit":
            services.edit_update(user=request.user, update=update,  # type: ignore[arg-type]
                                 version=version, **_update_fields(request))
            messages.success(request, _("Update saved."))
        else:
            services.transition_update(user=request.user, update=update,  # type: ignore[arg-type]
                                       to_status=action, version=version,
                                       note=request.POST.get("note", ""))
            messages.success(request, _("Update is now %(status)s.") % {
                "status": UpdateStatus(action).label})
    except services.ChangedMeanwhile as error:
        messages.error(request, " ".join(error.messages))
        response = redirect("regie:measure", update.measure_id)
        response.status_code = 409
        return response
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    except PermissionDenied:
        raise
    return redirect("regie:measure", update.measure_id)


def _download(request: HttpRequest, plan: object, content: bytes, suffix: str,
              content_type: str) -> HttpResponse:
    audit.record(AuditAction.EXPORT, request=request, obj=plan,  # type: ignore[arg-type]
                 purpose="plan of approach report", detail={"format": suffix})
    name = f"{slugify(str(plan)) or 'plan'}.{suffix}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _period(request: HttpRequest) -> tuple[int | None, int | None]:
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
        quarter = int(request.GET["quarter"]) if request.GET.get("quarter") else None
    except ValueError:
        return None, None
    return year, quarter


@login_required
@permission_required(VIEW, raise_exception=True)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk, request)  # type: ignore[arg-type]
    year, quarter = _period(request)
    content = reports.plan_pdf(request.user, plan, year=year, quarter=quarter)  # type: ignore[arg-type]
    return _download(request, plan, content, "pdf", "application/pdf")


@login_required
@permission_required(VIEW, raise_exception=True)
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk, request)  # type: ignore[arg-type]
    content = reports.plan_xlsx(request.user, plan)  # type: ignore[arg-type]
    return _download(request, plan, content, "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _editable(request: HttpRequest, plan: Plan) -> Plan:
    """The plan, if this user may change it (its municipality's director)."""
    if not services.may_edit(request.user, plan):  # type: ignore[arg-type]
        raise PermissionDenied
    return plan


@login_required
@permission_required("regie.edit_plan", raise_exception=True)
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable(request, selectors.get_plan(request.user, pk, request))  # type: ignore[arg-type]
    form = GoalForm(request.POST or None, user=request.user, plan=plan)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        milestones = data.pop("milestones")
        try:
            goal = services.create_goal(user=request.user, plan=plan,  # type: ignore[arg-type]
                                        milestones=milestones, **data)
            return redirect("regie:goal", goal.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "regie/form.html", {"plan": plan, "form": form,
                                               "heading": _("New goal")})


@login_required
@permission_required("regie.edit_plan", raise_exception=True)
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable(request, selectors.get_plan(request.user, pk, request))  # type: ignore[arg-type]
    form = MeasureForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.create_measure(user=request.user, plan=plan,  # type: ignore[arg-type]
                                              **form.cleaned_data)
            return redirect("regie:measure", measure.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "regie/form.html", {"plan": plan, "form": form,
                                               "heading": _("New measure")})


def _edit(request: HttpRequest, form: GoalEditForm | MeasureEditForm | PlanEditForm,
          plan: object, heading: str, save: object, redirect_to: str) -> HttpResponse:
    """The shared edit flow: the service checks the version, validates and audits in one
    transaction; bad input comes back on its field, a stale version with 409."""
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            obj = save(version=version, **data)  # type: ignore[operator]
            messages.success(request, _("Saved."))
            return redirect(redirect_to, obj.pk)
        except services.ChangedMeanwhile as error:
            form.add_error(None, error)
            status = 409
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "regie/form.html", {"plan": plan, "form": form,
                                               "heading": heading}, status=status)


@login_required
@permission_required("regie.edit_plan", raise_exception=True)
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal(request.user, pk, request)  # type: ignore[arg-type]
    _editable(request, goal.plan)
    form = GoalEditForm(request.POST or None, user=request.user, plan=goal.plan,
                        instance=goal)

    def save(version: int, milestones: list, **fields: object) -> object:
        return services.edit_goal(user=request.user, goal=goal,  # type: ignore[arg-type]
                                  version=version, milestones=milestones, **fields)
    return _edit(request, form, goal.plan, _("Edit goal"), save, "regie:goal")


@login_required
@permission_required("regie.edit_plan", raise_exception=True)
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.get_measure(request.user, pk, request)  # type: ignore[arg-type]
    _editable(request, measure.plan)
    form = MeasureEditForm(request.POST or None, plan=measure.plan, instance=measure)

    def save(version: int, **fields: object) -> object:
        return services.edit_measure(user=request.user, measure=measure,  # type: ignore[arg-type]
                                     version=version, **fields)
    return _edit(request, form, measure.plan, _("Edit measure"), save, "regie:measure")


@login_required
@permission_required("regie.edit_plan", raise_exception=True)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable(request, selectors.get_plan(request.user, pk, request))  # type: ignore[arg-type]
    form = PlanEditForm(request.POST or None, plan=plan)

    def save(version: int, **fields: object) -> object:
        return services.edit_plan(user=request.user, plan=plan,  # type: ignore[arg-type]
                                  version=version, **fields)
    return _edit(request, form, plan, _("Plan and traffic-light bands"), save, "regie:plan")
