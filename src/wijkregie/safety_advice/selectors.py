"""Reads for the safety advice, scoped to the user's municipality."""

from __future__ import annotations

from django.db.models import QuerySet

from wijkregie.core.models import User
from wijkregie.core.scoping import scope_to_municipality
from wijkregie.safety_advice.models import Advice, AdviceStatus, Photo
from wijkregie.safety_advice.rating import Rating, rate


def advices(user: User) -> QuerySet[Advice]:
    """The advices of the user's municipality (every version)."""
    if not user.has_perm("safety_advice.view_advice"):
        return Advice.objects.none()
    return scope_to_municipality(Advice.objects.select_related("request", "author"), user,
                                 field="request__municipality")


def photos(user: User) -> QuerySet[Photo]:
    """The photos of the advices the user may see (as :func:`advices`)."""
    return Photo.objects.filter(score__round__advice__in=advices(user)).select_related(
        "score__round__advice__request__template")


def current_advices(user: User) -> QuerySet[Advice]:
    return advices(user).exclude(status=AdviceStatus.SUPERSEDED).order_by("request__due_date")


def rounds_as_entered(advice: Advice) -> list[dict[str, dict]]:
    return [{s.item_key: {"value": s.value, "na": s.not_applicable, "note": s.note}
             for s in scan.scores.all()} for scan in advice.rounds.prefetch_related("scores")]


def advice_rating(advice: Advice) -> Rating:
    return rate(advice.request.template.definition, rounds_as_entered(advice))
