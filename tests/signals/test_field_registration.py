"""Registration in the field: a map point (WGS84) or a found neighbourhood gives the
buurt; several persons per signal go through the same pseudonymisation service."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import shapely

from wijkregie.areas.geometry import from_geojson, to_rd
from wijkregie.areas.models import Area
from wijkregie.core.models import User
from wijkregie.signals import geocoding
from wijkregie.signals.models import Signal

pytestmark = pytest.mark.django_db
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
BASE = {"category": "overlast", "pillar": "safety", "observed_on": YESTERDAY,
        "description": "Overlast bij de speeltuin", "reliability": "own",
        "sensitivity": "normal", "register": "1"}


def _buurt(user: User) -> Area:
    features = geocoding.buurt_features(user.municipality)["features"]
    assert features, "the demo municipality has buurten"
    return Area.objects.filter(code=features[0]["properties"]["code"]).order_by("-year").first()


def test_a_map_point_in_wgs84_finds_the_buurt(demo, login):
    agent = login("agent")
    buurt = _buurt(User.objects.get(username="agent"))
    point = shapely.point_on_surface(from_geojson(buurt.geometry))
    response = agent.post("/signals/register/", BASE | {"lat": point.y, "lon": point.x},
                          follow=True)
    assert response.status_code == 200
    signal = response.context["signal"]
    assert signal.area.code == buurt.code
    inside = to_rd(from_geojson(buurt.geometry))
    assert inside.contains(shapely.Point(signal.x_rd, signal.y_rd))


def test_typed_coordinates_win_over_a_stale_map_point(demo, login):
    agent = login("agent")
    buurt = _buurt(User.objects.get(username="agent"))
    rd = shapely.point_on_surface(to_rd(from_geojson(buurt.geometry)))
    response = agent.post("/signals/register/", BASE | {
        "x_rd": rd.x, "y_rd": rd.y, "lat": 0, "lon": 0}, follow=True)
    signal = response.context["signal"]
    assert (round(signal.x_rd), round(signal.y_rd)) == (round(rd.x), round(rd.y))
    assert signal.area.code == buurt.code


def test_find_by_name_fills_area_and_point_and_saves_nothing(demo, login):
    agent = login("agent")
    buurt = _buurt(User.objects.get(username="agent"))
    before = Signal.objects.count()
    response = agent.post("/signals/register/", BASE | {"place": buurt.name.upper(),
                                                        "locate": "1"})
    assert response.status_code == 200
    assert Signal.objects.count() == before
    form = response.context["form"]
    assert form["area_code"].value() == buurt.code
    rd = to_rd(from_geojson(buurt.geometry))
    assert rd.contains(shapely.Point(float(form["x_rd"].value()), float(form["y_rd"].value())))
    missing = agent.post("/signals/register/", BASE | {"place": "Nergensland", "locate": "1"})
    assert Signal.objects.count() == before
    assert missing.context["located"] == []
    assert 'utrecht-alert--error" role="alert"' in missing.content.decode()


def test_several_persons_on_one_signal(demo, login):
    agent = login("agent")
    response = agent.post("/signals/register/", BASE | {
        "address": "Teststraat 1",
        "person_name": "Eerste Fictief", "person_date_of_birth": "1980-01-01",
        "person2_name": "Tweede Fictief", "person2_date_of_birth": "1990-02-02",
        "person3_bsn": "123"}, follow=True)
    # The third slot has data but no name: nothing is saved and the field is named.
    assert Signal.objects.filter(description=BASE["description"]).count() == 0
    assert response.context["form"].errors["person3_name"]
    response = agent.post("/signals/register/", BASE | {
        "address": "Teststraat 1",
        "person_name": "Eerste Fictief", "person_date_of_birth": "1980-01-01",
        "person2_name": "Tweede Fictief", "person2_date_of_birth": "1990-02-02"},
        follow=True)
    signal = response.context["signal"]
    assert signal.subjects.count() == 2
    assert len({s.ref for s in signal.subjects.all()}) == 2
