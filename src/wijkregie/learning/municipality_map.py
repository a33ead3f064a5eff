"""A small server-rendered SVG map of municipalities (programme view and hub page).

Drawn from the areas register's boundaries (GeoJSON in WGS84, projected to RD New with
``areas.geometry`` as the rest of the platform does), simplified to the map's scale.
Like the figures charts it is decorative for screen readers (``aria-hidden``): the page
puts the same municipalities, numbered as on the map, in a table beside it with the
links. No JavaScript and no tiles: the page stays within its Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import shapely
from django.utils.safestring import SafeString, mark_safe
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from wijkregie.areas.geometry import to_rd
from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality
from wijkregie.figures.charts import PALETTE

WIDTH, HEIGHT, MARGIN = 360, 400, 12


@dataclass(frozen=True)
class MapPlace:
    """One municipality on the map: ``number`` is its label on the map and in the
    table; ``geometry`` its boundary (GeoJSON, WGS84), None when the register has none."""

    number: int
    code: str
    name: str
    geometry: dict[str, Any] | None


def boundaries(municipalities: Sequence[Municipality]) -> dict[int, dict[str, Any]]:
    """The latest gemeente boundary per municipality; failing that, the union of its
    buurten that have one (an installation may have imported buurten only)."""
    result: dict[int, dict[str, Any]] = {}
    ids = [m.pk for m in municipalities]
    for area in (Area.objects.filter(municipality_id__in=ids, level=AreaLevel.GEMEENTE,
                                     geometry__isnull=False)
                 .order_by("municipality_id", "-year").only("municipality_id", "geometry")):
        result.setdefault(area.municipality_id, area.geometry)
    missing = [pk for pk in ids if pk not in result]
    if missing:
        parts: dict[int, list[BaseGeometry]] = {}
        for area in Area.objects.filter(municipality_id__in=missing, level=AreaLevel.BUURT,
                                        geometry__isnull=False).only("municipality_id",
                                                                     "geometry"):
            parts.setdefault(area.municipality_id, []).append(shape(area.geometry))
        for pk, shapes in parts.items():
            result[pk] = shapely.geometry.mapping(shapely.union_all(shapes))
    return result


def _polygons(geom: BaseGeometry) -> list[BaseGeometry]:
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def svg(places: Sequence[MapPlace], label: str) -> SafeString:
    """The map: every place with a boundary filled and numbered; empty when none has
    one (the table beside it still lists them all)."""
    drawn = [(p, to_rd(shape(p.geometry))) for p in places if p.geometry]
    drawn = [(p, g) for p, g in drawn if not g.is_empty]
    if not drawn:
        return mark_safe("")  # nosec B308 # nothing to draw
    x0, y0, x1, y1 = shapely.union_all([g.envelope for _, g in drawn]).bounds
    scale = min((WIDTH - 2 * MARGIN) / ((x1 - x0) or 1), (HEIGHT - 2 * MARGIN) / ((y1 - y0) or 1))

    def px(x: float, y: float) -> str:
        return f"{MARGIN + (x - x0) * scale:.1f},{HEIGHT - MARGIN - (y - y0) * scale:.1f}"

    shapes, labels = [], []
    for place, geom in drawn:
        simple = geom.simplify(1.5 / scale)  # one and a half pixels: invisible detail goes
        rings = [ring for polygon in _polygons(simple)
                 for ring in (polygon.exterior, *polygon.interiors)]
        path = " ".join("M" + " L".join(px(x, y) for x, y in ring.coords) + " Z"
                        for ring in rings)
        shapes.append(f'<path d="{path}" fill="{PALETTE[0]}" fill-opacity="0.55" '
                      f'stroke="#ffffff" stroke-width="1" fill-rule="evenodd"/>')
        point = geom.representative_point()
        x, y = px(point.x, point.y).split(",")
        labels.append(f'<text x="{x}" y="{y}" font-size="12" font-weight="bold" '
                      f'text-anchor="middle" dominant-baseline="middle" fill="#000000" '
                      f'stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                      f'{place.number}</text>')
    return mark_safe(  # nosec B308, B703 # numbers and escape()d text only
        f'<svg class="municipality-map" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" aria-hidden="true" focusable="false" '
        f'data-label="{escape(label)}">{"".join(shapes)}{"".join(labels)}</svg>')


def programme_places(programme_areas: Sequence[ProgrammeArea]
                     ) -> list[tuple[MapPlace, list[ProgrammeArea]]]:
    """Each municipality with programme areas, numbered in the given order, with its
    areas (the table's links into the programme view)."""
    grouped: dict[Municipality, list[ProgrammeArea]] = {}
    for programme_area in programme_areas:
        grouped.setdefault(programme_area.municipality, []).append(programme_area)
    shapes = boundaries(list(grouped))
    return [(MapPlace(number, m.code, m.name, shapes.get(m.pk)), areas)
            for number, (m, areas) in enumerate(grouped.items(), start=1)]


def hub_places(codes: Sequence[str]) -> dict[str, MapPlace]:
    """The hub's members that published, numbered in the given order; a boundary where
    this instance's register has the municipality (the demo: every member)."""
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
    shapes = boundaries(list(municipalities.values()))
    result = {}
    for number, code in enumerate(codes, start=1):
        municipality = municipalities.get(code)
        result[code] = MapPlace(number, code, municipality.name if municipality else code,
                                shapes.get(municipality.pk) if municipality else None)
    return result
