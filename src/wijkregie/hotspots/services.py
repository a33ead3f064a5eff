"""Writes of the hot spots capability: imports, analyses, named locations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import transaction

from wijkregie.areas.geometry import from_geojson, geojson_geometry, to_wgs84, transformer
from wijkregie.areas.models import ProgrammeArea
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User
from wijkregie.core.progress import Progress, no_progress
from wijkregie.hotspots import analysis as pipeline
from wijkregie.hotspots.incident_files import IncidentTable, read_incidents
from wijkregie.hotspots.models import (
    AnalysisStatus,
    HotspotAnalysis,
    Incident,
    IncidentDataSet,
    NamedLocation,
)
from wijkregie.hotspots.sources import Points, Source

BATCH = 5000


def store_incidents(*, table: IncidentTable, municipality: Municipality, name: str,
                    actor: User | None, is_demo: bool = False,
                    progress: Progress = no_progress) -> IncidentDataSet:
    """Save a checked incident table as one data set, in one transaction, in batches."""
    with transaction.atomic():
        data_set = IncidentDataSet.objects.create(
            municipality=municipality, name=name, source_file=table.source, crs=table.crs,
            date_precision=table.date_precision, n_incidents=len(table),
            n_without_location=len(table.rows_without_location), report=table.report(),
            imported_by=actor, is_demo=is_demo)
        dates = table.dates.astype(object)  # datetime.date objects for the ORM
        n = len(table)
        for start in range(0, n, BATCH):
            stop = min(start + BATCH, n)
            Incident.objects.bulk_create([
                Incident(data_set=data_set, x=float(table.x[i]), y=float(table.y[i]),
                         lon=float(table.lon[i]), lat=float(table.lat[i]), date=dates[i],
                         category=str(table.categories[i]))
                for i in range(start, stop)
            ], batch_size=BATCH)
            progress(0.8 + 0.2 * stop / n, f"saved {stop} of {n} incidents")
        audit.record(AuditAction.CREATE, actor=actor, obj=data_set,
                     detail={"file": table.source, "incidents": n,
                             "without_location": len(table.rows_without_location)})
    return data_set


def import_incident_file(*, path: Path, municipality: Municipality, name: str = "",
                         crs: str | None = None, columns: dict[str, str] | None = None,
                         actor: User | None = None, progress: Progress = no_progress
                         ) -> IncidentDataSet:
    """Read, check and store one incident file: all rows or nothing."""
    table = read_incidents(path, crs=crs, columns=columns, progress=progress)
    return store_incidents(table=table, municipality=municipality,
                           name=name or Path(path).stem, actor=actor, progress=progress)


@dataclass(frozen=True)
class AnalysisRequest:
    source: Source
    params: pipeline.AnalysisParams
    categories: list[str]
    start: date | None
    end: date | None
    programme_area: ProgrammeArea | None


def request_params(req: AnalysisRequest) -> dict[str, Any]:
    return {**req.params.as_dict(), "categories": req.categories,
            "start": req.start.isoformat() if req.start else None,
            "end": req.end.isoformat() if req.end else None}


def points_in_area(points: Points, programme_area: ProgrammeArea | None) -> Points:
    """Keep the points inside the programme area's buurten (all of them without one)."""
    if programme_area is None:
        return points
    shapes = [from_geojson(b.geometry) for b in programme_area.buurten.all() if b.geometry]
    if not shapes:
        raise ValueError("the programme area has no neighbourhood boundaries")
    project = transformer("EPSG:4326", points.crs).transform
    area = shapely.transform(shapely.union_all(shapes),
                             lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1])))
    inside = shapely.contains_xy(area, points.x, points.y)
    return Points(points.x[inside], points.y[inside], points.dates[inside], points.crs)


def create_analysis(*, municipality: Municipality, req: AnalysisRequest,
                    actor: User | None) -> HotspotAnalysis:
    """Record a new analysis (status running); :func:`compute_analysis` fills it."""
    with transaction.atomic():
        record = HotspotAnalysis.objects.create(
            municipality=municipality, programme_area=req.programme_area,
            source=req.source.key, data_set=req.source.data_set, method=req.params.method,
            params=request_params(req) | {"suppress_below": req.source.suppress_below},
            created_by=actor)
        audit.record(AuditAction.CREATE, actor=actor, obj=record,
                     detail={"method": record.method, "source": record.source})
    return record


