"""Red team, learning circle hub: a signed document of a registered member carries a
value that the figures capability's disclosure rules hide, and the hub stores it.

The hub's own check (``learning/federation/disclosure_check.suppressed_values``) only
knows what the *document* declares about each indicator: the minimum count it lists
(which the schema allows to be ``null``) and nothing of percentage bounds. The hub is a
Wijkregie instance with the same shared catalogue, whose rules say otherwise.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from tests.learning.federation_helpers import envelope_bytes, member_with_key
from wijkregie.core.models import Municipality
from wijkregie.figures.disclosure import DisclosureRule, apply
from wijkregie.figures.models import Indicator
from wijkregie.learning.federation.document import build_document
from wijkregie.learning.federation.models import PublishedDocument

URL = "/leerkring/hub/documents/"


@pytest.fixture
def setup(demo):
    PublishedDocument.objects.all().delete()
    municipality = Municipality.objects.filter(programme_areas__isnull=False).first()
    key = member_with_key(municipality)
    return key, build_document(municipality)


def _craft(document: dict, indicator: Indicator, value: float, minimum_count) -> dict:
    """One shown figure of the real document re-labelled as ``indicator`` with
    ``value``; the indicator declared with ``minimum_count``."""
    crafted = copy.deepcopy(document)
    figure = next(f for area in crafted["programme_areas"] for f in area["figures"]
                  if f["status"] == "shown")
    figure.update(indicator=indicator.key, value=value, text=str(value))
    crafted["indicators"] = [i for i in crafted["indicators"] if i["key"] != indicator.key]
    crafted["indicators"].append({"key": indicator.key, "name": indicator.name_nl,
                                  "unit": indicator.unit, "decimals": indicator.decimals,
                                  "minimum_count": minimum_count})
    return crafted


def _post(body: bytes):
    return Client(enforce_csrf_checks=True).post(URL, body, content_type="application/json")


@pytest.mark.django_db
def test_count_below_minimum_with_minimum_count_null_is_refused(setup):
    """Break: take the demo document, put the shared count indicator ``woninginbraak``
    (catalogue rule: small_count_threshold 5) with value 2 in a programme area, and
    declare its ``minimum_count`` as ``null`` (the schema allows null). Signed with the
    member's registered key, the hub answers 201 and stores the value 2, which the
    figures capability shows as "< 5". The floor FEDERATION_HUB_MINIMUM_COUNT is only
    applied to indicators the document declares a number for."""
    key, document = setup
    indicator = Indicator.objects.get(key="woninginbraak", municipality__isnull=True)
    assert DisclosureRule.from_json(indicator.disclosure).small_count_threshold == 5
    crafted = _craft(document, indicator, 2, None)
    response = _post(envelope_bytes(crafted, key))
    assert response.status_code == 422, response.content
    assert response.json()["error"] == "suppressed_value"
    stored = [f for d in PublishedDocument.objects.all() for a in d.payload["programme_areas"]
              for f in a["figures"] if f["indicator"] == "woninginbraak" and f.get("value") == 2]
    assert stored == []


@pytest.mark.django_db
def test_percentage_above_the_upper_bound_is_refused(setup):
    """Break: the shared indicator ``ervaren_gezondheid_pct`` has ``upper_percent`` 90 in
    the catalogue, so 95,0 % is shown as "> 90 %" (bounded, no number). A signed
    document carrying it as ``shown`` with value 95.0 is stored by the hub (201): the
    hub's disclosure check looks at minimum counts only, and the document format has no
    place for the bounds, so the hub never applies them."""
    key, document = setup
    indicator = Indicator.objects.get(key="ervaren_gezondheid_pct", municipality__isnull=True)
    rule = DisclosureRule.from_json(indicator.disclosure)
    assert rule.upper_percent == 90.0
    assert apply(rule, 95.0, denominator=10_000).value is None  # hidden by the rule
    crafted = _craft(document, indicator, 95.0, None)
    response = _post(envelope_bytes(crafted, key))
    assert response.status_code == 422, response.content
    assert json.loads(response.content)["error"] == "suppressed_value"
    assert PublishedDocument.objects.count() == 0


@pytest.mark.django_db
def test_a_document_dated_in_the_future_is_refused(setup):
    """Break: the hub's replay guard keeps only documents generated after the member's
    latest ``generated_at``, and takes that time from the document without bounding it.
    A signed document dated 2199 (a sender's wrong clock, or one bad run) is stored, and
    from then on every genuine document of that municipality is refused as "stale"
    (409): the hub shows the 2199 one as the latest for ever."""
    key, document = setup
    future = copy.deepcopy(document)
    future["generated_at"] = "2199-01-01T00:00:00.000000Z"
    first = _post(envelope_bytes(future, key))
    assert first.status_code in (400, 422), first.content
    assert PublishedDocument.objects.count() == 0


@pytest.mark.django_db
def test_withheld_figure_text_carrying_the_number_is_refused(setup):
    """Break: ``disclosure_check`` looks for a ``value`` key on a withheld figure only;
    its ``text`` is any string of up to 40 characters. A withheld ``woninginbraak``
    figure with text "3" (the count the rule hides as "< 5") is stored by the hub."""
    key, document = setup
    crafted = copy.deepcopy(document)
    figure = next(f for area in crafted["programme_areas"] for f in area["figures"]
                  if f["status"] == "shown")
    figure.clear()
    figure.update(indicator="woninginbraak", year=2024, status="withheld", reason="bounded",
                  text="3")
    response = _post(envelope_bytes(crafted, key))
    assert response.status_code == 422, response.content
    assert PublishedDocument.objects.count() == 0


@pytest.mark.django_db
def test_personal_data_in_a_practice_does_not_reach_the_hub(demo):
    """Break: a local practice's description is free text; an analyst notes the contact
    person in it. ``document.practice_descriptions`` publishes the text as is, and the
    hub stores it: neither side looks for personal data (an e-mail address and a mobile
    number here), although "never personal data" crosses to the hub."""
    from wijkregie.learning.models import LocalPractice

    PublishedDocument.objects.all().delete()
    practice = LocalPractice.objects.filter(municipality__programme_areas__isnull=False).first()
    municipality = practice.municipality
    key = member_with_key(municipality)
    practice.description = ("Aanpak met buurtcoach Jan de Vries, jan.devries@example.org, "
                            "06-12345678.")
    practice.save(update_fields=["description"])
    response = _post(envelope_bytes(build_document(municipality), key))
    stored = json.dumps([d.payload for d in PublishedDocument.objects.all()])
    assert "jan.devries@example.org" not in stored and "06-12345678" not in stored, \
        response.status_code
