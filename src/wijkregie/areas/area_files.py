"""Reading area boundary files (GeoJSON and TopoJSON) into validated features.

Pure parsing: no database. Every problem names the file and the feature, and a file
with any problem yields no features at all (the caller imports nothing).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from wijkregie.areas.geometry import RD_NEW, WGS84, to_wgs84

CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
LEVEL_BY_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
CODE_KEYS = ("statcode", "code", "GM_CODE", "WK_CODE", "BU_CODE", "gemeentecode",
             "wijkcode", "buurtcode")
NAME_KEYS = ("statnaam", "name", "naam", "GM_NAAM", "WK_NAAM", "BU_NAAM", "gemeentenaam",
             "wijknaam", "buurtnaam")
YEAR_KEYS = ("jaar", "year")
# CRS names that mean plain lon/lat, and those meaning RD New.
WGS84_CRS_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                   "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"}
RD_CRS_NAMES = {"EPSG:28992", "urn:ogc:def:crs:EPSG::28992"}


class AreaFileError(ValueError):
    """A problem in an area file; the message names the file and the feature."""


@dataclass(frozen=True)
class AreaFeature:
    code: str
    name: str
    level: str
    year: int | None
    geometry: BaseGeometry  # WGS84 lon/lat
    source: str  # "file, feature N" for messages
    repaired: str = ""  # what was invalid, when the geometry was repaired

    @property
    def parent_code(self) -> str | None:
        if self.level == "wijk":
            return "GM" + self.code[2:6]
        if self.level == "buurt":
            return "WK" + self.code[2:8]
        return None

    @property
    def gemeente_code(self) -> str:
        return "GM" + self.code[2:6]


# Longitude/latitude box around the Netherlands and Belgium (with the Wadden islands and
# a margin of some kilometres): a boundary outside it is almost always a file with
# longitude and latitude swapped (a gemeente at longitude 52) or in another CRS.
NL_BE_LON = (2.3, 7.4)
NL_BE_LAT = (49.3, 53.8)

# A repair may drop slivers from a self-intersecting ring, but no more than this share.
MAX_REPAIR_SURFACE_CHANGE = 0.01


def read_area_file(path: Path, year: int | None = None,
                   repair: bool = True) -> list[AreaFeature]:
    """Parse one GeoJSON or TopoJSON file into features, or raise AreaFileError.

    Published boundaries are often simplified, which leaves small self-intersections.
    With ``repair`` such polygons are made valid (``shapely.make_valid``) when that
    changes the surface by at most 1 %, and the feature says so; anything else that is
    invalid (unclosed or too short rings, a repair that would change the shape) is an
    error.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AreaFileError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AreaFileError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise AreaFileError(f"{path}: expected a GeoJSON or TopoJSON object")
    kind = document.get("type")
    if kind == "Topology":
        raw_features = topojson_features(document, path)
        source_crs = WGS84
    elif kind == "FeatureCollection":
        raw_features = document.get("features")
        if not isinstance(raw_features, list):
            raise AreaFileError(f"{path}: FeatureCollection without a 'features' list")
        source_crs = _geojson_crs(document, path)
    else:
        raise AreaFileError(f"{path}: type {kind!r} is neither FeatureCollection nor Topology")
    if not raw_features:
        raise AreaFileError(f"{path}: contains no features")
    features = [_feature(path, i, f, source_crs, year, repair)
                for i, f in enumerate(raw_features)]
    _reject_duplicates(path, features)
    return features


def _geojson_crs(document: dict[str, Any], path: Path) -> str:
    crs = document.get("crs")
    if crs is None:
        return WGS84
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if name in WGS84_CRS_NAMES:
        return WGS84
    if name in RD_CRS_NAMES:
        return RD_NEW
    raise AreaFileError(
        f"{path}: unknown CRS {name!r}; use WGS84 (CRS84/EPSG:4326) or RD New (EPSG:28992)")


