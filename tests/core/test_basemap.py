"""The optional basemap: off by default (no tile server in the policy or the pages);
configured, its origin is the one image source added and the maps carry its URL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from wijkregie.core.basemap import tile_origin

PDOK = ("https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/"
        "{z}/{x}/{y}.png")


def test_tile_origin():
    assert tile_origin("") == ""
    assert tile_origin(PDOK) == "https://service.pdok.nl"
    with pytest.raises(ImproperlyConfigured):
        tile_origin("http://service.pdok.nl/{z}/{x}/{y}.png")
    with pytest.raises(ImproperlyConfigured):
        tile_origin("https://service.pdok.nl/tiles.png")


def test_off_by_default(settings):
    assert settings.BASEMAP_URL == ""
    assert "pdok" not in settings.CONTENT_SECURITY_POLICY
    assert "img-src 'self' data:;" in settings.CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_configured_basemap_reaches_the_maps(demo, login):
    client = login("regisseur")
    assert "data-basemap-url" not in client.get("/?overview=1").content.decode()
    with override_settings(BASEMAP_URL=PDOK, BASEMAP_ATTRIBUTION="Kaart: PDOK"):
        body = client.get("/?overview=1").content.decode()
        assert 'data-basemap-url="https://service.pdok.nl/brt/' in body
        assert 'data-basemap-attribution="Kaart: PDOK"' in body
