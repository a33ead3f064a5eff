"""Publishing: the demo is hub and municipality in one database; the publish command
sends to this same instance as hub; https is required elsewhere."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from wijkregie.core.models import Municipality
from wijkregie.learning.federation import signing, tasks
from wijkregie.learning.federation.models import HubMember, PublishedDocument
from wijkregie.learning.federation.publisher import PublishError, receive_url


@pytest.mark.django_db
def test_demo_registers_every_demo_municipality_and_publishes_once(demo):
    codes = set(Municipality.objects.filter(is_demo=True).values_list("code", flat=True))
    assert set(HubMember.objects.values_list("code", flat=True)) == codes
    assert sorted(PublishedDocument.objects.values_list("member__code", flat=True)) == \
        sorted(codes)


def test_receive_url_requires_https_except_loopback():
    assert receive_url("https://hub.example.nl") == \
        "https://hub.example.nl/leerkring/hub/documents/"
    assert receive_url("https://hub.example.nl/leerkring/hub/documents") == \
        "https://hub.example.nl/leerkring/hub/documents/"
    assert receive_url("http://127.0.0.1:8000/").startswith("http://127.0.0.1:8000/")
    for bad in ("http://hub.example.nl", "ftp://127.0.0.1", "hub.example.nl"):
        with pytest.raises(PublishError):
            receive_url(bad)


def _client_post(url, envelope):
    """The hub endpoint of this same instance, through the test client (the HTTP
    transport itself is covered by the two-instance test)."""
    path = urllib.parse.urlsplit(url).path
    response = Client(enforce_csrf_checks=True).post(
        path, json.dumps(envelope), content_type="application/json")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_publish_command_to_this_instance_as_hub(demo, monkeypatch, capsys):
    monkeypatch.setattr("wijkregie.learning.federation.publisher.post", _client_post)
    hub_url = "https://hub.example.nl"
    key = signing.generate_private_key()
    monkeypatch.setenv(signing.KEY_VARIABLE, signing.private_key_text(key))
    municipality = Municipality.objects.filter(is_demo=True).order_by("code").first()
    call_command("learning", "hub-register", "--code", municipality.code, "--name",
                 municipality.name, f"--public-key={signing.public_key_text(key)}")
    before = PublishedDocument.objects.filter(member__code=municipality.code).count()
    call_command("learning", "publish", "--hub", hub_url,
                 "--municipality", municipality.code)
    assert "stored by the hub" in capsys.readouterr().out
    assert PublishedDocument.objects.filter(member__code=municipality.code).count() == \
        before + 1
    # Another instance's key for the same code is refused, and the command says so.
    monkeypatch.setenv(signing.KEY_VARIABLE,
                       signing.private_key_text(signing.generate_private_key()))
    with pytest.raises(CommandError, match="not published"):
        call_command("learning", "publish", "--hub", hub_url,
                     "--municipality", municipality.code)
    assert "bad_signature" in capsys.readouterr().err


@pytest.mark.django_db
def test_scheduled_publish_is_off_without_a_hub_url(settings, monkeypatch):
    settings.FEDERATION_HUB_URL = ""
    called = []
    monkeypatch.setattr("wijkregie.learning.federation.publisher.publish",
                        lambda *args: called.append(args))
    assert tasks.publish_configured() == []
    assert called == []
    settings.FEDERATION_PUBLISH_SCHEDULE = "15 2 * * 1"
    schedule = tasks._schedule()
    import datetime

    assert schedule(datetime.datetime(2026, 12, 7, 2, 15))  # a Monday
    assert not schedule(datetime.datetime(2026, 12, 8, 2, 15))


@pytest.mark.django_db
def test_publish_refuses_personal_data_in_a_practice(demo, monkeypatch):
    """An e-mail address or phone number in a practice's free text: nothing is sent,
    and the error names the practice and the field (not the found text)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.db.models import F

    from wijkregie.learning.federation import publisher
    from wijkregie.learning.models import LocalPractice

    practice = LocalPractice.objects.select_related("intervention", "programme_area").filter(
        programme_area__municipality=F("municipality")).first()
    practice.description = "Contact: buurtcoach, +31 6 12345678 of coach@example.org."
    practice.save(update_fields=["description"])
    sent = []
    monkeypatch.setattr(publisher, "post", lambda url, envelope: sent.append(url))
    with pytest.raises(PublishError) as raised:
        publisher.publish(practice.municipality, "https://hub.example.nl",
                          Ed25519PrivateKey.generate())
    message = str(raised.value)
    assert sent == []
    assert "personal data" in message and "description" in message
    assert practice.intervention.slug in message and practice.programme_area.slug in message
    assert "12345678" not in message and "coach@example.org" not in message

