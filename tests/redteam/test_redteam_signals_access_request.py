"""Red team (issue 10, subject access paragraph): items a reviewer withholds must not
leak through the released export. The released answer drops the withheld signal and
the access-log events whose (object_type, object_id) name it, but every other read of
the withheld item is still listed: list/search events (no object id) that showed only
the withheld signal, and downloads of its attachments (object type
``signals.attachment``). Each remaining entry names the police organisation, the
employee's action and the covenant purpose of the withheld category."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wijkregie.core.models import AuditEvent, User
from wijkregie.signals import selectors
from wijkregie.signals.models import SubjectAccessRequest
from wijkregie.signals.services import PersonInput, SignalInput, register_signal

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
        description="Overlast bij de ingang", reliability="own", persons=[person]))
    secret = register_signal(user=agent, data=SignalInput(
        category="drugs-ondermijning", pillar="safety", observed_on=YESTERDAY,
        description="Onderzoek loopt", reliability="own", persons=[person]),
        attachments=[SimpleUploadedFile("tap-verslag.pdf", PDF,
                                        content_type="application/pdf")])
    return {"shared": shared, "secret": secret, "ref": shared.subjects.get().ref,
            "agent": agent}


def _release_withholding(admin, ref: str, item: str) -> str:  # type: ignore[no-untyped-def]
    admin.get(f"/signals/subjects/?bsn={BSN}")
    registered = admin.post(f"/signals/subjects/?bsn={BSN}", {
        "subjects": [ref], "requester": "De betrokkene zelf, legitimatie gezien",
        "reason": "verzoek om inzage (AVG art. 15)", "received_on": YESTERDAY.isoformat()})
    assert registered.status_code == 302
    access_request = SubjectAccessRequest.objects.get()
    url = f"/signals/subjects/requests/{access_request.pk}"
    released = admin.post(f"{url}/", {"withhold": [item], f"reason-{item}": GROUND})
    assert released.status_code == 302
    return url


def test_list_read_of_a_withheld_signal_stays_in_the_released_access_log(person, login):
    """BREAK: the agent lists the police's drugs signals (a list event showing only the
    withheld signal). The reviewer withholds that signal under the Wpg; the released
    JSON still carries the list event: 'agent, Politie, list, <drugs purpose>', which
    tells the person the police read a withheld record about them and for what."""
    secret = person["secret"]
    selectors.list_signals(person["agent"], filters=selectors.SignalFilters(
        category_keys=("drugs-ondermijning",), text="Onderzoek loopt"))
    reads = [e.seq for e in AuditEvent.objects.filter(object_type="signals.signal")
             if secret.pk in (e.detail or {}).get("signals", [])
             and e.action in ("list", "search", "export")]
    assert reads, "the attack did not produce the list read"
    admin = login("beheerder")
    url = _release_withholding(admin, person["ref"], f"signal:{secret.pk}")
    document = admin.get(f"{url}/export.json").json()
    leaked = [e for e in document["access_log"] if e["seq"] in reads]
    assert leaked == [], f"reads of the withheld signal are in the answer: {leaked}"


def test_attachment_download_of_a_withheld_signal_stays_in_the_released_access_log(
        person, login):
    """BREAK: the agent downloads the attachment of the signal that is then withheld
    (the reviewer withholds the signal, which drops its attachments from the answer).
    The download's export event (object type signals.attachment) is not matched by the
    withheld 'signal:N' item and stays in the released access log, disclosing that a
    withheld police record with a file exists and was exported by the police."""
    secret = person["secret"]
    attachment = secret.attachments.get()
    agent = login("agent")
    assert agent.get(f"/signals/{secret.pk}/attachments/{attachment.pk}/").status_code == 200
    admin = login("beheerder")
    url = _release_withholding(admin, person["ref"], f"signal:{secret.pk}")
    document = admin.get(f"{url}/export.json").json()
    assert secret.pk not in [s["id"] for s in document["signals"]]
    leaked = [e for e in document["access_log"]
              if e["object_type"] == "signals.attachment" and e["object_id"] == str(attachment.pk)]
    assert leaked == [], f"the withheld signal's attachment download is in the answer: {leaked}"


def test_a_request_only_answers_about_the_person_who_was_looked_up(person, login):
    """BREAK: the request is registered for the pseudonyms posted with it, checked only
    to be persons of the municipality, not to be the person the look-up found. An
    administrator who looks up the requester by BSN and posts a second, unrelated
    pseudonym (a slip of the list, or on purpose) gets a request, and after release an
    answer, holding the other person's name, address and care signal."""
    worker = User.objects.get(username="hulpverlener")
    other = register_signal(user=worker, data=SignalInput(
        category="zorgsignaal", pillar="social", observed_on=YESTERDAY,
        description="Zorgen om de buurvrouw", reliability="own",
        persons=[PersonInput(name="Andere Buurvrouw", date_of_birth=date(1950, 1, 2),
                             address="Buurpad 3", bsn="123456782")]))
    other_ref = other.subjects.get().ref
    admin = login("beheerder")
    found = admin.get(f"/signals/subjects/?bsn={BSN}")
    assert other_ref not in [s.ref for s in found.context["found"]]
    admin.post(f"/signals/subjects/?bsn={BSN}", {
        "subjects": [person["ref"], other_ref], "requester": "De betrokkene zelf",
        "reason": "verzoek om inzage (AVG art. 15)", "received_on": YESTERDAY.isoformat()})
    for access_request in SubjectAccessRequest.objects.all():
        assert other_ref not in access_request.subject_refs, (
            "a request for the person looked up by BSN also covers an unrelated person")


