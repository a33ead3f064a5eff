"""Red team, regie intervention: a case escalation is sent to an account that may no
longer see the case.

``rules._agreement_overdue`` names ``agreement.plan.director`` as the escalation's owner
without asking whether that user is still active (the measure and area rules filter
``is_active=True``); ``services_intervention._notify`` then writes the in-app
notification ("Agreement A-.. of case C-.. is .. days overdue") and e-mails it. A case
director whose account was deactivated (left the organisation) keeps receiving the
case's escalations by e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from wijkregie.regie import services_intervention as services
from wijkregie.regie.models_intervention import Agreement, CasePlan, Escalation, Notification

pytestmark = pytest.mark.django_db


def test_deactivated_director_gets_no_case_escalation(demo, django_capture_on_commit_callbacks):
    plan = CasePlan.objects.select_related("case", "director").first()
    director = plan.director
    director.email = director.email or "oud-casusregisseur@example.org"
    director.is_active = False  # left the organisation
    director.save(update_fields=["email", "is_active"])
    today = timezone.localdate()
    agreement = Agreement.objects.create(plan=plan, description="Nieuwe afspraak (red team)",
                                         owner=plan.case.lead_organisation,
                                         due_on=today - timedelta(days=40))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate(municipality=plan.case.municipality, today=today)
    # Only the agreement rule's key: ":<pk>:" alone also matches e.g. a signal-band rule.
    escalation = Escalation.objects.get(dedup_key__startswith="agreement_overdue:",
                                        dedup_key__contains=f":{agreement.pk}:")
    assert director not in escalation.owners.all()
    assert not Notification.objects.filter(user=director, escalation=escalation).exists()
    assert all(director.email not in m.to for m in mail.outbox)
