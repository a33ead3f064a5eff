"""Red team, regie intervention: escalations outside their holders' reach.

1. A case director moves an *area* escalation (a hot spot or signal-band escalation of a
   programme area, no case) up the administrative ladder. roles.py gives case
   directors ``regie.change_escalation`` to "move case escalations";
   ``services_intervention.may_direct`` checks only the municipality and that
   permission, so the case director takes area decisions reserved for the area director.
2. The escalation of a case (its reason names case and agreement, its evidence the days
   overdue) is need-to-know as the case, but ``views_intervention.escalation_detail``
   reads it without an audit record, unlike the case plan it links to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wijkregie.core.models import AuditEvent, User
from wijkregie.regie.models_intervention import CLOSED, Escalation

pytestmark = pytest.mark.django_db


def _escalation(municipality, *, case) -> Escalation:
    existing = (Escalation.objects.filter(municipality=municipality, case=case)
                if case is not None else
                Escalation.objects.filter(municipality=municipality, case__isnull=True))
    found = existing.exclude(state=CLOSED).first()
    if found is not None:
        return found
    return Escalation.objects.create(
        municipality=municipality, dedup_key=f"redteam:{case.pk if case else 'area'}",
        case=case, reason="red team", evidence={"numbers": {"n": 1}},
        state="casusoverleg", raised_at=timezone.now())


def test_case_director_cannot_move_an_area_escalation(demo, login):
    director = User.objects.get(username="casusregisseur")
    escalation = _escalation(director.municipality, case=None)
    before = (escalation.state, escalation.version)
    response = login("casusregisseur").post(f"/regie/escalations/{escalation.pk}/", {
        "action": "escalate", "decision": "Naar de stuurgroep",
        "new_deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "version": escalation.version})
    escalation.refresh_from_db()
    assert (escalation.state, escalation.version) == before
    assert response.status_code in (403, 404)


def test_reading_a_case_escalation_is_audited(demo, login):
    from wijkregie.regie.models_intervention import CasePlan

    director = User.objects.get(username="casusregisseur")
    plan = CasePlan.objects.filter(case__municipality=director.municipality).first()
    escalation = _escalation(director.municipality, case=plan.case)
    seen = max(AuditEvent.objects.values_list("seq", flat=True), default=0)
    response = login("casusregisseur").get(f"/regie/escalations/{escalation.pk}/")
    assert response.status_code == 200
    assert f"C-{plan.case_id}" in response.content.decode() or escalation.reason == "red team"
    new = list(AuditEvent.objects.filter(actor=director, seq__gt=seen))
    assert any(e.action == "view" and (e.object_type in ("regie.escalation", "regie.caseplan",
                                                         "signals.case"))
               for e in new), [(e.action, e.object_type) for e in new]
