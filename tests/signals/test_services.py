"""Registering signals (bad input: clear message, nothing saved) and the case workflow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wijkregie.core.models import AuditEvent, User
from wijkregie.signals import services
from wijkregie.signals.models import Attachment, Case, CaseStatus, Signal, Subject
from wijkregie.signals.services import PersonInput, SignalInput
from wijkregie.signals.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db


def _input(**changes) -> SignalInput:  # type: ignore[no-untyped-def]
    data = SignalInput(category="zorgsignaal", pillar="social",
                       observed_on=date.today() - timedelta(days=1),
                       description="Bewoner vereenzaamt", reliability="own",
                       area_code="", address="Dorpsstraat 1",
                       persons=[PersonInput(name="Fictief Persoon",
                                            date_of_birth=date(1950, 1, 1))])
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_social_worker_registers_a_care_signal_with_person_and_attachment(demo):
    worker = User.objects.get(username="hulpverlener")
    pdf = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    signal = services.register_signal(user=worker, data=_input(), attachments=[pdf])
    assert signal.organisation == worker.organisation
    assert signal.subjects.count() == 1
    assert Attachment.objects.get(signal=signal).content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="create", object_type="signals.signal",
                                     object_id=str(signal.pk)).count() == 1


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"category": "bestaat-niet"}, "category", "onbekende categorie"),
    ({"category": "drugs-ondermijning"}, "category", "deelt categorie"),
    ({"observed_on": date.today() + timedelta(days=3)}, "observed_on", "toekomst"),
    ({"area_code": "BU99999999"}, "area_code", "onbekend gebied"),
    ({"pillar": "anders"}, "pillar", "pijler moet"),
    ({"persons": [PersonInput(name="X", bsn="123456789")]}, "person 1 bsn", "ongeldig BSN"),
    ({"x_rd": 0.0, "y_rd": 0.0}, "location", "buiten de buurten"),
    ({"x_rd": 1.0}, "location", "zowel x als y"),
    ({"group_names": ["Geen Groep"]}, "groups", "onbekende groep"),
])
# Messages are Dutch: the default language, also outside a request.
def test_bad_input_names_the_field_and_saves_nothing(demo, changes, field, words):
    worker = User.objects.get(username="hulpverlener")
    before = (Signal.objects.count(), Subject.objects.count())
    with pytest.raises(ValidationError) as error:
        services.register_signal(user=worker, data=_input(**changes))
    assert words in " ".join(error.value.message_dict[field])
    assert (Signal.objects.count(), Subject.objects.count()) == before


@pytest.mark.parametrize(("name", "content", "words"), [
    ("groot.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "groot.pdf: groter dan 5 MB"),
    ("script.pdf", b"#!/bin/sh\necho", "script.pdf: alleen PDF-, PNG- of JPEG"),
])
def test_bad_attachment_is_refused_and_nothing_saved(demo, name, content, words):
    worker = User.objects.get(username="hulpverlener")
    before = Signal.objects.count()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.register_signal(user=worker, data=_input(), attachments=[upload])
    assert words in str(error.value)
    assert Signal.objects.count() == before


def test_register_page_shows_errors_and_saves_nothing(demo, login):
    before = Signal.objects.count()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = login("hulpverlener").post("/signals/register/", {
        "category": "zorgsignaal", "pillar": "social", "observed_on": future,
        "description": "x", "reliability": "own", "sensitivity": "normal",
        "address": "Dorpsstraat 1"})
    assert response.status_code == 200
    assert "ligt in de toekomst" in response.content.decode()
    assert Signal.objects.count() == before


def test_case_director_bundles_transitions_with_reason_and_history(demo, login):
    director = User.objects.get(username="casusregisseur")
    ids = list(Signal.objects.filter(category__key="woonfraude", municipality=director.municipality)
               .values_list("pk", flat=True)[:3])
    client = login("casusregisseur")
    response = client.post("/signals/cases/new/", {
        "title": "Onderverhuur flat", "purpose": "aanpak woonfraude",
        "signal_ids": f"S-{ids[0]}, {ids[1]}"})
    case = Case.objects.latest("pk")  # titles are encrypted: not a lookup field
    assert case.title == "Onderverhuur flat"
    assert response.status_code == 302
    assert case.director == director and set(case.signals.values_list("pk", flat=True)) == {
        ids[0], ids[1]}
    client.post(f"/signals/cases/{case.pk}/bundle/", {"signal_ids": str(ids[2])})
    assert case.signals.count() == 3
    # A care signal is not the director's to bundle (not shared with the municipality).
    care = Signal.objects.filter(category__key="zorgsignaal").first()
    refused = client.post(f"/signals/cases/{case.pk}/bundle/", {"signal_ids": str(care.pk)})
    assert refused.status_code == 400 and case.signals.count() == 3
    # Workflow: intake → active; closing needs a reason; reopening needs one too.
    client.post(f"/signals/cases/{case.pk}/transition/", {"to_status": "active"})
    no_reason = client.post(f"/signals/cases/{case.pk}/transition/", {"to_status": "closed"})
    assert no_reason.status_code == 400
    client.post(f"/signals/cases/{case.pk}/transition/",
                {"to_status": "closed", "reason": "Huurder vertrokken"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    client.post(f"/signals/cases/{case.pk}/transition/",
                {"to_status": "active", "reason": "Nieuwe meldingen"})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.closed_at is None
    history = list(case.history.values_list("kind", "from_status", "to_status", "reason"))
    assert history == [
        ("created", "", "intake", ""), ("signals_added", "", "", ""),
        ("status", "intake", "active", ""), ("status", "active", "closed", "Huurder vertrokken"),
        ("status", "closed", "active", "Nieuwe meldingen")]


def test_transition_table_is_enforced(demo):
    director = User.objects.get(username="casusregisseur")
    case = Case.objects.filter(status=CaseStatus.INTAKE, director=director).first()
    for target in CaseStatus.values:
        allowed = target in TRANSITIONS[CaseStatus.INTAKE]
        if not allowed:
            with pytest.raises(ValidationError):
                services.transition_case(user=director, case=case, to_status=target,
                                         reason="r")
    agent = User.objects.get(username="agent")
    with pytest.raises(ValidationError, match="alleen de casusregisseur"):
        services.transition_case(user=agent, case=case, to_status="active")
