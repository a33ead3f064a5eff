"""Case plans: need-to-know exactly as the case, every read audited; agreements and the
generated agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wijkregie.core.models import AuditEvent, User
from wijkregie.regie import services_intervention as services
from wijkregie.regie.models_intervention import Agreement, CasePlan
from wijkregie.signals.models import Case


@pytest.fixture
def plan(demo) -> CasePlan:
    plan = CasePlan.objects.select_related("case").get(case__municipality__code=User.objects.get(
        username="regisseur").municipality.code)
    return plan


def test_participant_sees_the_plan_and_the_read_is_audited(plan, login) -> None:
    before = AuditEvent.objects.filter(object_type="regie.caseplan").count()
    response = login("agent").get(f"/regie/cases/{plan.case_id}/plan/")
    assert response.status_code == 200
    assert "Huisbezoek en gesprek met bewoners (demo)" in response.content.decode()
    assert AuditEvent.objects.filter(object_type="regie.caseplan").count() == before + 1


def test_not_participating_organisation_gets_404(plan, login) -> None:
    case = plan.case
    police = User.objects.get(username="agent").organisation
    case.participants.remove(police)
    Case.objects.filter(pk=case.pk).update(lead_organisation=case.lead_organisation)
    response = login("agent").get(f"/regie/cases/{case.pk}/plan/")
    assert response.status_code == 404
    assert "Huisbezoek" not in response.content.decode()


@pytest.mark.parametrize("username", ["regisseur", "analist", "adviseur"])
def test_roles_without_personal_data_are_refused(plan, login, username) -> None:
    response = login(username).get(f"/regie/cases/{plan.case_id}/plan/")
    assert response.status_code in (403, 404)
    assert "Huisbezoek" not in response.content.decode()


def test_case_escalation_hidden_from_the_area_director(demo, login) -> None:
    from wijkregie.regie.models_intervention import Escalation

    case_escalations = Escalation.objects.filter(case__isnull=False)
    assert case_escalations.exists()  # raised by the demo's real evaluation
    page = login("regisseur").get("/regie/attention/").content.decode()
    for escalation in case_escalations:
        assert f">E-{escalation.pk}<" not in page
    area = Escalation.objects.filter(case__isnull=True, municipality__code=User.objects.get(
        username="regisseur").municipality.code).first()
    assert area is not None and f">E-{area.pk}<" in page


def test_partner_worker_may_read_but_not_write(plan) -> None:
    agent = User.objects.get(username="agent")
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        services.add_agreement(user=agent, plan=plan, description="x",
                               owner=agent.organisation, due_on=timezone.localdate())


def test_agenda_and_meeting(plan) -> None:
    director = plan.case.director
    agenda = services.generate_agenda(director, plan)
    overdue = [a["id"] for a in agenda["overdue_agreements"]]
    assert overdue == [a.pk for a in plan.agreements.all() if a.is_overdue] and overdue
    assert agenda["new_signals"]
    meeting = services.record_meeting(
        user=director, plan=plan, held_on=timezone.localdate(), decisions="besloten",
        new_agreements=[("nieuw", plan.case.lead_organisation,
                         timezone.localdate() + timedelta(days=7))])
    assert meeting.new_agreements.count() == 1
    with pytest.raises(ValidationError) as info:
        services.record_meeting(user=director, plan=plan, held_on=None, decisions="x")
    assert "held_on" in info.value.error_dict


def test_agreement_transitions(plan) -> None:
    director = plan.case.director
    agreement = Agreement.objects.filter(plan=plan, status="open").first()
    services.set_agreement_status(user=director, agreement=agreement, to_status="in_progress",
                                  expected_status="open")
    with pytest.raises(ValidationError):  # second writer who saw "open"
        services.set_agreement_status(user=director, agreement=agreement, to_status="done",
                                      expected_status="open")
    services.set_agreement_status(user=director, agreement=agreement, to_status="done",
                                  expected_status="in_progress")
    agreement.refresh_from_db()
    assert agreement.status == "done" and not agreement.is_overdue
    with pytest.raises(ValidationError) as info:
        services.set_agreement_status(user=director, agreement=agreement, to_status="open",
                                      expected_status="done")
    assert "status" in info.value.error_dict
