"""The home page shows what each role does first (issue 17): the partner worker its
recent signals and cases, the analyst its imports and analyses; the area director, the
safety adviser and the programme viewer go to their app's index once it exists."""

from __future__ import annotations

import pytest
from django.urls import reverse as django_reverse

from wijkregie.core.models import Job, User
from wijkregie.signals import selectors as signal_selectors

pytestmark = pytest.mark.django_db


def test_partner_worker_sees_its_recent_signals_and_cases(demo, login):
    client = login("agent")
    response = client.get("/")
    assert response.status_code == 200
    partner = response.context["partner"]
    agent = User.objects.get(username="agent")
    # The login fixture's session has passed the second factor.
    assert partner["verified"]
    newest = signal_selectors.signals_for(agent).order_by("-observed_on", "-pk").first()
    assert newest is not None and newest.pk in {s.pk for s in partner["signals"]}
    assert partner["signals_total"] == signal_selectors.signals_for(agent).count()
    assert f"S-{newest.pk}" in response.content.decode()
    assert {c.pk for c in partner["cases"]} <= set(
        signal_selectors.cases_for(agent).values_list("pk", flat=True))
    assert "analyst" not in response.context


def test_partner_worker_sees_the_open_agreements_its_organisation_owns(demo, login):
    from wijkregie.regie.models_intervention import Agreement, AgreementStatus

    agent = User.objects.get(username="agent")
    own = Agreement.objects.filter(owner=agent.organisation).exclude(
        status=AgreementStatus.DONE)
    assert own.exists(), "the demo case plan has an open police agreement"
    response = login("agent").get("/")
    shown = response.context["partner"]["agreements"]
    assert {a.pk for a in shown} == set(own.values_list("pk", flat=True))
    body = response.content.decode()
    first = shown[0]
    assert f"/regie/cases/{first.plan.case_id}/plan/" in body
    # The agreement's text stays on the audited case plan page.
    assert first.description not in body
    # Another organisation's agreements and done ones are not listed.
    others = Agreement.objects.exclude(pk__in=[a.pk for a in shown])
    assert others.exists()
    assert all(f">A-{a.pk}<" not in body for a in others)
    # An organisation that left the covenant's case no longer lists them.
    for agreement in own:
        agreement.plan.case.participants.remove(agent.organisation)
    assert login("agent").get("/").context["partner"]["agreements"] == []


def test_analyst_sees_its_jobs_and_analyses(demo, login):
    analist = User.objects.get(username="analist")
    job = Job.objects.create(kind="import_figures", created_by=analist,
                             municipality=analist.municipality)
    Job.objects.create(kind="import_figures", created_by=User.objects.get(username="regisseur"))
    response = login("analist").get("/")
    analyst = response.context["analyst"]
    assert analyst["jobs"][0].pk == job.pk
    assert all(j.created_by_id == analist.pk for j in analyst["jobs"])
    assert "partner" not in response.context
    body = response.content.decode()
    assert f"/jobs/{job.pk}/" in body
    for analysis in analyst["mkba"]:
        assert f"/impact/{analysis.pk}/" in body
    # The municipality map stays one link away, for every role.
    overview = login("analist").get("/?overview=1")
    assert "analyst" not in overview.context and overview.context["wijken"]
    assert 'class="map"' in overview.content.decode()


def test_area_director_of_one_programme_area_starts_on_its_area_picture(demo, login):
    from wijkregie.areas.models import ProgrammeArea

    regisseur = User.objects.get(username="regisseur")
    (area,) = ProgrammeArea.objects.filter(municipality=regisseur.municipality)
    client = login("regisseur")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == django_reverse(
        "regie:picture", args=[area.municipality.code, area.slug])
    assert client.get(response["Location"]).status_code == 200
    # With a second programme area the plans page, which lists both, is the start.
    ProgrammeArea.objects.create(municipality=regisseur.municipality, name="Tweede",
                                 slug="tweede")
    assert client.get("/")["Location"] == django_reverse("regie:index")


@pytest.mark.parametrize(("username", "url_name", "perm"), [
    ("adviseur", "safety_advice:index", "safety_advice.view_advice"),
    ("programma", "learning:index", "learning.view_practice"),
])
def test_role_goes_to_its_app(demo, login, monkeypatch, username, url_name, perm):
    client = login(username)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == django_reverse(url_name)
    assert client.get(response["Location"]).status_code == 200
    # Without the app's permission the role is not sent to a page it cannot open.
    original = User.has_perm
    monkeypatch.setattr(User, "has_perm",
                        lambda self, p, obj=None: p != perm and original(self, p, obj))
    assert client.get("/").status_code == 200
    # The overview stays reachable.
    assert client.get("/?overview=1").status_code == 200
