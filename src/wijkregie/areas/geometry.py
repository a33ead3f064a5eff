"""Geometry helpers: WGS84 ↔ RD New (EPSG:28992), validation, extents, surfaces."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
RD_NEW = "EPSG:28992"


@lru_cache(maxsize=8)
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _reproject(geom: BaseGeometry, source: str, target: str) -> BaseGeometry:
    project = transformer(source, target).transform

    def convert(xy: np.ndarray) -> np.ndarray:
        x, y = project(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, convert)


def to_rd(geom: BaseGeometry) -> BaseGeometry:
    return _reproject(geom, WGS84, RD_NEW)


def to_wgs84(geom: BaseGeometry, source: str = RD_NEW) -> BaseGeometry:
    return _reproject(geom, source, WGS84)


def surface_m2(geom_wgs84: BaseGeometry) -> float:
    """Surface in square metres, measured in RD New (the Dutch national grid)."""
    return float(to_rd(geom_wgs84).area)


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """Plain-JSON GeoJSON mapping (lists, not tuples) for storage."""
    return shapely.geometry.mapping(geom) | {}


def from_geojson(geometry: dict[str, Any]) -> BaseGeometry:
    return shape(geometry)
