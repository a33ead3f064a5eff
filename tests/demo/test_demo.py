from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.core.roles import ROLE_PERMISSIONS
from wijkregie.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def _fingerprint() -> str:
    rows = Area.objects.order_by("code").values_list("code", "name", "geometry")
    return hashlib.sha256(json.dumps(list(rows), sort_keys=True).encode()).hexdigest()


def test_same_seed_gives_same_data_and_other_seed_differs(db):
    load_demo(seed=7, scale="test")
    first = _fingerprint()
    load_demo(seed=7, scale="test", replace=True)
    assert _fingerprint() == first
    load_demo(seed=8, scale="test", replace=True)
    assert _fingerprint() != first


def test_demo_is_fictional_and_complete(demo):
    municipalities = Municipality.objects.all()
    assert len(municipalities) == 2 and all(m.is_demo for m in municipalities)
    assert all(m.code.startswith("GM9") for m in municipalities)  # outside CBS's codes
    roles_with_user = set(User.objects.values_list("groups__name", flat=True))
    assert set(ROLE_PERMISSIONS) <= roles_with_user
    for municipality in municipalities:
        assert ProgrammeArea.objects.filter(municipality=municipality).count() == 1
        wijken = Area.objects.filter(municipality=municipality, level="wijk")
        assert wijken.count() == 4
        buurten = Area.objects.filter(municipality=municipality, level="buurt")
        assert buurten.count() == 24
        assert not buurten.filter(parent__isnull=True).exists()


def test_buurten_tile_their_town_without_overlap(demo):
    municipality = Municipality.objects.first()
    gemeente = Area.objects.get(municipality=municipality, level="gemeente")
    buurten = [shape(b.geometry) for b in Area.objects.filter(municipality=municipality,
                                                              level="buurt")]
    assert all(b.is_valid and b.area > 0 for b in buurten)
    total = sum(b.area for b in buurten)
    assert total == pytest.approx(shape(gemeente.geometry).area, rel=1e-3)
    surfaces = Area.objects.filter(municipality=municipality, level="buurt").values_list(
        "surface_m2", flat=True)
    assert 0.2e6 < sum(surfaces) / len(surfaces) < 3e6  # plausible buurten: ~1 km²


def test_loading_twice_needs_replace(demo):
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo", "load", "--seed", "1")


def test_if_empty_leaves_existing_data_alone(demo, capsys):
    call_command("demo", "load", "--if-empty")
    assert "already present" in capsys.readouterr().out
    assert Municipality.objects.count() == 2


def test_every_page_says_synthetic_demo_data(demo, login):
    client = login("regisseur")
    wijk = Area.objects.filter(level="wijk", municipality__code="GM9001").first()
    for url in ("/", f"/areas/{wijk.code}/", "/login/"):
        page = client.get(url, follow=True).content.decode()
        assert "demodata" in page.lower(), url
