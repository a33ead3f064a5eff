"""Every signals page renders for a user who may use it (Dutch by default)."""

from __future__ import annotations

import pytest

from wijkregie.signals.models import Case, Signal

pytestmark = pytest.mark.django_db


def test_pages_render_for_partner_worker_and_case_director(demo, login):
    worker = login("hulpverlener")
    signal = Signal.objects.filter(category__key="zorgsignaal").first()
    for url in ["/signals/", "/signals/map/", "/signals/list/", "/signals/search/",
                "/signals/register/", f"/signals/{signal.pk}/", "/signals/cases/",
                "/signals/export.csv", "/signals/groups/", "/signals/groups/new/"]:
        response = worker.get(url)
        assert response.status_code == 200, url
    director = login("casusregisseur")
    case = Case.objects.first()
    for url in [f"/signals/cases/{case.pk}/", f"/signals/cases/{case.pk}/access-log/",
                "/signals/cases/new/"]:
        assert director.get(url).status_code == 200, url
    admin = login("beheerder")
    assert admin.get("/signals/subjects/").status_code == 200


def test_aggregate_pages_for_programme_viewer(demo, login):
    client = login("programma")
    page = client.get("/signals/")
    assert page.status_code == 200
    assert "Signalen per maand" in page.content.decode()
    assert client.get("/signals/map/").status_code == 200
    assert client.get("/signals/list/").status_code == 403


def test_administrator_manages_covenant_and_tokens_in_admin(demo, login):
    client = login("beheerder")
    assert client.get("/admin/signals/covenant/").status_code == 200
    from wijkregie.signals.models import Covenant

    covenant = Covenant.objects.first()
    page = client.get(f"/admin/signals/covenant/{covenant.pk}/change/")
    assert page.status_code == 200 and "zorg en ondersteuning" in page.content.decode()
    assert client.get("/admin/signals/category/").status_code == 200
    assert client.get("/admin/signals/partnertoken/").status_code == 200
    assert login("agent").get("/admin/signals/covenant/").status_code == 302  # not staff
