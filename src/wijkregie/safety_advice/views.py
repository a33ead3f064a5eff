"""Pages of the safety adviser: the list, one advice, sign-off, the PDF and the photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.safety_advice import follow_up, photo_files, regie_link, selectors, services
from wijkregie.safety_advice.models import AdviceStatus, PlanPhase
from wijkregie.safety_advice.pdf import advice_pdf
from wijkregie.safety_advice.rating import BAND_LABELS
from wijkregie.safety_advice.templates import item_labels, items

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
    by_key = item_labels(advice.request.template.definition)
    rounds = [(scan, photo_files.round_photos(list(scan.scores.all()), by_key))
              for scan in advice.rounds.prefetch_related("scores__photos")]
    audit.record(AuditAction.VIEW, actor=request.user, request=request, obj=advice)
    return render(request, "safety_advice/detail.html", {
        "advice": advice, "rating": rating,
        "band": BAND_LABELS.get(rating.band, ""),
        "themes": [(labels[k], v) for k, v in rating.themes.items()],
        "items": items(advice.request.template.definition),
        "versions": advice.request.advices.order_by("version"),
        "changes": follow_up.score_changes(advice),
        "rounds": rounds,
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


def _image_response(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # Media are not public: only this user's browser keeps a copy.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of an advice the user may see (as the advice's own page)."""
    shot = get_object_or_404(selectors.photos(request.user), pk=pk)
    # The photo itself is audited like the advice's page; its thumbnails, shown on pages
    # whose reads are recorded there, are not (one event per image would drown the log).
    audit.record(AuditAction.VIEW, actor=request.user, request=request, obj=shot)
    try:
        return _image_response(photo_files.stored_bytes(shot), photo_files.content_type(shot))
    except photo_files.PhotoUnavailable as exc:
        raise Http404(_("The photo's file cannot be read.")) from exc


@login_required
@permission_required(VIEW, raise_exception=True)
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    shot = get_object_or_404(selectors.photos(request.user), pk=pk)
    try:
        return _image_response(photo_files.thumbnail(shot), photo_files.content_type(shot))
    except photo_files.PhotoUnavailable as exc:
        raise Http404(_("The photo's file cannot be read.")) from exc
