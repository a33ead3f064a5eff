"""Every view of personal data writes exactly one audit event with its purpose; a denied
access writes a denied event; the person's access log and the case's viewers follow."""

from __future__ import annotations

import pytest

from wijkregie.core.audit import verify_chain
from wijkregie.core.models import AuditEvent
from wijkregie.signals import crypto
from wijkregie.signals.models import Case, Signal, SubjectAccess

pytestmark = pytest.mark.django_db


def _new_events(client, url: str) -> tuple[int, list[AuditEvent]]:  # type: ignore[no-untyped-def]
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client.get(url)
    return response.status_code, list(AuditEvent.objects.filter(seq__gt=last))


def _police_signal_with_person() -> Signal:
    return (Signal.objects.filter(category__key="overlast-personen",
                                  municipality__code="GM9001")
            .exclude(subjects=None).order_by("pk").first())


@pytest.mark.parametrize(("name", "url", "action"), [
    ("detail", "/signals/{pk}/", "view"),
    ("list", "/signals/list/", "list"),
    ("export", "/signals/export.csv", "export"),
    ("map markers", "/signals/map/", "list"),
    ("API list", "/api/signals/", "list"),
    ("API detail", "/api/signals/{pk}/", "view"),
])
def test_each_read_of_personal_data_writes_exactly_one_event(demo, login, name, url, action):
    agent = login("agent")
    signal = _police_signal_with_person()
    status, events = _new_events(agent, url.format(pk=signal.pk))
    assert status == 200
    assert len(events) == 1, name
    event = events[0]
    assert (event.action, event.outcome, event.actor_username) == (action, "success", "agent")
    assert event.purpose  # the covenant purpose, e.g. "aanpak overlast in de wijk"
    assert event.organisation.name.startswith("Politie")
    linked = set(SubjectAccess.objects.filter(event_seq=event.seq)
                 .values_list("subject_ref", flat=True))
    if action == "view":
        assert event.purpose == "aanpak overlast in de wijk"
        assert linked == {s.ref for s in signal.subjects.all()}
    else:
        assert linked  # the persons shown on the page are in the access index
    assert verify_chain().ok


def test_search_hit_writes_one_event_and_a_miss_one_without_persons(demo, login):
    agent = login("agent")
    person = _police_signal_with_person().subjects.first()
    identity = crypto.decrypt_identity(person.identity)
    status, events = _new_events(agent, f"/signals/search/?name={identity['name']}"
                                        f"&date_of_birth={identity['date_of_birth']}")
    assert status == 200 and len(events) == 1 and events[0].action == "search"
    assert SubjectAccess.objects.filter(event_seq=events[0].seq, subject_ref=person.ref).exists()
    _status, miss = _new_events(agent, "/signals/search/?name=Niemand%20Bestaat")
    assert len(miss) == 1 and miss[0].action == "search" and miss[0].detail["hits"] == 0
    assert not SubjectAccess.objects.filter(event_seq=miss[0].seq).exists()


def test_case_view_writes_one_event_and_the_director_sees_who_viewed(demo, login):
    case = Case.objects.filter(participants__name__startswith="Politie").first()
    status, events = _new_events(login("agent"), f"/signals/cases/{case.pk}/")
    assert status == 200 and len(events) == 1
    assert (events[0].action, events[0].object_type, events[0].purpose) == (
        "view", "signals.case", case.purpose)
    log_page = login("casusregisseur").get(f"/signals/cases/{case.pk}/access-log/")
    assert log_page.status_code == 200
    assert [e.actor_username for e in log_page.context["events"]] == ["agent"]
    # Another participant does not get the viewers' list.
    assert login("agent").get(f"/signals/cases/{case.pk}/access-log/").status_code == 403


@pytest.mark.parametrize(("username", "url", "status"), [
    ("agent", "/signals/{care}/", 404),          # out of the covenant's scope
    ("agent", "/api/signals/{care}/", 404),
    ("analist", "/signals/{care}/", 403),        # role without personal data
    ("programma", "/signals/list/", 403),
    ("analist", "/api/signals/", 403),
])
def test_denied_access_writes_one_denied_event(demo, login, username, url, status):
    care = Signal.objects.filter(category__key="zorgsignaal").first()
    client = login(username)
    got, events = _new_events(client, url.format(care=care.pk))
    assert got == status
    assert len(events) == 1
    assert (events[0].action, events[0].outcome, events[0].actor_username) == (
        "permission_denied", "denied", username)
