"""Plausible fictional municipal geography: an irregular town outline cut into buurten
(Voronoi cells of random points) grouped into wijken. Pure: numpy and shapely only.

Towns are laid out in RD New metres inside the Dutch grid so that everything else
(pyproj conversions, 125 m hot spot cells, surfaces) behaves as with real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from wijkregie.demo.names import buurt_names, wijk_names

# Lower-left of the band where demo towns are placed (RD New metres), 25 km apart.
RD_ORIGIN = (110_000.0, 400_000.0)
TOWN_SPACING_M = 25_000.0
TOWNS_PER_ROW = 8


@dataclass
class DemoBuurt:
    code: str
    name: str
    geometry: BaseGeometry  # RD New


@dataclass
class DemoWijk:
    code: str
    name: str
    geometry: BaseGeometry  # RD New
    buurten: list[DemoBuurt]


@dataclass
class DemoTown:
    code: str  # GM9xxx: outside CBS's range, so demo codes never clash with real ones
    name: str
    geometry: BaseGeometry  # RD New
    wijken: list[DemoWijk]


def town_centre(index: int) -> tuple[float, float]:
    row, col = divmod(index, TOWNS_PER_ROW)
    return (RD_ORIGIN[0] + col * TOWN_SPACING_M, RD_ORIGIN[1] + row * TOWN_SPACING_M)


def town_outline(rng: np.random.Generator, centre: tuple[float, float],
                 radius_m: float) -> Polygon:
    """A star-shaped outline whose radius wanders smoothly around ``radius_m``."""
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    harmonics = sum(rng.normal(0, 0.08) * np.cos(k * angles + rng.uniform(0, 2 * np.pi))
                    for k in range(1, 5))
    radii = radius_m * (1 + harmonics)
    xs = centre[0] + radii * np.cos(angles)
    ys = centre[1] + radii * np.sin(angles)
    return Polygon(np.column_stack([xs, ys])).buffer(0)


def _points_inside(rng: np.random.Generator, outline: Polygon, count: int) -> np.ndarray:
    min_x, min_y, max_x, max_y = outline.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        candidates = rng.uniform((min_x, min_y), (max_x, max_y), size=(count * 2, 2))
        inside = shapely.contains_xy(outline, candidates[:, 0], candidates[:, 1])
        points.extend(map(tuple, candidates[inside]))
    return np.array(points[:count])


def build_town(index: int, code: str, name: str, rng: np.random.Generator,
               n_buurten: int, n_wijken: int) -> DemoTown:
    radius = 600.0 * np.sqrt(n_buurten)  # about 1.1 km² per buurt
    outline = town_outline(rng, town_centre(index), radius)
    seeds = _points_inside(rng, outline, n_buurten)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline)
    # Voronoi cells come back in arbitrary order; match each to its seed point.
    by_seed = {}
    for cell in cells.geoms:
        clipped = cell.intersection(outline)
        for i in np.flatnonzero(shapely.contains_xy(cell, seeds[:, 0], seeds[:, 1])):
            by_seed[int(i)] = clipped
    wijk_of = _group_into_wijken(rng, seeds, n_wijken)
    w_names, b_names = wijk_names(rng, n_wijken), buurt_names(rng, n_buurten)
    number = code[2:]
    wijken = []
    buurt_index = 0
    for w in range(n_wijken):
        members = sorted(np.flatnonzero(wijk_of == w), key=lambda i: (-seeds[i, 1], seeds[i, 0]))
        buurten = []
        for b, i in enumerate(members):
            buurten.append(DemoBuurt(code=f"BU{number}{w:02d}{b:02d}", name=b_names[buurt_index],
                                     geometry=by_seed[int(i)]))
            buurt_index += 1
        geometry = shapely.union_all([b.geometry for b in buurten])
        wijken.append(DemoWijk(code=f"WK{number}{w:02d}", name=w_names[w],
                               geometry=geometry, buurten=buurten))
    return DemoTown(code=code, name=name, geometry=outline, wijken=wijken)


def _group_into_wijken(rng: np.random.Generator, seeds: np.ndarray, n_wijken: int) -> np.ndarray:
    """Contiguous-ish groups: a few rounds of k-means on the buurt seed points."""
    centres = seeds[rng.choice(len(seeds), n_wijken, replace=False)]
    for _ in range(8):
        distance = np.linalg.norm(seeds[:, None, :] - centres[None, :, :], axis=2)
        labels = distance.argmin(axis=1)
        for k in range(n_wijken):
            if np.any(labels == k):
                centres[k] = seeds[labels == k].mean(axis=0)
    labels = np.linalg.norm(seeds[:, None, :] - centres[None, :, :], axis=2).argmin(axis=1)
    # Every wijk needs a buurt: give an empty one the buurt nearest its centre.
    for k in range(n_wijken):
        if not np.any(labels == k):
            labels[np.linalg.norm(seeds - centres[k], axis=1).argmin()] = k
    return labels


def point_in(geometry: BaseGeometry) -> Point:
    return geometry.representative_point()
