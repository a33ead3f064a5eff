"""Reads of escalations and case plans, scoped to the user; case plans as the case."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from wijkregie.core.models import AuditAction, User
from wijkregie.regie.models_intervention import (
    CLOSED,
    CasePlan,
    Escalation,
    EscalationRule,
    Notification,
)
from wijkregie.signals import selectors as signal_selectors


def escalations_for(user: User) -> QuerySet[Escalation]:
    """Area escalations of the user's municipality for those who may see escalations;
    a case's escalation only to who may see the case (need-to-know)."""
    if not (user.is_authenticated and user.municipality_id
            and user.has_perm("regie.view_escalation")):
        return Escalation.objects.none()
    cases = signal_selectors.cases_for(user).values("pk")
    return Escalation.objects.filter(municipality_id=user.municipality_id).filter(
        Q(case__isnull=True) | Q(case__in=cases))


def rules_for(user: User) -> QuerySet[EscalationRule]:
    """The escalation rules of the user's municipality, for those who may see rules
    (seeing an escalation one is an owner of is not enough)."""
    if not (user.is_authenticated and user.municipality_id
            and user.has_perm("regie.view_escalationrule")):
        return EscalationRule.objects.none()
    return EscalationRule.objects.filter(municipality_id=user.municipality_id).select_related(
        "programme_area")


def needs_attention(user: User) -> list[Escalation]:
    return list(escalations_for(user).exclude(state=CLOSED)
                .select_related("programme_area", "rule").order_by("deadline", "-raised_at"))


def get_escalation(user: User, pk: int, *, request: HttpRequest | None = None,
                   audited: bool = False) -> Escalation:
    """One escalation; ``audited``: the read of a case's escalation (need-to-know as the
    case) is audited like the read of its case plan."""
    try:
        escalation = escalations_for(user).select_related(
            "programme_area", "rule", "case").get(pk=pk)
    except Escalation.DoesNotExist as exc:
        raise Http404 from exc
    if audited and escalation.case_id is not None:
        signal_selectors.audit_read(
            AuditAction.VIEW, user=user, request=request, purpose=escalation.case.purpose,
            object_type="regie.escalation", object_id=escalation.pk, subject_refs=[],
            detail={"case": escalation.case_id})
    return escalation


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user) if user.is_authenticated else (
        Notification.objects.none())


def get_case_plan(user: User, case_pk: int, *, request: HttpRequest | None = None
                  ) -> tuple[CasePlan | None, object]:
    """The case (through the signals case selector: participants under the covenant only,
    the read audited) and its plan, whose read is audited as well."""
    if not user.has_perm("regie.view_caseplan"):
        signal_selectors.deny(user, request, "regie.caseplan")
    case, _signals = signal_selectors.get_case(user, case_pk, request=request, audited=False)
    plan = CasePlan.objects.filter(case=case).select_related("director").first()
    agreements = list(plan.agreements.select_related("owner")) if plan else []
    signal_selectors.audit_read(
        AuditAction.VIEW, user=user, request=request, purpose=case.purpose,
        object_type="regie.caseplan", object_id=case.pk, subject_refs=[],
        detail={"case": case.pk, "agreements": [a.pk for a in agreements]})
    return plan, case
