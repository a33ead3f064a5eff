"""The adviser's work in the browser: intake, scan rounds (kept offline by
static/wijkregie/scan-offline.js), photos, the advice text with its conditions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.regie.forms import apply_errors
from wijkregie.safety_advice import photo_files, selectors, services
from wijkregie.safety_advice.forms import (
    AdviceForm,
    ConditionForm,
    IntakeForm,
    PhotoForm,
    RoundForm,
    scan_fields,
    scan_scores,
)
from wijkregie.safety_advice.models import (
    AdviceStatus,
    Condition,
    ItemScore,
    MandatoryRule,
    ScanRound,
    Trigger,
)
from wijkregie.safety_advice.rating import propose_recommendations
from wijkregie.safety_advice.templates import item_labels, items
from wijkregie.signals.geocoding import buurt_features

VIEW = "safety_advice.view_advice"
PRIORITIES = ("high", "medium", "low")


def _rule_text(municipality_id: int) -> str:
    rule = MandatoryRule.objects.filter(municipality_id=municipality_id).first()
    if rule is None or not rule.triggers:
        return _("Your municipality has no rule of mandatory advices.")
    labels = ", ".join(str(Trigger(t).label) for t in rule.triggers if t in Trigger.values)
    return _("An advice is mandatory for: %(triggers)s (from a plan surface of %(m2)s m²).") % {
        "triggers": labels, "m2": f"{rule.min_surface_m2:,.0f}".replace(",", ".")}


@login_required
@permission_required(VIEW, raise_exception=True)
def intake(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"trigger": request.GET.get("trigger", ""),
               "hotspot_location": request.GET.get("location") or None}
    form = IntakeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice = services.create_request(
                user=user, title=data["title"], trigger=data["trigger"],
                requester=data["requester"], plan_phase=data["plan_phase"],
                due_date=data["due_date"], template=data["template"], area=data["area"],
                geometry=data["geometry"], hotspot_location=data["hotspot_location"],
                intent=data["intent"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if advice.request.mandatory:
                messages.warning(request, _("This request needs a mandatory advice under "
                                            "your municipality's rule."))
            messages.success(request, _("The request is registered; the desk analysis is "
                                        "pre-filled."))
            return redirect("safety_advice:detail", pk=advice.pk)
    return render(request, "safety_advice/intake.html", {
        "form": form, "rule_text": _rule_text(user.municipality_id),
        "buurten": buurt_features(user.municipality)},
        status=400 if request.method == "POST" else 200)


def _draft(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(selectors.advices(request.user), pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    """A new scan round. The form's token makes a resend (kept in the browser while the
    connection was down) land on the round saved the first time."""
    advice = _draft(request, pk)
    definition = advice.request.template.definition
    data = request.POST if request.method == "POST" else None
    form = RoundForm(data, initial={"client_token": uuid.uuid4().hex})
    item_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            scan_round = services.add_round(
                user=request.user, advice=advice, time_of_day=form.cleaned_data["time_of_day"],
                weather=form.cleaned_data["weather"], walked_on=form.cleaned_data["walked_on"],
                scores=scan_scores(definition, request.POST),
                client_token=form.cleaned_data["client_token"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                keys = {item["key"] for _t, item in items(definition)}
                item_errors = {k: " ".join(exc.message_dict[k]) for k in exc.message_dict
                               if k in keys}
            apply_errors(form, exc)
        else:
            messages.success(request, _("Scan round saved."))
            return redirect("safety_advice:photos", pk=scan_round.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "safety_advice/scan.html", {
        "advice": advice, "form": form, "themes": scan_fields(definition, data),
        "item_errors": item_errors, "may_enter": advice.status == AdviceStatus.DRAFT},
        status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def photos(request: HttpRequest, pk: int) -> HttpResponse:
    scan_round = get_object_or_404(ScanRound.objects.filter(
        advice__in=selectors.advices(request.user)).select_related("advice__request__template"),
        pk=pk)
    definition = scan_round.advice.request.template.definition
    labels = item_labels(definition)
    choices = [(key, labels[key]) for key in labels]
    form = PhotoForm(request.POST or None, request.FILES or None, item_choices=choices)
    if request.method == "POST" and form.is_valid():
        score = get_object_or_404(ItemScore, round=scan_round, item_key=form.cleaned_data["item"])
        try:
            services.add_photo(user=request.user, score=score, upload=form.cleaned_data["image"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Photo added to %(item)s.") % {
                "item": labels[score.item_key]})
            return redirect("safety_advice:photos", pk=scan_round.pk)
    scores = list(scan_round.scores.prefetch_related("photos"))
    # The page shows every photo's thumbnail: its read is recorded here, once.
    audit.record(AuditAction.VIEW, actor=request.user, request=request, obj=scan_round)
    return render(request, "safety_advice/photos.html", {
        "round": scan_round, "advice": scan_round.advice, "form": form,
        "scores": photo_files.described(scores, labels)},
        status=400 if request.method == "POST" else 200)


def _field_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [" ".join(messages_) for messages_ in exc.message_dict.values()]


def _recommendations(post: Any) -> list[dict[str, Any]]:
    """The edited rows rec-N-*; a row with its text emptied is dropped."""
    rows = []
    for n in range(int(post.get("rec-count", 0) or 0) + 1):
        text = post.get(f"rec-{n}-text", "").strip()
        if not text:
            continue
        priority = post.get(f"rec-{n}-priority", "medium")
        rows.append({"item": post.get(f"rec-{n}-item", ""), "text": text,
                     "priority": priority if priority in PRIORITIES else "medium",
                     "quick_win": bool(post.get(f"rec-{n}-quick_win"))})
    return rows


@login_required
@permission_required(VIEW, raise_exception=True)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The advice text, recommendations and verdict; conditions; submit for sign-off."""
    advice = _draft(request, pk)
    form = AdviceForm(request.POST if "save" in request.POST or "submit" in request.POST
                      else None, initial={
                          "desk_text": advice.desk_text, "alternatives": advice.alternatives,
                          "implementation": advice.implementation, "verdict": advice.verdict,
                          "row_version": advice.row_version})
    condition_form = ConditionForm(request.POST if "add_condition" in request.POST else None)
    recommendations = advice.recommendations
    try:
        if "propose" in request.POST:
            proposed = propose_recommendations(selectors.advice_rating(advice))
            services.update_advice(user=request.user, advice=advice,
                                   seen_version=int(request.POST.get("row_version", -1)),
                                   recommendations=proposed)
            messages.success(request, _("Recommendations proposed from the worst items."))
            return redirect("safety_advice:edit", pk=pk)
        if "add_condition" in request.POST and condition_form.is_valid():
            services.add_condition(user=request.user, advice=advice,
                                   **condition_form.cleaned_data)
            messages.success(request, _("Condition added."))
            return redirect("safety_advice:edit", pk=pk)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            recommendations = _recommendations(request.POST)
            advice = services.update_advice(
                user=request.user, advice=advice, seen_version=data["row_version"],
                desk_text=data["desk_text"], alternatives=data["alternatives"],
                implementation=data["implementation"], verdict=data["verdict"],
                recommendations=recommendations)
            if "submit" in request.POST:
                try:
                    services.submit(user=request.user, advice=advice)
                except ValidationError as exc:  # the edits are saved; say what is missing
                    messages.error(request, "; ".join(_field_messages(exc)))
                    return redirect("safety_advice:edit", pk=pk)
                messages.success(request, _("The advice is submitted for sign-off by a "
                                            "second adviser."))
                return redirect("safety_advice:detail", pk=pk)
            messages.success(request, _("The advice is saved."))
            return redirect("safety_advice:edit", pk=pk)
    except services.AdviceChangedMeanwhile as exc:
        messages.error(request, exc.messages[0])
        return redirect("safety_advice:edit", pk=pk)
    except ValidationError as exc:
        apply_errors(condition_form if "add_condition" in request.POST else form, exc)
    return render(request, "safety_advice/edit.html", {
        "advice": advice, "form": form, "condition_form": condition_form,
        "recommendations": recommendations, "priorities": PRIORITIES,
        "may_edit": advice.status == AdviceStatus.DRAFT},
        status=400 if request.method == "POST" else 200)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def condition_status(request: HttpRequest, pk: int) -> HttpResponse:
    condition = get_object_or_404(Condition.objects.filter(
        advice__in=selectors.advices(request.user)), pk=pk)
    try:
        services.set_condition_status(user=request.user, condition=condition,
                                      status=request.POST.get("status", ""),
                                      reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Condition updated."))
    return redirect("safety_advice:detail", pk=condition.advice_id)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A new plan phase: a new draft version; the final one stays readable."""
    advice = _draft(request, pk)
    try:
        fresh = services.new_version(user=request.user, advice=advice,
                                     plan_phase=request.POST.get("plan_phase", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(_field_messages(exc)))
        return redirect("safety_advice:detail", pk=pk)
    messages.success(request, _("Version %(v)d made for the new plan phase.") % {
        "v": fresh.version})
    return redirect("safety_advice:detail", pk=fresh.pk)
