"""Writes of intervention and case plans, each in one transaction and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, Organisation, User
from wijkregie.regie import ladder, rules
from wijkregie.regie.models_intervention import (
    Agreement,
    AgreementStatus,
    CasePlan,
    Escalation,
    EscalationRule,
    EscalationStep,
    Meeting,
    Notification,
)
from wijkregie.signals.models import Case

# --- rules and evaluation ------------------------------------------------------------

def create_rule(*, user: User | None, municipality: Municipality, name: str, kind: str,
                params: dict, programme_area=None, start_level: str = "casusoverleg"
                ) -> EscalationRule:
    """A rule with validated parameters; nothing saved when a parameter is refused."""
    if not name.strip():
        raise ValidationError({"name": _("a rule needs a name")})
    clean = rules.clean_params(kind, params, municipality)
    if programme_area is not None and programme_area.municipality_id != municipality.pk:
        raise ValidationError({"programme_area": _("the programme area is not of this "
                                                   "municipality")})
    with transaction.atomic():
        rule = EscalationRule.objects.create(municipality=municipality, name=name.strip(),
                                             kind=kind, params=clean,
                                             programme_area=programme_area,
                                             start_level=start_level)
        audit.record(AuditAction.CREATE, actor=user, obj=rule,
                     detail={"kind": kind, "params": clean})
    return rule


@dataclass
class EvaluationReport:
    rules: int = 0
    findings: int = 0
    raised: list[Escalation] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.rules} rules, {self.findings} findings, "
                f"{len(self.raised)} escalations raised")


def evaluate(*, municipality: Municipality | None = None, today: date | None = None,
             actor: User | None = None) -> EvaluationReport:
    """Evaluate the active rules; raise an escalation for each finding not raised before."""
    today = today or timezone.localdate()
    report = EvaluationReport()
    queryset = EscalationRule.objects.filter(active=True).select_related(
        "municipality", "programme_area")
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    cache: dict = {}
    for rule in queryset:
        evaluator = rules.EVALUATORS.get(rule.kind)
        if evaluator is None:
            continue
        report.rules += 1
        for finding in evaluator(rule, today, cache):
            report.findings += 1
            escalation = _raise(rule, finding, actor=actor)
            if escalation is not None:
                report.raised.append(escalation)
    return report


def _raise(rule: EscalationRule, finding: rules.Finding, *, actor: User | None
           ) -> Escalation | None:
    if Escalation.objects.filter(dedup_key=finding.key).exists():
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                municipality_id=rule.municipality_id, rule=rule, dedup_key=finding.key,
                programme_area=finding.programme_area, case_id=finding.case_id,
                reason=finding.reason[:500], evidence=finding.evidence,
                state=rule.start_level, raised_at=now)
            owners = ([owner for owner in finding.owners if owner.is_active]
                      or _area_directors(rule.municipality_id))
            escalation.owners.set(owners)
            EscalationStep.objects.create(escalation=escalation, at=now, actor=actor,
                                          action="raise", to_state=rule.start_level,
                                          decision=finding.reason[:500])
            audit.record(AuditAction.CREATE, actor=actor, obj=escalation,
                         detail={"rule": rule.pk, "key": finding.key})
            _notify(escalation, _("Escalation raised: %(reason)s") % {
                "reason": escalation.reason})
    except IntegrityError:  # raised by a concurrent evaluation meanwhile
        return None
    return escalation


def _area_directors(municipality_id: int) -> list[User]:
    return list(User.objects.filter(municipality_id=municipality_id, is_active=True,
                                    groups__name="gebiedsregisseur"))


def _notify(escalation: Escalation, text: str) -> None:
    """In-app notifications and an e-mail to each owner (Django's mail backend)."""
    url = reverse("regie:escalation", args=[escalation.pk])
    now = timezone.now()
    owners = list(escalation.owners.filter(is_active=True))  # never an inactive account
    Notification.objects.bulk_create([
        Notification(user=owner, escalation=escalation, text=text[:500], url=url,
                     created_at=now) for owner in owners])
    addresses = [owner.email for owner in owners if owner.email]
    if addresses:
        transaction.on_commit(lambda: send_mail(
            subject=_("Wijkregie: escalation E-%(pk)d") % {"pk": escalation.pk},
            message=f"{text}\n\n{url}", from_email=None, recipient_list=addresses,
            fail_silently=True))


# --- the ladder ----------------------------------------------------------------------

class EscalationChangedMeanwhile(ValidationError):
    """Another writer moved the escalation after this writer saw it."""


class AgreementChangedMeanwhile(ValidationError):
    """The agreement's status is no longer the one the writer saw (told apart from bad
    input by its type, not by its message, which is translated)."""


def may_direct(user: User, escalation: Escalation) -> bool:
    """Area directors (who keep the rules) move every escalation of their municipality;
    case directors only the escalations of cases they direct and may see."""
    from wijkregie.signals import selectors as signal_selectors

    if not (user.is_authenticated and user.municipality_id == escalation.municipality_id
            and user.has_perm("regie.change_escalation")):
        return False
    if user.has_perm("regie.change_escalationrule"):  # the area director's permission
        return True
    if escalation.case_id is None:  # an area escalation: the area director's decision
        return False
    case = Case.objects.filter(pk=escalation.case_id).only("director_id").first()
    return bool(case is not None and user.pk in _plan_directors(case)
                and signal_selectors.cases_for(user).filter(pk=case.pk).exists())


def move(*, user: User, escalation: Escalation, action: str, decision: str,
         new_deadline: date | None, expected_version: int) -> Escalation:
    """One move of the ladder table, for a writer who saw ``expected_version``; the row is
    locked and the version compared, so the second of two writers is told."""
    if not may_direct(user, escalation):
        raise PermissionDenied("regie.escalation")
    with transaction.atomic():
        current = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if current.version != expected_version:
            raise EscalationChangedMeanwhile(_(
                "someone else changed this escalation meanwhile; check it and try again"),
                code="conflict")
        target = ladder.TRANSITIONS.get((current.state, action))
        if target is None:
            raise ValidationError({"action": _("this escalation cannot %(action)s from "
                                               "%(state)s") % {"action": action,
                                                               "state": current.state}})
        if not decision.strip():
            raise ValidationError({"decision": _("record the decision taken")})
        if action in ladder.DEADLINE_REQUIRED and new_deadline is None:
            raise ValidationError({"new_deadline": _("set a new deadline")})
        if new_deadline is not None and new_deadline < timezone.localdate():
            raise ValidationError({"new_deadline": _("the new deadline is in the past")})
        previous = current.state
        current.state = target
        current.deadline = new_deadline if action != ladder.CLOSE else current.deadline
        current.version += 1
        current.save(update_fields=["state", "deadline", "version"])
        EscalationStep.objects.create(escalation=current, at=timezone.now(), actor=user,
                                      action=action, from_state=previous, to_state=target,
                                      decision=decision.strip(), new_deadline=new_deadline)
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     detail={"action": action, "from": previous, "to": target,
                             "deadline": new_deadline.isoformat() if new_deadline else ""})
        names = ladder.level_names(current.municipality_id)
        text = _("E-%(pk)d: %(action)s to %(level)s") % {
            "pk": current.pk, "action": ladder.ACTION_LABELS[action], "level": names[target]}
        if new_deadline:
            text += " — " + _("new deadline %(date)s") % {"date": new_deadline.strftime(
                "%d-%m-%Y")}
        _notify(current, text)
    return current