def _first(props: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return value
    return None


def _feature(path: Path, index: int, raw: Any, source_crs: str,
             year: int | None, repair: bool) -> AreaFeature:
    where = f"{path.name}, feature {index + 1}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise AreaFileError(f"{where}: not a GeoJSON Feature")
    props = raw.get("properties") or {}
    code = _first(props, CODE_KEYS) or raw.get("id")
    if not code:
        raise AreaFileError(f"{where}: no area code (expected one of {', '.join(CODE_KEYS)})")
    code = str(code).strip().upper()
    where = f"{path.name}, feature {index + 1} ({code})"
    level = LEVEL_BY_PREFIX.get(code[:2])
    if level is None or not CODE_PATTERNS[level].match(code):
        raise AreaFileError(f"{where}: {code!r} is not a CBS code (GM0000, WK000000, BU00000000)")
    name = _first(props, NAME_KEYS)
    if not name:
        raise AreaFileError(f"{where}: no name (expected one of {', '.join(NAME_KEYS)})")
    geometry, repaired = _geometry(raw, where, source_crs, repair)
    return AreaFeature(
        code=code, name=str(name).strip(), level=level,
        year=year or _year_of(props, where), geometry=geometry, source=where,
        repaired=repaired,
    )


def _year_of(props: dict[str, Any], where: str) -> int | None:
    jrstatcode = props.get("jrstatcode")
    if isinstance(jrstatcode, str) and re.match(r"^\d{4}", jrstatcode):
        return int(jrstatcode[:4])
    value = _first(props, YEAR_KEYS)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AreaFileError(f"{where}: year {value!r} is not a number") from None


def _geometry(raw: dict[str, Any], where: str, source_crs: str,
              repair: bool) -> tuple[BaseGeometry, str]:
    geometry = raw.get("geometry")
    if not geometry:
        raise AreaFileError(f"{where}: no geometry")
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise AreaFileError(f"{where}: geometry type {geometry.get('type')!r} is not a polygon")
    _check_rings_closed(geometry, where)
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise AreaFileError(f"{where}: malformed geometry ({exc})") from None
    if geom.is_empty:
        raise AreaFileError(f"{where}: empty geometry")
    if source_crs == RD_NEW:
        geom = to_wgs84(geom)
    min_x, min_y, max_x, max_y = geom.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise AreaFileError(
            f"{where}: coordinates are not longitude/latitude; declare the CRS "
            "(e.g. EPSG:28992 for RD New) in the file's 'crs' member")
    if not (NL_BE_LON[0] <= min_x and max_x <= NL_BE_LON[1]
            and NL_BE_LAT[0] <= min_y and max_y <= NL_BE_LAT[1]):
        swapped = (NL_BE_LON[0] <= min_y and max_y <= NL_BE_LON[1]
                   and NL_BE_LAT[0] <= min_x and max_x <= NL_BE_LAT[1])
        hint = ("longitude and latitude look swapped (GeoJSON is longitude first)"
                if swapped else "check the coordinates and the CRS")
        raise AreaFileError(
            f"{where}: lies outside the Netherlands and Belgium (longitude {min_x:.4f} to "
            f"{max_x:.4f}, latitude {min_y:.4f} to {max_y:.4f}); {hint}")
    if geom.is_valid:
        return geom, ""
    problem = explain_validity(geom)
    if not repair:
        raise AreaFileError(f"{where}: invalid geometry ({problem})")
    fixed = _polygonal_part(shapely.make_valid(geom))
    # GEOS measures an invalid polygon by the shoelace formula; a bow-tie cancels out.
    if fixed.is_empty or abs(fixed.area - geom.area) > \
            MAX_REPAIR_SURFACE_CHANGE * max(geom.area, 1e-12):
        raise AreaFileError(f"{where}: invalid geometry ({problem}) that cannot be repaired "
                            "without changing its shape")
    return fixed, problem


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _check_rings_closed(geometry: dict[str, Any], where: str) -> None:
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    raise AreaFileError(f"{where}: a ring has {len(ring)} points; at least 4 "
                                        "(closed) are required")
                if list(ring[0][:2]) != list(ring[-1][:2]):
                    raise AreaFileError(f"{where}: a ring is not closed (first point "
                                        f"{ring[0]} differs from last {ring[-1]})")
    except (TypeError, IndexError, KeyError):
        raise AreaFileError(f"{where}: malformed coordinates") from None


def _reject_duplicates(path: Path, features: list[AreaFeature]) -> None:
    seen: dict[tuple[str, int | None], str] = {}
    for feature in features:
        key = (feature.code, feature.year)
        if key in seen:
            raise AreaFileError(f"{feature.source}: duplicate code, also in {seen[key]}")
        seen[key] = feature.source


# --- TopoJSON ----------------------------------------------------------------

def topojson_features(topology: dict[str, Any], path: Path) -> list[dict[str, Any]]:
    """Decode every object of a TopoJSON topology into GeoJSON features.

    Arcs may be quantized and delta-encoded (``transform``); a negative arc index ~i
    means arc i reversed. Rings are built by chaining arcs, dropping each arc's first
    point after the first since it repeats the previous arc's last point.
    """
    arcs = _decode_arcs(topology, path)
    features: list[dict[str, Any]] = []
    objects = topology.get("objects")
    if not isinstance(objects, dict) or not objects:
        raise AreaFileError(f"{path}: Topology without objects")
    for obj in objects.values():
        geometries = obj.get("geometries", [obj]) if obj.get("type") == "GeometryCollection" \
            else [obj]
        for index, geom in enumerate(geometries):
            where = f"{path.name}, geometry {index + 1}"
            features.append({
                "type": "Feature",
                "id": geom.get("id"),
                "properties": geom.get("properties") or {},
                "geometry": _topo_geometry(geom, arcs, where),
            })
    return features


def _decode_arcs(topology: dict[str, Any], path: Path) -> list[list[list[float]]]:
    raw_arcs = topology.get("arcs")
    if not isinstance(raw_arcs, list):
        raise AreaFileError(f"{path}: Topology without arcs")
    transform_ = topology.get("transform")
    if transform_ is None:
        return [[[float(c) for c in p[:2]] for p in arc] for arc in raw_arcs]
    (sx, sy), (tx, ty) = transform_["scale"], transform_["translate"]
    decoded = []
    for arc in raw_arcs:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append([x * sx + tx, y * sy + ty])
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[list[list[float]]], where: str) -> list[list[float]]:
    ring: list[list[float]] = []
    for i in indexes:
        try:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        except (IndexError, TypeError):
            raise AreaFileError(f"{where}: refers to arc {i}, which does not exist") from None
        ring.extend(arc if not ring else arc[1:])
    return ring


def _topo_geometry(geom: dict[str, Any], arcs: list[list[list[float]]],
                   where: str) -> dict[str, Any] | None:
    kind = geom.get("type")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(r, arcs, where) for r in geom["arcs"]]}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [[_ring(r, arcs, where) for r in poly] for poly in geom["arcs"]]}
    if kind is None:
        return None
    return {"type": kind}
