"""Registering a signal is not a look-up (ADR 0025): matching a person never hands the
registrant another partner's pseudonym, identity or the existence of its records.

Social work records a care signal about a person with a BSN; the police then registers
a signal with that BSN through the API, the page and the CSV import. The police gets a
pseudonym of its own, and the new signal's detail shows only what the police typed.
A role that may see both records sees them linked.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from wijkregie.core.models import Organisation, User
from wijkregie.signals import selectors
from wijkregie.signals.models import Signal, Subject
from wijkregie.signals.services import PersonInput, SignalInput, register_signal

pytestmark = pytest.mark.django_db
YESTERDAY = date.today() - timedelta(days=1)
BSN = "111222333"
# What social work recorded; none of it may reach the police.
SECRET_NAME, SECRET_ADDRESS, SECRET_BIRTH = "Verborgen Zorgcliënt", "Geheimhof 7", "1966-06-16"


@pytest.fixture
def care_person(demo) -> Subject:
    worker = User.objects.get(username="hulpverlener")
    signal = register_signal(user=worker, data=SignalInput(
        category="zorgsignaal", pillar="social", observed_on=YESTERDAY,
        description="Zorgen over zelfverwaarlozing", reliability="own",
        persons=[PersonInput(name=SECRET_NAME, date_of_birth=date.fromisoformat(SECRET_BIRTH),
                             address=SECRET_ADDRESS, bsn=BSN)]))
    return signal.subjects.get()


def _police_token() -> dict[str, str]:
    org = Organisation.objects.get(name__startswith="Politie", municipalities__code="GM9001")
    out = StringIO()
    call_command("signals", "issue-token", "--organisation", org.name,
                 "--municipality", "GM9001", stdout=out)
    return {"HTTP_AUTHORIZATION": f"Token {out.getvalue().strip().splitlines()[-1]}"}


def _assert_nothing_of_social_work(text: str, care_person: Subject) -> None:
    for secret in (care_person.ref, SECRET_NAME, SECRET_ADDRESS, SECRET_BIRTH):
        assert secret not in text


def _assert_police_got_its_own_person(signal: Signal, care_person: Subject) -> Subject:
    own = signal.subjects.get()
    assert own.pk != care_person.pk
    assert own.domain == signal.organisation
    assert not selectors.subjects_for(User.objects.get(username="agent")).filter(
        pk=care_person.pk).exists()
    return own


def test_api_registration_with_a_bsn_gets_no_pseudonym_or_identity_of_social_work(
        care_person):
    headers, client = _police_token(), Client()
    body = {"category": "overlast", "pillar": "safety", "observed_on": YESTERDAY.isoformat(),
            "description": "Overlast in het portiek", "reliability": "own",
            "persons": [{"name": "Onbekend", "bsn": BSN}]}
    created = client.post("/api/signals/", body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    _assert_nothing_of_social_work(created.content.decode(), care_person)
    signal = Signal.objects.get(pk=created.json()["id"])
    own = _assert_police_got_its_own_person(signal, care_person)
    assert created.json()["persons"] == [own.ref]

    detail = client.get(f"/api/signals/{signal.pk}/", **headers)
    assert detail.status_code == 200
    _assert_nothing_of_social_work(detail.content.decode(), care_person)
    person = detail.json()["persons"][0]
    assert (person["pseudonym"], person["name"], person["address"],
            person["date_of_birth"], person["linked"]) == (own.ref, "Onbekend", "", "", [])
    # Registering again links to the police's own person, not a third one.
    again = client.post("/api/signals/", body, content_type="application/json", **headers)
    assert again.json()["persons"] == [own.ref]


def test_page_registration_with_the_full_identity_shows_only_what_the_police_typed(
        care_person, login):
    agent = login("agent")
    response = agent.post("/signals/register/", {
        "category": "overlast", "pillar": "safety", "observed_on": YESTERDAY.isoformat(),
        "description": "Overlast in het portiek", "reliability": "own",
        "sensitivity": "normal", "person_name": SECRET_NAME, "person_bsn": BSN,
        "person_date_of_birth": SECRET_BIRTH}, follow=True)
    assert response.status_code == 200
    signal = response.context["signal"]
    own = _assert_police_got_its_own_person(signal, care_person)
    body = response.content.decode()
    for secret in (care_person.ref, SECRET_ADDRESS):
        assert secret not in body
    assert own.ref in body
    assert response.context["names"][own.ref]["linked"] == []
    # The registrant is told how persons are matched, not whether others know them.
    from wijkregie.signals.views import REGISTRANT_NOTICE

    assert str(REGISTRANT_NOTICE) in [str(m) for m in response.context["messages"]]


def test_csv_import_with_a_bsn_gets_no_pseudonym_or_identity_of_social_work(care_person):
    headers, client = _police_token(), Client()
    csv_text = ("category,pillar,observed_on,description,reliability,person_name,person_bsn\n"
                f"overlast,safety,{YESTERDAY.isoformat()},Overlast,own,Onbekend,{BSN}\n")
    upload = SimpleUploadedFile("signalen.csv", csv_text.encode(), content_type="text/csv")
    created = client.post("/api/signals/import/", {"file": upload}, **headers)
    assert created.status_code == 201, created.content
    _assert_nothing_of_social_work(created.content.decode(), care_person)
    signal = Signal.objects.get(pk=created.json()["ids"][0])
    _assert_police_got_its_own_person(signal, care_person)
    detail = client.get(f"/api/signals/{signal.pk}/", **headers)
    _assert_nothing_of_social_work(detail.content.decode(), care_person)


def test_a_role_that_sees_both_records_sees_them_linked(care_person, login):
    """Social work sees both the care signal and the police's nuisance signal
    (overlast is shared with it): the two pseudonyms are linked for it, and the link is
    in the view's audit event."""
    agent = User.objects.get(username="agent")
    signal = register_signal(user=agent, data=SignalInput(
        category="overlast", pillar="safety", observed_on=YESTERDAY, description="Overlast",
        reliability="own", persons=[PersonInput(name="Onbekend", bsn=BSN)]))
    police_ref = signal.subjects.get().ref
    response = login("hulpverlener").get(f"/signals/{signal.pk}/")
    assert response.context["names"][police_ref]["linked"] == [care_person.ref]
    from wijkregie.core.models import AuditEvent
    from wijkregie.signals.models import SubjectAccess

    event = AuditEvent.objects.filter(action="view", object_id=str(signal.pk)).latest("seq")
    assert set(SubjectAccess.objects.filter(event_seq=event.seq).values_list(
        "subject_ref", flat=True)) == {police_ref, care_person.ref}
    # The police itself is not shown the link.
    police_view = login("agent").get(f"/api/signals/{signal.pk}/")
    assert json.loads(police_view.content)["persons"][0]["linked"] == []
