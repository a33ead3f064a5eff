"""Users of one municipality never see another's protected data, by page or by query."""

from __future__ import annotations

import pytest

from wijkregie.areas import selectors
from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.core.models import AuditAction, AuditEvent, User

pytestmark = pytest.mark.django_db


def _other_programme_area(user: User) -> ProgrammeArea:
    return ProgrammeArea.objects.exclude(municipality=user.municipality).first()


def test_programme_area_of_other_municipality_is_404_by_page(demo, login):
    user = User.objects.get(username="regisseur")
    own = ProgrammeArea.objects.get(municipality=user.municipality)
    other = _other_programme_area(user)
    client = login("regisseur")
    assert client.get(f"/programmes/{own.municipality.code}/{own.slug}/").status_code == 200
    response = client.get(f"/programmes/{other.municipality.code}/{other.slug}/")
    assert response.status_code == 404
    assert other.name not in response.content.decode()
    denied = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert denied.object_id == str(other.pk)


def test_programme_area_of_other_municipality_is_absent_from_queries(demo):
    user = User.objects.get(username="regisseur")
    visible = selectors.programme_areas_for(user)
    assert visible.exists()
    assert not visible.exclude(municipality=user.municipality).exists()


def test_programme_viewer_sees_no_programme_area(demo, login):
    viewer = User.objects.get(username="programma")
    assert not selectors.programme_areas_for(viewer).exists()
    pa = ProgrammeArea.objects.first()
    response = login("programma").get(f"/programmes/{pa.municipality.code}/{pa.slug}/")
    assert response.status_code in (403, 404)


def test_area_page_of_other_municipality_is_404(demo, login):
    user = User.objects.get(username="regisseur")
    own = Area.objects.filter(municipality=user.municipality, level="wijk").first()
    other = Area.objects.exclude(municipality=user.municipality).filter(level="wijk").first()
    client = login("regisseur")
    assert client.get(f"/areas/{own.code}/").status_code == 200
    assert client.get(f"/areas/{other.code}/").status_code == 404
    assert not selectors.areas_for(user).filter(pk=other.pk).exists()


def test_second_municipality_user_is_isolated_the_other_way(demo, login):
    user = User.objects.get(username="regisseur2")
    first = User.objects.get(username="regisseur").municipality
    assert user.municipality != first
    pa = ProgrammeArea.objects.get(municipality=first)
    assert login("regisseur2").get(f"/programmes/{first.code}/{pa.slug}/").status_code == 404


def test_home_shows_only_own_municipality(demo, login):
    user = User.objects.get(username="regisseur")
    page = login("regisseur").get("/?overview=1").content.decode()
    own_wijk = Area.objects.filter(municipality=user.municipality, level="wijk").first()
    other_wijk = Area.objects.exclude(municipality=user.municipality).filter(level="wijk").first()
    assert own_wijk.code in page
    assert other_wijk.code not in page


def test_anonymous_is_sent_to_login(demo, client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert client.get("/areas/GM9001/").status_code == 302