def compute_analysis(*, record: HotspotAnalysis, source: Source,
                     progress: Progress = no_progress) -> HotspotAnalysis:
    """Run the pipeline for a recorded analysis and store its result (or its error)."""
    params = record.params
    try:
        points = source.points(
            categories=params.get("categories") or None,
            start=date.fromisoformat(params["start"]) if params.get("start") else None,
            end=date.fromisoformat(params["end"]) if params.get("end") else None)
        points = points_in_area(points, record.programme_area)
        result = pipeline.run_analysis(points.x, points.y, points.dates,
                                       pipeline.AnalysisParams.from_dict(params),
                                       crs=points.crs, progress=progress)
    except ValueError as exc:
        with transaction.atomic():
            HotspotAnalysis.objects.filter(pk=record.pk).update(
                status=AnalysisStatus.FAILED, error=str(exc))
        record.refresh_from_db()
        raise
    with transaction.atomic():
        HotspotAnalysis.objects.filter(pk=record.pk).update(status=AnalysisStatus.DONE,
                                                            result=result, error="")
    record.refresh_from_db()
    return record


def connected_cells(result: dict[str, Any], cell_id: int) -> list[int]:
    """The cell and all cells of the same class joined to it by edges or corners."""
    cells = {c["id"]: c for c in result["cells"]}
    if cell_id not in cells:
        raise ValueError(f"cell {cell_id} is not part of this analysis")
    nx = result["grid"]["shape"][1]
    wanted = cells[cell_id]["class"]
    seen, todo = {cell_id}, [cell_id]
    while todo:
        row, col = divmod(todo.pop(), nx)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                r, c = row + dr, col + dc
                other = r * nx + c
                if 0 <= c < nx and r >= 0 and other not in seen and \
                        cells.get(other, {}).get("class") == wanted:
                    seen.add(other)
                    todo.append(other)
    return sorted(seen)


def save_named_location(*, analysis: HotspotAnalysis, cell_id: int, name: str,
                        cluster: bool, actor: User | None) -> NamedLocation:
    """Save one cell, or its cluster of adjacent cells of the same class, under a name."""
    result = analysis.result
    name = name.strip()
    if not name:
        raise ValueError("give the location a name")
    if NamedLocation.objects.filter(municipality=analysis.municipality, name=name).exists():
        raise ValueError(f"a location named {name!r} already exists")
    ids = connected_cells(result, cell_id) if cluster else [cell_id]
    if not cluster and cell_id not in {c["id"] for c in result["cells"]}:
        raise ValueError(f"cell {cell_id} is not part of this analysis")
    g = result["grid"]
    size = g["cell_size"]
    nx = g["shape"][1]
    boxes = []
    for cid in ids:
        row, col = divmod(cid, nx)
        x0, y0 = g["origin"][0] + col * size, g["origin"][1] + row * size
        boxes.append(shapely.box(x0, y0, x0 + size, y0 + size))
    shape = shapely.union_all(boxes)
    min_x, min_y, max_x, max_y = shape.bounds
    code = next(c["class"] for c in result["cells"] if c["id"] == cell_id)
    with transaction.atomic():
        location = NamedLocation.objects.create(
            municipality=analysis.municipality, name=name,
            geometry=geojson_geometry(to_wgs84(shape, result["crs"])), crs=result["crs"],
            min_x=min_x, min_y=min_y, max_x=max_x, max_y=max_y, analysis=analysis,
            params={**analysis.params, "method": analysis.method, "source": analysis.source},
            hotspot_class=pipeline.class_name(result, code), cell_ids=ids, created_by=actor)
        audit.record(AuditAction.CREATE, actor=actor, obj=location,
                     detail={"analysis": analysis.pk, "cells": len(ids)})
    return location
