"""Accessible base layout, Dutch by default with English available."""

from __future__ import annotations

import re

import pytest

from wijkregie.areas.models import Area

pytestmark = pytest.mark.django_db


def test_base_layout_has_landmarks_skip_link_and_labels(demo, login):
    page = login("regisseur").get("/?overview=1").content.decode()
    assert '<html lang="nl"' in page
    assert re.search(r'<a class="utrecht-skip-link[^"]*" href="#main">', page)
    assert '<main id="main"' in page and "<header" in page and "<nav" in page
    assert "<footer" in page
    assert 'for="language-select"' in page  # every form control is labelled


def test_home_has_map_and_area_list(demo, login):
    page = login("regisseur").get("/?overview=1").content.decode()
    assert 'class="map"' in page and "leaflet/leaflet.js" in page
    assert 'id="map-data"' in page
    assert page.count("/areas/WK9001") >= 4  # the keyboard-usable list of wijken


def test_interface_is_dutch_by_default_and_english_on_request(demo, login):
    client = login("regisseur")
    assert "Uitloggen" in client.get("/?overview=1").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log out" in client.get("/?overview=1").content.decode()


def test_area_page_shows_children_and_map(demo, login):
    wijk = Area.objects.filter(municipality__code="GM9001", level="wijk").first()
    page = login("regisseur").get(f"/areas/{wijk.code}/").content.decode()
    for buurt in wijk.children.all():
        assert buurt.code in page
    assert 'id="map-data"' in page


def test_static_assets_are_served_without_cdn(demo, client):
    page = client.get("/login/").content.decode()
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page)
    for asset in ("leaflet/leaflet.js", "wijkregie/site.css", "wijkregie/map.js"):
        assert client.get(f"/static/{asset}").status_code == 200, asset
    assert client.get("/static/django_htmx/htmx-2.min.js").status_code == 200
