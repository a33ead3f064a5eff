"""The desk analysis, pre-filled for the plan area from the other capabilities'
selectors only: disclosed figures (figures selectors), saved hot spot locations with
their class, and published signal counts per category (signals aggregate feed, minimum
counts applied; never a single signal or person). The adviser edits the text after."""

from __future__ import annotations

from collections import Counter
from typing import Any

from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from wijkregie.areas.geometry import from_geojson
from wijkregie.core.models import User
from wijkregie.figures import selectors as figures
from wijkregie.hotspots.models import NamedLocation
from wijkregie.safety_advice.models import AdviceRequest
from wijkregie.signals.feeds import monthly_counts

MAX_HOTSPOTS = 20
_BAD_SHAPE = (GEOSException, KeyError, TypeError, ValueError, AttributeError)


def _shape(geometry: Any) -> BaseGeometry | None:
    if not geometry:
        return None
    try:
        shape = from_geojson(geometry)
    except _BAD_SHAPE:
        return None
    return None if shape.is_empty else shape


def plan_shape(request: AdviceRequest) -> BaseGeometry | None:
    """The plan area: the drawn polygon, else the chosen area, else the hot spot asked
    about."""
    for geometry in (request.geometry,
                     request.area.geometry if request.area is not None else None,
                     request.hotspot_location.geometry
                     if request.hotspot_location is not None else None):
        shape = _shape(geometry)
        if shape is not None:
            return shape
    return None


def plan_locations(request: AdviceRequest) -> list[tuple[NamedLocation, BaseGeometry | None]]:
    """The saved hot spot locations of the municipality inside or crossing the plan
    area (none when the plan area has no shape), by name, with their shapes."""
    plan = plan_shape(request)
    if plan is None:
        return []
    found = []
    for loc in NamedLocation.objects.filter(
            municipality_id=request.municipality_id).order_by("name", "pk"):
        shape = _shape(loc.geometry)
        try:
            inside = shape is not None and shape.intersects(plan)
        except _BAD_SHAPE:
            inside = False
        if inside or loc.pk == request.hotspot_location_id:
            found.append((loc, shape))
            if len(found) == MAX_HOTSPOTS:
                break
    return found


def plan_hotspots(request: AdviceRequest) -> list[dict[str, Any]]:
    return [{"name": loc.name, "class": loc.hotspot_class}
            for loc, _shape_ in plan_locations(request)]


def desk_analysis(user: User, request: AdviceRequest) -> dict[str, Any]:
    indicators: list[dict[str, Any]] = []
    if request.area is not None:
        known = {i.pk: i for i in figures.indicators_for(user)}
        for indicator_id, series in figures.observations(user, area=request.area).items():
            if indicator_id in known and series:
                last = series[-1]
                indicators.append({"key": known[indicator_id].key,
                                   "name": str(known[indicator_id]), "year": last.year,
                                   "shown": last.text, "value": last.value,
                                   "status": last.status})
    hotspots = plan_hotspots(request)
    signals: Counter[str] = Counter()
    if request.area is not None and user.has_perm("signals.view_signal"):
        for row in monthly_counts(municipality=request.municipality, viewer=None):
            if row.area_code == request.area.code and row.count is not None:
                signals[row.category_key] += row.count
    return {"indicators": sorted(indicators, key=lambda r: r["key"]), "hotspots": hotspots,
            "signals": dict(sorted(signals.items()))}


def desk_text(analysis: dict[str, Any]) -> str:
    lines = [f"{r['name']} ({r['year']}): {r['shown']}" for r in analysis["indicators"]]
    lines += [f"Hot spot {h['name']}: {h['class']}" for h in analysis["hotspots"]]
    lines += [f"Signals {k}: {v}" for k, v in analysis["signals"].items()]
    return "\n".join(lines)
