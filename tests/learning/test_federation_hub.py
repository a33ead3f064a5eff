"""The hub: a valid signed document is stored with its arrival time; a bad signature,
an unknown municipality, a schema error or a suppressed value is refused with a clear
JSON error and nothing is stored."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.learning.federation_helpers import envelope_bytes, member_with_key
from wijkregie.core.models import AuditEvent, AuditOutcome, Municipality
from wijkregie.learning.federation import signing
from wijkregie.learning.federation.document import build_document
from wijkregie.learning.federation.models import HubMember, PublishedDocument

URL = "/leerkring/hub/documents/"


@pytest.fixture
def setup(demo):
    # The demo (step 105) published each demo municipality once; tests count from zero.
    PublishedDocument.objects.all().delete()
    municipality = Municipality.objects.filter(programme_areas__isnull=False).first()
    key = member_with_key(municipality)
    return municipality, key, build_document(municipality)


def _post(body: bytes, content_type: str = "application/json"):
    # enforce_csrf_checks: the endpoint is reached without a session or CSRF token.
    return Client(enforce_csrf_checks=True).post(URL, body, content_type=content_type)


def _shown_figure(document):
    for a, area in enumerate(document["programme_areas"]):
        for f, figure in enumerate(area["figures"]):
            if figure["status"] == "shown":
                return a, f
    raise AssertionError("no shown figure")


@pytest.mark.django_db
def test_valid_document_is_stored_with_arrival_time(setup):
    municipality, key, document = setup
    assert reverse("learning:hub-receive") == URL
    response = _post(envelope_bytes(document, key))
    assert response.status_code == 201, response.json()
    stored = PublishedDocument.objects.get()
    assert response.json()["id"] == stored.pk
    assert stored.member.code == municipality.code
    assert stored.payload == document
    assert stored.version == 1 and stored.received_at is not None
    # The same document again is stale (a replay cannot pass as the latest).
    again = _post(envelope_bytes(document, key))
    assert again.status_code == 409 and again.json()["error"] == "stale"
    assert PublishedDocument.objects.count() == 1


def _assert_refused(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["error"] == error and answer["message"]
    assert PublishedDocument.objects.count() == 0
    return answer


@pytest.mark.django_db
def test_bad_signature_is_refused(setup):
    _municipality, _key, document = setup
    envelope = json.loads(envelope_bytes(document, signing.generate_private_key()))
    _assert_refused(_post(json.dumps(envelope).encode()), 403, "bad_signature")
    assert AuditEvent.objects.filter(outcome=AuditOutcome.DENIED,
                                     object_type="learning.publisheddocument").exists()


@pytest.mark.django_db
def test_tampered_value_breaks_the_signature(setup):
    _municipality, key, document = setup
    envelope = json.loads(envelope_bytes(document, key))
    a, f = _shown_figure(envelope["document"])
    envelope["document"]["programme_areas"][a]["figures"][f]["value"] += 10
    _assert_refused(_post(json.dumps(envelope).encode()), 403, "bad_signature")


@pytest.mark.django_db
def test_unknown_and_inactive_municipality_are_refused(setup):
    municipality, key, document = setup
    other = copy.deepcopy(document)
    other["municipality"]["code"] = "GM9999"
    answer = _assert_refused(_post(envelope_bytes(other, key)), 403, "unknown_municipality")
    assert "GM9999" in answer["message"]
    HubMember.objects.filter(code=municipality.code).update(active=False)
    _assert_refused(_post(envelope_bytes(document, key)), 403, "unknown_municipality")


@pytest.mark.django_db
def test_schema_error_is_refused_naming_the_place(setup):
    _municipality, key, document = setup
    broken = copy.deepcopy(document)
    broken["programme_areas"][0]["figures"][0]["year"] = "2020"
    broken["extra"] = "not in the schema"
    answer = _assert_refused(_post(envelope_bytes(broken, key)), 422, "schema_error")
    assert any(d.startswith("programme_areas/0/figures/0") for d in answer["details"])
    assert any("extra" in d for d in answer["details"])


@pytest.mark.django_db
def test_withheld_figure_carrying_a_value_is_refused(setup):
    _municipality, key, document = setup
    crafted = copy.deepcopy(document)
    a, f = _shown_figure(crafted)
    figure = crafted["programme_areas"][a]["figures"][f]
    figure.update(status="withheld", reason="suppressed", text="x")  # value still there
    answer = _assert_refused(_post(envelope_bytes(crafted, key)), 422, "suppressed_value")
    assert answer["details"] == [f"programme_areas/{a}/figures/{f}: a withheld figure "
                                 "carries a value"]


@pytest.mark.django_db
def test_count_below_the_minimum_is_refused_whatever_the_document_declares(setup):
    _municipality, key, document = setup
    crafted = copy.deepcopy(document)
    a, f = _shown_figure(crafted)
    figure = crafted["programme_areas"][a]["figures"][f]
    figure.update(value=3, text="3")
    for indicator in crafted["indicators"]:
        if indicator["key"] == figure["indicator"]:
            indicator["minimum_count"] = 3  # tries to lower the hub's floor of 5
    answer = _assert_refused(_post(envelope_bytes(crafted, key)), 422, "suppressed_value")
    assert "minimum count 5" in answer["details"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"document": {}}',
                                  json.dumps({"algorithm": "RSA", "document": {},
                                              "signature": ""}).encode()])
def test_malformed_envelopes_are_refused(setup, body):
    _assert_refused(_post(body), 400, "malformed")


@pytest.mark.django_db
def test_wrong_method_and_content_type(setup):
    assert Client().get(URL).status_code == 405
    assert _post(b"{}", content_type="text/plain").status_code == 415


@pytest.mark.django_db
def test_hub_page_shows_when_each_member_last_published(setup, login):
    municipality, key, document = setup
    assert _post(envelope_bytes(document, key)).status_code == 201
    page = login("programma").get(reverse("learning:hub"))
    assert page.status_code == 200
    html = page.content.decode()
    assert municipality.name in html and municipality.code in html
    stored = PublishedDocument.objects.get()
    assert stored.received_at.strftime("%Y-%m-%d") in html  # the <time datetime=...>
    assert login("regisseur").get(reverse("learning:hub")).status_code == 403