# --- case plans ----------------------------------------------------------------------

def _plan_directors(case: Case) -> set[int]:
    """The case's director (who alone changes the case, as in the signals app) and the
    director of its plan."""
    plan_director = (CasePlan.objects.filter(case_id=case.pk)
                     .values_list("director_id", flat=True).first())
    return {pk for pk in (case.director_id, plan_director) if pk is not None}


def may_keep_plan(user: User, case: Case) -> bool:
    """Only the plan's (or the case's) director, who may see the case, changes the plan;
    another case director of a participating partner reads it only."""
    from wijkregie.signals import selectors as signal_selectors

    return bool(user.is_authenticated and user.has_perm("regie.change_caseplan")
                and user.pk in _plan_directors(case)
                and signal_selectors.cases_for(user).filter(pk=case.pk).exists())


def _directed_plan(user: User, case: Case) -> None:
    if not may_keep_plan(user, case):
        raise PermissionDenied("regie.caseplan")


def open_plan(*, user: User, case: Case) -> CasePlan:
    """The case's plan, created with the case's director as its one director."""
    _directed_plan(user, case)
    with transaction.atomic():
        plan, created = CasePlan.objects.get_or_create(case=case,
                                                       defaults={"director": case.director})
        if created:
            audit.record(AuditAction.CREATE, actor=user, obj=plan, purpose=case.purpose)
    return plan


