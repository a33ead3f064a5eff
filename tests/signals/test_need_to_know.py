"""A zorgsignaal (shared only with social work and the GGD) never reaches the police:
not through list, detail, search, map, export or API."""

from __future__ import annotations

import pytest

from wijkregie.core.models import User
from wijkregie.signals import crypto, selectors
from wijkregie.signals.models import Signal
from wijkregie.signals.services import issue_partner_token

pytestmark = pytest.mark.django_db


def _care_signals():
    return Signal.objects.filter(category__key="zorgsignaal",
                                 municipality__code="GM9001").exclude(subjects=None)


def test_social_worker_sees_care_signals_police_does_not(demo, login):
    care = _care_signals()
    assert care.count() > 30  # the demo has plenty, so the police would have hit some
    worker = User.objects.get(username="hulpverlener")
    agent = User.objects.get(username="agent")
    assert selectors.signals_for(worker).filter(category__key="zorgsignaal").count() == \
        Signal.objects.filter(category__key="zorgsignaal", municipality__code="GM9001").count()
    assert not selectors.signals_for(agent).filter(category__key="zorgsignaal").exists()
    assert selectors.signals_for(agent).exists()  # the police does see other categories


def test_police_never_receives_a_care_signal_through_any_channel(demo, login):
    agent = login("agent")
    care = list(_care_signals()[:20])
    care_ids = {s.pk for s in care}
    person = care[0].subjects.first()
    identity = crypto.decrypt_identity(person.identity)
    other_signals_of_person = set(person.signals.exclude(category__key="zorgsignaal")
                                  .values_list("pk", flat=True))

    # list: every page
    page, seen = 1, set()
    while True:
        response = agent.get(f"/signals/list/?page={page}")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Zorgsignaal" not in body
        seen |= {s.pk for s in response.context["signals"]}
        if not response.context["has_next"]:
            break
        page += 1
    assert seen and not seen & care_ids
    assert not Signal.objects.filter(pk__in=seen, category__key="zorgsignaal").exists()
    # list filtered on the category itself: not a choice for the police
    filtered = agent.get("/signals/list/?category=zorgsignaal")
    assert filtered.context["form"].errors["category"]
    assert not {s.pk for s in filtered.context["signals"]} & care_ids
    assert all(s.category.key != "zorgsignaal" for s in filtered.context["signals"])
    # detail
    for signal in care[:5]:
        assert agent.get(f"/signals/{signal.pk}/").status_code == 404
    # search by the person of a care signal: only the person's non-care signals come back
    found = agent.get(f"/signals/search/?name={identity['name']}"
                      f"&date_of_birth={identity['date_of_birth']}")
    assert {s.pk for s in found.context["signals"]} == other_signals_of_person
    # map: markers and cells
    map_page = agent.get("/signals/map/")
    assert not {s.pk for s in map_page.context["markers"]} & care_ids
    assert "Zorgsignaal" not in map_page.content.decode()
    # export
    export = agent.get("/signals/export.csv").content.decode()
    assert ",zorgsignaal," not in export and ",overlast," in export
    # API with the police's session and with a police partner token
    api = agent.get("/api/signals/?limit=500&category=zorgsignaal").json()
    assert api["count"] == 0
    all_api = agent.get("/api/signals/?limit=500").json()
    assert all_api["count"] > 0
    assert not {row["id"] for row in all_api["results"]} & care_ids
    assert agent.get(f"/api/signals/{care[0].pk}/").status_code == 404
    police = User.objects.get(username="agent").organisation
    token = issue_partner_token(organisation=police, municipality=police.municipalities.first())
    client = agent.__class__()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get("/api/signals/?category=zorgsignaal", **headers).json()["count"] == 0
    assert client.get(f"/api/signals/{care[0].pk}/", **headers).status_code == 404


def test_care_signal_in_a_police_case_stays_hidden_from_the_police(demo, login):
    """Taking part in a case shows the case, not the signals the covenant keeps from you."""
    from wijkregie.signals.models import Case

    case = Case.objects.filter(participants__name__startswith="Politie").first()
    care = _care_signals().first()
    case.signals.add(care)
    response = login("agent").get(f"/signals/cases/{case.pk}/")
    assert response.status_code == 200
    assert care.pk not in {s.pk for s in response.context["signals"]}
    # One hidden signal: fewer than the minimum count, so not even counted (ADR 0027).
    assert response.context["hidden_count"] is None


def test_an_organisation_that_left_the_covenant_sees_nothing_despite_its_rules(demo):
    from wijkregie.signals.models import Covenant

    agent = User.objects.get(username="agent")
    covenant = Covenant.objects.get(municipality=agent.municipality)
    assert covenant.rules.filter(organisation=agent.organisation).exists()
    assert selectors.signals_for(agent).exists()
    covenant.participants.remove(agent.organisation)
    agent = User.objects.get(username="agent")  # a new request: no per-request cache
    assert selectors.covenant_purposes(agent) == {}
    assert not selectors.signals_for(agent).exists()
    other = User.objects.get(username="hulpverlener")  # still a participant
    assert selectors.signals_for(other).exists()


def test_an_organisation_that_left_the_covenant_no_longer_opens_its_cases(demo, login):
    """Participation in a case ends with covenant membership: not the list, not the
    page (title, purpose, history), not the API of any case action."""
    from wijkregie.signals.models import Case, Covenant

    case = Case.objects.filter(participants__name__startswith="Politie").first()
    agent = login("agent")
    assert agent.get(f"/signals/cases/{case.pk}/").status_code == 200
    assert case in agent.get("/signals/cases/").context["cases"]
    user = User.objects.get(username="agent")
    Covenant.objects.get(municipality=user.municipality).participants.remove(user.organisation)
    assert case.participants.filter(pk=user.organisation_id).exists()  # still recorded
    page = agent.get(f"/signals/cases/{case.pk}/")
    assert page.status_code == 404
    assert case.title not in page.content.decode() and case.purpose not in page.content.decode()
    assert list(agent.get("/signals/cases/").context["cases"]) == []
    assert agent.post(f"/signals/cases/{case.pk}/bundle/",
                      {"signal_ids": "1"}).status_code == 404
    assert not selectors.cases_for(User.objects.get(username="agent")).exists()
    # The organisation that leads the case keeps it while it takes part.
    assert login("casusregisseur").get(f"/signals/cases/{case.pk}/").status_code == 200
