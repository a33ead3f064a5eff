"""Reads that used to leave no trace or a wrong one (issue 10, breach 5): a search by
identity without a hit, a person look-up for an access request without a hit, the case
list and the group list each write one event; the map records exactly the signals it
shows; the person index of events is covered by the chain (`audit verify`)."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from wijkregie.core import audit
from wijkregie.core.audit import verify_chain
from wijkregie.core.models import AuditEvent
from wijkregie.signals import selectors
from wijkregie.signals.models import Signal, SubjectAccess

pytestmark = pytest.mark.django_db
NOBODY = "Niemand Bestaat"


def _new_events(client, url: str) -> tuple[int, list[AuditEvent], str]:  # type: ignore[no-untyped-def]
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client.get(url)
    return (response.status_code, list(AuditEvent.objects.filter(seq__gt=last)),
            response.content.decode())


def test_a_search_by_identity_without_a_hit_writes_one_event(demo, login):
    status, events, _body = _new_events(
        login("agent"), f"/signals/search/?name={NOBODY}&date_of_birth=1990-01-01")
    assert status == 200 and len(events) == 1
    event = events[0]
    assert (event.action, event.object_type, event.actor_username) == (
        "search", "signals.signal", "agent")
    assert event.detail["hits"] == 0 and event.detail["by"] == "name"
    assert event.purpose  # the covenant purposes the search was made under
    assert NOBODY not in str(event.detail)  # how it searched, not whom


def test_a_person_look_up_for_an_access_request_without_a_hit_writes_one_event(demo, login):
    status, events, _body = _new_events(login("beheerder"), "/signals/subjects/?bsn=123456782")
    assert status == 200 and len(events) == 1
    assert (events[0].action, events[0].object_type, events[0].detail["hits"]) == (
        "search", "signals.subject", 0)
    assert events[0].purpose == selectors.SUBJECT_EXPORT_PURPOSE


def test_the_case_list_writes_one_event_with_the_cases_shown(demo, login):
    status, events, _body = _new_events(login("agent"), "/signals/cases/")
    assert status == 200 and len(events) == 1
    event = events[0]
    assert (event.action, event.object_type) == ("list", "signals.case")
    shown = login("agent").get("/signals/cases/").context["cases"]
    assert event.detail["cases"] == [c.pk for c in shown] and shown


def test_the_group_list_writes_one_event_with_the_groups_shown(demo, login):
    status, events, _body = _new_events(login("agent"), "/signals/groups/")
    assert status == 200 and len(events) == 1
    assert (events[0].action, events[0].object_type) == ("list", "signals.subjectgroup")
    assert events[0].detail["groups"]


def test_the_map_records_as_read_exactly_the_signals_it_shows(demo, login):
    agent = login("agent")
    visible = selectors.signals_for(agent.get("/signals/").wsgi_request.user).filter(
        x_rd__isnull=False).count()
    assert visible > selectors.MAP_MARKERS  # more than one page of markers exists
    status, events, body = _new_events(agent, "/signals/map/")
    assert status == 200 and len(events) == 1
    section = body[body.index('id="markers-heading"'):]
    shown = [int(pk) for pk in re.findall(r'href="/signals/(\d+)/"', section)]
    assert shown and events[0].detail["signals"] == shown
    index = set(SubjectAccess.objects.filter(event_seq=events[0].seq).values_list(
        "subject_ref", flat=True))
    assert index == {s.ref for s in Signal.objects.filter(pk__in=shown)
                     for s in s.subjects.all()}


@pytest.fixture
def read_with_persons(demo, login) -> AuditEvent:
    signal = Signal.objects.filter(category__key="overlast-personen",
                                   municipality__code="GM9001").exclude(subjects=None).first()
    _status, events, _body = _new_events(login("agent"), f"/signals/{signal.pk}/")
    (event,) = events
    assert SubjectAccess.objects.filter(event_seq=event.seq).exists()
    assert verify_chain().ok
    call_command("audit", "verify")  # intact
    return event


def test_audit_verify_fails_when_an_index_row_is_deleted(read_with_persons):
    SubjectAccess.objects.filter(event_seq=read_with_persons.seq).first().delete()
    report = verify_chain()
    assert not report.ok and report.first_break.seq == read_with_persons.seq
    assert "person index" in report.first_break.reason
    with pytest.raises(CommandError, match="person index"):
        call_command("audit", "verify")


def test_audit_verify_fails_when_an_index_row_is_altered_or_added(read_with_persons):
    row = SubjectAccess.objects.filter(event_seq=read_with_persons.seq).first()
    original = row.subject_ref
    SubjectAccess.objects.filter(pk=row.pk).update(subject_ref="P-0000000000")
    with pytest.raises(CommandError, match="person index"):
        call_command("audit", "verify")
    SubjectAccess.objects.filter(pk=row.pk).update(subject_ref=original)
    call_command("audit", "verify")
    # A row claiming that a later event, which showed nobody, showed a person.
    later = audit.record("view", object_type="core.municipality", purpose="test")
    SubjectAccess.objects.create(event_seq=later.seq, subject_ref=original)
    with pytest.raises(CommandError, match="person index"):
        call_command("audit", "verify")
