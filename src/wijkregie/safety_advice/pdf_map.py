"""The map of the advice PDF: the plan area, the buurten it touches, the hot spot
locations of the desk analysis and the photo positions, drawn with reportlab graphics
in RD New metres (one scale for x and y, so nothing is distorted; no tiles, no network).

Only what the advice already holds is drawn: areas, saved hot spot locations and the
adviser's photo positions, never a signal."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics.shapes import Circle, Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from shapely import make_valid
from shapely.errors import GEOSException
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from wijkregie.areas.geometry import from_geojson, to_rd
from wijkregie.safety_advice.desk import plan_locations, plan_shape
from wijkregie.safety_advice.models import Advice, Photo
from wijkregie.safety_advice.regie_link import request_buurten

MAP_WIDTH, MAP_HEIGHT, LEGEND_HEIGHT = 16 * cm, 11 * cm, 2.2 * cm
MARGIN = 0.4 * cm
MIN_EXTENT_M = 100.0  # a point-like plan area still gets a readable map
PHOTO_REACH_M = 1000.0  # photos further from the mapped areas are counted, not drawn
# EPSG:28992's bounds (min x, min y, max x, max y): a shape outside lies off the grid
# (a vertex at latitude 1000 even becomes infinite) and is counted, not drawn.
RD_BOUNDS = (-7000.0, 289000.0, 300000.0, 629000.0)
# Solid light fills under dark outlines: readable in print and without transparency.
PLAN, PLAN_FILL = colors.HexColor("#1f4e9c"), colors.HexColor("#dbe6f6")
BUURT = colors.HexColor("#555555")
HOTSPOT, HOTSPOT_FILL = colors.HexColor("#b03020"), colors.HexColor("#f4c7c0")
PHOTO = colors.HexColor("#1b6e35")


@dataclass(frozen=True)
class Frame:
    """RD New metres → drawing points with one scale for both axes."""

    scale: float  # points per metre
    origin_x: float  # RD x at the drawing's offset_x
    origin_y: float
    offset_x: float
    offset_y: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (self.offset_x + (x - self.origin_x) * self.scale,
                self.offset_y + (y - self.origin_y) * self.scale)


def frame_for(bounds: tuple[float, float, float, float], width: float, height: float,
              margin: float = 0.0, min_extent: float = MIN_EXTENT_M) -> Frame:
    """The largest scale at which ``bounds`` (RD metres) fits the box inside
    ``margin``, centred; an extent under ``min_extent`` is widened around its centre."""
    min_x, min_y, max_x, max_y = bounds
    span_x, span_y = max(max_x - min_x, min_extent), max(max_y - min_y, min_extent)
    centre_x, centre_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    scale = min(inner_w / span_x, inner_h / span_y)
    return Frame(scale=scale, origin_x=centre_x - span_x / 2, origin_y=centre_y - span_y / 2,
                 offset_x=margin + (inner_w - span_x * scale) / 2,
                 offset_y=margin + (inner_h - span_y * scale) / 2)


def rings(geom_rd: BaseGeometry, frame: Frame) -> list[list[float]]:
    """Every ring (outer and holes) of the polygons in ``geom_rd`` as a flat list
    x1, y1, x2, y2 … of drawing coordinates, as reportlab's Polygon takes it."""
    out = []
    for part in getattr(geom_rd, "geoms", [geom_rd]):
        if part.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
            if part.geom_type != "Polygon":
                out += rings(part, frame)
                continue
            for ring in [part.exterior, *part.interiors]:
                out.append([v for x, y in ring.coords for v in frame.point(x, y)])
    return out


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``metres`` (a scale bar's length)."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def length_text(metres: float) -> str:
    return f"{metres / 1000:g} km".replace(".", ",") if metres >= 1000 else f"{metres:g} m"


@dataclass
class MapLayers:
    """The advice's geometries in RD New metres."""

    plan: BaseGeometry | None
    buurten: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    hotspots: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    photos: list[tuple[int, Point]] = field(default_factory=list)  # number as in the list
    photos_left_out: int = 0
    hotspots_left_out: int = 0
    plan_undrawable: bool = False  # the plan area has a geometry the map cannot draw


def _on_grid(bounds: tuple[float, float, float, float]) -> bool:
    min_x, min_y, max_x, max_y = bounds
    grid_x0, grid_y0, grid_x1, grid_y1 = RD_BOUNDS
    return grid_x0 <= min_x and max_x <= grid_x1 and grid_y0 <= min_y and max_y <= grid_y1


def drawable(geom_wgs84: BaseGeometry) -> BaseGeometry | None:
    """``geom_wgs84`` in RD New, repaired when it crosses itself; None when it cannot be
    drawn: empty, with a vertex that is not a finite number, off the RD grid or invalid
    after repair."""
    try:
        geom = to_rd(geom_wgs84)
        if (geom.is_empty or not np.isfinite(shapely.get_coordinates(geom)).all()
                or not _on_grid(geom.bounds)):
            return None
        if not geom.is_valid:
            geom = make_valid(geom)
    except (GEOSException, ValueError):
        return None
    return geom if geom.is_valid and not geom.is_empty else None


def map_layers(advice: Advice, photos: list[Photo]) -> MapLayers:
    """The layers of ``advice``; ``photos`` numbered 1… as the PDF lists them."""
    request = advice.request
    shape = plan_shape(request)
    if shape is None:
        return MapLayers(plan=None)
    plan = drawable(shape)
    if plan is None:
        return MapLayers(plan=None, plan_undrawable=True)
    layers = MapLayers(plan=plan)
    buurten = ((b.name, drawable(from_geojson(b.geometry)))
               for b in request_buurten(request).filter(geometry__isnull=False)
               .order_by("name"))
    layers.buurten = [(name, geom) for name, geom in buurten if geom is not None]
    for loc, location_shape in plan_locations(request):
        geom = drawable(location_shape) if location_shape is not None else None
        if geom is None:
            layers.hotspots_left_out += 1
        else:
            layers.hotspots.append((loc.name, geom))
    mapped = unary_union([layers.plan, *(g for _n, g in layers.buurten),
                          *(g for _n, g in layers.hotspots)])
    for number, photo in enumerate(photos, 1):
        if photo.lat is None or photo.lon is None:
            continue
        point = to_rd(Point(photo.lon, photo.lat))
        if mapped.distance(point) <= PHOTO_REACH_M:
            layers.photos.append((number, point))
        else:
            layers.photos_left_out += 1
    return layers


def _polygons(drawing: Drawing, geom: BaseGeometry, frame: Frame, *,
              stroke: colors.Color | None, width: float = 1.0,
              fill: colors.Color | None = None) -> None:
    """The polygons of ``geom``; its points (a location saved as a point) as squares."""
    for points in rings(geom, frame):
        drawing.add(Polygon(points, strokeColor=stroke, strokeWidth=width, fillColor=fill))
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Point":
            x, y = frame.point(part.x, part.y)
            drawing.add(Rect(x - 3, y - 3, 6, 6, fillColor=stroke or fill,
                             strokeColor=stroke or fill))


def _scale_bar(drawing: Drawing, frame: Frame) -> None:
    metres = nice_length(MAP_WIDTH * 0.25 / frame.scale)
    x, y = MARGIN, LEGEND_HEIGHT + MARGIN
    length = metres * frame.scale
    drawing.add(Rect(x, y, length, 4, fillColor=colors.black, strokeColor=colors.black))
    drawing.add(Rect(x + length / 2, y, length / 2, 4, fillColor=colors.white,
                     strokeColor=colors.black))
    drawing.add(String(x, y + 7, "0", fontSize=7))
    drawing.add(String(x + length, y + 7, length_text(metres), fontSize=7, textAnchor="middle"))


def _north_arrow(drawing: Drawing) -> None:
    x, top = MAP_WIDTH - MARGIN - 8, LEGEND_HEIGHT + MAP_HEIGHT - MARGIN
    drawing.add(Polygon([x, top, x - 6, top - 18, x, top - 13, x + 6, top - 18],
                        fillColor=colors.black, strokeColor=colors.black))
    drawing.add(String(x, top - 28, "N", fontSize=9, textAnchor="middle"))


def _legend(drawing: Drawing) -> None:
    entries = [(_("Plan area"), PLAN, PLAN_FILL), (_("Buurt boundary"), BUURT, None),
               (_("Hot spot location"), HOTSPOT, HOTSPOT_FILL),
               (_("Photo position (number as in the list of photos)"), PHOTO, "dot")]
    drawing.add(String(0, LEGEND_HEIGHT - 12, _("Legend"), fontName="Helvetica-Bold",
                       fontSize=8))
    for index, (label, colour, fill) in enumerate(entries):
        x, y = (index % 2) * MAP_WIDTH / 2, LEGEND_HEIGHT - 28 - (index // 2) * 14
        if fill == "dot":
            drawing.add(Circle(x + 6, y + 3, 3.5, fillColor=colour, strokeColor=colors.white))
        else:
            drawing.add(Rect(x, y, 12, 7, strokeColor=colour, strokeWidth=1.5, fillColor=fill))
        drawing.add(String(x + 18, y, label, fontSize=8))


def map_drawing(layers: MapLayers) -> Drawing:
    """The map with its legend under it; ``layers.plan`` must be set."""
    drawing = Drawing(MAP_WIDTH, MAP_HEIGHT + LEGEND_HEIGHT)
    drawing.add(Rect(0, LEGEND_HEIGHT, MAP_WIDTH, MAP_HEIGHT, strokeColor=colors.black,
                     fillColor=colors.white, strokeWidth=0.5))
    extent = unary_union([layers.plan, *(g for _n, g in layers.buurten),
                          *(g for _n, g in layers.hotspots), *(p for _n, p in layers.photos)])
    frame = frame_for(extent.bounds, MAP_WIDTH, MAP_HEIGHT, margin=MARGIN)
    frame = replace(frame, offset_y=frame.offset_y + LEGEND_HEIGHT)  # above the legend
    for points in rings(layers.plan, frame):  # the fill first, its outline on top
        drawing.add(Polygon(points, strokeColor=None, fillColor=PLAN_FILL))
    for _name, hotspot in layers.hotspots:
        _polygons(drawing, hotspot, frame, stroke=HOTSPOT, width=1.2, fill=HOTSPOT_FILL)
    for _name, buurt in layers.buurten:  # over the fills, so every boundary shows
        _polygons(drawing, buurt, frame, stroke=BUURT, width=0.6)
    _polygons(drawing, layers.plan, frame, stroke=PLAN, width=1.8)
    if len(layers.buurten) <= 12:  # names only where they stay readable
        for name, buurt in layers.buurten:
            spot = buurt.representative_point()
            x, y = frame.point(spot.x, spot.y)
            drawing.add(String(x, y, name, fontSize=6, fillColor=BUURT, textAnchor="middle"))
    for number, point in layers.photos:
        x, y = frame.point(point.x, point.y)
        drawing.add(Circle(x, y, 3.5, fillColor=PHOTO, strokeColor=colors.white))
        drawing.add(String(x + 5, y + 2, str(number), fontName="Helvetica-Bold",
                           fontSize=7, fillColor=colors.black))
    _scale_bar(drawing, frame)
    _north_arrow(drawing)
    _legend(drawing)
    return drawing


def map_caption(layers: MapLayers) -> str:
    text = _("Map of the plan area: the buurten it touches (%(b)d), the hot spot locations "
             "of the desk analysis (%(h)d) and the positions of the photos (%(p)d). "
             "Projection RD New (EPSG:28992); the scale bar is in metres.") % {
        "b": len(layers.buurten), "h": len(layers.hotspots), "p": len(layers.photos)}
    if layers.hotspots_left_out:
        text += " " + ngettext(
            "%(n)d hot spot location has a geometry that cannot be drawn and is not drawn.",
            "%(n)d hot spot locations have a geometry that cannot be drawn and are not "
            "drawn.", layers.hotspots_left_out) % {"n": layers.hotspots_left_out}
    if layers.photos_left_out:
        text += " " + ngettext(
            "%(n)d photo lies more than 1 km from the plan area and is not drawn.",
            "%(n)d photos lie more than 1 km from the plan area and are not drawn.",
            layers.photos_left_out) % {"n": layers.photos_left_out}
    return text
