"""Pages of intervention (needs attention, an escalation and its ladder) and case plans."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.core.models import Organisation
from wijkregie.regie import ladder
from wijkregie.regie import selectors_intervention as selectors
from wijkregie.regie import services_intervention as services
from wijkregie.regie.models_intervention import Agreement, AgreementStatus
from wijkregie.signals.views import personal


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{name}: {' '.join(str(m) for m in errs[0].messages)}"
                for name, errs in exc.error_dict.items()]
    return list(exc.messages)


@login_required
def needs_attention(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("regie.view_escalation"):
        raise PermissionDenied
    names = ladder.level_names(request.user.municipality_id or 0)
    return render(request, "regie/needs_attention.html", {
        "escalations": selectors.needs_attention(request.user), "names": names,
        "notifications": selectors.notifications_for(request.user)[:20],
        "rules": selectors.rules_for(request.user),
        "may_evaluate": request.user.has_perm("regie.add_escalationrule")})


@login_required
@require_POST
def evaluate_now(request: HttpRequest) -> HttpResponse:
    """The on-demand evaluation of the municipality's rules."""
    if not (request.user.has_perm("regie.add_escalationrule") and request.user.municipality):
        raise PermissionDenied
    report = services.evaluate(municipality=request.user.municipality, actor=request.user)
    messages.success(request, _("Rules evaluated: %(n)d escalations raised") % {
        "n": len(report.raised)})
    return redirect("regie:needs-attention")


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.get_escalation(request.user, pk, request=request, audited=True)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            services.move(user=request.user, escalation=escalation,
                          action=request.POST.get("action", ""),
                          decision=request.POST.get("decision", ""),
                          new_deadline=_date(request.POST.get("new_deadline", "")),
                          expected_version=int(request.POST.get("version") or 0))
            messages.success(request, _("Decision recorded."))
            return redirect("regie:escalation", pk=pk)
        except services.EscalationChangedMeanwhile as exc:
            errors, status = _errors(exc), 409
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        escalation = selectors.get_escalation(request.user, pk)
    names = ladder.level_names(escalation.municipality_id)
    return render(request, "regie/escalation_detail.html", {
        "escalation": escalation, "names": names,
        "steps": escalation.steps.select_related("actor"),
        "actions": [(a, ladder.ACTION_LABELS[a]) for a in ladder.allowed_actions(
            escalation.state)] if services.may_direct(request.user, escalation) else [],
        "errors": errors}, status=status)


def _owner(case, value: str) -> Organisation | None:  # type: ignore[no-untyped-def]
    """The owning partner: the lead organisation or a participant of the case."""
    allowed = {case.lead_organisation_id, *case.participants.values_list("pk", flat=True)}
    pk = int(value) if value.isdigit() else 0
    return Organisation.objects.filter(pk=pk).first() if pk in allowed else None


@personal
def case_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, case = selectors.get_case_plan(request.user, pk, request=request)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            form = request.POST.get("form", "")
            if plan is None or form == "open":
                plan = services.open_plan(user=request.user, case=case)
            if form == "agreement":
                services.add_agreement(
                    user=request.user, plan=plan, description=request.POST.get("description", ""),
                    owner=_owner(case, request.POST.get("owner", "")),
                    due_on=_date(request.POST.get("due_on", "")))
            elif form == "status":
                agreement = Agreement.objects.get(plan=plan, pk=request.POST.get("agreement"))
                services.set_agreement_status(user=request.user, agreement=agreement,
                                              to_status=request.POST.get("to_status", ""),
                                              expected_status=request.POST.get("from_status", ""))
            elif form == "meeting":
                services.record_meeting(user=request.user, plan=plan,
                                        held_on=_date(request.POST.get("held_on", "")),
                                        decisions=request.POST.get("decisions", ""))
            return redirect("regie:case-plan", pk=pk)
        except (ValidationError, Agreement.DoesNotExist, ValueError) as exc:
            errors = _errors(exc) if isinstance(exc, ValidationError) else [str(_("not found"))]
            status = 409 if isinstance(exc, services.AgreementChangedMeanwhile) else 400
    may_edit = services.may_keep_plan(request.user, case)
    return render(request, "regie/case_plan.html", {
        "case": case, "plan": plan, "errors": errors, "may_edit": may_edit,
        "agreements": list(plan.agreements.select_related("owner")) if plan else [],
        "meetings": list(plan.meetings.all()) if plan else [],
        "agenda": services.generate_agenda(request.user, plan) if plan else None,
        "owners": [case.lead_organisation, *case.participants.exclude(
            pk=case.lead_organisation_id)],
        "transitions": services.AGREEMENT_TRANSITIONS,
        "status_labels": dict(AgreementStatus.choices)}, status=status)
