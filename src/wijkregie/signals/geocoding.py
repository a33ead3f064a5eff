"""Locating a registration without an external service: the address points (BAG) and
the neighbourhoods (buurten) the municipality imported are the gazetteer, and a map
click arrives in WGS84.

A typed place is first read as an address ("Kade 4", "9001 AB 4") and looked up in the
municipality's imported addresses (``wijkregie import-addresses``; signal addresses are
stored encrypted and are never searched); the point is the address point. Otherwise it
is matched against the names and CBS codes of the newest buurten and wijken, and the
point is the area's representative point (always inside it). The buurt of a point is
found by the registration's Locator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely

from wijkregie.areas.addresses import find_addresses
from wijkregie.areas.geometry import RD_NEW, WGS84, from_geojson, to_rd, transformer
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import Municipality
from wijkregie.signals.services import Locator


def wgs84_to_rd(lat: float, lon: float) -> tuple[float, float]:
    x, y = transformer(WGS84, RD_NEW).transform(lon, lat)
    return round(float(x), 1), round(float(y), 1)


def _newest(municipality: Municipality, level: str) -> list[Area]:
    areas = list(Area.objects.filter(municipality=municipality, level=level)
                 .exclude(geometry__isnull=True).order_by("-year", "code"))
    newest = areas[0].year if areas else None
    return [a for a in areas if a.year == newest]


@dataclass(frozen=True)
class Place:
    area: Area
    x_rd: float
    y_rd: float
    address: str = ""  # the address found, when the place was typed as one


def find_place(municipality: Municipality, text: str) -> list[Place]:
    """The addresses that `text` names (within a buurt), else the buurten (then wijken)
    whose code equals or whose name contains `text`: an exact match first, at most ten."""
    needle = text.strip().casefold()
    if not needle:
        return []
    addresses = find_addresses(municipality, text)
    if addresses:
        locator = Locator(municipality)
        located = [(address, locator.area_at(address.x_rd, address.y_rd))
                   for address in addresses]
        return [Place(area=area, x_rd=address.x_rd, y_rd=address.y_rd, address=address.label)
                for address, area in located if area is not None]
    found: list[Area] = []
    for level in (AreaLevel.BUURT, AreaLevel.WIJK):
        areas = _newest(municipality, level)
        exact = [a for a in areas if needle in (a.code.casefold(), a.name.casefold())]
        partial = [a for a in areas if needle in a.name.casefold() and a not in exact]
        found += exact + partial
    places = []
    for area in found[:10]:
        point = shapely.point_on_surface(to_rd(from_geojson(area.geometry)))
        places.append(Place(area=area, x_rd=round(point.x, 1), y_rd=round(point.y, 1)))
    return places


def buurt_features(municipality: Municipality) -> dict[str, Any]:
    """The newest buurten as GeoJSON for the pick-a-point map (name and code only)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": area.geometry,
         "properties": {"name": area.name, "code": area.code}}
        for area in _newest(municipality, AreaLevel.BUURT)]}