def add_agreement(*, user: User, plan: CasePlan, description: str, owner: Organisation | None,
                  due_on: date | None, meeting: Meeting | None = None) -> Agreement:
    _directed_plan(user, plan.case)
    if not description.strip():
        raise ValidationError({"description": _("describe the agreement")})
    if owner is None:
        raise ValidationError({"owner": _("choose the owning partner")})
    if due_on is None:
        raise ValidationError({"due_on": _("set a due date")})
    with transaction.atomic():
        agreement = Agreement.objects.create(plan=plan, description=description.strip(),
                                             owner=owner, due_on=due_on, meeting=meeting)
        audit.record(AuditAction.CREATE, actor=user, obj=agreement, purpose=plan.case.purpose,
                     detail={"case": plan.case_id, "due_on": due_on.isoformat()})
    return agreement


AGREEMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AgreementStatus.OPEN: (AgreementStatus.IN_PROGRESS, AgreementStatus.DONE),
    AgreementStatus.IN_PROGRESS: (AgreementStatus.DONE, AgreementStatus.OPEN),
    AgreementStatus.DONE: (AgreementStatus.IN_PROGRESS,),
}


def set_agreement_status(*, user: User, agreement: Agreement, to_status: str,
                         expected_status: str) -> Agreement:
    _directed_plan(user, agreement.plan.case)
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if current.status != expected_status:
            raise AgreementChangedMeanwhile(_(
                "someone else changed this agreement meanwhile; check it and try again"),
                code="conflict")
        if to_status not in AGREEMENT_TRANSITIONS.get(current.status, ()):
            raise ValidationError({"status": _("an agreement cannot go from %(a)s to %(b)s")
                                   % {"a": current.status, "b": to_status}})
        previous = current.status
        current.status = to_status
        current.done_at = timezone.now() if to_status == AgreementStatus.DONE else None
        current.save(update_fields=["status", "done_at"])
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     purpose=agreement.plan.case.purpose,
                     detail={"from": previous, "to": to_status})
    return current


def generate_agenda(user: User, plan: CasePlan, today: date | None = None) -> dict:
    """The next meeting's agenda: the case's signals (that the user may see) registered
    since the previous meeting, and the agreements overdue."""
    from wijkregie.signals import selectors as signal_selectors

    today = today or timezone.localdate()
    previous = plan.meetings.first()
    signals = signal_selectors.signals_for(user).filter(cases=plan.case)
    if previous is not None:
        signals = signals.filter(observed_on__gt=previous.held_on)
    overdue = [a for a in plan.agreements.select_related("owner") if a.days_overdue(today)]
    return {"since": previous.held_on.isoformat() if previous else "",
            "new_signals": sorted(signals.values_list("pk", flat=True)),
            "overdue_agreements": [{"id": a.pk, "owner": a.owner.name,
                                    "days_overdue": a.days_overdue(today)} for a in overdue]}


def record_meeting(*, user: User, plan: CasePlan, held_on: date | None, decisions: str,
                   new_agreements: list[tuple[str, Organisation, date]] = ()) -> Meeting:
    """A casusoverleg with its generated agenda, decisions and new agreements, at once."""
    _directed_plan(user, plan.case)
    if held_on is None:
        raise ValidationError({"held_on": _("set the date of the meeting")})
    if not decisions.strip():
        raise ValidationError({"decisions": _("record the decisions")})
    with transaction.atomic():
        meeting = Meeting.objects.create(plan=plan, held_on=held_on,
                                         agenda=generate_agenda(user, plan, held_on),
                                         decisions=decisions.strip(), created_by=user)
        for description, owner, due_on in new_agreements:
            add_agreement(user=user, plan=plan, description=description, owner=owner,
                          due_on=due_on, meeting=meeting)
        audit.record(AuditAction.CREATE, actor=user, obj=meeting, purpose=plan.case.purpose,
                     detail={"case": plan.case_id})
    return meeting
