"""Subject access request (AVG art. 15): request → review → release. The answer holds
the person's signals with their attachments, the cases with their history and every
recorded access; nothing leaves before review; the reviewer can withhold items (police
data under the Wpg) with a ground; who asked, why and when it was answered is kept."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wijkregie.core.models import AuditEvent, User
from wijkregie.signals import selectors
from wijkregie.signals.models import AccessRequestStatus, SubjectAccessRequest
from wijkregie.signals.services import PersonInput, SignalInput, create_case, register_signal

pytestmark = pytest.mark.django_db
YESTERDAY = date.today() - timedelta(days=1)
BSN = "111222333"
PDF = b"%PDF-1.4 proces-verbaal"
GROUND = "Wpg art. 27: lopend opsporingsonderzoek"


@pytest.fixture
def person(demo) -> dict:
    agent = User.objects.get(username="agent")
    person = PersonInput(name="Inzage Verzoeker", date_of_birth=date(1980, 5, 5), bsn=BSN)
    shared = register_signal(user=agent, data=SignalInput(
        category="overlast", pillar="safety", observed_on=YESTERDAY,
        description="Overlast bij de ingang", reliability="own", persons=[person]),
        attachments=[SimpleUploadedFile("pv.pdf", PDF, content_type="application/pdf")])
    secret = register_signal(user=agent, data=SignalInput(
        category="drugs-ondermijning", pillar="safety", observed_on=YESTERDAY,
        description="Onderzoek loopt", reliability="own", persons=[person]))
    director = User.objects.get(username="casusregisseur")
    case = create_case(user=director, title="Aanpak ingang", purpose="integrale aanpak",
                       participants=[], signal_ids=[shared.pk])
    return {"shared": shared, "secret": secret, "case": case,
            "ref": shared.subjects.get().ref}


def _register(admin, ref: str):  # type: ignore[no-untyped-def]
    found = admin.get(f"/signals/subjects/?bsn={BSN}")
    assert [s.ref for s in found.context["found"]] == [ref]
    return admin.post(f"/signals/subjects/?bsn={BSN}", {
        "subjects": [ref], "requester": "De betrokkene zelf, legitimatie gezien aan de balie",
        "reason": "verzoek om inzage (AVG art. 15)", "received_on": YESTERDAY.isoformat()})


def test_request_review_release_with_attachments_history_and_a_withheld_item(
        person, login):
    agent = login("agent")
    agent.get(f"/signals/{person['shared'].pk}/")
    agent.get(f"/signals/{person['secret'].pk}/")
    admin = login("beheerder")
    registered = _register(admin, person["ref"])
    assert registered.status_code == 302
    access_request = SubjectAccessRequest.objects.get()
    url = f"/signals/subjects/requests/{access_request.pk}"
    # Nothing leaves before review.
    assert admin.get(f"{url}/export.json").status_code == 403
    review = admin.get(f"{url}/")
    assert review.status_code == 200
    draft = review.context["document"]
    assert {s["id"] for s in draft["signals"]} == {person["shared"].pk, person["secret"].pk}
    # A ground is required for what is withheld.
    refused = admin.post(f"{url}/", {"withhold": [f"signal:{person['secret'].pk}"]})
    assert refused.status_code == 400
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.IN_REVIEW
    released = admin.post(f"{url}/", {"withhold": [f"signal:{person['secret'].pk}"],
                                      f"reason-signal:{person['secret'].pk}": GROUND})
    assert released.status_code == 302

    access_request.refresh_from_db()
    beheerder = User.objects.get(username="beheerder")
    assert access_request.status == AccessRequestStatus.RELEASED
    assert access_request.registered_by == beheerder == access_request.reviewed_by
    assert access_request.answered_at is not None
    assert access_request.received_on == YESTERDAY
    assert "legitimatie" in selectors.requester_of(access_request)
    assert access_request.withheld == [{"item": f"signal:{person['secret'].pk}",
                                        "reason": GROUND}]

    document = admin.get(f"{url}/export.json").json()
    assert [p["identity"]["name"] for p in document["persons"]] == ["Inzage Verzoeker"]
    assert [s["id"] for s in document["signals"]] == [person["shared"].pk]
    (attachment,) = document["signals"][0]["attachments"]
    assert attachment["name"] == "pv.pdf"
    assert base64.b64decode(attachment["content_base64"]) == PDF
    (case,) = document["cases"]
    assert case["id"] == person["case"].pk
    assert [e["kind"] for e in case["history"]] == ["created"]
    assert document["withheld_grounds"] == [GROUND]
    assert "Onderzoek loopt" not in str(document)
    log = {(e["actor_username"], e["action"], e["object_id"]) for e in document["access_log"]}
    assert ("agent", "view", str(person["shared"].pk)) in log
    # The read of the withheld signal would name it: it is withheld with it.
    assert ("agent", "view", str(person["secret"].pk)) not in log
    assert document["request"]["received_on"] == YESTERDAY.isoformat()
    page = admin.get(f"{url}/export.html")
    assert page.status_code == 200 and "pv.pdf" in page.content.decode()

    actions = list(AuditEvent.objects.filter(object_type="signals.subjectaccessrequest",
                                             object_id=str(access_request.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions[0] == "create" and "update" in actions and actions[-1] == "export"
    assert "view" in actions  # the review read everything


def test_only_the_export_role_of_the_municipality_handles_requests(person, login):
    admin = login("beheerder")
    _register(admin, person["ref"])
    access_request = SubjectAccessRequest.objects.get()
    url = f"/signals/subjects/requests/{access_request.pk}/"
    assert login("agent").get(url).status_code == 403
    assert login("regisseur2").get(url).status_code in (403, 404)
    # A pseudonym that is not a person of the municipality cannot be put in a request.
    wrong = admin.post(f"/signals/subjects/?bsn={BSN}", {
        "subjects": ["P-NOTAPERSON"], "requester": "x", "reason": "y",
        "received_on": YESTERDAY.isoformat()})
    assert wrong.status_code == 400
    assert SubjectAccessRequest.objects.count() == 1
