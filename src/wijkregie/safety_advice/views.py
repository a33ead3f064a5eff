"""Pages of the safety adviser: the list, one advice, sign-off and the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.safety_advice import follow_up, regie_link, selectors, services
from wijkregie.safety_advice.models import AdviceStatus, PlanPhase
from wijkregie.safety_advice.pdf import advice_pdf
from wijkregie.safety_advice.rating import BAND_LABELS
from wijkregie.safety_advice.templates import items

VIEW = "safety_advice.view_advice"


@login_required
@permission_required(VIEW, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    mine = selectors.current_advices(request.user)
    municipality = request.user.municipality_id
    return render(request, "safety_advice/index.html", {
        "advices": mine,
        "overdue": follow_up.overdue_conditions(municipality) if municipality else [],
        "proposals": regie_link.intake_proposals(municipality) if municipality else []})


@login_required
@permission_required(VIEW, raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    advice = get_object_or_404(selectors.advices(request.user), pk=pk)
    rating = selectors.advice_rating(advice)
    labels = {t["key"]: t["label"] for t in advice.request.template.definition["themes"]}
    audit.record(AuditAction.VIEW, actor=request.user, request=request, obj=advice)
    return render(request, "safety_advice/detail.html", {
        "advice": advice, "rating": rating,
        "band": BAND_LABELS.get(rating.band, ""),
        "themes": [(labels[k], v) for k, v in rating.themes.items()],
        "items": items(advice.request.template.definition),
        "versions": advice.request.advices.order_by("version"),
        "changes": follow_up.score_changes(advice),
        "rounds": advice.rounds.prefetch_related("scores__photos"),
        "may_edit": advice.status == AdviceStatus.DRAFT,
        "phases": [(v, label) for v, label in PlanPhase.choices if v != advice.plan_phase],
        "may_sign": advice.status == AdviceStatus.SUBMITTED
        and advice.author_id != request.user.pk
        and not advice.content_editors.filter(pk=request.user.pk).exists()})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    advice = get_object_or_404(selectors.advices(request.user), pk=pk)
    try:
        seen = int(request.POST.get("row_version", advice.row_version))
        services.sign_off(user=request.user, advice=advice, seen_version=seen)
    except services.AdviceChangedMeanwhile as exc:
        messages.error(request, exc.messages[0])
        return redirect("safety_advice:detail", pk=pk)
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("safety_advice:detail", pk=pk)
    messages.success(request, _("The advice is signed off and final."))
    return redirect("safety_advice:detail", pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    advice = get_object_or_404(selectors.advices(request.user), pk=pk)
    audit.record(AuditAction.EXPORT, actor=request.user, request=request, obj=advice)
    response = HttpResponse(advice_pdf(advice), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="veiligheidsadvies-{advice.request_id}-v{advice.version}.pdf"')
    return response