def test_reading_a_released_request_leaves_a_read_event(person, login):
    """BREAK: once released, the request page still decrypts and shows who asked
    (the data subject's own name and how they were identified) and the person's
    pseudonyms, but writes no audit event: only the review (in review) is audited."""
    admin = login("beheerder")
    url = _release_withholding(admin, person["ref"], f"signal:{person['secret'].pk}")
    last = max(AuditEvent.objects.values_list("seq", flat=True))
    page = admin.get(f"{url}/")
    assert page.status_code == 200
    assert "legitimatie gezien" in page.content.decode()
    assert person["ref"] in page.content.decode()
    reads = AuditEvent.objects.filter(seq__gt=last)
    assert reads.filter(object_type="signals.subjectaccessrequest").exists(), (
        "the requester's identity and the pseudonyms were shown without an audit event")


def test_a_pseudonym_whose_only_signal_is_withheld_does_not_show_its_identity(demo, login):
    """BREAK: social work and the police each hold the person under a pseudonym of
    their own (linkage domains, ADR 0025); the look-up finds both and the request covers
    both. The reviewer withholds the police's only signal (Wpg), but the answer's
    'persons' still lists the police pseudonym with the identity the police recorded
    (the address only the police knows): that the police holds a record, and what it
    holds, reaches the person. Nothing in the review can withhold a person entry."""
    worker = User.objects.get(username="hulpverlener")
    agent = User.objects.get(username="agent")
    register_signal(user=worker, data=SignalInput(
        category="zorgsignaal", pillar="social", observed_on=YESTERDAY,
        description="Zorgen", reliability="own",
        persons=[PersonInput(name="Inzage Verzoeker", date_of_birth=date(1980, 5, 5),
                             address="Zorgstraat 1", bsn=BSN)]))
    secret = register_signal(user=agent, data=SignalInput(
        category="drugs-ondermijning", pillar="safety", observed_on=YESTERDAY,
        description="Onderzoek loopt", reliability="own",
        persons=[PersonInput(name="Inzage Verzoeker", date_of_birth=date(1980, 5, 5),
                             address="Observatiepand 9", bsn=BSN)]))
    admin = login("beheerder")
    found = admin.get(f"/signals/subjects/?bsn={BSN}").context["found"]
    refs = sorted(s.ref for s in found)
    assert secret.subjects.get().ref in refs and len(refs) == 2
    admin.post(f"/signals/subjects/?bsn={BSN}", {
        "subjects": refs, "requester": "De betrokkene zelf",
        "reason": "verzoek om inzage (AVG art. 15)", "received_on": YESTERDAY.isoformat()})
    url = f"/signals/subjects/requests/{SubjectAccessRequest.objects.get().pk}"
    item = f"signal:{secret.pk}"
    assert admin.post(f"{url}/", {"withhold": [item], f"reason-{item}": GROUND}
                      ).status_code == 302
    for fmt in ("json", "html"):
        answer = admin.get(f"{url}/export.{fmt}").content.decode()
        assert "Onderzoek loopt" not in answer
        assert "Observatiepand 9" not in answer, (
            f"the {fmt} answer shows the identity the police recorded with its withheld "
            "signal")


def test_a_police_group_of_a_withheld_record_is_not_named_in_the_answer(person, login):
    """BREAK: the police keep the person in a group whose name tells of the
    investigation. The reviewer withholds the police's drugs signal, but groups are not
    items of the review: the answer's 'persons' still names the police group."""
    from wijkregie.signals.services import create_group

    agent = User.objects.get(username="agent")
    create_group(user=agent, name="Onderzoek drugsnetwerk Noord", member_refs=[person["ref"]])
    admin = login("beheerder")
    url = _release_withholding(admin, person["ref"], f"signal:{person['secret'].pk}")
    for fmt in ("json", "html"):
        answer = admin.get(f"{url}/export.{fmt}").content.decode()
        assert "Onderzoek loopt" not in answer
        assert "Onderzoek drugsnetwerk Noord" not in answer, (
            f"the {fmt} answer names the police group of the withheld record")
