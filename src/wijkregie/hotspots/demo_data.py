"""Demo incidents and a ready emerging hot spot analysis per demo programme area.

Incidents are synthetic: a thin background over the whole town plus clusters around
fictional spots in its buurten, each with its own course over 36 months (steady,
emerging, intensifying, fading, new), so the emerging hot spot map shows several
classes at once. All in RD New metres, from the context's seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from wijkregie.areas.geometry import from_geojson, to_rd, transformer
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import Municipality
from wijkregie.demo.loader import DEMO_YEAR, DemoContext, demo_step
from wijkregie.hotspots import services
from wijkregie.hotspots.analysis import AnalysisParams
from wijkregie.hotspots.incident_files import RD_NEW, IncidentTable
from wijkregie.hotspots.sources import data_set_source

MONTHS = 36
FIRST_MONTH = np.datetime64(f"{DEMO_YEAR - 2}-01", "M")
CATEGORIES = ("woninginbraak", "fietsdiefstal", "vernieling", "overlast jeugd",
              "straatroof")
# Demo towns with incidents; at national scale the others stay empty to keep loading fast.
TOWNS_WITH_INCIDENTS = 4
DEMO_CELL_SIZE = 200.0


@dataclass(frozen=True)
class Course:
    """Expected incidents per month of one cluster, over ``MONTHS`` months."""

    name: str
    rates: NDArray[np.float64]


def _courses() -> list[Course]:
    t = np.arange(MONTHS) / (MONTHS - 1)
    return [
        Course("steady", np.full(MONTHS, 6.0)),
        Course("intensifying", 2.0 + 10.0 * t),
        Course("emerging", np.where(t > 0.6, 3.0 + 20.0 * (t - 0.6), 0.2)),
        Course("fading", 10.0 * (1 - t) ** 2 + 0.1),
        Course("new", np.where(np.arange(MONTHS) >= MONTHS - 3, 9.0, 0.0)),
    ]


def _points_in(rng: np.random.Generator, shape: shapely.Geometry, n: int
               ) -> NDArray[np.float64]:
    min_x, min_y, max_x, max_y = shape.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        cand = rng.uniform((min_x, min_y), (max_x, max_y), size=(2 * n + 8, 2))
        out = np.vstack([out, cand[shapely.contains_xy(shape, cand[:, 0], cand[:, 1])]])
    return out[:n]


def town_incidents(rng: np.random.Generator, town: shapely.Geometry,
                   focus: list[shapely.Geometry], others: list[shapely.Geometry]
                   ) -> IncidentTable:
    """Background plus one cluster per course: those in ``focus`` buurten first."""
    months = np.arange(MONTHS)
    xs, ys, ts, cats = [], [], [], []
    background = rng.poisson(45, MONTHS)
    for month, n in zip(months, background, strict=True):
        pts = _points_in(rng, town, int(n))
        xs.append(pts[:, 0])
        ys.append(pts[:, 1])
        ts.append(np.full(int(n), month))
        cats.append(rng.choice(CATEGORIES, int(n)))
    courses = _courses()
    hosts = (focus + others)[:len(courses)] + others[len(courses):len(courses) + 2]
    for index, host in enumerate(hosts):
        course = courses[index % len(courses)]
        centre = _points_in(rng, host, 1)[0]
        main_category = CATEGORIES[index % len(CATEGORIES)]
        for month in months:
            n = int(rng.poisson(course.rates[month]))
            xs.append(centre[0] + rng.normal(0, 90, n))
            ys.append(centre[1] + rng.normal(0, 90, n))
            ts.append(np.full(n, month))
            cats.append(np.where(rng.random(n) < 0.7, main_category,
                                 rng.choice(CATEGORIES, n)))
    x, y = np.concatenate(xs), np.concatenate(ys)
    month_index = np.concatenate(ts)
    # A day within the month, so weekly periods also work on the demo data.
    days = (FIRST_MONTH + month_index).astype("datetime64[D]") + rng.integers(0, 28, x.size)
    lon, lat = transformer(RD_NEW, "EPSG:4326").transform(x, y)
    return IncidentTable(
        source="demo (synthetisch)", crs=RD_NEW, x=x, y=y, lon=np.asarray(lon),
        lat=np.asarray(lat), dates=days.astype("datetime64[D]"),
        categories=np.concatenate(cats).astype(str), date_precision="day",
        columns={"x": "x", "y": "y", "date": "date", "category": "category"})


def _rd_shapes(municipality: Municipality, **filters: object) -> list[shapely.Geometry]:
    areas = Area.objects.filter(municipality=municipality, **filters).exclude(geometry=None)
    return [to_rd(from_geojson(a.geometry)) for a in areas.order_by("code")]


@demo_step(order=60)
def build_incidents(context: DemoContext) -> None:
    for municipality in context.municipalities[:TOWNS_WITH_INCIDENTS]:
        town = _rd_shapes(municipality, level=AreaLevel.GEMEENTE)[0]
        programme_areas = [p for p in context.programme_areas
                           if p.municipality_id == municipality.pk]
        focus_ids = {b.pk for p in programme_areas for b in p.buurten.all()}
        buurten = list(Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT)
                       .exclude(geometry=None).order_by("code"))
        focus = [to_rd(from_geojson(b.geometry)) for b in buurten if b.pk in focus_ids]
        others = [to_rd(from_geojson(b.geometry)) for b in buurten if b.pk not in focus_ids]
        # Spread the clusters: a random choice of buurten rather than the first ones.
        focus = [focus[i] for i in context.rng.permutation(len(focus))[:3]]
        others = [others[i] for i in context.rng.permutation(len(others))[:4]]
        table = town_incidents(context.rng, town, focus, others)
        data_set = services.store_incidents(
            table=table, municipality=municipality, is_demo=True, actor=None,
            name=f"Incidenten {municipality.name} (demo)")
        source = data_set_source(data_set)
        for programme_area in programme_areas:
            record = services.create_analysis(
                municipality=municipality, actor=None,
                req=services.AnalysisRequest(
                    source=source, params=AnalysisParams(method="emerging",
                                                         cell_size=DEMO_CELL_SIZE),
                    categories=[], start=None, end=None, programme_area=programme_area))
            services.compute_analysis(record=record, source=source)
