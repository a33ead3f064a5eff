"""Red team, spatial safety advice: the pre-filled desk analysis is not of the plan area.

Issue 15: "for the plan area the system gathers ... hot spots and their classes".
``safety_advice.desk.desk_analysis`` lists the first twenty saved hot spot locations of
the whole municipality by name, whatever their place, so the formal advice for one
buurt cites a hot spot on the other side of town as evidence (and may leave out the
one inside the plan area once there are more than twenty)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wijkregie.areas.geometry import from_geojson, geojson_geometry
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import User
from wijkregie.hotspots.models import NamedLocation
from wijkregie.safety_advice import services
from wijkregie.safety_advice.models import ScanTemplate

pytestmark = pytest.mark.django_db


def _location(municipality, name: str, shape) -> NamedLocation:
    small = shape.representative_point().buffer(0.0002).envelope
    return NamedLocation.objects.create(
        municipality=municipality, name=name, geometry=geojson_geometry(small),
        min_x=0, min_y=0, max_x=1, max_y=1, hotspot_class="new_hot_spot")


def test_desk_analysis_lists_only_hot_spots_in_the_plan_area(demo):
    adviser = User.objects.get(username="adviseur")
    buurten = list(Area.objects.filter(municipality=adviser.municipality,
                                       level=AreaLevel.BUURT, geometry__isnull=False))
    plan_area = buurten[0]
    plan_shape = from_geojson(plan_area.geometry)
    elsewhere = next(b for b in buurten[1:]
                     if not from_geojson(b.geometry).intersects(plan_shape.buffer(0.001)))
    _location(adviser.municipality, "Aaa hot spot elders in de stad",
              from_geojson(elsewhere.geometry))
    _location(adviser.municipality, "Aaa hot spot in het plangebied", plan_shape)
    advice = services.create_request(
        user=adviser, title="Pleintje", trigger="residence_space", requester="Team RO",
        plan_phase="sketch", due_date=date.today() + timedelta(days=30),
        template=ScanTemplate.objects.get(key="crow", municipality=None), area=plan_area)
    names = [h["name"] for h in advice.desk_analysis["hotspots"]]
    assert "Aaa hot spot in het plangebied" in names
    assert "Aaa hot spot elders in de stad" not in names
    assert "Aaa hot spot elders in de stad" not in advice.desk_text
