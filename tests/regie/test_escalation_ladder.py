"""The escalation ladder: every allowed and every forbidden move of its one table, the
version check, and the notifications to the owners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wijkregie.core.models import User
from wijkregie.regie import ladder
from wijkregie.regie import services_intervention as services
from wijkregie.regie.models_intervention import (
    CLOSED,
    Escalation,
    EscalationStep,
    LadderName,
    Level,
    Notification,
)

STATES = [*ladder.ORDER, CLOSED]
ACTIONS = list(ladder.ACTION_LABELS)
EXPECTED = {
    (Level.CASUSOVERLEG, "escalate"): Level.PROCESREGIE,
    (Level.PROCESREGIE, "escalate"): Level.STUURGROEP,
    (Level.STUURGROEP, "escalate"): Level.BURGEMEESTER,
    (Level.PROCESREGIE, "deescalate"): Level.CASUSOVERLEG,
    (Level.STUURGROEP, "deescalate"): Level.PROCESREGIE,
    (Level.BURGEMEESTER, "deescalate"): Level.STUURGROEP,
    **{(level, "decide"): level for level in ladder.ORDER},
    **{(level, "close"): CLOSED for level in ladder.ORDER},
    (CLOSED, "reopen"): Level.CASUSOVERLEG,
}


def _escalation(user: User, state: str) -> Escalation:
    escalation = Escalation.objects.create(
        municipality=user.municipality, dedup_key=f"test:{state}", reason="test",
        evidence={"numbers": {"n": 1}}, state=state, raised_at=timezone.now())
    escalation.owners.set([user])
    return escalation


def test_the_table_is_exactly_the_expected_one() -> None:
    assert ladder.TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in STATES for a in ACTIONS])
def test_every_move(demo, state: str, action: str) -> None:
    director = User.objects.get(username="regisseur")
    escalation = _escalation(director, state)
    deadline = timezone.localdate() + timedelta(days=10)
    call = {"user": director, "escalation": escalation, "action": action,
            "decision": "besloten", "new_deadline": deadline, "expected_version": 1}
    if (state, action) not in EXPECTED:
        with pytest.raises(ValidationError) as info:
            services.move(**call)
        assert "action" in info.value.error_dict
        escalation.refresh_from_db()
        assert (escalation.state, escalation.version) == (state, 1)
        assert not EscalationStep.objects.filter(escalation=escalation).exists()
        return
    moved = services.move(**call)
    assert moved.state == EXPECTED[(state, action)]
    assert moved.version == 2
    step = EscalationStep.objects.get(escalation=escalation)
    assert (step.actor, step.from_state, step.to_state, step.decision) == (
        director, state, moved.state, "besloten")
    assert step.new_deadline == deadline
    if action != "close":
        assert moved.deadline == deadline
    assert moved.colour == ladder.COLOURS[moved.state]


def test_colours_run_from_green_to_dark_red() -> None:
    assert [ladder.COLOURS[s] for s in (CLOSED, *ladder.ORDER)] == [
        "green", "yellow", "orange", "red", "darkred"]


def test_second_writer_is_told(demo) -> None:
    director = User.objects.get(username="regisseur")
    escalation = _escalation(director, Level.CASUSOVERLEG)
    deadline = timezone.localdate() + timedelta(days=5)
    services.move(user=director, escalation=escalation, action="escalate", decision="a",
                  new_deadline=deadline, expected_version=1)
    with pytest.raises(services.EscalationChangedMeanwhile):
        services.move(user=director, escalation=escalation, action="escalate",
                      decision="b", new_deadline=deadline, expected_version=1)
    escalation.refresh_from_db()
    assert escalation.state == Level.PROCESREGIE


def test_decision_and_deadline_are_required_and_named(demo) -> None:
    director = User.objects.get(username="regisseur")
    escalation = _escalation(director, Level.CASUSOVERLEG)
    with pytest.raises(ValidationError) as info:
        services.move(user=director, escalation=escalation, action="escalate", decision="",
                      new_deadline=timezone.localdate(), expected_version=1)
    assert "decision" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        services.move(user=director, escalation=escalation, action="escalate", decision="x",
                      new_deadline=None, expected_version=1)
    assert "new_deadline" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        services.move(user=director, escalation=escalation, action="decide", decision="x",
                      new_deadline=timezone.localdate() - timedelta(days=1),
                      expected_version=1)
    assert "new_deadline" in info.value.error_dict
    escalation.refresh_from_db()
    assert escalation.version == 1


def test_partner_worker_may_not_move(demo) -> None:
    director = User.objects.get(username="regisseur")
    escalation = _escalation(director, Level.CASUSOVERLEG)
    with pytest.raises(PermissionDenied):
        services.move(user=User.objects.get(username="agent"), escalation=escalation,
                      action="close", decision="x", new_deadline=None, expected_version=1)


def test_owners_are_notified_in_app_and_by_mail(demo, django_capture_on_commit_callbacks
                                                ) -> None:
    director = User.objects.get(username="regisseur")
    director.email = "regisseur@example.org"
    director.save(update_fields=["email"])
    escalation = _escalation(director, Level.CASUSOVERLEG)
    LadderName.objects.create(municipality=director.municipality, level=Level.PROCESREGIE,
                              name="Regietafel")
    deadline = timezone.localdate() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.move(user=director, escalation=escalation, action="escalate",
                      decision="opschalen", new_deadline=deadline, expected_version=1)
    note = Notification.objects.get(user=director, escalation=escalation)
    assert "Regietafel" in note.text and deadline.strftime("%d-%m-%Y") in note.text
    assert note.url == f"/regie/escalations/{escalation.pk}/"
    assert [m.to for m in mail.outbox] == [["regisseur@example.org"]]
    assert note.url in mail.outbox[0].body


def test_decision_page_and_conflict(demo, login) -> None:
    director = User.objects.get(username="regisseur")
    escalation = _escalation(director, Level.CASUSOVERLEG)
    client = login("regisseur")
    url = f"/regie/escalations/{escalation.pk}/"
    deadline = (timezone.localdate() + timedelta(days=9)).isoformat()
    response = client.post(url, {"action": "escalate", "decision": "opschalen",
                                 "new_deadline": deadline, "version": "1"})
    assert response.status_code == 302
    response = client.post(url, {"action": "escalate", "decision": "nogmaals",
                                 "new_deadline": deadline, "version": "1"})
    assert response.status_code == 409
    # the page is in Dutch (the request's language), the message translated
    assert "intussen gewijzigd" in response.content.decode()
    page = client.get("/regie/attention/").content.decode()
    assert f"E-{escalation.pk}" in page
